"""Atom and RSS feeds, read back by feedparser from real builds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
TRICKY_TITLE = 'Fish & <Chips> "quoted" \'single\''


@pytest.fixture
def feeds_build(copy_site, cli, tmp_path) -> Path:
    site = copy_site("feeds")
    out = tmp_path / "out"
    result = cli("build", site, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def parse(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(("name", "version"), [("feed.atom", "atom10"), ("feed.rss", "rss20")])
def test_feeds_read_back_with_every_entry(feeds_build, name, version):
    feed = parse(feeds_build / name)
    assert feed.version == version
    assert feed.feed.title == "Notes & <Things>"
    assert feed.feed.link == "https://example.org/notes/"
    assert [e.title for e in feed.entries] == [
        TRICKY_TITLE, "A datetime with an offset", "The oldest note",
    ]
    assert [e.link for e in feed.entries] == [
        "https://example.org/notes/n/ampersand/",
        "https://example.org/notes/n/offset/",
        "https://example.org/notes/n/oldest/",
    ]
    assert [e.id for e in feed.entries] == [
        "tag:example.org,2024-03-01:/notes/n/ampersand/",
        "tag:example.org,2024-05-02:/notes/n/offset/",
        "urn:uuid:5f0c7a4e-3c39-4c1e-9d7a-0d4b9a8c2f10",
    ]
    assert [t.term for t in feed.entries[0].tags] == ["food & drink", "<odd>"]


def test_atom_dates_are_rfc3339_and_the_feed_is_as_new_as_its_newest_entry(feeds_build):
    feed = parse(feeds_build / "feed.atom")
    assert feed.feed.updated == "2024-06-01T08:00:00Z"
    assert [(e.published, e.updated) for e in feed.entries] == [
        ("2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z"),
        ("2024-05-02T09:30:00+02:00", "2024-06-01T08:00:00Z"),
        ("2023-12-31T00:00:00Z", "2023-12-31T00:00:00Z"),
    ]
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "https://example.org/notes/feed.atom",
                     "alternate": "https://example.org/notes/"}


def test_rss_dates_are_rfc822_with_their_offset(feeds_build):
    feed = parse(feeds_build / "feed.rss")
    assert feed.feed.updated == "Sat, 01 Jun 2024 08:00:00 +0000"
    assert [e.published for e in feed.entries] == [
        "Fri, 01 Mar 2024 00:00:00 +0000",
        "Thu, 02 May 2024 09:30:00 +0200",
        "Sun, 31 Dec 2023 00:00:00 +0000",
    ]
    assert [e.guidislink for e in feed.entries] == [False, False, False]


def test_markup_and_text_are_escaped_not_pasted(feeds_build):
    for name in ("feed.atom", "feed.rss"):
        text = (feeds_build / name).read_text()
        assert "Fish &amp; &lt;Chips&gt;" in text
        ET.fromstring(text.encode())  # well-formed XML
    atom = parse(feeds_build / "feed.atom")
    rss = parse(feeds_build / "feed.rss")
    # An HTML summary stays HTML; a plain-text one keeps its angle brackets.
    assert atom.entries[0].summary.startswith("<p>Salt &amp; vinegar")
    assert atom.entries[1].summary == "Plain text, with <angle brackets> & an ampersand."
    assert rss.entries[1].summary == "Plain text, with &lt;angle brackets&gt; &amp; an ampersand."


def test_links_in_summaries_and_full_content_become_absolute(feeds_build):
    atom = parse(feeds_build / "full.atom")
    first = atom.entries[0]
    assert 'href="https://example.org/notes/n/offset/"' in first.summary
    content = first.content[0].value
    assert 'src="https://example.org/notes/n/offset/pic.png"' in content
    assert 'href="https://example.org/notes/n/ampersand/#top"' in content
    rss = parse(feeds_build / "full.rss")
    assert rss.entries[0].content[0].value == content


def test_full_content_feeds_keep_the_limit_and_name_an_author(feeds_build):
    atom = parse(feeds_build / "full.atom")
    assert len(atom.entries) == 2
    assert atom.feed.author == "The Editors"
    assert atom.entries[1].author == "Ada Lovelace"
    assert len(parse(feeds_build / "full.rss").entries) == 2
    summary_only = ET.parse(feeds_build / "feed.atom").getroot()
    assert summary_only.find(f"{ATOM}entry/{ATOM}content") is None


def test_characters_xml_forbids_are_dropped(feeds_build):
    text = (feeds_build / "full.atom").read_bytes()
    assert b"\x0b" not in text


def test_feeds_are_served_with_feed_content_types(copy_site):
    from sitegen.loading import load_site

    client = load_site(copy_site("feeds")).test_client()
    base = "https://example.org/notes/"
    atom = client.get("/feed.atom", base_url=base)
    rss = client.get("/feed.rss", base_url=base)
    assert atom.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert rss.headers["Content-Type"] == "application/rss+xml; charset=utf-8"


def test_two_builds_write_the_same_feed_bytes(copy_site, cli, tmp_path):
    site = copy_site("feeds")
    first, second = tmp_path / "one", tmp_path / "two"
    assert cli("build", site, "-o", first).exit_code == 0
    assert cli("build", site, "-o", second).exit_code == 0
    for name in ("feed.atom", "feed.rss", "full.atom", "full.rss"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_the_base_url_option_moves_every_feed_url(copy_site, cli, tmp_path):
    site = copy_site("feeds")
    out = tmp_path / "out"
    result = cli("build", site, "-o", out, "--base-url", "https://notes.example.net/")
    assert result.exit_code == 0, result.output
    feed = parse(out / "feed.atom")
    assert feed.feed.id == "https://notes.example.net/feed.atom"
    assert feed.entries[0].link == "https://notes.example.net/n/ampersand/"
    assert feed.entries[0].id == "tag:notes.example.net,2024-03-01:/n/ampersand/"


def test_an_entry_without_a_date_is_an_error_naming_it(copy_site, cli, tmp_path):
    result = cli("build", copy_site("feed_without_dates"), "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "The feed entry https://example.org/undated/ has no date." in result.output
    assert "hint: give the page a 'date:'" in result.output


def test_feeds_and_sitemaps_without_a_base_url_warn(cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "app.py").write_text(
        "from datetime import date\n"
        "from sitegen import Site\n"
        "from sitegen.feeds import rss_feed\n"
        "from sitegen.sitemap import add_sitemap\n"
        "site = Site(__name__)\n"
        "add_sitemap(site, robots=None)\n"
        "@site.route('/')\n"
        "def index():\n"
        "    return '<!doctype html><title>Home</title>'\n"
        "@site.route('/feed.rss')\n"
        "def feed():\n"
        "    return rss_feed([{'title': 'Home', 'url': '/', 'date': date(2024, 1, 1)}],\n"
        "                    title='Home')\n"
    )
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: /feed.rss: a feed needs absolute URLs, but there is no base URL, so they "
        "start with http://localhost/; set config['BASE_URL'] or pass --base-url",
        "warning: /sitemap.xml: the sitemap needs absolute URLs, but there is no base URL, "
        "so they start with http://localhost/; set config['BASE_URL'] or pass --base-url",
    ]
    rss = feedparser.parse((tmp_path / "out" / "feed.rss").read_bytes())
    assert rss.entries[0].link == "http://localhost/"
