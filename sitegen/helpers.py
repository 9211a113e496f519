"""``url_for``, ``abort`` and ``redirect`` for views and templates."""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import abort as _abort
from werkzeug.routing import BuildError
from werkzeug.utils import redirect as _redirect
from werkzeug.wrappers import Response

from .context import _cv_adapter, _cv_record, current_site


def url_for(endpoint: str, *, _external: bool = False, _anchor: str | None = None,
            **values: Any) -> str:
    """The URL of ``endpoint`` with ``values``, as Flask's ``url_for``.

    URLs carry the base URL's path (``/blog/`` for a site published under
    ``https://example.org/blog/``); ``_external=True`` makes them absolute.
    Every URL built during a render is recorded, so a page linked only
    through ``url_for`` is still built.
    """
    site = current_site()
    adapter = _cv_adapter.get(None) or site.url_adapter()
    url, local = site.build_url_and_path(adapter, endpoint, values, external=_external)
    record = _cv_record.get()
    if record is not None:
        record.urls.add(local)
        if _external and not site.config.get("BASE_URL"):
            record.warn(
                f"url_for({endpoint!r}, _external=True) without a base URL gives "
                f"{url!r}; set config['BASE_URL'] or pass --base-url"
            )
    if _anchor:
        url += "#" + _anchor
    return url


def abort(code: int, description: str | None = None) -> None:
    """Stop the view with an HTTP error, handled by the site's error handlers."""
    _abort(code, description)


def redirect(location: str, code: int = 302) -> Response:
    """A redirect response.  The build writes it as a small HTML page."""
    return _redirect(location, code)


__all__ = ["url_for", "abort", "redirect", "BuildError"]
