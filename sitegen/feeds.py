"""Atom 1.0 and RSS 2.0 feeds for a collection of pages.

One call in a route turns pages into a feed response::

    @site.route("/feed.atom")
    def feed_atom():
        return atom_feed(posts.latest(20), title="My blog")

    @site.route("/feed.rss")
    def feed_rss():
        return rss_feed(posts.latest(20), title="My blog")

Any iterable of page-like objects works: objects or mappings with ``title``,
``url`` and ``date`` and, where they have them, ``updated``, ``summary``,
``html``, ``tags``, ``author`` and ``id``.  Entries keep the order they are
given in (``posts.latest(20)`` is newest first).

Feed readers need absolute URLs, so every URL (links, ids, and the links
inside full content) is made absolute against ``config["BASE_URL"]``
(``--base-url``).  Nothing depends on the clock: a feed's ``updated`` is its
newest entry's, so building twice gives the same bytes and readers see no
phantom updates.  Naive dates and datetimes are taken as UTC.

Entry ids are ``tag:`` URIs (RFC 4151) made of the host, the publication
date and the page's path, or the page's ``id`` where its front matter has
one; they never change from one build to the next.

So that readers find the feeds, advertise them in the ``<head>`` of your
layout::

    <link rel="alternate" type="application/atom+xml" title="My blog"
          href="{{ url_for('feed_atom') }}">
    <link rel="alternate" type="application/rss+xml" title="My blog"
          href="{{ url_for('feed_rss') }}">
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import format_datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin, urlsplit

from werkzeug.wrappers import Response

from .context import current_record, current_site, request
from .errors import SitegenError
from .linkscan import rewrite_html_links
from .urls import is_absolute

if TYPE_CHECKING:
    from .app import Site

ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"
ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"

Content = Literal["summary", "full"]

#: Characters XML 1.0 forbids even when escaped; a stray one makes a feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass
class Entry:
    """One feed entry, with absolute URLs and timezone-aware dates."""

    title: str
    link: str
    id: str
    published: datetime | None
    updated: datetime
    summary: str | None
    summary_is_html: bool
    content: str | None
    tags: list[str]
    author: str | None


@dataclass
class Feed:
    """A feed's metadata and entries, written as Atom or RSS."""

    title: str
    url: str
    link: str
    id: str
    subtitle: str | None
    author: str | None
    entries: list[Entry]

    @property
    def updated(self) -> datetime:
        """The newest entry's date: the feed changes when an entry does."""
        return max((e.updated for e in self.entries), default=_EPOCH)

    def to_atom(self) -> bytes:
        """The feed as an Atom 1.0 document (RFC 4287)."""
        feed = ET.Element("feed", {"xmlns": ATOM_NS})
        _text(feed, "id", self.id)
        _text(feed, "title", self.title)
        if self.subtitle:
            _text(feed, "subtitle", self.subtitle)
        _text(feed, "updated", _rfc3339(self.updated))
        ET.SubElement(feed, "link", {"rel": "self", "type": ATOM_TYPE, "href": self.url})
        ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html",
                                     "href": self.link})
        if self.author or not all(e.author for e in self.entries):
            _author(feed, self.author or self.title)
        _text(feed, "generator", "sitegen")
        for entry in self.entries:
            item = ET.SubElement(feed, "entry")
            _text(item, "id", entry.id)
            _text(item, "title", entry.title)
            ET.SubElement(item, "link", {"rel": "alternate", "type": "text/html",
                                         "href": entry.link})
            if entry.published is not None:
                _text(item, "published", _rfc3339(entry.published))
            _text(item, "updated", _rfc3339(entry.updated))
            if entry.author:
                _author(item, entry.author)
            for tag in entry.tags:
                ET.SubElement(item, "category", {"term": tag})
            if entry.summary:
                kind = "html" if entry.summary_is_html else "text"
                _text(item, "summary", entry.summary, type=kind)
            if entry.content:
                _text(item, "content", entry.content, type="html")
        return xml_document(feed)

    def to_rss(self) -> bytes:
        """The feed as an RSS 2.0 document, with an Atom self link."""
        rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS,
                                 "xmlns:content": CONTENT_NS})
        channel = ET.SubElement(rss, "channel")
        _text(channel, "title", self.title)
        _text(channel, "link", self.link)
        _text(channel, "description", self.subtitle or self.title)
        ET.SubElement(channel, "atom:link", {"rel": "self", "type": RSS_TYPE,
                                             "href": self.url})
        _text(channel, "lastBuildDate", format_datetime(self.updated))
        _text(channel, "generator", "sitegen")
        for entry in self.entries:
            item = ET.SubElement(channel, "item")
            _text(item, "title", entry.title)
            _text(item, "link", entry.link)
            is_link = entry.id == entry.link
            _text(item, "guid", entry.id, isPermaLink="true" if is_link else "false")
            _text(item, "pubDate", format_datetime(entry.published or entry.updated))
            for tag in entry.tags:
                _text(item, "category", tag)
            description = entry.summary or entry.content
            if description and entry.summary and not entry.summary_is_html:
                description = html.escape(description, quote=False)  # RSS means HTML
            if description:
                _text(item, "description", description)
            if entry.content:
                _text(item, "content:encoded", entry.content)
        return xml_document(rss)


def atom_feed(pages: Iterable[Any], *, title: str, url: str | None = None,
              link: str | None = None, subtitle: str | None = None,
              author: str | None = None, id: str | None = None,
              content: Content = "summary", limit: int | None = None) -> Response:
    """An Atom 1.0 response for ``pages``.

    ``url`` is the feed's own address (default: the URL being rendered),
    ``link`` the HTML page it belongs to (default: the site's base URL), ``id``
    the feed's permanent id (default: ``url``).  ``content="full"`` adds
    each page's whole HTML besides its summary; ``limit`` keeps the first
    ``limit`` pages.  ``author`` names the feed's author, for entries whose
    front matter names none.
    """
    feed = make_feed(pages, title=title, url=url, link=link, subtitle=subtitle,
                     author=author, id=id, content=content, limit=limit)
    return Response(feed.to_atom(), mimetype=ATOM_TYPE)


def rss_feed(pages: Iterable[Any], *, title: str, url: str | None = None,
             link: str | None = None, subtitle: str | None = None,
             content: Content = "summary", limit: int | None = None) -> Response:
    """An RSS 2.0 response for ``pages``; the arguments are ``atom_feed``'s
    (RSS has no place for an author's name or a feed id).

    With ``content="full"``, each item carries its summary as
    ``<description>`` and its whole HTML as ``<content:encoded>``.
    """
    feed = make_feed(pages, title=title, url=url, link=link, subtitle=subtitle,
                     content=content, limit=limit)
    return Response(feed.to_rss(), mimetype=RSS_TYPE)


def make_feed(pages: Iterable[Any], *, title: str, url: str | None = None,
              link: str | None = None, subtitle: str | None = None,
              author: str | None = None, id: str | None = None,
              content: Content = "summary", limit: int | None = None) -> Feed:
    """The :class:`Feed` behind ``atom_feed`` and ``rss_feed``.

    Use it to write a feed to a file, or in a format of your own.
    """
    if content not in ("summary", "full"):
        raise ValueError(f"content must be 'summary' or 'full', not {content!r}")
    site = current_site()
    base = site.base_url
    warn_without_base_url(site, "a feed")
    if url is None:
        url = request.url
    url = urljoin(base, url)
    entries = [_entry(page, base, full=content == "full")
               for page in islice(pages, limit)]
    return Feed(
        title=_clean(str(title)), url=url, link=urljoin(base, link or base),
        id=id or url, subtitle=_clean(subtitle) if subtitle else None,
        author=_clean(author) if author else None, entries=entries,
    )


def warn_without_base_url(site: Site, what: str) -> None:
    """Warn that ``what`` needs absolute URLs and the site has no base URL."""
    record = current_record()
    if record is not None and not site.config.get("BASE_URL"):
        record.warn(f"{what} needs absolute URLs, but there is no base URL, so they "
                    f"start with {site.base_url}; set config['BASE_URL'] or pass --base-url")


# -- entries -------------------------------------------------------------------


def _entry(page: Any, base: str, *, full: bool) -> Entry:
    title = _field(page, "title")
    url = _field(page, "url")
    if not url:
        raise SitegenError(
            f"A feed entry has no URL: {page!r}.",
            hint="pass pages of a collection bound to an endpoint "
                 "(site.pages(folder, endpoint=...)), or objects with a url",
        )
    link = urljoin(base, str(url))
    published = _datetime(_field(page, "date"), page)
    updated = _datetime(_field(page, "updated"), page) or published
    if updated is None:
        raise SitegenError(
            f"The feed entry {link} has no date.",
            hint="give the page a 'date:' in its front matter (or a YYYY-MM-DD- file "
                 "name prefix); feed readers order entries by it",
        )
    summary = _field(page, "summary")
    body = _field(page, "html")
    return Entry(
        title=_clean(str(title or link)),
        link=link,
        id=str(_meta(page, "id") or _tag_uri(link, published or updated)),
        published=published,
        updated=updated,
        summary=_summary(summary, link),
        summary_is_html=hasattr(summary, "__html__"),
        content=_absolute_html(str(body), link) if full and body else None,
        tags=[_clean(str(tag)) for tag in _field(page, "tags") or ()],
        author=_clean(str(_meta(page, "author"))) if _meta(page, "author") else None,
    )


def _field(page: Any, name: str) -> Any:
    if isinstance(page, Mapping):
        return page.get(name)
    try:
        return getattr(page, name)
    except (AttributeError, KeyError):
        return None


def _meta(page: Any, name: str) -> Any:
    """A front matter value; pages keep those in ``meta``, mappings hold them."""
    meta = page if isinstance(page, Mapping) else getattr(page, "meta", None)
    if isinstance(meta, Mapping):
        return meta.get(name)
    return None


def _datetime(value: Any, page: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise SitegenError(
                f"The feed entry {_field(page, 'url')} has the date {value!r}, "
                "which is not an ISO date.",
                hint="write dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+01:00",
            ) from None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        raise SitegenError(f"The feed entry {_field(page, 'url')} has the date "
                           f"{value!r}, which is not a date.")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _tag_uri(link: str, moment: datetime) -> str:
    """``tag:example.org,2024-05-01:/blog/hello/``: an id that never moves.

    RFC 4151 ids name an authority (the host) and a date it owned it; the
    publication date and the path make each entry's unique.
    """
    parts = urlsplit(link)
    host = parts.hostname or "localhost"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"tag:{host},{moment.date().isoformat()}:{path}"


def _summary(summary: Any, page_url: str) -> str | None:
    if not summary:
        return None
    if hasattr(summary, "__html__"):
        return _absolute_html(str(summary), page_url)
    return _clean(str(summary))


def _absolute_html(markup: str, page_url: str) -> str:
    """``html`` with every link made absolute, as readers show it out of context."""

    def absolute(link: str) -> str | None:
        if is_absolute(link):
            return None
        return urljoin(page_url, link)

    return _clean(rewrite_html_links(markup, absolute))


# -- XML -----------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _author(parent: ET.Element, name: str) -> None:
    author = ET.SubElement(parent, "author")
    _text(author, "name", name)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def xml_document(root: ET.Element) -> bytes:
    """``root`` as an indented UTF-8 XML document with its declaration."""
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def _rfc3339(moment: datetime) -> str:
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


__all__ = ["ATOM_TYPE", "RSS_TYPE", "Entry", "Feed", "atom_feed", "make_feed", "rss_feed"]
