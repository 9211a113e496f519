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
        """Front matter ``tags``, each a :class:`Tag`: its name, with a ``slug`` for URLs."""
        self._note("meta.tags")
        return tags_of(self._meta)

    @property
    def aliases(self) -> list[str]:
        """Old URLs of the page (front matter ``aliases``), published as redirects."""
        self._note("meta.aliases")
        return list(self._meta.get("aliases") or ())

    @property
    def draft(self) -> bool:
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
        """Front matter ``summary`` (as text), else the first paragraph as HTML."""
        self._note("summary")
        summary = self._meta.get("summary")
        if summary is not None:
            return escape(str(summary))
        return self._resolution().summary

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


def tags_of(meta: dict[str, Any]) -> list[Tag]:
    """The ``tags`` of front matter ``meta`` as :class:`Tag` objects."""
    return [Tag(tag) for tag in meta.get("tags") or ()]


def url_value(page: Page, name: str) -> Any:
    """``page``'s value for the route argument ``name``, noting nothing (the page's
    ``url`` fact stands for all of them): a derived field, an attribute, else front matter.

    Raises ``KeyError`` when it has neither.
    """
    if name in ("title", "slug", "date"):
        return page.field(name)
    if name == "path":
        return page.path
    if name in page._meta:
        return page._meta[name]
    return attribute_or_meta(page, name)


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
