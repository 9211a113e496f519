"""``Page``: one Markdown file, as templates and views see it.

A page is cheap until used: reading it parses only the front matter (the
collection needs dates and draft flags to order and filter).  The body is
parsed on first use of anything that needs it (``html``, ``summary``,
``toc``, ``headings``, ``text``, ``word_count``, the title fallback), once,
and all of those come from that one parse.  Front matter keys read as
attributes (``page.title``, ``page.author``), in Python and in Jinja.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from ..context import current_record
from ..record import PAGE, Fact
from ..slugs import slugify
from .markup import Parsed
from .refs import Heading
from .source import Source

if TYPE_CHECKING:
    from .collection import Pages
    from .links import Resolution

_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
#: Words a minute for ``reading_time``.
READING_SPEED = 200


class Page:
    """A Markdown file of a collection: front matter, body and what they give.

    ``path`` is the file's path below the collection folder, posix, without
    ``.md`` (``guide/install``); ``slug`` its last segment without a
    ``YYYY-MM-DD-`` date prefix (or front matter ``slug``).  ``meta`` is the
    front matter; its keys are also attributes.

    Every field a template or view uses is noted in the render's record as a
    fact of its own (``page content/posts/a.md: title``), so a change to a
    post's body re-renders the pages that show its body or summary, not the
    ones that list only its title.
    """

    def __init__(self, collection: Pages, source: Source, path: str, display_path: str) -> None:
        self.collection = collection
        #: The source file relative to the site folder: messages and facts name it so.
        self.display_path = display_path
        self.source = source
        self.path = path
        self._meta: dict[str, Any] = source.meta
        self.source_path = source.path
        name = path.rsplit("/", 1)[-1]
        match = _DATE_PREFIX.match(name)
        self._name_date: date | None = None
        self._name = name
        if match is not None:
            try:
                self._name_date = date(int(match[1]), int(match[2]), int(match[3]))
                self._name = match[4]
            except ValueError:
                pass

    def __repr__(self) -> str:
        return f"<Page {self.path!r} of {self.collection.name!r}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            value = self.__dict__["_meta"][name]
        except KeyError:
            raise AttributeError(
                f"{self.path!r} has no attribute or front matter key {name!r}"
            ) from None
        self._note(f"meta.{name}")
        return value

    def __dir__(self) -> list[str]:
        """Attributes and front matter keys: what a "did you mean" can suggest."""
        return [*super().__dir__(), *self._meta]

    def __getitem__(self, key: str) -> Any:
        """``page["key"]``: a front matter value."""
        self._note(f"meta.{key}")
        return self._meta[key]

    @property
    def meta(self) -> dict[str, Any]:
        """The front matter, as a dict (the render depends on all of it)."""
        self._note("meta")
        return self._meta

    # -- front matter ------------------------------------------------------

    @property
    def title(self) -> str:
        """Front matter ``title``, else the first ``# heading``, else the file name."""
        self._note("title")
        return self.field("title")

    @property
    def slug(self) -> str:
        """The URL name: front matter ``slug``, else the file name without a date prefix."""
        self._note("slug")
        return self.field("slug")

    @property
    def date(self) -> date | datetime | None:
        """Front matter ``date``, else the ``YYYY-MM-DD-`` prefix of the file name."""
        self._note("date")
        return self.field("date")

    @property
    def updated(self) -> date | datetime | None:
        """Front matter ``updated`` (when the page last changed), else ``None``."""
        self._note("meta.updated")
        return self._meta.get("updated")

    @property
    def tags(self) -> list[Tag]:
        """Front matter ``tags``, then the ``#tags`` written in the body (Obsidian's),
        each a :class:`Tag`: its name, with a ``slug`` for URLs."""
        self._note("tags")
        return page_tags(self)

    @property
    def aliases(self) -> list[str]:
        """Old URLs of the page, published as redirects to it: the ``aliases`` that
        start with ``/`` (Hugo's), and Jekyll's ``redirect_from``."""
        self._note("meta.aliases")
        self._note("meta.redirect_from")
        return url_aliases(self._meta)

    @property
    def names(self) -> list[str]:
        """Other names of the page, that wiki links find it by: the ``aliases`` that
        are not URLs (Obsidian's ``aliases: [Setup guide]``), and ``alias``."""
        self._note("meta.aliases")
        self._note("meta.alias")
        return alias_names(self._meta)

    @property
    def categories(self) -> list[Tag]:
        """Jekyll's ``categories`` (and ``category``), each a :class:`Tag` with a ``slug``."""
        self._note("meta.categories")
        return categories_of(self._meta)

    @property
    def draft(self) -> bool:
        """Front matter ``draft: true``, or Jekyll's ``published: false``."""
        self._note("meta.draft")
        return bool(self._meta.get("draft", False))

    is_draft = draft

    @property
    def is_future(self) -> bool:
        """Whether the page is dated after the build's time (left out unless ``FUTURE``)."""
        self._note("future")
        return self.field("future")

    # -- the body ----------------------------------------------------------

    @property
    def body(self) -> str:
        """The Markdown body as written."""
        self._note("body")
        return self.source.body

    @property
    def parsed(self) -> Parsed:
        """The one parse of the body (from the disk cache when it is unchanged).

        Not a field of templates: it notes nothing in the render's record.
        """
        return self.collection.content.parsed(self)

    @property
    def html(self) -> Markup:
        """The body as HTML, links resolved."""
        self._note("body")
        return self._resolution().html

    @property
    def summary(self) -> Markup:
        """Front matter ``summary`` or Jekyll's ``excerpt`` (as text); else the body up
        to its excerpt separator; else the first paragraph: HTML, links resolved.

        The separator is front matter ``excerpt_separator``, else
        ``config["EXCERPT_SEPARATOR"]``, else Hugo's ``<!--more-->``.  It is found in
        the page's HTML, so the body is parsed once for both: an HTML comment is
        kept there as written (write one; ``<!--more-->`` is the usual), and one
        inside a code block is not taken for it.  A separator in a paragraph
        closes the summary's open elements.
        """
        self._note("summary")
        text = summary_text(self._meta)
        if text is not None:
            return escape(text)
        resolution = self._resolution()
        separator = self._meta.get("excerpt_separator")
        if separator is None:
            separator = self.collection.site.config.get("EXCERPT_SEPARATOR") or MORE
        cut = excerpt(resolution.html, str(separator))
        return cut if cut is not None else resolution.summary

    @property
    def toc(self) -> Markup:
        """The table of contents (``toc`` extension), ``""`` without headings."""
        self._note("body")
        return Markup(self.parsed.toc)

    @property
    def headings(self) -> list[Heading]:
        """Every heading as ``(id, text, level)``, in order."""
        self._note("body")
        return list(self.parsed.headings)

    @property
    def text(self) -> str:
        """The prose as plain text (no markup, code or raw HTML blocks), for search."""
        self._note("body")
        return self.parsed.text

    @property
    def word_count(self) -> int:
        self._note("body")
        return self.parsed.word_count

    @property
    def needs(self) -> tuple[str, ...]:
        """What the page asks of its layout: ``"mermaid"`` where it has a diagram (load
        ``url_for('mermaid_js')``), ``"math"`` where it has math (MathML: no script)."""
        self._note("body")
        return self.parsed.needs

    @property
    def reading_time(self) -> int:
        """Minutes to read, at ``READING_SPEED`` words a minute; at least 1."""
        return max(1, math.ceil(self.word_count / READING_SPEED))

    # -- the site ----------------------------------------------------------

    @property
    def url(self) -> str:
        """The page's URL, built with ``url_for`` from the collection's endpoint."""
        self._note("url")
        url = self.collection.url_of(self)
        if url is None:
            raise AttributeError(
                f"{self.display_path} has no URL: its collection is not bound to an "
                "endpoint (pass endpoint=... to site.pages)"
            )
        return url

    @property
    def prev(self) -> Page | None:
        """The page before this one in reading order: the older post, or previous path."""
        self._note("neighbours")
        return self.collection.neighbour(self, -1)

    @property
    def next(self) -> Page | None:
        """The page after this one in reading order: the newer post, or next path."""
        self._note("neighbours")
        return self.collection.neighbour(self, 1)

    @property
    def backlinks(self) -> list[Page]:
        """The pages that link to this one (Markdown or wiki links), by title."""
        self._note("backlinks")
        return self.collection.content.links().backlinks(self)

    # -- values, unrecorded ------------------------------------------------

    def field(self, name: str) -> Any:
        """The value of a derived field (``title``, ``slug``, ``date``, ``future``),
        without noting it: for the collection's own ordering and the facts."""
        meta = self._meta
        if name == "title":
            title = meta.get("title")
            if title is not None:
                return str(title)
            return self.collection.content.heading(self) or _title_from_name(self._name)
        if name == "slug":
            return str(meta.get("slug") or self._name)
        if name == "date":
            return meta.get("date") or self._name_date
        if name == "future":
            return _after(self.field("date"), self.collection.site.build_time)
        raise KeyError(name)

    def _note(self, detail: str) -> None:
        record = current_record()
        if record is not None:
            record.depend(Fact(PAGE, self.display_path, detail))

    def _resolution(self) -> Resolution:
        resolution = self.collection.content.links().resolve(self)
        record = current_record()
        if record is not None:
            record.facts |= resolution.facts
            for warning in resolution.warnings:
                record.warn(str(warning))
        return resolution


def _after(value: date | datetime | None, instant: datetime) -> bool:
    """Whether ``value`` lies after ``instant`` (aware, UTC); naive values are local
    wall-clock dates and times, compared with ``instant`` in UTC."""
    if value is None:
        return False
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value > instant
        return value > instant.replace(tzinfo=None)
    return value > instant.date()


class Tag(str):
    """A tag as written in front matter (``Web Dev``), which prints as written and
    compares equal to its name; ``slug`` (``web-dev``) is the form for its URL::

        <a href="{{ url_for('tag', tag=tag.slug) }}">{{ tag }}</a>
    """

    __slots__ = ()

    @property
    def slug(self) -> str:
        return slugify(self)


def url_aliases(meta: dict[str, Any]) -> list[str]:
    """The old URLs front matter ``meta`` names: ``/``-rooted ``aliases``, ``redirect_from``."""
    urls = [alias for alias in meta.get("aliases") or () if alias.startswith("/")]
    urls += [url if url.startswith("/") else "/" + url for url in meta.get("redirect_from") or ()]
    return list(dict.fromkeys(urls))


def alias_names(meta: dict[str, Any]) -> list[str]:
    """The other names front matter ``meta`` gives a page: ``aliases`` that are not
    URLs, and ``alias``."""
    names = [alias for alias in meta.get("aliases") or () if not alias.startswith("/")]
    return list(dict.fromkeys([*names, *(meta.get("alias") or ())]))


def categories_of(meta: dict[str, Any]) -> list[Tag]:
    """The ``categories`` of front matter ``meta`` as :class:`Tag` objects."""
    return [Tag(name) for name in meta.get("categories") or ()]


#: Hugo's summary divider, the excerpt separator unless a page or the config names one.
MORE = "<!--more-->"


def summary_text(meta: dict[str, Any]) -> str | None:
    """The summary front matter ``meta`` writes out: ``summary``, else Jekyll's
    ``excerpt``; None if neither."""
    for key in ("summary", "excerpt"):
        if meta.get(key) is not None:
            return str(meta[key])
    return None


def excerpt(html: str, separator: str) -> Markup | None:
    """``html`` up to ``separator``, the elements still open there closed; None when
    ``separator`` is not in it."""
    index = html.find(separator) if separator else -1
    if index < 0:
        return None
    head = str(html)[:index].rstrip()  # a str: Markup + str would escape the end tags
    opened = _OpenElements()
    opened.feed(head)
    opened.close()
    return Markup(head + "".join(f"</{tag}>" for tag in reversed(opened.stack)))


class _OpenElements(HTMLParser):
    """The elements left open at the end of an HTML fragment, outermost first."""

    #: Elements that have no end tag.
    VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]


def page_tags(page: Page) -> list[Tag]:
    """``page``'s front matter tags, then its body's ``#tags`` (a case variant of a
    tag already listed is that tag), noting nothing."""
    tags = tags_of(page._meta)
    seen = {tag.casefold() for tag in tags}
    for name in page.collection.content.inline_tags(page):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            tags.append(Tag(name))
    return tags


def tags_of(meta: dict[str, Any]) -> list[Tag]:
    """The ``tags`` of front matter ``meta`` as :class:`Tag` objects (Obsidian lets
    them start with ``#``, which is not part of the name)."""
    return [Tag(tag.lstrip("#")) for tag in meta.get("tags") or () if tag.lstrip("#")]


def url_value(page: Page, name: str) -> Any:
    """``page``'s value for the route argument ``name``, noting nothing (the page's
    ``url`` fact stands for all of them): a derived field, an attribute, else front matter.

    ``year``, ``month`` and ``day`` come from the page's date (front matter, or the
    file name's ``YYYY-MM-DD-``), as Jekyll's ``/:year/:month/:day/:title/`` do:
    as ``"2024"``, ``"05"``, ``"07"``, which a string ``<month>`` keeps and an
    ``<int:month>`` writes as ``5`` (``05`` with ``fixed_digits=2``).  A front
    matter key of the same name wins.

    Raises ``KeyError`` when it has neither.
    """
    if name in ("title", "slug", "date"):
        return page.field(name)
    if name == "path":
        return page.path
    if name in page._meta:
        return page._meta[name]
    if name in _DATE_PARTS:
        when = page.field("date")
        if when is not None:
            return f"{getattr(when, name):0{_DATE_PARTS[name]}d}"
    return attribute_or_meta(page, name)


#: The route arguments a page's date gives, with their width in digits.
_DATE_PARTS = {"year": 4, "month": 2, "day": 2}


def attribute_or_meta(page: Page, name: str) -> Any:
    """``page``'s attribute ``name`` (``slug``, ``path``, ``date``…), else its front matter value.

    Raises ``KeyError`` when it has neither.
    """
    if not name.startswith("_") and (
        name in vars(page) or isinstance(getattr(type(page), name, None), property)
    ):
        return getattr(page, name)
    return page[name]


def _title_from_name(name: str) -> str:
    """``getting-started`` → ``Getting started``; a name with spaces stays as written."""
    if " " in name:
        return name
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else name
