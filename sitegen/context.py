"""The site, request and render record of the render in progress.

Views call ``render_template`` and ``url_for`` without passing the site
around, as in Flask.  Context variables make that safe with threads (the
preview server) and keep each render's record separate.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NamedTuple

from werkzeug.local import LocalProxy
from werkzeug.routing import MapAdapter
from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from .app import Site

from .record import MANIFEST, Fact, RenderRecord

_cv_site: ContextVar[Site] = ContextVar("sitegen.site")
_cv_request: ContextVar[Request] = ContextVar("sitegen.request")
_cv_adapter: ContextVar[MapAdapter] = ContextVar("sitegen.adapter")
_cv_g: ContextVar[Globals] = ContextVar("sitegen.g")
_cv_record: ContextVar[RenderRecord | None] = ContextVar("sitegen.record", default=None)
_cv_manifest: ContextVar[Sequence[BuiltPage] | None] = ContextVar("sitegen.manifest",
                                                                 default=None)



class SiteRequest(Request):
    """A request to the site, knowing its rule as Flask's ``request`` does.

    ``url_rule``, ``view_args`` and ``endpoint`` are set once the URL matched;
    ``blueprint`` is the blueprint of the endpoint (``None`` for the site's own),
    ``blueprints`` it and its parents, innermost first.
    """

    url_rule: Any = None
    view_args: dict[str, Any] | None = None

    @property
    def endpoint(self) -> str | None:
        return self.url_rule.endpoint if self.url_rule is not None else None

    @property
    def blueprint(self) -> str | None:
        endpoint = self.endpoint
        return endpoint.rpartition(".")[0] or None if endpoint else None

    @property
    def blueprints(self) -> list[str]:
        return blueprint_scopes(self.blueprint)


def blueprint_scopes(name: str | None) -> list[str]:
    """``"a.b.c"`` → ``["a.b.c", "a.b", "a"]``: a nested blueprint's names, innermost
    first (its hooks, then its parents')."""
    if not name:
        return []
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


class Globals:
    """``g``: a namespace for one request (or one ``app_context``), as Flask's.

    A ``before_request`` hook or a ``url_value_preprocessor`` puts values on it
    (``g.lang``) for the view and its templates; the next URL starts empty, so a
    page never sees what an earlier one left.
    """

    def get(self, name: str, default: Any = None) -> Any:
        return self.__dict__.get(name, default)

    def pop(self, name: str, *default: Any) -> Any:
        return self.__dict__.pop(name, *default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        return f"<sitegen.g of {current_site().import_name!r}>"


request: SiteRequest = LocalProxy(  # type: ignore[assignment]
    _cv_request, unbound_message="'request' is only available while a URL renders."
)
g: Globals = LocalProxy(  # type: ignore[assignment]
    _cv_g, unbound_message="'g' is only available while a URL renders, or in "
    "site.app_context()."
)
current_app: Site = LocalProxy(  # type: ignore[assignment]
    _cv_site, unbound_message="'current_app' is only available while a URL renders, or "
    "in site.app_context()."
)


def current_site() -> Site:
    """The site whose URL is rendering, or the last one created."""
    site = _cv_site.get(None)
    if site is None:
        raise RuntimeError(
            "No sitegen site is active: call this from a view, a template or a generator."
        )
    return site


def current_record() -> RenderRecord | None:
    """The record of the render in progress, or ``None`` outside one."""
    return _cv_record.get()


@contextmanager
def capturing() -> Iterator[RenderRecord]:
    """Collect what the code inside notes in a record of its own.

    For values computed once and used by many renders (a collection's tag
    index, a page's resolved links): the facts are kept with the value and
    merged into each render that uses it (:meth:`RenderRecord.merge`).
    """
    outer = _cv_record.get()
    collector = RenderRecord("", outer.root if outer is not None else "")
    token = _cv_record.set(collector)
    try:
        yield collector
    finally:
        _cv_record.reset(token)


class BuiltPage(NamedTuple):
    """One entry of the manifest: a URL the build wrote, and what it is."""

    url: str
    path: str
    mimetype: str
    status: int
    #: ``page``, ``redirect`` or ``file`` (a static or media file sent as is).
    kind: str


def built_pages() -> Sequence[BuiltPage] | None:
    """Every URL the build wrote, sorted, while it renders the aggregate URLs.

    Aggregate URLs (:attr:`Site.aggregate_urls`, such as the sitemap) render
    after every other URL, with the manifest of what was built handed to them;
    the render then depends on it.  ``None`` anywhere else.
    """
    manifest = _cv_manifest.get()
    record = _cv_record.get()
    if manifest is not None and record is not None:
        record.depend(Fact(MANIFEST, ""))
    return manifest
