"""The site, request and render record of the render in progress.

Views call ``render_template`` and ``url_for`` without passing the site
around, as in Flask.  Context variables make that safe with threads (the
preview server) and keep each render's record separate.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

from werkzeug.local import LocalProxy
from werkzeug.routing import MapAdapter
from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from .app import Site

from .record import RenderRecord

_cv_site: ContextVar[Site] = ContextVar("sitegen.site")
_cv_request: ContextVar[Request] = ContextVar("sitegen.request")
_cv_adapter: ContextVar[MapAdapter] = ContextVar("sitegen.adapter")
_cv_record: ContextVar[RenderRecord | None] = ContextVar("sitegen.record", default=None)

request: Request = LocalProxy(  # type: ignore[assignment]
    _cv_request, unbound_message="'request' is only available while a URL renders."
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
