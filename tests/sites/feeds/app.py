"""Feeds of plain dicts: entries with tricky titles, dates of every kind."""

from datetime import date, datetime, timedelta, timezone

from markupsafe import Markup

from sitegen import Site, render_template, url_for
from sitegen.feeds import atom_feed, rss_feed

site = Site(__name__)
site.config["BASE_URL"] = "https://example.org/notes/"

NOTES = {
    "ampersand": {
        "title": 'Fish & <Chips> "quoted" \'single\'',
        "date": date(2024, 3, 1),
        "tags": ["food & drink", "<odd>"],
        "summary": Markup('<p>Salt &amp; vinegar, see <a href="/notes/n/offset/">'
                          "the next note</a>.</p>"),
        "html": Markup('<p>Salt &amp; vinegar.</p><p><img src="../offset/pic.png" '
                       'alt="pic"> and <a href="#top">top</a>.</p>'),
    },
    "offset": {
        "title": "A datetime with an offset",
        "date": datetime(2024, 5, 2, 9, 30, tzinfo=timezone(timedelta(hours=2))),
        "updated": datetime(2024, 6, 1, 8, 0),
        "summary": "Plain text, with <angle brackets> & an ampersand.",
        "html": Markup("<p>Body of the second note.</p>"),
        "author": "Ada Lovelace",
    },
    "oldest": {
        "title": "The oldest note",
        "date": "2023-12-31",
        "html": Markup("<p>Only a body\x0b with a control character.</p>"),
        "id": "urn:uuid:5f0c7a4e-3c39-4c1e-9d7a-0d4b9a8c2f10",
    },
}


def notes() -> list[dict]:
    return [dict(note, url=url_for("note", slug=slug)) for slug, note in NOTES.items()]


@site.route("/")
def index():
    return render_template("index.html", notes=notes())


@site.route("/n/<slug>/")
def note(slug):
    return render_template("index.html", notes=[dict(NOTES[slug], url="")])


@site.route("/feed.atom")
def feed_atom():
    return atom_feed(notes(), title="Notes & <Things>", subtitle="Short notes")


@site.route("/feed.rss")
def feed_rss():
    return rss_feed(notes(), title="Notes & <Things>", subtitle="Short notes")


@site.route("/full.atom")
def full_atom():
    return atom_feed(notes(), title="Notes, in full", content="full", limit=2,
                     author="The Editors")


@site.route("/full.rss")
def full_rss():
    return rss_feed(notes(), title="Notes, in full", content="full", limit=2)
