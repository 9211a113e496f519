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
import os
import re
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from ..context import current_record
from .extension import Heading
from .markup import Parsed
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
    """

    def __init__(self, collection: Pages, source: Source, path: str, display_path: str) -> None:
        self.collection = collection
        #: The source file relative to the site folder, for messages.
        self.display_path = display_path
        self.source = source
        self.path = path
        self.meta: dict[str, Any] = source.meta
        self.body = source.body
        self.source_path = source.path
        self._parsed: Parsed | None = None
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
            return self.__dict__["meta"][name]
        except KeyError:
            raise AttributeError(
                f"{self.path!r} has no attribute or front matter key {name!r}"
            ) from None

    def __getitem__(self, key: str) -> Any:
        """``page["key"]``: a front matter value."""
        return self.meta[key]

    # -- front matter ------------------------------------------------------

    @property
    def title(self) -> str:
        """Front matter ``title``, else the first ``# heading``, else the file name."""
        title = self.meta.get("title")
        if title is not None:
            return str(title)
        return self.parsed.title or _title_from_name(self._name)

    @property
    def slug(self) -> str:
        """The URL name: front matter ``slug``, else the file name without a date prefix."""
        return str(self.meta.get("slug") or self._name)

    @property
    def date(self) -> date | datetime | None:
        """Front matter ``date``, else the ``YYYY-MM-DD-`` prefix of the file name."""
        return self.meta.get("date") or self._name_date

    @property
    def updated(self) -> date | datetime | None:
        """Front matter ``updated`` (when the page last changed), else ``None``."""
        return self.meta.get("updated")

    @property
    def tags(self) -> list[str]:
        return list(self.meta.get("tags") or ())

    @property
    def aliases(self) -> list[str]:
        """Old URLs of the page (front matter ``aliases``), published as redirects."""
        return list(self.meta.get("aliases") or ())

    @property
    def draft(self) -> bool:
        return bool(self.meta.get("draft", False))

    is_draft = draft

    @property
    def is_future(self) -> bool:
        """Whether the page is dated after now (left out unless ``FUTURE``)."""
        value = self.date
        if value is None:
            return False
        if isinstance(value, datetime):
            now = datetime.now(timezone.utc) if value.tzinfo else datetime.now()
            return value > now
        return value > date.today()

    # -- the body ----------------------------------------------------------

    @property
    def parsed(self) -> Parsed:
        """The one parse of the body (from the disk cache when it is unchanged)."""
        if self._parsed is None:
            self._parsed = self.collection.content.parse(self.body)
        return self._parsed

    @property
    def html(self) -> Markup:
        """The body as HTML, links resolved."""
        return self._resolution().html

    @property
    def summary(self) -> Markup:
        """Front matter ``summary`` (as text), else the first paragraph as HTML."""
        summary = self.meta.get("summary")
        if summary is not None:
            self._note_read()
            return escape(str(summary))
        return self._resolution().summary

    @property
    def toc(self) -> Markup:
        """The table of contents (``toc`` extension), ``""`` without headings."""
        self._note_read()
        return Markup(self.parsed.toc)

    @property
    def headings(self) -> list[Heading]:
        """Every heading as ``(id, text, level)``, in order."""
        self._note_read()
        return list(self.parsed.headings)

    @property
    def text(self) -> str:
        """The prose as plain text (no markup, code or raw HTML blocks), for search."""
        self._note_read()
        return self.parsed.text

    @property
    def word_count(self) -> int:
        self._note_read()
        return self.parsed.word_count

    @property
    def reading_time(self) -> int:
        """Minutes to read, at ``READING_SPEED`` words a minute; at least 1."""
        return max(1, math.ceil(self.word_count / READING_SPEED))

    # -- the site ----------------------------------------------------------

    @property
    def url(self) -> str:
        """The page's URL, built with ``url_for`` from the collection's endpoint."""
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
        return self.collection.neighbour(self, -1)

    @property
    def next(self) -> Page | None:
        """The page after this one in reading order: the newer post, or next path."""
        return self.collection.neighbour(self, 1)

    @property
    def backlinks(self) -> list[Page]:
        """The pages that link to this one (Markdown or wiki links), by title."""
        self.collection.note_listing(everywhere=True)
        return self.collection.content.links().backlinks(self)

    # -- recording ---------------------------------------------------------

    def _note_read(self) -> None:
        record = current_record()
        if record is not None:
            record.read_file(str(self.source_path))

    def _resolution(self) -> Resolution:
        resolution = self.collection.content.links().resolve(self)
        record = current_record()
        if record is not None:
            record.read_file(str(self.source_path))
            for target in resolution.targets:
                record.read_file(str(target.source_path))
            if resolution.has_wiki_links:
                self.collection.note_listing(everywhere=True)
            if resolution.lists_files:
                for collection in self.collection.content.collections:
                    record.listed_folder(os.path.join(collection.folder, "*"))
            for warning in resolution.warnings:
                record.warn(warning)
        return resolution


def attribute_or_meta(page: Page, name: str) -> Any:
    """``page``'s attribute ``name`` (``slug``, ``path``, ``date``…), else its front matter value.

    Raises ``KeyError`` when it has neither.
    """
    if not name.startswith("_") and (
        name in vars(page) or isinstance(getattr(type(page), name, None), property)
    ):
        return getattr(page, name)
    return page.meta[name]


def _title_from_name(name: str) -> str:
    """``getting-started`` → ``Getting started``; a name with spaces stays as written."""
    if " " in name:
        return name
    words = name.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else name
