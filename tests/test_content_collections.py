"""Collections: URLs from routes, lookups, tags, years, queries and pagination."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_support import build, build_copy, find, hrefs, parse, text, write

from sitegen.loading import load_site
from sitegen.pipeline import render_all
from sitegen.record import LISTING, PAGE, Fact

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="module")
def blog(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_copy(tmp_path_factory, "content_blog")[0]


def listing(out: Path, name: str) -> list[str]:
    document = parse(out / "archive/index.html")
    return [text(li) for li in find(document, f".//ol[@id='{name}']")]


def test_every_page_gets_a_url_without_a_generator_in_the_site(blog):
    built = sorted(p.parent.name for p in (blog / "blog").glob("*/index.html"))
    assert built == ["bom-post", "deep-dive", "hello-world", "second-post", "untitled-note"]


def test_pagination_numbers_and_neighbour_urls(blog):
    def pager(page):
        nav = find(parse(blog / page), ".//nav[@class='pager']")
        links = {a.get("rel"): a.get("href") for a in nav.iter("a")}
        return nav.get("data-number"), nav.get("data-pages"), nav.get("data-total"), links

    assert pager("index.html") == ("1", "3", "5", {"next": "/page/2/"})
    # Page 1 lives at the route without the number.
    assert pager("page/2/index.html") == ("2", "3", "5", {"prev": "/", "next": "/page/3/"})
    assert pager("page/3/index.html") == ("3", "3", "5", {"prev": "/page/2/"})
    assert not (blog / "page/1").exists()


def test_a_page_number_out_of_range_is_not_found(copy_site):
    site = load_site(copy_site("content_blog"))
    client = site.test_client()
    assert client.get("/page/3/").status_code == 200
    assert client.get("/page/4/").status_code == 404
    assert client.get("/tags/no-such-tag/").status_code == 404
    assert client.get("/blog/no-such-post/").status_code == 404


def test_by_tag_maps_sorted_tags_to_pages_in_collection_order(blog):
    document = parse(blog / "archive/index.html")
    tags = {li.get("data-tag"): text(li).split()[1:] for li in find(document, ".//ul[@id='tags']")}
    assert list(tags) == ["python", "testing", "web"]
    assert tags["python"] == ["second-post", "2024-03-10-hello-world"]
    assert tags["web"] == ["2024-03-10-hello-world", "bom-post"]
    tag_page = parse(blog / "tags/web/index.html")
    assert [text(a) for a in tag_page.iterfind(".//a[@class='post']")] == \
        ["Hello, World", "Ünïcödé post"]


def test_by_year_lists_dated_pages_newest_year_first(blog):
    document = parse(blog / "archive/index.html")
    years = [(li.get("data-year"), text(li)) for li in find(document, ".//ul[@id='years']")]
    assert years == [("2024", "second-post 2024-03-10-hello-world"), ("2023", "bom-post")]


def test_latest_sorted_and_filter(blog):
    assert listing(blog, "latest") == ["second-post", "2024-03-10-hello-world"]
    assert listing(blog, "by-title") == [
        "nested/deep-dive", "2024-03-10-hello-world", "second-post", "untitled-note", "bom-post",
    ]
    assert listing(blog, "by-title-reversed") == listing(blog, "by-title")[::-1]
    # Pages without the key come last, in collection order.
    assert listing(blog, "by-updated") == [
        "second-post", "2024-03-10-hello-world", "bom-post", "nested/deep-dive", "untitled-note",
    ]
    assert listing(blog, "python") == ["second-post", "2024-03-10-hello-world"]
    assert listing(blog, "short") == ["second-post", "bom-post", "untitled-note"]
    assert listing(blog, "custom-meta") == ["second-post", "2024-03-10-hello-world"]


def test_route_arguments_come_from_page_attributes_or_front_matter(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    app = (site / "app.py").read_text()
    app = app.replace('"/blog/<slug>/"', '"/<series>/<path:path>/"')
    app = app.replace("def post(slug):", "def post(series, path):")
    app = app.replace("posts.get_or_404(slug)", "posts.get_or_404(path)")
    (site / "app.py").write_text(app)
    for name in ("bom-post", "untitled-note", "nested/deep-dive"):
        page = site / "content/posts" / f"{name}.md"
        body = page.read_text(encoding="utf-8-sig")
        if body.startswith("---\n"):
            page.write_text(body.replace("---\n", "---\nseries: misc\n", 1))
        else:
            page.write_text("---\nseries: misc\n---\n" + body)
    out = tmp_path / "out"
    build(cli, site, out)
    assert (out / "basics/2024-03-10-hello-world/index.html").is_file()
    assert (out / "misc/nested/deep-dive/index.html").is_file()
    assert "/misc/untitled-note/" in hrefs(parse(out / "page/3/index.html"))


def test_a_page_without_a_route_argument_is_an_error(copy_site, cli, tmp_path, read_tree):
    site = copy_site("content_blog")
    app = (site / "app.py").read_text()
    app = app.replace('"/blog/<slug>/"', '"/<series>/<slug>/"')
    (site / "app.py").write_text(app.replace("def post(slug):", "def post(series, slug):"))
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "content/posts/bom-post.md: the route of 'post' needs <series>" in result.output
    assert "hint: add `series: ...` to its front matter" in result.output


def test_two_pages_with_one_url_are_an_error(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    write(site, {"content/posts/other/hello-world.md": "---\ndate: 2020-01-01\n---\nAgain.\n"})
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "has the same URL as" in result.output
    assert "content/posts/other/hello-world.md" in result.output
    assert "content/posts/2024-03-10-hello-world.md" in result.output


def test_urls_follow_the_base_url(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    build(cli, copy_site("content_blog"), out, "--base-url", "https://example.org/sub/")
    document = parse(out / "blog/hello-world/index.html")
    links = hrefs(find(document, ".//div[@class='content']"))
    assert "/sub/blog/second-post/#details" in links
    assert "/sub/content/posts/images/notes.txt" in links
    assert find(document, ".//img").get("src") == "/sub/content/posts/images/pic.png"
    assert hrefs(find(parse(out / "index.html"), ".//ul[@class='posts']")) == \
        ["/sub/blog/second-post/", "/sub/blog/hello-world/"]


def test_a_collection_without_endpoint_has_pages_but_no_urls(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    write(site, {"content/snippets/intro.md": "Welcome to *the* blog.\n"})
    with open(site / "app.py", "a") as app:
        app.write('\nsnippets = site.pages("content/snippets")\n\n\n'
                  '@site.route("/about/")\ndef about():\n'
                  '    page = snippets.get("intro")\n'
                  '    return page.html + "|" + str(hasattr(page, "url"))\n')
    out = tmp_path / "out"
    build(cli, site, out)
    assert (out / "about/index.html").read_text() == "<p>Welcome to <em>the</em> blog.</p>|False"


def test_renders_record_the_fields_and_queries_they_use(copy_site):
    site_dir = copy_site("content_blog")
    rendered = render_all(load_site(site_dir))
    hello_md = "content/posts/2024-03-10-hello-world.md"
    hello = rendered["/blog/hello-world/"].record.facts
    assert Fact(LISTING, "content/posts", "get hello-world") in hello
    assert {Fact(PAGE, hello_md, field) for field in ("title", "body", "neighbours",
                                                      "tags", "summary")} <= hello
    assert Fact(PAGE, "content/posts/second-post.md", "url") in hello  # a page it links to
    index = rendered["/"].record.facts
    # The home page lists the collection and shows titles and URLs, never a body.
    assert Fact(LISTING, "content/posts", "list") in index
    assert Fact(PAGE, hello_md, "title") in index
    assert not [f for f in index if f.kind == PAGE and f.detail in ("body", "summary")]
    archive = rendered["/archive/"].record.facts
    assert Fact(LISTING, "content/posts", "latest 2") in archive
    assert Fact(LISTING, "content/posts", "tags") in archive
    tag = rendered["/tags/python/"].record.facts
    assert Fact(LISTING, "content/posts", "tag python") in tag
    assert Fact(LISTING, "content/posts", "tags") not in tag  # one tag's pages only


def test_a_collection_folder_must_exist(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    app = (site / "app.py").read_text()
    (site / "app.py").write_text(app.replace('"content/posts"', '"content/post"'))
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "error: site.pages('content/post'): there is no folder" in result.output


def test_front_matter_a_route_rejects_is_an_error(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    app = (site / "app.py").read_text().replace('"/blog/<slug>/"', '"/<int:series>/<slug>/"')
    (site / "app.py").write_text(app.replace("def post(slug):", "def post(series, slug):"))
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "no route of 'post' accepts this page's values" in result.output
