"""Pages: front matter, titles, dates, Markdown rendering and its by-products.

Everything is read back from a real ``sitegen build`` of
``tests/sites/content_blog``, whose templates print each page attribute.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from content_support import build, build_copy, find, hrefs, parse, text, write

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="module")
def blog(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of building content_blog once, without drafts or future posts."""
    return build_copy(tmp_path_factory, "content_blog")[0]


def facts(out: Path, slug: str) -> dict[str, str]:
    document = parse(out / "blog" / slug / "index.html")
    return {dd.get("id"): text(dd) for dd in find(document, ".//dl[@class='facts']")
            if dd.tag == "dd"}  # type: ignore[misc]


#: hello-world's words: CommonMark reads Python-Markdown's own syntax there
#: (``[TOC]``, ``!!! note``, ``*[HTML]:``, ``{: .lead }``) as prose.
WORDS = {"markdown": "73", "commonmark": "86"}


def test_front_matter_and_file_name_give_the_page_attributes(blog, markdown_engine):
    assert facts(blog, "hello-world") == {
        "path": "2024-03-10-hello-world",
        "slug": "hello-world",  # the date prefix is not part of the slug
        "date": "2024-03-10",  # taken from the file name
        "updated": "none",
        "series": "basics",  # any front matter key reads as an attribute
        "words": WORDS[markdown_engine],
        "reading-time": "1",
        "flags": "",
    }
    document = parse(blog / "blog/hello-world/index.html")
    assert text(find(document, ".//h1")) == "Hello, World"
    assert [text(li) for li in find(document, ".//ul[@class='tags']")] == ["python", "web"]
    assert text(find(document, ".//div[@class='summary']")) == \
        "The first post, in which things begin."


def test_datetimes_updated_dates_and_comma_separated_tags(blog):
    found = facts(blog, "second-post")
    assert found["date"] == "2024-05-01T10:30:00"
    assert found["updated"] == "2024-06-01"
    document = parse(blog / "blog/second-post/index.html")
    assert [text(li) for li in find(document, ".//ul[@class='tags']")] == ["python", "testing"]


def test_title_falls_back_to_the_first_heading_then_the_file_name(blog):
    deep = parse(blog / "blog/deep-dive/index.html")
    assert text(find(deep, ".//title")) == "Deep Dive Into Things"
    assert facts(blog, "deep-dive")["path"] == "nested/deep-dive"
    untitled = parse(blog / "blog/untitled-note/index.html")
    assert text(find(untitled, ".//title")) == "Untitled note"


def test_summary_is_the_first_paragraph_with_its_links_resolved(blog):
    document = parse(blog / "blog/second-post/index.html")
    summary = find(document, ".//div[@class='summary']")
    assert text(summary) == \
        "This paragraph is the summary of the second post, with a link back."
    assert hrefs(summary) == ["/blog/hello-world/"]


def test_a_byte_order_mark_is_tolerated(blog):
    document = parse(blog / "blog/bom-post/index.html")
    assert text(find(document, ".//h1")) == "Ünïcödé post"
    assert facts(blog, "bom-post")["date"] == "2023-01-01"


def test_markdown_extensions_render(blog):
    document = parse(blog / "blog/hello-world/index.html")
    content = find(document, ".//div[@class='content']")
    code = find(content, ".//div[@class='highlight']/pre/code")
    assert [text(s) for s in code.findall("span[@class='k']")] == ["def", "return"]
    assert find(content, ".//table/thead/tr/th[2]").get("style") == "text-align: right;"
    assert find(content, ".//sup[@id='fnref:note']/a").get("href") == "#fn:note"
    assert text(find(content, ".//li[@id='fn:note']/p")).startswith("The footnote text.")
    assert text(find(content, ".//dl/dd")) == "Its definition."
    raw = find(content, ".//div[@class='raw-block']")
    assert text(find(raw, "b")) == "HTML"
    heading = find(content, ".//h2[@id='setup']")
    assert find(heading, "a[@class='headerlink']").get("href") == "#setup"


@pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)  # Python-Markdown's own
def test_python_markdown_extensions_render(blog):
    content = find(parse(blog / "blog/hello-world/index.html"), ".//div[@class='content']")
    admonition = find(content, ".//div[@class='admonition note']")
    assert text(find(admonition, "p[@class='admonition-title']")) == "Heads up"
    assert find(content, ".//abbr").get("title") == "Hyper Text Markup Language"
    assert text(find(content, ".//p[@class='lead']")) == "A paragraph with a class."
    assert find(content, ".//div[@class='toc']/ul/li/a").get("href") == "#setup"


def test_content_is_never_run_through_jinja(blog):
    page = (blog / "blog/hello-world/index.html").read_text()
    assert "{{ jinja_variable }} and {% jinja_tag %} and {{ liquid | filter }}" in page


def test_toc_headings_and_plain_text_come_from_the_one_parse(blog):
    document = parse(blog / "blog/hello-world/index.html")
    assert hrefs(find(document, ".//nav[@class='toc']")) == ["#setup", "#links"]
    headings = find(document, ".//ol[@class='headings']")
    assert [(li.get("data-id"), li.get("data-level"), text(li)) for li in headings] == [
        ("setup", "2", "Setup"), ("links", "2", "Links"),
    ]
    plain = text(find(document, ".//p[@class='plain-text']"))
    assert plain.startswith("The very first paragraph of the blog, with emphasis and a")
    assert "An admonition body." in plain
    assert "def hello" not in plain  # code blocks are not prose
    assert "Raw HTML" not in plain  # nor are raw HTML blocks
    assert "¶" not in plain
    assert facts(blog, "second-post")["words"] == "17"


def test_reading_time_grows_with_the_word_count(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    write(site, {"content/posts/long.md": "---\ndate: 2020-01-01\n---\n" + "word " * 450})
    build(cli, site, tmp_path / "out")
    assert facts(tmp_path / "out", "long")["words"] == "450"
    assert facts(tmp_path / "out", "long")["reading-time"] == "3"


def test_collection_order_is_newest_first_then_undated_by_path(blog):
    titles = []
    for page in ("index.html", "page/2/index.html", "page/3/index.html"):
        document = parse(blog / page)
        titles += [text(a) for a in document.iterfind(".//a[@class='post']")]
    assert titles == ["Second post", "Hello, World", "Ünïcödé post",
                      "Deep Dive Into Things", "Untitled note"]


def test_drafts_and_future_posts_are_left_out(blog):
    assert not (blog / "blog/draft-post").exists()
    assert not (blog / "blog/future-post").exists()
    assert "A draft" not in (blog / "archive/index.html").read_text()


def test_drafts_and_future_posts_are_built_when_asked(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    build(cli, copy_site("content_blog"), out, "--drafts", "--future")
    assert facts(out, "draft-post")["flags"] == "draft"
    assert facts(out, "future-post")["flags"] == "future"
    first = parse(out / "index.html")
    assert [text(a) for a in first.iterfind(".//a[@class='post']")] == \
        ["From the future", "Second post"]


def test_prev_and_next_follow_reading_order(blog):
    def neighbours(slug):
        nav = find(parse(blog / "blog" / slug / "index.html"), ".//nav[@class='neighbours']")
        return {a.get("rel"): a.get("href") for a in nav.iter("a")}

    # Older posts come before, newer ones after; undated pages follow by path.
    assert neighbours("bom-post") == {"next": "/blog/hello-world/"}
    assert neighbours("hello-world") == {"prev": "/blog/bom-post/", "next": "/blog/second-post/"}
    assert neighbours("second-post") == {"prev": "/blog/hello-world/",
                                         "next": "/blog/deep-dive/"}
    assert neighbours("untitled-note") == {"prev": "/blog/deep-dive/"}


def test_highlight_stylesheet_has_a_light_and_a_dark_style(blog):
    css = (blog / "highlight.css").read_text()
    light, dark = css.split("@media (prefers-color-scheme: dark) {")
    assert ".highlight .k { color: #008000; font-weight: bold }" in light  # "default"
    assert "  .highlight { background: #0d1117; color: #E6EDF3 }" in dark  # "github-dark"
    link = find(parse(blog / "index.html"), ".//link[@rel='stylesheet']")
    assert link.get("href") == "/highlight.css"


def test_pygments_styles_come_from_the_config(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    with open(site / "app.py", "a") as app:
        app.write('site.config.update(PYGMENTS_STYLE="monokai", PYGMENTS_DARK_STYLE=None)\n')
    build(cli, site, tmp_path / "out")
    css = (tmp_path / "out/highlight.css").read_text()
    assert ".highlight { background: #272822; color: #F8F8F2 }" in css
    assert "@media" not in css


def test_the_highlight_stylesheet_is_built_only_when_a_page_links_it(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    base = site / "templates/base.html"
    base.write_text("\n".join(line for line in base.read_text().splitlines()
                               if "highlight_css" not in line))
    result = build(cli, site, tmp_path / "out")
    assert not (tmp_path / "out/highlight.css").exists()
    assert "highlight_css" not in result.output  # no "forgot a generator?" warning


def test_a_site_keeps_its_own_highlight_css_view(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    app = (site / "app.py").read_text().replace(
        "posts = site.pages(",
        '@site.route("/code.css", endpoint="highlight_css")\n'
        'def own_css():\n    return "/* mine */"\n\n\nposts = site.pages(',
    )
    (site / "app.py").write_text(app)
    build(cli, site, tmp_path / "out")
    assert (tmp_path / "out/code.css").read_text() == "/* mine */"
    assert not (tmp_path / "out/highlight.css").exists()


@pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)  # Python-Markdown's own
def test_markdown_extensions_and_their_configs_are_settable(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    with open(site / "app.py", "a") as app:
        app.write('site.config["MARKDOWN_EXTENSIONS"] = ["fenced_code", "toc"]\n'
                  'site.config["MARKDOWN_EXTENSION_CONFIGS"] = '
                  '{"toc": {"permalink": "#", "permalink_class": "anchor"}}\n')
    build(cli, site, tmp_path / "out")
    content = find(parse(tmp_path / "out/blog/hello-world/index.html"),
                   ".//div[@class='content']")
    assert content.find(".//table") is None  # no "tables" extension
    assert "| Name | Value |" in text(content)
    permalink = find(content, ".//h2[@id='setup']/a")
    assert (permalink.get("class"), text(permalink)) == ("anchor", "#")


def test_toml_front_matter_and_markdown_files_are_read_as_hugo_and_jekyll_write_them(
        copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    write(site, {
        "content/posts/from-hugo.md": (
            '+++\ntitle = "Moved from Hugo"\ndate = 2024-02-03\ntags = ["toml", "hugo"]\n'
            "+++\n\nA **TOML** page.\n"
        ),
        "content/posts/from-jekyll.markdown": (
            "---\ntitle: Moved from Jekyll\ndate: 2024-02-04\n---\n\n"
            "See [the Hugo page](from-hugo.md).\n"
        ),
        "content/posts/linking.md": "To [the Jekyll page](from-jekyll.markdown).\n",
    })
    build(cli, site, tmp_path / "out")
    hugo = parse(tmp_path / "out/blog/from-hugo/index.html")
    assert text(find(hugo, ".//h1")) == "Moved from Hugo"
    assert facts(tmp_path / "out", "from-hugo")["date"] == "2024-02-03"
    assert [text(li) for li in find(hugo, ".//ul[@class='tags']")] == ["toml", "hugo"]
    assert "+++" not in text(hugo)
    jekyll = parse(tmp_path / "out/blog/from-jekyll/index.html")
    assert text(find(jekyll, ".//h1")) == "Moved from Jekyll"
    assert "/blog/from-hugo/" in hrefs(jekyll)
    assert "/blog/from-jekyll/" in hrefs(parse(tmp_path / "out/blog/linking/index.html"))
