"""Building an unmodified Flask app, or any WSGI app, with sitegen's pipeline.

``sitegen build --app app:app`` (or ``'app:create_app()'``) on a Flask app
wraps it in a :class:`FlaskSite`: a ``Site`` whose URL map is the app's and
whose answers are the app's own, so discovery, rendering, link checking and
the atomic write are the ones every sitegen site gets.  The URLs built are
Frozen-Flask's (no-argument ``GET`` rules, the app's and every blueprint's
static files, every ``url_for`` call made while a page renders, the
generators registered with :func:`generator`) plus every link found in the
HTML and CSS, and the 404 handler's page.

A plain WSGI callable becomes a :class:`WsgiSite`, crawled from its start
URLs (``--start``, ``--urls FILE``).

Flask is imported only by an app that is one, so sitegen never needs it.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError, Map
from werkzeug.security import safe_join

from ..app import NOT_FOUND_KEY, RECORD_KEY, Site
from ..context import _cv_record
from ..errors import relative_to
from ..files import files_below
from ..fingerprint import digest
from ..record import Fact, RenderRecord
from ..urls import normalize_url

#: A render of a foreign app depends on this fact, which is new in every build: its
#: templates and data are not recorded, so no earlier render of it can be reused.
FOREIGN = "foreign app"
#: Where :func:`generator` keeps an app's generators (``app.extensions``).
EXTENSION = "sitegen"

Generator = Callable[[], Iterable[Any]]
#: The ``url_for`` calls of the render in progress: ``(endpoint, values)``.
_cv_calls: ContextVar[list[tuple[str, dict[str, Any]]] | None] = ContextVar(
    "sitegen.flask.calls", default=None)
#: The FlaskSite whose app answers the request in progress.
_cv_site: ContextVar[FlaskSite | None] = ContextVar("sitegen.flask.site", default=None)


def generator(app: Any, endpoint_or_function: str | Generator | None = None) -> Any:
    """Register, on a Flask ``app``, a function that yields the URLs of an endpoint.

    ::

        from sitegen.flask import generator

        @generator(app, "product")
        def products():
            for product in catalogue:
                yield {"id": product.id}

    It yields what ``Site.generator``'s functions yield: a dict of values for the
    endpoint (by default the function's name), a URL, or an ``(endpoint, values)``
    pair.  The app runs as before under Flask: the registration only notes the
    function in ``app.extensions["sitegen"]``.
    """
    generators = _generators(app)
    if callable(endpoint_or_function):
        generators[endpoint_or_function.__name__].append(endpoint_or_function)
        return endpoint_or_function

    def decorator(function: Generator) -> Generator:
        generators[endpoint_or_function or function.__name__].append(function)
        return function

    return decorator


def _generators(app: Any) -> defaultdict[str, list[Generator]]:
    state = app.extensions.setdefault(EXTENSION, {})
    return state.setdefault("generators", defaultdict(list))  # type: ignore[no-any-return]


class ForeignSite(Site):
    """A ``Site`` whose answers come from another WSGI app: nothing is recorded of what
    a render reads, so every build renders every URL again (only unchanged files are
    left untouched on disk)."""

    def __init__(self, import_name: str, root_path: str | os.PathLike[str]) -> None:
        super().__init__(import_name, root_path=root_path, static_folder=None)
        nonce = digest(FOREIGN, str(time.time_ns()), str(os.getpid()))
        self.fact_sources[FOREIGN] = lambda fact: nonce

    def note_render(self, record: RenderRecord) -> None:
        record.depend(Fact(FOREIGN, ""))


class FlaskSite(ForeignSite):
    """An unmodified Flask app as a ``Site``.

    ``FREEZER_BASE_URL`` and ``FREEZER_RELATIVE_URLS`` of the app's config give
    sitegen's ``BASE_URL`` and ``RELATIVE_URLS``, so an app set up for
    Frozen-Flask builds at the same address.
    """

    def __init__(self, app: Any, *, propagate: bool = True) -> None:
        super().__init__(app.import_name, app.root_path)
        self.app = app
        self.url_map: Map = app.url_map
        self.view_functions = app.view_functions
        self.error_handler_spec = app.error_handler_spec
        self.generators = _generators(app)
        self.template_folder = self.root_path / (app.template_folder or "templates")
        self.static_folder = Path(app.static_folder) if app.static_folder else None
        for key, ours in (("FREEZER_BASE_URL", "BASE_URL"),
                          ("FREEZER_RELATIVE_URLS", "RELATIVE_URLS")):
            if app.config.get(key) is not None:
                self.config[ours] = app.config[key]
        #: Each static endpoint (the app's, each blueprint's) with its folder.
        self.static_endpoints = self.find_static_endpoints()
        self.optional_endpoints = set(self.static_endpoints)
        self.builtin_endpoints = {e: f"the files in {relative_to(f, self.root_path)}/"
                                  for e, f in self.static_endpoints.items()}
        if propagate:  # an error in a view fails the build with its frames, not as a 500
            app.config["PROPAGATE_EXCEPTIONS"] = True
        # Every url_for call during a render, with its values once every url_defaults
        # function has run (this one runs first; the values are read afterwards).
        hooks = app.url_default_functions.setdefault(None, [])
        if _note_url_for not in hooks:
            hooks.insert(0, _note_url_for)
        # The endpoint each request matched, with its arguments before any other
        # preprocessor takes them: Flask matched it already, so no second match.
        preprocessors = app.url_value_preprocessors.setdefault(None, [])
        if _note_view not in preprocessors:
            preprocessors.insert(0, _note_view)
        #: The URL of each ``url_for`` call seen so far, by adapter and arguments: a
        #: thousand pages that link the home page build its URL once.
        self._built: dict[tuple[Any, ...], str | None] = {}
        self._adapters: dict[tuple[Any, ...], Any] = {}
        #: Called after each render with its ``url_for`` calls, ``(endpoint, values)``
        #: once every ``url_defaults`` function ran (the Freezer logs them so).
        self.on_url_for: Callable[[list[tuple[str, dict[str, Any]]]], None] | None = None

    def __repr__(self) -> str:
        return f"<FlaskSite {self.app!r} at {self.root_path}>"

    def find_static_endpoints(self) -> dict[str, str]:
        """The endpoints that send static files (the app's, each blueprint's), each with
        its folder, as the app's rules are now."""
        from flask import Blueprint, Flask

        senders = (Flask.send_static_file, Blueprint.send_static_file)
        found: dict[str, str] = {}
        for rule in self.url_map.iter_rules():
            view = self.app.view_functions.get(rule.endpoint)
            if getattr(view, "__func__", view) in senders or rule.endpoint == "static":
                owner = getattr(view, "__self__", None) or self.app
                if owner.static_folder:
                    found[rule.endpoint] = owner.static_folder
        return found

    def static_file_urls(self) -> Iterator[tuple[str, str]]:
        """Every file of the app's and each blueprint's static folder, as Frozen-Flask."""
        adapter = self.url_adapter()
        for endpoint, folder in sorted(self.static_endpoints.items()):
            if not os.path.isdir(folder):
                continue
            for filename in sorted(files_below(Path(folder), self.outside_links)):
                url = adapter.build(endpoint, {"filename": filename}, force_external=False)
                yield normalize_url(self.local_path(url)), f"a file in {endpoint}'s folder"

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """The Flask app's answer, with what the render needs noted in its record: the
        endpoint, the static file sent, and every URL ``url_for`` built."""
        record = environ.get(RECORD_KEY) or RenderRecord(environ.get("PATH_INFO", "/"),
                                                         str(self.root_path))
        self.note_render(record)
        calls: list[tuple[str, dict[str, Any]]] = []
        tokens = _cv_record.set(record), _cv_calls.set(calls), _cv_site.set(self)
        try:
            if environ.get(NOT_FOUND_KEY):
                return self._not_found(environ, start_response)
            return self.app.wsgi_app(environ, start_response)
        finally:
            _cv_site.reset(tokens[2])
            _cv_calls.reset(tokens[1])
            _cv_record.reset(tokens[0])
            self._note_urls(environ, calls, record)
            if self.on_url_for is not None:
                self.on_url_for(calls)

    __call__ = wsgi_app

    def _note_urls(self, environ: dict[str, Any], calls: list[tuple[str, dict[str, Any]]],
                   record: RenderRecord) -> None:
        """The URLs of the render's ``url_for`` calls, as the build's own address builds them."""
        where = (environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
                 environ.get("SCRIPT_NAME"), environ.get("wsgi.url_scheme"))
        adapter = self._adapters.get(where) if calls else None
        for endpoint, values in calls:
            try:
                key: tuple[Any, ...] | None = (where, endpoint, *sorted(values.items()))
                url = self._built.get(key)  # type: ignore[arg-type]
            except TypeError:  # an unhashable or unorderable value: built every time
                key = url = None
            if url is None and (key is None or key not in self._built):
                if adapter is None:
                    adapter = self._adapters[where] = self.url_map.bind_to_environ(environ)
                try:
                    url = normalize_url(self.local_path(
                        adapter.build(endpoint, values, force_external=False)))
                except (BuildError, ValueError, TypeError):
                    url = None  # not a URL of this app (or not for GET): nothing to build
                if key is not None:
                    self._built[key] = url
            if url is not None:
                record.urls.add(url)

    def note_view(self, endpoint: str, values: dict[str, Any] | None,
                  record: RenderRecord) -> None:
        """The endpoint a request matched, and the static file it sends, if any."""
        record.endpoint = endpoint
        folder = self.static_endpoints.get(endpoint)
        if folder is not None and values and "filename" in values:
            path = safe_join(folder, values["filename"])
            if path is not None and os.path.isfile(path):
                record.sent_file(path)

    def _not_found(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """The app's 404 handler's answer, whatever URL it is asked at (``404.html``)."""
        with self.app.request_context(environ):
            response = self.app.make_response(self.app.handle_user_exception(NotFound()))
            response = self.app.process_response(response)
        return response(environ, start_response)


def _note_view(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A ``url_value_preprocessor`` (run first for every request the app matched) that
    notes the endpoint in the record of the render in progress."""
    site, record = _cv_site.get(), _cv_record.get()
    if site is not None and record is not None and endpoint is not None:
        site.note_view(endpoint, values, record)


def _note_url_for(endpoint: str, values: dict[str, Any]) -> None:
    """A ``url_defaults`` function (Flask's hook into every ``url_for``) that notes the
    call; its values are read after the render, once the other functions filled them."""
    calls = _cv_calls.get()
    if calls is not None:
        calls.append((endpoint, values))


class WsgiSite(ForeignSite):
    """Any WSGI callable as a ``Site``: it has no URL map, so the build starts from
    ``config["START_URLS"]`` (``--start``, ``--urls FILE``; ``/`` by default) and
    follows every link of the HTML and CSS it answers."""

    def __init__(self, application: Callable[..., Any], root_path: str | os.PathLike[str],
                 import_name: str = "wsgi") -> None:
        super().__init__(import_name, root_path)
        self.application = application
        self.config.setdefault("START_URLS", ["/"])

    def __repr__(self) -> str:
        return f"<WsgiSite {self.application!r} at {self.root_path}>"

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        record = environ.get(RECORD_KEY)
        if record is not None:
            self.note_render(record)
        return self.application(environ, start_response)

    __call__ = wsgi_app


def site_for(value: Any, root_path: str | os.PathLike[str], import_name: str) -> Site | None:
    """``value`` as a ``Site``: a Flask app as a :class:`FlaskSite`, another WSGI callable
    as a :class:`WsgiSite`; ``None`` for anything else."""
    if is_flask_app(value):
        return FlaskSite(value)
    if callable(value) and not isinstance(value, type):
        return WsgiSite(value, root_path, import_name)
    return None


def is_flask_app(value: Any) -> bool:
    """Whether ``value`` is a Flask app (or of a subclass), asked without importing Flask."""
    return any(cls.__name__ == "Flask" and cls.__module__.startswith("flask")
               for cls in type(value).__mro__)


