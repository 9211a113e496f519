"""A Jekyll (or Hugo) blog as it is: dated URLs, categories, permalinks, drafts,
excerpts, zoned dates in feeds, page bundles."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from content_support import build, build_copy, find, hrefs, parse, text, write

from sitegen.content.source import split_front_matter
from sitegen.loading import load_site

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")


@pytest.fixture(scope="module")
def blog(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_copy(tmp_path_factory, "jekyll_blog")[0]


def listed(out: Path, page: str = "index.html") -> dict[str, tuple[str | None, str]]:
    """``slug → (URL, summary HTML text)`` of a post list."""
    document = parse(out / page)
    return {li.get("data-slug"): (find(li, "a").get("href"), text(find(li, "div")))
            for li in find(document, ".//ul[@id='posts']")}


def test_dated_routes_take_year_month_and_day_from_the_date(blog):
    posts = listed(blog)
    assert posts["hello-world"][0] == "/2024/03/10/hello-world/"  # the file name's date
    assert posts["zoned-release"][0] == "/2013/05/06/zoned-release/"  # front matter's
    assert posts["unquoted"][0] == "/2014/01/01/unquoted/"
    document = parse(blog / "2024/03/10/hello-world/index.html")
    assert text(find(document, ".//h1")) == "Hello, World"


def test_a_page_bundle_is_its_folders_page_with_its_images(blog):
    assert listed(blog)["trip"][0] == "/2024/02/01/trip/"
    document = parse(blog / "2024/02/01/trip/index.html")
    src = find(document, ".//img").get("src")
    assert src == "/_posts/2024-02-01-trip/cover.png"
    assert (blog / src.lstrip("/")).read_bytes().startswith(b"\x89PNG")
    # A link to the bundle's index.md is a link to the page.
    zoned = parse(blog / "2013/05/06/zoned-release/index.html")
    assert "/2024/02/01/trip/" in hrefs(find(zoned, ".//div[@class='content']"))


def test_categories_from_a_string_a_list_or_category(blog):
    document = parse(blog / "index.html")
    counts = {li.get("data-category"): text(li).split()[-1]
              for li in find(document, ".//ul[@id='categories']")}
    assert counts == {"jekyll": "1", "news": "2", "release": "2", "travel": "1"}
    assert list(listed(blog, "category/release/index.html")) == ["unquoted", "zoned-release"]
    zoned = parse(blog / "2013/05/06/zoned-release/index.html")
    assert [text(s) for s in find(zoned, ".//p[@class='categories']")] == ["jekyll", "release"]


def test_a_permalink_is_the_pages_url_rendered_by_the_collections_view(blog):
    posts = listed(blog)
    assert posts["about"][0] == "/about-me/"
    assert text(find(parse(blog / "about-me/index.html"), ".//h1")) == "About this blog"
    assert not (blog / "2024/04/01").exists()
    # Jekyll's placeholders are filled from the page.
    assert posts["dated-permalink"][0] == "/news/2024/dated-permalink.html"
    assert text(find(parse(blog / "news/2024/dated-permalink.html"), ".//h1")) == \
        "A placeholder permalink"


def test_redirect_from_publishes_a_redirect_page(blog):
    document = parse(blog / "2024/hello.html")
    refresh = find(document, ".//meta[@http-equiv='refresh']").get("content")
    assert refresh is not None and refresh.endswith("/2024/03/10/hello-world/")


def test_published_false_is_a_draft(blog):
    assert "unfinished" not in listed(blog)
    assert not (blog / "2024/05/01").exists()


def test_summaries_end_at_the_excerpt_separator(blog):
    posts = listed(blog)
    # The page's own separator; the summary keeps its resolved links.
    assert posts["zoned-release"][1] == \
        "The first part, with a link to the trip. Still the first part."
    zoned = find(parse(blog / "index.html"), ".//li[@data-slug='zoned-release']")
    assert hrefs(zoned) == ["/2013/05/06/zoned-release/", "/2024/02/01/trip/"]
    # Hugo's <!--more--> inside a paragraph: the paragraph is closed there.
    assert posts["unquoted"][1] == "The opening paragraph"
    # Jekyll's excerpt: is the summary's text.
    assert posts["about"][1] == "Who writes here, & why."


def test_zoned_dates_keep_their_zone_in_feeds_and_sort_among_naive_ones(blog):
    atom = feedparser.parse((blog / "feed.atom").read_bytes())
    rss = feedparser.parse((blog / "feed.rss").read_bytes())
    assert not atom.bozo and not rss.bozo
    titles = [e.title for e in atom.entries]
    assert titles == ["A placeholder permalink", "About this blog", "Hello, World", "A trip",
                      "Unquoted date", "Zoned release"]
    zoned = atom.entries[-1]
    assert zoned.published == "2013-05-06T02:12:52+02:00"
    assert rss.entries[-1].published == "Mon, 06 May 2013 02:12:52 +0200"
    assert atom.entries[-2].published == "2014-01-01T10:30:00+02:00"
    assert atom.entries[1].link == "https://blog.example.org/about-me/"


def test_a_string_month_has_two_digits_and_an_int_month_follows_werkzeug(copy_site, cli,
                                                                          tmp_path):
    site = copy_site("jekyll_blog")
    app = (site / "app.py").read_text()
    (site / "app.py").write_text(app.replace(
        '"/<int:year>/<month>/<day>/<slug>/"', '"/<int:year>/<int:month>/<slug>/"'
    ).replace("def post(year, month, day, slug):", "def post(year, month, slug):"))
    build(cli, site, tmp_path / "out")
    assert (tmp_path / "out/2013/5/zoned-release/index.html").is_file()
    (site / "app.py").write_text(app.replace(
        '"/<int:year>/<month>/<day>/<slug>/"', '"/<int:year>/<int(fixed_digits=2):month>/<slug>/"'
    ).replace("def post(year, month, day, slug):", "def post(year, month, slug):"))
    build(cli, site, tmp_path / "fixed")
    assert (tmp_path / "fixed/2013/05/zoned-release/index.html").is_file()


def test_a_front_matter_key_named_like_a_date_part_wins(copy_site, cli, tmp_path):
    site = copy_site("jekyll_blog")
    post = site / "_posts/2024-03-10-hello-world.md"
    post.write_text(post.read_text().replace("title:", "year: 1999\ntitle:", 1))
    build(cli, site, tmp_path / "out")
    assert (tmp_path / "out/1999/03/10/hello-world/index.html").is_file()


def test_an_undated_page_on_a_dated_route_is_an_error_naming_it(copy_site, cli, tmp_path):
    site = copy_site("jekyll_blog")
    write(site, {"_posts/no-date.md": "---\ntitle: Undated\n---\nText.\n"})
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "_posts/no-date.md: the route of 'post' needs <day>" in result.output
    assert "date:" in result.output


def test_a_file_and_a_bundle_of_one_name_are_an_error_naming_both(copy_site, cli, tmp_path):
    site = copy_site("jekyll_blog")
    write(site, {"_posts/2024-02-01-trip.md": "Again.\n"})
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "_posts/2024-02-01-trip.md" in result.output
    assert "_posts/2024-02-01-trip/index.md" in result.output


def test_a_permalink_placeholder_sitegen_cannot_fill_is_an_error(copy_site, cli, tmp_path):
    site = copy_site("jekyll_blog")
    write(site, {"_posts/2024-06-01-odd.md": "---\npermalink: /:weekday/:title/\n---\nX.\n"})
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "_posts/2024-06-01-odd.md:2: the permalink /:weekday/:title/ has :weekday" \
        in result.output


def test_the_configs_excerpt_separator_applies_to_every_page(copy_site, cli, tmp_path):
    site = copy_site("jekyll_blog")
    write(site, {"_posts/2024-06-01-config-cut.md":
                 "---\ntitle: Cut\n---\nOne.\n\nTwo.\n\n<!--cut-->\n\nThree.\n"})
    with open(site / "app.py", "a") as app:
        app.write('\nsite.config["EXCERPT_SEPARATOR"] = "<!--cut-->"\n')
    build(cli, site, tmp_path / "out")
    assert listed(tmp_path / "out")["config-cut"][1] == "One. Two."


def test_editing_a_posts_date_moves_its_dated_url_in_a_rebuild(copy_site, cli, tmp_path):
    site = copy_site("jekyll_blog")
    out = tmp_path / "out"
    build(cli, site, out)
    assert (out / "2014/01/01/unquoted/index.html").is_file()
    post = site / "_posts/2014-01-01-unquoted.md"
    post.write_text(post.read_text().replace("date: 2014-01-01 10:30:00 +02:00",
                                             "date: 2015-02-03 10:30:00 +02:00"))
    stat = post.stat()
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    build(cli, site, out)
    assert not (out / "2014/01/01/unquoted/index.html").exists()
    assert (out / "2015/02/03/unquoted/index.html").is_file()
    assert listed(out)["unquoted"][0] == "/2015/02/03/unquoted/"


def test_changing_only_the_excerpt_separator_rerenders_the_summaries(copy_site, cli, tmp_path):
    site = copy_site("jekyll_blog")
    out = tmp_path / "out"
    build(cli, site, out)
    post = site / "_posts/2013-05-06-zoned-release.md"
    post.write_text(post.read_text().replace('excerpt_separator: "<!-- cut -->"\n', ""))
    stat = post.stat()
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    build(cli, site, out)
    assert listed(out)["zoned-release"][1] == "The first part, with a link to the trip."


def test_a_changed_permalink_moves_the_page_in_the_preview(copy_site):
    site_dir = copy_site("jekyll_blog")
    site = load_site(site_dir)
    assert site.test_client().get("/about-me/").status_code == 200
    post = site_dir / "_posts/2024-04-01-about.md"
    post.write_text(post.read_text().replace("/about-me/", "/about-us/"))
    site.forget({str(post)})
    site.prepare()
    client = site.test_client()
    assert client.get("/about-us/").status_code == 200
    assert client.get("/about-me/").status_code == 404


PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(("written", "expected"), [
    ('"2013-05-06 02:12:52 +0200"', datetime(2013, 5, 6, 2, 12, 52, tzinfo=PLUS_TWO)),
    ("2013-05-06 02:12:52 +0200", datetime(2013, 5, 6, 2, 12, 52, tzinfo=PLUS_TWO)),
    ("2013-05-06 02:12:52 +02:00", datetime(2013, 5, 6, 2, 12, 52, tzinfo=PLUS_TWO)),
    ('"2013-05-06 02:12 -0530"',
     datetime(2013, 5, 6, 2, 12, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ('"2013-05-06T02:12:52Z"', datetime(2013, 5, 6, 2, 12, 52, tzinfo=timezone.utc)),
    ('"2024-05-17 14:30"', datetime(2024, 5, 17, 14, 30)),
    ('"2024-5-7"', date(2024, 5, 7)),
])
def test_jekyll_dates_parse_with_their_zone(written, expected):
    source = split_front_matter(f"---\ndate: {written}\n---\nText.\n", Path("a.md"), "a.md")
    assert source.meta["date"] == expected
    # Equal instants in other zones compare equal: the zone itself must be kept.
    assert getattr(source.meta["date"], "tzinfo", None) == getattr(expected, "tzinfo", None)


def test_a_hugo_section_page_is_its_folders_page(cli, tmp_path):
    site = tmp_path / "site"
    write(site, {
        "app.py": "from sitegen import Site\n\nsite = Site(__name__, static_folder=None)\n"
                  "docs = site.pages('content', endpoint='doc')\n\n\n"
                  "@site.route('/', defaults={'path': 'index'})\n@site.route('/<path:path>/')\n"
                  "def doc(path):\n    return docs.get_or_404(path).html\n",
        "content/_index.md": "The home page.\n",
        "content/guide/_index.md": "The guide's section page.\n",
        "content/guide/install.md": "Installing.\n",
    })
    out = tmp_path / "out"
    build(cli, site, out)
    assert (out / "index.html").read_text() == "<p>The home page.</p>"
    assert (out / "guide/index.html").read_text() == "<p>The guide's section page.</p>"
    assert (out / "guide/install/index.html").is_file()
