"""``url_for``, ``abort``, ``redirect`` and Flask's other helpers for views and templates."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from werkzeug.exceptions import abort as _abort
from werkzeug.routing import BuildError
from werkzeug.utils import redirect as _redirect
from werkzeug.wrappers import Response

from .context import _cv_adapter, _cv_record, _cv_request, current_record, current_site
from .files import send_inside

#: What Flask leaves unquoted in a URL's ``#fragment``.
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


def url_for(endpoint: str, *, _external: bool | None = None, _anchor: str | None = None,
            _method: str | None = None, _scheme: str | None = None, **values: Any) -> str:
    """The URL of ``endpoint`` with ``values``, as Flask's ``url_for``.

    ``".name"`` is an endpoint of the current blueprint; the ``url_defaults``
    functions fill in values; ``_scheme`` (which needs ``_external``) sets the
    scheme of an external URL, ``_method`` picks the rule for that method.
    URLs carry the base URL's path (``/blog/`` for a site published under
    ``https://example.org/blog/``); ``_external=True`` makes them absolute.
    Every URL for GET built during a render is recorded, so a page linked only
    through ``url_for`` is still built.
    """
    site = current_site()
    request = _cv_request.get(None)
    if endpoint[:1] == ".":
        blueprint = request.blueprint if request is not None else None  # type: ignore[attr-defined]
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    if _external is None:
        _external = _scheme is not None
    if _scheme is not None and not _external:
        raise ValueError("When specifying '_scheme', '_external' must be True.")
    adapter = _cv_adapter.get(None) or site.url_adapter()
    site.inject_url_defaults(endpoint, values)
    url, local = site.build_url_and_path(adapter, endpoint, values, external=_external,
                                         method=_method, scheme=_scheme)
    record = _cv_record.get()
    if record is not None:
        if _method in (None, "GET"):
            record.urls.add(local)
        if _external and not site.config.get("BASE_URL"):
            record.warn(
                f"url_for({endpoint!r}, _external=True) without a base URL gives "
                f"{url!r}; set config['BASE_URL'] or pass --base-url"
            )
    if _anchor is not None:
        url += "#" + quote(_anchor, safe=_ANCHOR_SAFE)
    return url


def abort(code: int | Response, *args: Any, **kwargs: Any) -> None:
    """Stop the view with an HTTP error, handled by the site's error handlers."""
    _abort(code, *args, **kwargs)


def redirect(location: str, code: int = 302) -> Response:
    """A redirect response.  The build writes it as a small HTML page."""
    return _redirect(location, code)


def jsonify(*args: Any, **kwargs: Any) -> Response:
    """A JSON response with the bytes Flask's ``jsonify`` gives (see ``site.json``)."""
    return current_site().json.response(*args, **kwargs)


def make_response(*args: Any) -> Response:
    """What a view may return, as a response whose headers can still be changed::

        response = make_response(render_template("feed.xml"))
        response.headers["Content-Type"] = "application/atom+xml"
        return response
    """
    if not args:
        return Response()
    from .context import request

    rv = args[0] if len(args) == 1 else args
    path = request.path if _cv_request.get(None) is not None else "/"
    return current_site().make_response(rv, path)


def send_from_directory(directory: str | os.PathLike[str], path: str,
                        **kwargs: Any) -> Response:
    """Send the file ``path`` from ``directory`` (relative to the site's folder), as
    Flask's; a path that leaves the folder is a 404.  The render records the file, so
    a change to it rebuilds the URL."""
    from .context import request

    folder = os.path.join(current_site().root_path, directory)
    response = send_inside(folder, path, request.environ)
    record = current_record()
    if record is not None:
        record.sent_file(os.path.join(folder, path))
    return response


__all__ = ["BuildError", "abort", "jsonify", "make_response", "redirect",
           "send_from_directory", "url_for"]
