"""Links in Markdown: .md links, [[wiki links]], backlinks, published files, aliases."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_support import build, build_copy, find, hrefs, parse, text, write

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="module")
def blog(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_copy(tmp_path_factory, "content_blog")[0]


@pytest.fixture(scope="module")
def wiki(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_copy(tmp_path_factory, "content_wiki")


def content_links(page: Path) -> dict[str, str | None]:
    """``link text → href`` of the links in a page's content."""
    content = find(parse(page), ".//div[@class='content']")
    return {text(a): a.get("href") for a in content.iter("a") if a.get("class") != "headerlink"}


def test_markdown_links_lead_to_the_target_pages_url(blog):
    links = content_links(blog / "blog/hello-world/index.html")
    assert links["the second post"] == "/blog/second-post/#details"
    assert links["deep dive"] == "/blog/deep-dive/"
    assert content_links(blog / "blog/deep-dive/index.html")["first post"] == \
        "/blog/hello-world/"


@pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)  # Python-Markdown's own
def test_an_attribute_list_gives_a_markdown_link_a_class(blog):
    content = find(parse(blog / "blog/hello-world/index.html"), ".//div[@class='content']")
    assert find(content, ".//a[@class='button']").get("href") == "/blog/deep-dive/"


def test_other_links_are_left_as_written(blog):
    links = content_links(blog / "blog/hello-world/index.html")
    assert links["outside link"] == "https://example.org/page.md"
    assert links["anchor"] == "#setup"


def test_images_and_linked_files_beside_the_markdown_are_published(blog):
    source = SITES / "content_blog/content/posts/images"
    image = find(parse(blog / "blog/hello-world/index.html"), ".//div[@class='content']//img")
    assert (image.get("src"), image.get("alt"), image.get("title")) == \
        ("/content/posts/images/pic.png", "A picture", "The picture")
    assert (blog / "content/posts/images/pic.png").read_bytes() == \
        (source / "pic.png").read_bytes()
    assert content_links(blog / "blog/hello-world/index.html")["file"] == \
        "/content/posts/images/notes.txt"
    assert (blog / "content/posts/images/notes.txt").is_file()
    # Only linked files are published, never the Markdown sources.
    assert not list(blog.rglob("*.md"))


def test_a_media_url_can_be_chosen(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    app = (site / "app.py").read_text()
    app = app.replace('endpoint="post")', 'endpoint="post", media_url="/media/")')
    (site / "app.py").write_text(app)
    build(cli, site, tmp_path / "out")
    assert (tmp_path / "out/media/images/pic.png").is_file()


def test_wiki_links_resolve_by_title_file_name_path_and_heading(wiki):
    links = content_links(wiki[0] / "wiki/Home/index.html")
    assert links == {
        "Getting Started": "/wiki/getting-started/",  # by title
        "install guide": "/wiki/guide/install/",  # by path, with a label
        "options": "/wiki/guide/install/#options",  # by file name, to a heading
        "ünïcode seite": "/wiki/%C3%9Cn%C3%AFcode%20Seite/",  # spaces, accents, any case
        "getting-started > First steps": "/wiki/getting-started/#first-steps",
        "Links here": "#links-here",  # a heading of the page itself
        "Meeting Notes": "/notes/Meeting%20Notes/",  # in the other collection
        "Missing Page": None,
        "installing": "/wiki/guide/install/#options",  # a Markdown link
    }
    content = find(parse(wiki[0] / "wiki/Home/index.html"), ".//div[@class='content']")
    classes = {text(a): a.get("class") for a in content.iter("a")}
    assert classes["Getting Started"] == "wikilink"
    assert classes["Missing Page"] == "wikilink missing"
    assert text(find(content, ".//code")) == "[[Not a link]]"


def test_a_missing_wiki_link_warns_with_file_and_line(wiki):
    assert "warning: /wiki/Home/: content/wiki/Home.md:6: [[Missing Page]] matches no page" \
        in wiki[1]


def test_a_missing_wiki_link_fails_a_strict_build(copy_site, cli, tmp_path, read_tree):
    site = copy_site("content_wiki")
    out = tmp_path / "out"
    build(cli, site, out)
    before = read_tree(out)
    result = cli("build", site, "-o", out, "--strict")
    assert result.exit_code == 1
    assert "--strict" in result.output and "[[Missing Page]] matches no page" in result.output
    assert read_tree(out) == before


def test_an_ambiguous_wiki_link_warns_with_the_candidates(copy_site, cli, tmp_path):
    site = copy_site("content_wiki")
    write(site, {"content/wiki/admin/install.md": "Installing for admins.\n"})
    result = build(cli, site, tmp_path / "out")
    assert ("content/wiki/Home.md:4: [[Install#Options]] is ambiguous, it matches "
            "content/wiki/admin/install.md, content/wiki/guide/install.md; it links to "
            "content/wiki/admin/install.md (write more of the path to choose)") in result.output
    # A longer path is unique.
    links = content_links(tmp_path / "out/wiki/Home/index.html")
    assert links["install guide"] == "/wiki/guide/install/"


def test_pages_know_their_backlinks(wiki):
    def backlinks(page):
        return hrefs(find(parse(wiki[0] / page), ".//ul[@class='backlinks']"))

    assert backlinks("wiki/guide/install/index.html") == ["/wiki/Home/"]
    assert backlinks("wiki/Home/index.html") == \
        ["/wiki/getting-started/", "/wiki/guide/install/", "/notes/Meeting%20Notes/"]
    assert backlinks("notes/Meeting Notes/index.html") == ["/wiki/Home/"]


def test_aliases_publish_redirects_to_the_page(blog):
    for alias in ("old/hello/index.html", "2024/hello.html"):
        document = parse(blog / alias)
        refresh = find(document, ".//meta[@http-equiv='refresh']")
        assert refresh.get("content") == "0; url=/blog/hello-world/"
        assert find(document, ".//link[@rel='canonical']").get("href") == "/blog/hello-world/"


def test_two_pages_with_one_alias_are_an_error(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    write(site, {"content/posts/clash.md": "---\naliases: [/old/hello/]\n---\nClash.\n"})
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "the alias /old/hello/ is also an alias of" in result.output


def test_a_link_to_a_draft_is_marked_missing_and_warned(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    write(site, {"content/posts/teaser.md": "Coming soon: [the draft](draft-post.md).\n"})
    result = build(cli, site, tmp_path / "out")
    assert "content/posts/teaser.md:1: links to draft-post.md, which is a draft" in result.output
    link = find(parse(tmp_path / "out/blog/teaser/index.html"), ".//div[@class='content']//a")
    assert (link.get("class"), link.get("href")) == ("missing", None)


def test_a_markdown_link_to_a_missing_anchor_warns_with_file_and_line(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    write(site, {"content/posts/anchors.md": (
        "---\ntitle: Anchors\ndate: 2024-01-01\n---\n\n"
        "A [good one](second-post.md#details).\n\n"
        "A [bad one](second-post.md#no-such-part).\n"
    )})
    result = build(cli, site, tmp_path / "out")
    assert ("content/posts/anchors.md:8: links to second-post.md#no-such-part, but "
            "content/posts/second-post.md has no id 'no-such-part'") in result.output
    assert "#details'" not in result.output
    assert cli("build", site, "-o", tmp_path / "strict", "--strict").exit_code == 1
