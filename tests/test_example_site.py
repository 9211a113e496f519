"""``example_site``, built for real: valid HTML, links that lead somewhere,
and every feature of the blog and the wiki where a reader would see it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element

import html5lib
import pytest

ORIGIN = "https://example.org"
PUBLISHED_POSTS = 10


def html_files(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def url_of(output: Path, file: Path) -> str:
    """The URL a static host serves ``file`` at."""
    rel = file.relative_to(output).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def file_of(output: Path, url: str) -> Path | None:
    """The built file a static host answers ``url`` with, if there is one."""
    path = unquote(url)
    candidates = [path + "index.html"] if path.endswith("/") else [path, path + ".html"]
    for candidate in candidates:
        file = output / candidate.lstrip("/")
        if file.is_file():
            return file
    return None


def parse(file: Path) -> tuple[Element, list[str]]:
    """The document and html5lib's list of parse errors."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    document = parser.parse(file.read_bytes())
    errors = [f"{line}:{col} {code} {data}" for (line, col), code, data in parser.errors]
    return document, errors


def ids_of(file: Path) -> set[str]:
    document, _ = parse(file)
    return {element.get("id") for element in document.iter() if element.get("id")}


def page(example_build, url: str) -> Element:
    file = file_of(example_build.output, url)
    assert file is not None, f"{url} was not built"
    return parse(file)[0]


def text_of(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def warnings_of(build) -> list[str]:
    return [line for line in build.log.splitlines() if line.startswith("warning: ")]


def test_the_example_builds_without_a_warning(example_build):
    assert warnings_of(example_build) == []


def test_every_built_page_is_valid_html5(example_build):
    files = html_files(example_build.output)
    assert len(files) > 30
    problems = {}
    for file in files:
        _, errors = parse(file)
        if errors:
            problems[file.relative_to(example_build.output).as_posix()] = errors
    assert problems == {}


def test_every_internal_link_and_anchor_resolves(example_build):
    output = example_build.output
    ids: dict[Path, set[str]] = {}
    broken = []
    checked = 0
    for file in html_files(output):
        document, _ = parse(file)
        base = ORIGIN + url_of(output, file)
        for element in document.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None:
                    continue
                parts = urlsplit(urljoin(base, value))
                if parts.scheme != "https" or parts.netloc != "example.org":
                    continue
                checked += 1
                target = file_of(output, parts.path)
                if target is None:
                    broken.append(f"{url_of(output, file)}: {value} (no file)")
                elif parts.fragment and target.suffix == ".html":
                    if target not in ids:
                        ids[target] = ids_of(target)
                    if unquote(parts.fragment) not in ids[target]:
                        broken.append(f"{url_of(output, file)}: {value} (no such id)")
    assert checked > 500
    assert broken == []


def test_every_page_advertises_both_feeds_and_the_highlight_stylesheet(example_build):
    for file in html_files(example_build.output):
        document, _ = parse(file)
        if document.find(".//meta[@http-equiv='refresh']") is not None:
            continue  # a redirect page
        links = {(link.get("rel"), link.get("type")): link.get("href")
                 for link in document.iter("link")}
        assert links[("alternate", "application/atom+xml")] == "/atom.xml", file
        assert links[("alternate", "application/rss+xml")] == "/rss.xml", file
        assert links[("stylesheet", None)] in ("/static/style.css", "/highlight.css")
    css = (example_build.output / "highlight.css").read_text()
    assert "prefers-color-scheme: dark" in css


def test_the_home_page_paginates_the_posts_newest_first(example_build):
    titles = []
    url = "/"
    numbers = []
    while url:
        document = page(example_build, url)
        titles += [text_of(h2) for h2 in document.iterfind(".//ul[@class='post-list']/li/h2")]
        numbers.append(text_of(document.find(".//nav[@class='pager']/span[@class='meta']")))
        older = document.find(".//nav[@class='pager']/a[@rel='next']")
        url = older.get("href") if older is not None else None
    assert numbers == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    assert len(titles) == PUBLISHED_POSTS
    assert titles[0] == "Search on a static site"
    assert titles[-1] == "Hello, field notes"
    assert (example_build.output / "page/2/index.html").is_file()


def test_a_post_page_shows_its_toc_code_tables_footnotes_and_neighbours(example_build):
    document = page(example_build, "/blog/what-goes-in-pyproject/")
    article = document.find(".//article")
    assert text_of(article.find("h1")) == "What goes in pyproject.toml"
    toc_links = [a.get("href") for a in article.iterfind(".//div[@class='toc']//a")]
    assert "#the-build-system" in toc_links
    assert article.find(".//table") is not None
    assert article.find(".//div[@class='footnote']") is not None
    assert article.find(".//*[@class='highlight']") is not None or \
        article.find(".//*[@class='codehilite']") is not None
    neighbours = {a.get("rel"): a.get("href")
                  for a in document.iterfind(".//nav[@class='prev-next']/a")}
    assert neighbours == {"prev": "/blog/make-is-still-fine/",
                          "next": "/blog/cache-control-etag-and-you/"}


def test_admonitions_and_abbreviations_render(example_build):
    article = page(example_build, "/blog/make-is-still-fine/").find(".//article")
    classes = [div.get("class") for div in article.iter("div")]
    assert "admonition warning" in classes
    assert "admonition note" in classes
    article = page(example_build, "/blog/sqlite-for-small-tools/").find(".//article")
    tip = article.find(".//div[@class='admonition tip']")  # a GitHub alert, > [!TIP]
    assert tip is not None and tip.find("p[@class='admonition-title']").text == "Tip"
    article = page(example_build, "/blog/drawing-diagrams-in-svg/").find(".//article")
    assert {abbr.get("title") for abbr in article.iter("abbr")} >= {
        "Scalable Vector Graphics", "Content Delivery Network"}


def test_an_image_next_to_a_post_is_published(example_build):
    article = page(example_build, "/blog/drawing-diagrams-in-svg/").find(".//article")
    image = article.find(".//img")
    assert image.get("alt").startswith("A browser asks a CDN")
    file = file_of(example_build.output, urljoin("/blog/drawing-diagrams-in-svg/",
                                                 image.get("src")))
    assert file is not None
    assert file.read_bytes().startswith(b"<svg")


def test_markdown_links_between_posts_lead_to_their_pages(example_build):
    article = page(example_build, "/blog/tools-i-kept/").find(".//article")
    hrefs = [a.get("href") for a in article.iter("a")]
    assert "/blog/make-is-still-fine/" in hrefs
    assert "/blog/sqlite-for-small-tools/#three-habits" in hrefs


def test_tag_pages_and_the_tag_index_list_the_tagged_posts(example_build):
    index = page(example_build, "/tags/")
    tags = {text_of(a): a.get("href") for a in index.iterfind(".//main//li/a")}
    assert tags["python"] == "/tags/python/"
    assert tags["HTTP caching"] == "/tags/http-caching/"  # the name shown, the slug in URLs
    assert text_of(page(example_build, "/tags/http-caching/").find(".//h1")) == \
        "Posts tagged “HTTP caching”"
    python = page(example_build, "/tags/python/")
    titles = [text_of(h2) for h2 in python.iterfind(".//ul[@class='post-list']/li/h2")]
    assert titles == [
        "Regex & readability: named groups", "SQLite for small tools",
        "What goes in pyproject.toml", "A tiny HTTP server in the standard library",
    ]


def test_the_archive_has_a_page_per_year(example_build):
    archive = page(example_build, "/archive/")
    years = [text_of(a) for a in archive.iterfind(".//section/h2/a")]
    assert years == ["2026", "2025", "2024"]
    counts = {}
    for year in years:
        document = page(example_build, f"/archive/{year}/")
        counts[year] = len(document.findall(".//ul[@class='post-list']/li"))
    assert counts == {"2026": 2, "2025": 3, "2024": 5}


def test_wiki_links_backlinks_and_the_red_link(example_build):
    start = page(example_build, "/wiki/start-here/")
    links = {text_of(a): a.get("href") for a in start.iterfind(".//article//a")}
    assert links["Virtual environments"] == "/wiki/python/virtual-environments/"
    assert links["Testing"] == "/wiki/python/testing/"
    assert links["Make"] == "/wiki/tools/make/"

    make = page(example_build, "/wiki/tools/make/")
    backlinks = {text_of(a) for a in make.iterfind(".//section[@class='backlinks']//a")}
    assert backlinks == {"Start here", "Git", "Virtual environments", "Testing with pytest"}


def test_the_wiki_index_lists_every_page_by_folder(example_build):
    index = page(example_build, "/wiki/")
    sections = {text_of(section.find("h2")): [text_of(a) for a in section.iterfind(".//li/a")]
                for section in index.iterfind(".//section")}
    assert sections == {
        "General": ["Glossary", "Start here"],
        "Python": ["Packaging", "Testing with pytest", "Virtual environments"],
        "Tools": ["Git", "Make", "Markdown notes"],
        "Web": ["HTTP caching", "Static hosting"],
    }


def test_wiki_links_to_headings_point_at_their_ids(example_build):
    glossary = page(example_build, "/wiki/glossary/")
    hrefs = [a.get("href") for a in glossary.iterfind(".//article//a")]
    assert "/wiki/web/http-caching/#validators" in hrefs


def test_the_wiki_embeds_a_diagram_found_by_name(example_build):
    caching = page(example_build, "/wiki/web/http-caching/")
    image = caching.find(".//article//img")
    assert image.get("src") == "/content/wiki/attachments/revalidation.svg"
    assert image.get("alt").startswith("The browser sends its ETag")
    assert (image.get("width"), image.get("height")) == ("520", "150")
    assert file_of(example_build.output, image.get("src")).read_bytes() == \
        (example_build.site / "content/wiki/attachments/revalidation.svg").read_bytes()


def test_aliases_publish_redirect_pages(example_build):
    for old, new in [("/2025/09/tools/", "/blog/tools-i-kept/"),
                     ("/wiki/packaging-notes/", "/wiki/python/packaging/")]:
        document = page(example_build, old)
        refresh = document.find(".//meta[@http-equiv='refresh']")
        assert refresh is not None and refresh.get("content").endswith(new)


def test_the_about_search_and_404_pages_exist(example_build):
    about = page(example_build, "/about/")
    assert text_of(about.find(".//h1")) == "About"
    search = page(example_build, "/search/")
    assert search.find(".//form[@id='search-form']").get("data-index") == "/search.json"
    assert search.find(".//script").get("src") == "/static/search.js"
    not_found = page(example_build, "/404.html")
    assert text_of(not_found.find(".//h1")) == "Page not found"


def test_the_draft_is_left_out_of_everything(example_build):
    assert not (example_build.output / "blog/notes-on-type-hints").exists()
    for file in example_build.output.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".xml", ".json"):
            assert "Notes on type hints" not in file.read_text(), file


def test_with_drafts_the_draft_is_built_and_marked(build_example):
    build = build_example("--drafts")
    document = page(build, "/blog/notes-on-type-hints/")
    badges = [text_of(span) for span in document.iterfind(".//span[@class='badge']")]
    assert badges == ["draft"]


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_feeds_of_the_example_site_list_the_latest_posts(example_build, name):
    import feedparser

    feed = feedparser.parse((example_build.output / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Field Notes"
    assert len(feed.entries) == PUBLISHED_POSTS
    assert feed.entries[1].title == "Regex & readability: named groups"
    assert feed.entries[1].link == "https://example.org/blog/regex-and-readability/"
    assert feed.entries[1].id == "tag:example.org,2026-02-11:/blog/regex-and-readability/"
    assert all(re.match(r"tag:example\.org,\d{4}-\d\d-\d\d:/blog/", e.id) for e in feed.entries)


def test_a_second_build_writes_identical_files(example_build, build_example):
    again = build_example()
    first = {p.relative_to(example_build.output): p.read_bytes()
             for p in example_build.output.rglob("*") if p.is_file()}
    second = {p.relative_to(again.output): p.read_bytes()
              for p in again.output.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_the_atom_feed_carries_whole_posts_with_absolute_links(example_build):
    import feedparser

    feed = feedparser.parse((example_build.output / "atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "Drawing diagrams by hand in SVG")
    content = entry.content[0].value
    assert 'src="https://example.org/content/posts/images/request-flow.svg"' in content
    assert entry.summary == ("A request diagram in forty lines of SVG, and why I stopped "
                             "exporting PNGs.")
    rss = feedparser.parse((example_build.output / "rss.xml").read_bytes())
    assert all("content" not in e for e in rss.entries)  # the RSS feed has summaries only
