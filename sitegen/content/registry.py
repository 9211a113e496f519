"""What a site's collections share: the parser, the cache and the link index.

Links cross collections (a post may link to a wiki page), so the state that
resolves them belongs to the site, not to one collection.  Each ``Site``
gets one :class:`SiteContent`, created with its first collection; it owns
the Markdown renderer, the on-disk parse cache, and a *stamp* that changes
whenever anything the resolved pages depend on changes (a file under a
collection folder, the ``DRAFTS``/``FUTURE`` flags, the base URL, the day).
Everything computed from the set of pages is memoised against that stamp.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from . import highlight
from .cache import ParseCache
from .markup import MarkdownRenderer, Parsed

if TYPE_CHECKING:
    from ..app import Site
    from .collection import Pages
    from .links import LinkIndex
    from .page import Page

T = TypeVar("T")
Stamp = tuple[Any, ...]

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
        self._renderer: MarkdownRenderer | None = None
        self._cache: ParseCache | None = None
        self._memo: dict[str, tuple[Stamp, Any]] = {}
        site.on_forget(self.forget)
        highlight.register(site)

    # -- parsing -----------------------------------------------------------

    @property
    def renderer(self) -> MarkdownRenderer:
        """The Markdown renderer, built from the config when first needed."""
        if self._renderer is None:
            with self.lock:
                if self._renderer is None:
                    self._renderer = MarkdownRenderer.from_config(self.site.config)
        return self._renderer

    def parse(self, body: str) -> Parsed:
        """Parse ``body``, or load the parse of an identical body from the cache."""
        renderer = self.renderer
        if self._cache is None:
            self._cache = ParseCache(self.site.cache_path("markdown"), renderer.fingerprint)
        key = self._cache.key(body)
        parsed = self._cache.load(key)
        if parsed is None:
            parsed = renderer.parse(body)
            self._cache.store(key, parsed)
        return parsed

    # -- state -------------------------------------------------------------

    def stamp(self) -> Stamp:
        """Changes whenever the set of visible pages or their URLs may have."""
        config = self.site.config
        return (self.generation, bool(dict.get(config, "DRAFTS")),
                bool(dict.get(config, "FUTURE")), self.site.base_url, date.today())

    def memo(self, store: dict[str, tuple[Stamp, Any]], key: str,
             compute: Callable[[], T]) -> T:
        """``compute()``, kept in ``store`` (its owner's) until the stamp changes."""
        stamp = self.stamp()
        entry = store.get(key)
        if entry is not None and entry[0] == stamp:
            return entry[1]  # type: ignore[no-any-return]
        with self.lock:
            value = compute()
            store[key] = (stamp, value)
        return value

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
