"""What a site's collections share: the parser, the cache and the link index.

Links cross collections (a post may link to a wiki page), so the state that
resolves them belongs to the site, not to one collection.  Each ``Site``
gets one :class:`SiteContent`, created with its first collection; it owns
the Markdown renderer, the on-disk parse cache, the source index, and a
*stamp* that changes whenever anything the resolved pages depend on changes
(a file under a collection folder, the ``DRAFTS``/``FUTURE`` flags, the base
URL, the build's time).  Everything computed from the set of pages is
memoised against that stamp, together with the facts computing it noted, so
every render that uses a memoised value depends on what it was made of.

It is also where content answers for its facts (see ``sitegen.record``): the
current fingerprint of a page's field, or of a query's result.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..context import capturing, current_record
from ..fingerprint import MISSING, digest, value_digest
from ..record import LISTING, PAGE, Fact, RenderRecord
from . import highlight
from .cache import ParseCache
from .markup import Parsed, Renderer, renderer_for
from .page import page_tags, summary_text
from .sourceindex import UNKNOWN, SourceIndex

if TYPE_CHECKING:
    from ..app import Site
    from .collection import Pages
    from .links import LinkIndex
    from .page import Page

T = TypeVar("T")
Stamp = tuple[Any, ...]
#: How many parses stay in memory; the others come back from the disk cache.
PARSES_KEPT = 512
#: A parse longer than this (seconds) is worth a warning: Python-Markdown is quadratic
#: on some very large files (a 10 MB page takes minutes in ``fenced_code``).
SLOW_PARSE = 10.0

_create_lock = threading.Lock()


def content_of(site: Site) -> SiteContent:
    """The :class:`SiteContent` of ``site`` (``site.extensions["content"]``)."""
    content = site.extensions.get("content")
    if content is None:
        with _create_lock:
            content = site.extensions.get("content")
            if content is None:
                content = site.extensions["content"] = SiteContent(site)
    return content  # type: ignore[no-any-return]


class SiteContent:
    """The content state of one site, shared by its collections."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.collections: list[Pages] = []
        #: Guards loading, rule registration and the memo tables.
        self.lock = threading.RLock()
        self.generation = 0
        self._renderer: Renderer | None = None
        #: Made now, opened at the first parse: workers forked before then know
        #: whether it was there (see ``cache.share_caches``).
        self._cache = ParseCache(site.cache_path("markdown"), lambda: self.renderer.fingerprint)
        self._parses: OrderedDict[tuple[str, bytes], Parsed] = OrderedDict()
        self._memo: dict[str, tuple[Stamp, Any, RenderRecord]] = {}
        self._by_name: tuple[int, dict[str, Page]] = (-1, {})
        self.sources = SourceIndex(site.cache_path("content") / "sources.pickle",
                                   site.root_path, lambda: not site.caches_ignored)
        site.on_forget(self.forget)
        site.on_save(self.sources.save)
        site.on_flush(self.flush_cache)
        site.fact_sources[PAGE] = self.page_fact
        site.fact_sources[LISTING] = self.listing_fact
        highlight.register(site)

    # -- parsing -----------------------------------------------------------

    @property
    def renderer(self) -> Renderer:
        """The Markdown renderer, built from the config when first needed."""
        if self._renderer is None:
            with self.lock:
                if self._renderer is None:
                    renderer = renderer_for(self.site.config)
                    renderer.highlighter.store = self._cache.highlights(
                        lambda: not self.site.caches_ignored)
                    self._renderer = renderer
        return self._renderer

    def parsed(self, page: Page) -> Parsed:
        """The parse of ``page``'s body: kept in memory for the pages used last, else
        from the disk cache, else parsed now (and cached for next time)."""
        source = page.source
        key = (str(source.path), source.body_hash)
        parsed = self._parses.get(key)
        if parsed is not None:
            self._parses.move_to_end(key)
            return parsed
        renderer = self.renderer
        with self.lock:
            cache_key = self._cache.key(source.body_hash)
            parsed = None if self.site.caches_ignored else self._cache.load(cache_key)
            if parsed is None:
                started = time.monotonic()
                parsed = renderer.parse(source.body)
                self._cache.store(cache_key, parsed)
                _warn_if_slow(page, time.monotonic() - started)
            source.drop_body()
            self.sources.note_parse(source, parsed.title, parsed.tags)
            self._parses[key] = parsed
            if len(self._parses) > PARSES_KEPT:
                self._parses.popitem(last=False)
        return parsed

    def flush_cache(self) -> None:
        """Write the parses and highlighted blocks the parse cache holds back."""
        self._cache.flush()

    def heading(self, page: Page) -> str | None:
        """The first ``# heading`` of ``page``: from the source index, else its parse."""
        heading = UNKNOWN if self.site.caches_ignored else self.sources.heading(page.source)
        return self.parsed(page).title if heading == UNKNOWN else heading

    def inline_tags(self, page: Page) -> tuple[str, ...]:
        """The ``#tags`` written in ``page``'s body: from the source index, else its parse."""
        tags = None if self.site.caches_ignored else self.sources.tags(page.source)
        return self.parsed(page).tags if tags is None else tags

    # -- state -------------------------------------------------------------

    def stamp(self) -> Stamp:
        """Changes whenever the set of visible pages or their URLs may have."""
        config = self.site.config
        return (self.generation, bool(dict.get(config, "DRAFTS")),
                bool(dict.get(config, "FUTURE")), self.site.base_url, self.site.build_time)

    def memo(self, store: dict[str, tuple[Stamp, Any, RenderRecord]], key: str,
             compute: Callable[[], T]) -> T:
        """``compute()``, kept in ``store`` (its owner's) until the stamp changes.

        What computing it noted is kept with it and merged into each render
        that uses the value, first or hundredth.
        """
        stamp = self.stamp()
        entry = store.get(key)
        if entry is None or entry[0] != stamp:
            with self.lock:
                with capturing() as captured:
                    value = compute()
                entry = store[key] = (stamp, value, captured)
        record = current_record()
        if record is not None:
            record.merge(entry[2])
        return entry[1]  # type: ignore[no-any-return]

    def links(self) -> LinkIndex:
        """The index that resolves links and backlinks for the current stamp."""
        from .links import LinkIndex

        return self.memo(self._memo, "links", lambda: LinkIndex(self))

    def forget(self, paths: set[str]) -> None:
        """The ``site.forget`` hook: drop what changed files invalidate."""
        with self.lock:
            changed = [c for c in self.collections if c.forget(paths)]
            if changed:
                self.generation += 1

    # -- lookups -----------------------------------------------------------

    def collection_for(self, path: str) -> Pages | None:
        """The innermost collection whose folder holds the file at ``path``."""
        best: Pages | None = None
        for collection in self.collections:
            folder = str(collection.folder) + os.sep
            if path.startswith(folder) and (best is None or
                                            len(str(collection.folder)) > len(str(best.folder))):
                best = collection
        return best

    def page_at(self, path: str) -> Page | None:
        """The page (visible or not) read from the file at ``path``."""
        collection = self.collection_for(path)
        return collection.page_at(path) if collection is not None else None

    # -- facts -------------------------------------------------------------

    def page_fact(self, fact: Fact) -> bytes:
        """The fingerprint of one field of one page (see ``Page``)."""
        if self._by_name[0] != self.generation:
            self._by_name = (self.generation, self._pages_by_name())
        page = self._by_name[1].get(fact.subject)
        if page is None:
            return MISSING
        field = fact.detail
        if field.startswith("meta."):
            return value_digest(page._meta.get(field[5:], MISSING))
        if field == "meta":
            return value_digest(page._meta)
        if field == "body":
            return digest("body", page.source.body_hash)
        if field == "summary":
            # Written out, or cut from the body at the page's separator (the config's
            # is a fact of its own, noted when the summary read it).
            summary = summary_text(page._meta)
            if summary is not None:
                return value_digest(summary)
            separator = page._meta.get("excerpt_separator")
            return digest("body", page.source.body_hash, value_digest(separator))
        if field == "tags":
            return value_digest(page_tags(page))
        if field in ("title", "slug", "date", "future"):
            return value_digest(page.field(field))
        if field == "url":
            try:
                return value_digest(page.collection.url_of(page, record=False))
            except Exception as error:  # the build reports it where the URL is used
                return digest("error", str(error))
        if field == "visible":
            return value_digest(page.collection.is_visible(page))
        if field == "neighbours":
            neighbours = page.collection.neighbour(page, -1), page.collection.neighbour(page, 1)
            return value_digest([p.display_path if p else None for p in neighbours])
        if field == "backlinks":
            return value_digest([p.display_path for p in self.links().backlinks(page)])
        return digest("unknown page field", field)

    def _pages_by_name(self) -> dict[str, Page]:
        """Every page (visible or not) by its site-relative source path, as facts name
        it; the pages read stay the same until the generation changes."""
        return {page.display_path: page for collection in self.collections
                for page in collection.all_pages()}

    def listing_fact(self, fact: Fact) -> bytes:
        """The fingerprint of a query's result: which pages, in which order."""
        if fact.subject == "*":
            return self.links().fact(fact.detail)
        collection = next((c for c in self.collections if c.name == fact.subject), None)
        if collection is None:
            return MISSING
        return collection.query_fact(fact.detail)


def _warn_if_slow(page: Page, seconds: float) -> None:
    """Name a page whose parse took more than ``SLOW_PARSE`` seconds, and what helps."""
    record = current_record()
    if seconds > SLOW_PARSE and record is not None:
        size = os.path.getsize(page.source.path) / 1e6
        record.warn(f"{page.display_path} ({size:.1f} MB) took {seconds:.0f} s to parse: "
                    "split it into smaller pages, or set config['MARKDOWN_ENGINE'] = "
                    "'commonmark', which parses it in a fraction of a second")
