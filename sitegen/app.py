"""The ``Site`` object: a small Flask-like application on Werkzeug.

A site is a WSGI application.  ``sitegen build`` requests each of its URLs
through Werkzeug's test client and writes the responses to disk;
``sitegen serve`` answers the same requests live.  One code path renders
both, so the preview shows exactly what the build writes.
"""

from __future__ import annotations

import glob
import inspect
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, MapAdapter, RequestRedirect, Rule
from werkzeug.security import safe_join
from werkzeug.test import Client
from werkzeug.wrappers import Response

from . import mime
from .config import DEFAULTS, Config
from .context import (
    Globals,
    SiteRequest,
    _cv_adapter,
    _cv_g,
    _cv_record,
    _cv_request,
    _cv_site,
    blueprint_scopes,
    current_record,
)
from .errors import SitegenError
from .files import files_below, send_inside
from .fingerprint import MISSING, digest, file_digest
from .json_provider import JSONProvider
from .record import CONFIG, FILE, FOLDER, TEMPLATE, Fact, RenderRecord
from .registry import Registry
from .themes import Theme, load_theme
from .urls import normalize_url

if TYPE_CHECKING:
    from .blueprints import Blueprint
    from .commands import SiteCommands
    from .content import Pages
    from .jinja_env import RecordingEnvironment

F = TypeVar("F", bound=Callable[..., Any])
GeneratorFunction = Callable[[], Iterable[Any]]
FactSource = Callable[[Fact], bytes]

#: How many built URLs ``url_for`` remembers (a navigation bar needs a handful;
#: a site of 100,000 pages would otherwise keep every page's URL).
URL_MEMO_SIZE = 20_000
#: URLs under this prefix belong to the preview server.
RESERVED_PREFIX = "/__sitegen/"
#: The key under which a render's record travels in the WSGI environ.
RECORD_KEY = "sitegen.record"
#: Set in the environ to render the site's 404 page whatever the URL matches.
NOT_FOUND_KEY = "sitegen.not_found"


class Site(Registry):
    """A static site written as a Flask-style application.

    ::

        site = Site(__name__)

        @site.route("/")
        def index():
            return render_template("index.html")

    ``import_name`` locates the site's folder (``root_path``), which holds
    ``templates/`` and ``static/``.  Static files are served at
    ``/static/<path:filename>``.  ``theme`` names a theme whose templates
    and static files are used where the site has none of that name (see
    :mod:`sitegen.themes`).  Routes, hooks, error handlers and blueprints
    have Flask's names and meaning (see :class:`sitegen.registry.Registry`).
    """

    def __init__(
        self,
        import_name: str,
        *,
        root_path: str | os.PathLike[str] | None = None,
        template_folder: str = "templates",
        static_folder: str | None = "static",
        static_url_path: str = "/static",
        theme: str | Theme | None = None,
    ) -> None:
        super().__init__()
        self.import_name = import_name
        self.root_path = Path(root_path or _find_root_path(import_name)).resolve()
        self.template_folder = self.root_path / template_folder
        self.static_folder = self.root_path / static_folder if static_folder else None
        self.static_url_path = static_url_path.rstrip("/")
        #: The theme whose templates and static files back the site's own.
        self.theme: Theme | None = load_theme(theme) if theme is not None else None
        self.config = Config(deepcopy(DEFAULTS), self.root_path)
        self.url_map = Map()
        self.generators: defaultdict[str, list[GeneratorFunction]] = defaultdict(list)
        #: The registered blueprints by their dotted names, in registration order.
        self.blueprints: dict[str, Blueprint] = {}
        #: Each blueprint's ``NAME.static`` endpoint, with the blueprint serving it.
        self.blueprint_static: dict[str, Blueprint] = {}
        #: How dicts and lists a view returns, and ``jsonify``, become JSON (Flask's bytes).
        self.json = JSONProvider()
        self._cli: SiteCommands | None = None
        #: Recheck template files on each use (the preview server wants it).
        self.auto_reload = True
        self._jinja_env: RecordingEnvironment | None = None
        #: Filters and globals registered before the environment exists.
        self._template_filters: dict[str, Callable[..., Any]] = {}
        self._template_globals: dict[str, Callable[..., Any]] = {}
        self._template_tests: dict[str, Callable[..., Any]] = {}
        self._adapters: dict[tuple[str, ...], MapAdapter] = {}
        self._built_urls: dict[tuple[Any, ...], tuple[str, str]] = {}
        self._parsed_base: tuple[Any, tuple[str, str]] = (object(), ("", ""))
        #: Folders of source files (content) the output must never land in.
        self.source_folders: list[Path] = []
        #: Files (static, content) that link outside the site: never published.
        self.outside_links: set[str] = set()
        #: URLs that list the built pages, such as the sitemap: the build
        #: renders them after all others, handing them the list (see
        #: :func:`sitegen.context.built_pages`).
        self.aggregate_urls: set[str] = set()
        #: State of sitegen's parts that hang off the site, by name (as Flask's).
        self.extensions: dict[str, Any] = {}
        self._forget_hooks: list[Callable[[set[str]], None]] = []
        self._save_hooks: list[Callable[[], None]] = []
        self._flush_hooks: list[Callable[[], None]] = []
        #: Set by :meth:`ignore_caches`: parts of the site read none of their caches.
        self.caches_ignored = False
        #: Functions that add rules known only once content is read (aliases).
        #: :meth:`prepare` runs them all before the first URL renders.
        self.route_loaders: list[Callable[[], None]] = []
        self._routes_frozen = False
        #: Endpoints built only where something links to them: never seeded
        #: as a start URL, never warned about for producing no URL.
        self.optional_endpoints: set[str] = {"static"}
        #: The instant the build happens at, in UTC: which posts are "in the
        #: future" is decided against it, never against the clock of the
        #: moment a page renders.  ``SOURCE_DATE_EPOCH`` sets it.
        self.build_time: datetime = build_time_now()
        #: Files under the site's folder read while its app imported (see ``loading``).
        self.import_files: list[str] = []
        #: Who knows the current fingerprint of each kind of fact.
        self.fact_sources: dict[str, FactSource] = {
            TEMPLATE: self._file_fact, FILE: self._file_fact,
            FOLDER: self._folder_fact, CONFIG: lambda fact: self.config.digest_of(fact.subject),
        }
        #: Endpoints sitegen adds by itself (static files, a collection's media
        #: and aliases), each with what it serves: ``sitegen routes`` shows them apart.
        self.builtin_endpoints: dict[str, str] = {}
        if self.static_folder is not None or self.theme is not None:
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>", "static", self.send_static_file
            )
            self.builtin_endpoints["static"] = f"the files in {static_folder}/" + (
                f" and the theme {self.theme.name}'s" if self.theme is not None else "")

    def __repr__(self) -> str:
        return f"<Site {self.import_name!r} at {self.root_path}>"

    # -- routes --------------------------------------------------------------

    def add_url_rule(self, rule: str, endpoint: str | None = None,
                     view_func: Callable[..., Any] | None = None, **options: Any) -> None:
        """Register ``view_func`` for ``rule``, as ``route`` does."""
        if self._routes_frozen:
            raise SitegenError(
                f"The route {rule!r} was added while URLs render; a URL's answer would then "
                "depend on what rendered before it.",
                hint="add routes at import time, or in a function appended to "
                     "site.route_loaders (it runs before the first render)",
            )
        if rule.startswith(RESERVED_PREFIX):
            raise SitegenError(
                f"The route {rule!r} is under {RESERVED_PREFIX}, which the preview server uses.",
                hint="choose another URL for this route",
            )
        if endpoint is None:
            if view_func is None:
                raise TypeError("add_url_rule needs an endpoint or a view function")
            endpoint = view_func.__name__
        existing = self.view_functions.get(endpoint)
        if view_func is not None and existing is not None and existing is not view_func:
            raise SitegenError(
                f"Two views claim the endpoint {endpoint!r}.",
                hint="rename one of the functions or pass endpoint='...' to @site.route",
            )
        options.setdefault("methods", ["GET"])
        self.url_map.add(Rule(rule, endpoint=endpoint, **options))
        self._built_urls.clear()
        if view_func is not None:
            self.view_functions[endpoint] = view_func

    def generator(self, endpoint_or_function: str | GeneratorFunction) -> Any:
        """Register a function that yields the URLs of an endpoint with arguments.

        It may yield a dict of values for ``endpoint``, a URL string, or an
        ``(endpoint, values)`` pair, as Frozen-Flask's ``register_generator``.
        Used bare (``@site.generator``), the function's name is the endpoint.
        """
        if callable(endpoint_or_function):
            self.generators[endpoint_or_function.__name__].append(endpoint_or_function)
            return endpoint_or_function
        endpoint = endpoint_or_function

        def decorator(function: GeneratorFunction) -> GeneratorFunction:
            self.generators[endpoint].append(function)
            return function

        return decorator

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Add ``blueprint``'s routes, hooks, templates and static files to the site.

        ``url_prefix``, ``name`` and ``url_defaults`` override the blueprint's own for
        this registration, as in Flask.
        """
        blueprint.register(self, options)
        self._jinja_env = None  # its template folder joins the loader

    def iter_blueprints(self) -> Iterator[Blueprint]:
        """The registered blueprints, in registration order, each once."""
        seen: set[int] = set()
        for blueprint in self.blueprints.values():
            if id(blueprint) not in seen:
                seen.add(id(blueprint))
                yield blueprint

    @property
    def error_handlers(self) -> dict[int, Callable[..., Any]]:
        """The site's own handlers by HTTP status (``404 in site.error_handlers``)."""
        return {code: next(iter(handlers.values()))
                for code, handlers in self.error_handler_spec[None].items()
                if code is not None and handlers}

    def find_error_handler(self, error: BaseException,
                           scopes: list[str]) -> Callable[..., Any] | None:
        """The handler for ``error``, as Flask looks: by status, then by class (most
        derived first), the blueprints' (innermost first) before the site's."""
        code = error.code if isinstance(error, HTTPException) else None
        for key in (code, None) if code is not None else (None,):
            for scope in (*scopes, None):
                handlers = self.error_handler_spec[scope].get(key)
                if not handlers:
                    continue
                for cls in type(error).__mro__:
                    handler = handlers.get(cls)
                    if handler is not None:
                        return handler
        return None

    @property
    def cli(self) -> SiteCommands:
        """The site's own Click commands, run by ``sitegen COMMAND`` with the site loaded::

            @site.cli.command()
            def stats():
                click.echo(len(posts))
        """
        if self._cli is None:
            from .commands import SiteCommands

            self._cli = SiteCommands(self, name=self.import_name)
        return self._cli

    # -- templates -----------------------------------------------------------

    @property
    def jinja_env(self) -> RecordingEnvironment:
        """The Jinja environment, created (and Jinja imported) on first use, with the
        filters and globals registered so far."""
        if self._jinja_env is None:
            from .jinja_env import create_jinja_env

            env = create_jinja_env(self)
            env.filters.update(self._template_filters)
            env.globals.update(self._template_globals)
            env.tests.update(self._template_tests)
            self._jinja_env = env
        return self._jinja_env

    def template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a Jinja filter."""

        def decorator(function: F) -> F:
            self._template_filters[name or function.__name__] = function
            if self._jinja_env is not None:
                self._jinja_env.filters[name or function.__name__] = function
            return function

        return decorator

    def template_global(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a Jinja global."""

        def decorator(function: F) -> F:
            self._template_globals[name or function.__name__] = function
            if self._jinja_env is not None:
                self._jinja_env.globals[name or function.__name__] = function
            return function

        return decorator

    def template_test(self, name: str | None = None) -> Callable[[F], F]:
        """Register the decorated function as a Jinja test (``{% if n is prime %}``)."""

        def decorator(function: F) -> F:
            self._template_tests[name or function.__name__] = function
            if self._jinja_env is not None:
                self._jinja_env.tests[name or function.__name__] = function
            return function

        return decorator

    # -- files ---------------------------------------------------------------

    def send_static_file(self, filename: str) -> Response:
        """The view behind ``/static/<path:filename>``."""
        from .context import request

        folder = self._static_folder_of(filename)
        response = send_inside(folder, filename, request.environ)
        record = current_record()
        if record is not None:
            record.sent_file(os.path.join(folder, filename))
            if self.static_folder is not None and folder != self.static_folder:
                # The theme's file, until the site has one of that name.
                record.read_file(os.path.join(self.static_folder, filename))
        return response

    def _static_folder_of(self, filename: str) -> Path:
        """The site's static folder, or the theme's where only the theme has ``filename``."""
        own = self.static_folder
        if self.theme is not None and (own is None or not _is_file(own, filename)) \
                and _is_file(self.theme.static_folder, filename):
            return self.theme.static_folder
        return own if own is not None else self.theme.static_folder  # type: ignore[union-attr]

    def static_files(self) -> Iterator[str]:
        """Every file under ``static/`` as a posix path relative to it, sorted.

        Dotfiles and dot-folders (``.DS_Store``, ``.git``) are left out.  The
        theme's static files are included, unless the site has one of that name.
        A link to a file outside the site's folder is left out too, and noted
        in :attr:`outside_links` for the build to warn about (see ``files.py``).
        """
        folders = [self.static_folder]
        if self.theme is not None:
            folders.append(self.theme.static_folder)
        names: set[str] = set()
        for folder in folders:
            if folder is not None and folder.is_dir():
                names.update(files_below(folder, self.outside_links))
        yield from sorted(names)

    def static_file_urls(self) -> Iterator[tuple[str, str]]:
        """The URL of every static file, the site's and each blueprint's, with the
        folder it comes from."""
        if self.static_folder is not None or self.theme is not None:
            for filename in self.static_files():
                yield f"{self.static_url_path}/{filename}", "a file in static/"
        adapter = self.url_adapter()
        for endpoint, blueprint in self.blueprint_static.items():
            where = f"a file in the blueprint {blueprint.name!r}'s static folder"
            for filename in blueprint.static_files(self.outside_links):
                url = adapter.build(endpoint, {"filename": filename}, force_external=False)
                yield normalize_url(self.local_path(url)), where

    def open_resource(self, resource: str, mode: str = "rb",
                      encoding: str | None = None) -> IO[Any]:
        """Open a file relative to the site's folder and record the read.

        Use it for data files a view reads, so that a change to them
        rebuilds (or reloads) the pages that used them.
        """
        path = self.root_path / resource
        record = current_record()
        if record is not None:
            record.read_file(str(path))
        return open(path, mode, encoding=encoding)

    def pages(self, folder: str | os.PathLike[str], endpoint: str | None = None,
              **options: Any) -> Pages:
        """The Markdown files below ``folder`` as a collection of pages.

        ::

            posts = site.pages("content/posts", endpoint="post")

        With an ``endpoint``, each page gets a ``url`` and the endpoint a
        generator for every page.  See :class:`sitegen.content.Pages`.
        """
        from .content import Pages

        return Pages(self, folder, endpoint, **options)

    def on_forget(self, hook: Callable[[set[str]], None]) -> None:
        """Register ``hook(paths)``, called by :meth:`forget` (for caches)."""
        self._forget_hooks.append(hook)

    def forget(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Drop whatever the site cached about these files.

        The preview server calls it after a save, so content collections
        reread what changed; templates recheck themselves.  The routes are
        prepared again before the next request: content may add or move them.
        """
        changed = {os.path.realpath(p) for p in paths}
        for hook in self._forget_hooks:
            hook(changed)
        self._routes_frozen = False

    def on_save(self, hook: Callable[[], None]) -> None:
        """Register ``hook()``, called by :meth:`save_caches` after a build succeeds."""
        self._save_hooks.append(hook)

    def save_caches(self) -> None:
        """Write what the site's parts keep between builds (content indexes), and
        what their caches hold (:meth:`flush_caches`)."""
        self.flush_caches()
        for hook in self._save_hooks:
            hook()

    def on_flush(self, hook: Callable[[], None]) -> None:
        """Register ``hook()``, called by :meth:`flush_caches`."""
        self._flush_hooks.append(hook)

    def flush_caches(self) -> None:
        """Write what the site's caches hold back (parses, highlighted code): after
        each batch a worker renders, each preview request, and each build."""
        for hook in self._flush_hooks:
            hook()

    def ignore_caches(self) -> None:
        """Read nothing that earlier builds cached (``--clean``); caches are still
        written, for the next build."""
        self.caches_ignored = True

    # -- phases --------------------------------------------------------------

    def prepare(self) -> None:
        """Load everything that adds routes (content, aliases), then freeze the URL map.

        After this, rendering a URL changes nothing a later render sees, so
        each URL renders to the same bytes whatever rendered before it, in
        any process.  The preview calls it again after every change.
        """
        self._routes_frozen = False
        for load in self.route_loaders:
            load()
        self._routes_frozen = True

    # -- facts ---------------------------------------------------------------

    def fact_digest(self, fact: Fact) -> bytes:
        """The current fingerprint of what ``fact`` names.

        Each kind of fact has its source (:attr:`fact_sources`): files and
        templates by their bytes, config keys by their values, and the kinds
        content collections add (pages, listings).  A kind nobody knows
        fingerprints as unknown, so a record holding it never matches.
        """
        source = self.fact_sources.get(fact.kind)
        if source is None:
            return digest("unknown fact", *fact)
        return source(fact)

    def _file_fact(self, fact: Fact) -> bytes:
        return file_digest(os.path.join(self.root_path, fact.subject))

    def _folder_fact(self, fact: Fact) -> bytes:
        pattern = os.path.join(self.root_path, fact.subject)
        names = sorted(glob.glob(pattern))
        return digest(*names) if names else MISSING

    def cache_path(self, name: str) -> Path:
        """A folder under the site's cache directory (``.sitegen-cache``).

        Not a fact of the render that happens to open a cache first: where the
        caches live changes no output.
        """
        return self.root_path / dict.__getitem__(self.config, "CACHE_DIR") / name

    # -- URLs ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``config["BASE_URL"]`` ending in ``/``, or ``http://localhost/``."""
        return self._base()[0]

    @property
    def script_root(self) -> str:
        """The path the site is published under, without the final slash."""
        return self._base()[1]

    def _base(self) -> tuple[str, str]:
        """The base URL and its path, parsed once per value of BASE_URL."""
        raw = dict.get(self.config, "BASE_URL")
        if self._parsed_base[0] != raw:
            base = raw or "http://localhost/"
            base = base if base.endswith("/") else base + "/"
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.netloc \
                    or parts.query or parts.fragment:
                raise SitegenError(
                    f"The base URL {raw!r} is not an absolute http(s) URL.",
                    hint="give the full address the site is published at, such as "
                         "https://example.org/blog/ (--base-url or config['BASE_URL'])",
                )
            self._parsed_base = (raw, (base, parts.path.rstrip("/")))
        return self._parsed_base[1]

    def url_adapter(self) -> MapAdapter:
        """A URL adapter bound to the base URL, for use outside a request."""
        parts = urlsplit(self.base_url)
        return self._adapter(parts.netloc, parts.path or "/", parts.scheme or "http")

    def _adapter(self, host: str, script_name: str, scheme: str) -> MapAdapter:
        """One adapter per host and script root, shared by every request.

        Binding per request would rebuild it each time; matching takes the
        path explicitly, so a shared adapter is safe.
        """
        key = (host, script_name, scheme)
        adapter = self._adapters.get(key)
        if adapter is None:
            adapter = self.url_map.bind(host, script_name=script_name, url_scheme=scheme)
            self._adapters[key] = adapter
        return adapter

    def build_url(self, adapter: MapAdapter, endpoint: str, values: dict[str, Any], *,
                  external: bool = False) -> str:
        """Build the URL of ``endpoint``: the heart of ``url_for``."""
        return self.build_url_and_path(adapter, endpoint, values, external=external)[0]

    def inject_url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """Let the ``url_defaults`` functions fill in ``values``: the site's, then those
        of the endpoint's blueprint and its parents (outermost first), as Flask's."""
        scopes: list[str | None] = [None]
        if "." in endpoint:
            scopes += reversed(blueprint_scopes(endpoint.rpartition(".")[0]))
        for scope in scopes:
            for function in self.url_default_functions.get(scope, ()):
                function(endpoint, values)

    def build_url_and_path(self, adapter: MapAdapter, endpoint: str, values: dict[str, Any],
                           *, external: bool = False, method: str | None = None,
                           scheme: str | None = None) -> tuple[str, str]:
        """The URL of ``endpoint`` and its canonical site-local path.

        Both are remembered per adapter: a navigation bar that calls
        ``url_for`` on every page builds and normalises each URL once.
        """
        # Keyword order is kept as written: another order is only a miss.
        try:
            key = (id(adapter), endpoint, external, method, scheme, *values.items())
            built = self._built_urls.get(key)
        except TypeError:  # unhashable values (lists for repeated query args)
            key, built = None, None
        if built is None:
            url = adapter.build(endpoint, values, method=method, url_scheme=scheme,
                                force_external=external)
            built = (url, normalize_url(self.local_path(url)))
            if key is not None:
                if len(self._built_urls) >= URL_MEMO_SIZE:  # a big site: start afresh
                    self._built_urls.clear()
                self._built_urls[key] = built
        return built

    def local_path(self, url: str) -> str:
        """``url`` as a path inside the site: scheme, host and base path removed."""
        if "://" in url:
            url = url.split("://", 1)[1]
            url = url[url.find("/"):] if "/" in url else "/"
        root = self.script_root
        if root and url.startswith(root + "/"):
            url = url[len(root):]
        return url

    def url_for(self, endpoint: str, **values: Any) -> str:
        """``url_for`` outside a request: the URL of ``endpoint`` at the base URL."""
        from .helpers import url_for

        with self.app_context():
            return url_for(endpoint, **values)

    # -- requests ------------------------------------------------------------

    @contextmanager
    def app_context(self) -> Iterator[Site]:
        """Make this the current site (``current_app``, with a fresh ``g``), so
        ``url_for`` works outside a view."""
        token, g_token = _cv_site.set(self), _cv_g.set(Globals())
        try:
            yield self
        finally:
            _cv_g.reset(g_token)
            _cv_site.reset(token)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """The WSGI application: match the URL, call the view, answer."""
        if not self._routes_frozen:  # whatever asks first, every route is there
            with self.app_context():
                self.prepare()
        request = SiteRequest(environ)
        adapter = self._adapter(request.host, request.root_path or "/", request.scheme)
        record = environ.get(RECORD_KEY) or RenderRecord(request.path, str(self.root_path))
        tokens = (
            _cv_site.set(self), _cv_request.set(request),
            _cv_adapter.set(adapter), _cv_record.set(record), _cv_g.set(Globals()),
        )
        try:
            response = self.dispatch(request, adapter, record)
        finally:
            _cv_g.reset(tokens[4])
            _cv_record.reset(tokens[3])
            _cv_adapter.reset(tokens[2])
            _cv_request.reset(tokens[1])
            _cv_site.reset(tokens[0])
        return response(environ, start_response)

    __call__ = wsgi_app

    def dispatch(self, request: SiteRequest, adapter: MapAdapter,
                 record: RenderRecord) -> Response:
        """The response for ``request``, in Flask's order: match the URL; the
        ``url_value_preprocessor`` functions, then ``before_request`` (a value one
        returns is the answer), then the view; an error goes to its handler; the
        ``after_request`` functions see the response; ``teardown_request`` runs last,
        whatever happened.  An exception nobody handles fails the render."""
        routing_error: HTTPException | None = None
        try:
            if request.environ.get(NOT_FOUND_KEY):
                raise NotFound()
            request.url_rule, request.view_args = self._match(adapter, request)
            record.endpoint = request.url_rule.endpoint
        except RequestRedirect as redirect:
            return redirect.get_response(request.environ)
        except HTTPException as error:
            routing_error = error
        failure: BaseException | None = None
        try:
            try:
                rv = self._preprocess(request)
                if rv is None:
                    if routing_error is not None:
                        raise routing_error
                    rv = self._call_view(request)
            except Exception as raised:
                rv = self._handle(raised, request, record)
            response = self.make_response(rv, request.path)
            for scope in (*request.blueprints, None):
                for function in reversed(self.after_request_funcs.get(scope, ())):
                    response = _sync(function(response))
            return response
        except BaseException as failed:
            failure = failed
            raise
        finally:
            for scope in (*request.blueprints, None):
                for function in reversed(self.teardown_request_funcs.get(scope, ())):
                    _sync(function(failure))

    def _preprocess(self, request: SiteRequest) -> Any:
        """The URL value preprocessors and ``before_request`` hooks: the site's, then
        the blueprints' (outermost first); the first value a hook returns, or None."""
        scopes = (None, *reversed(request.blueprints))
        for scope in scopes:
            for function in self.url_value_preprocessors.get(scope, ()):
                function(request.endpoint, request.view_args)
        for scope in scopes:
            for function in self.before_request_funcs.get(scope, ()):
                rv = _sync(function())
                if rv is not None:
                    return rv
        return None

    def _call_view(self, request: SiteRequest) -> Any:
        view = self.view_functions.get(request.endpoint)  # type: ignore[arg-type]
        if view is None:
            raise SitegenError(f"The endpoint {request.endpoint!r} has no view function.")
        return _sync(view(**(request.view_args or {})))

    def _handle(self, error: Exception, request: SiteRequest, record: RenderRecord) -> Any:
        """What the error handler for ``error`` answers; ``error`` itself (re-raised)
        where none is registered and it is not an HTTP error."""
        if isinstance(error, SitegenError):
            raise error
        handler = self.find_error_handler(error, request.blueprints)
        if handler is None:
            if isinstance(error, HTTPException):  # abort(404), a redirect: its own answer
                return error.get_response(request.environ)
            raise error
        if record.endpoint is None:  # no route matched: name the handler
            record.endpoint = getattr(handler, "__name__", None)
        return _sync(handler(error))

    def _match(self, adapter: MapAdapter, request: SiteRequest) -> tuple[Rule, dict[str, Any]]:
        """The rule for ``request``."""
        query = request.query_string.decode("latin-1")
        return adapter.match(request.path, request.method, return_rule=True,  # type: ignore[return-value]
                             query_args=query)

    def make_response(self, rv: Any, path: str = "/") -> Response:
        """Turn a view's return value into a response, as Flask does.

        A string or bytes gets the content type of the URL's extension
        (``/feed.xml`` is XML), or HTML where there is none; a dict or list
        becomes JSON, byte for byte as Flask's ``jsonify`` writes it; a generator
        runs to its end here, while the URL's context is there (as Flask's
        ``stream_with_context``); a tuple adds a status and/or headers.
        """
        status: int | None = None
        headers: Any = None
        if isinstance(rv, tuple):
            if len(rv) == 3:
                rv, status, headers = rv
            elif len(rv) == 2:
                if isinstance(rv[1], int):
                    rv, status = rv
                else:
                    rv, headers = rv
            else:
                raise TypeError("A view may return (body, status), (body, headers) "
                                "or (body, status, headers).")
        if isinstance(rv, Response):
            response = rv
        elif isinstance(rv, (str, bytes)):
            response = Response(rv, mimetype=_mimetype_for(path))
        elif isinstance(rv, (dict, list)):
            response = self.json.response(rv)
        elif isinstance(rv, Iterator):
            body = b"".join(c.encode() if isinstance(c, str) else c for c in rv)
            response = Response(body, mimetype=_mimetype_for(path))
        elif rv is None:
            raise TypeError("The view returned None; return a string or a response.")
        else:
            raise TypeError(f"The view returned a {type(rv).__name__}; "
                            "return a string, bytes, dict, list or response.")
        if status is not None:
            response.status_code = status
        if headers:
            response.headers.update(headers)
        return response

    def test_client(self) -> Client:
        """A Werkzeug test client for this site."""
        return Client(self)


def _sync(value: Any) -> Any:
    """``value``, or what it gives when it is awaited: async views, hooks and handlers
    run to their end in the render that called them (Flask's ``ensure_sync``)."""
    if inspect.isawaitable(value):
        import asyncio

        async def run() -> Any:
            return await value

        return asyncio.run(run())
    return value


def _is_file(folder: Path, filename: str) -> bool:
    """Whether ``filename`` (a URL's path, maybe hostile) is a file inside ``folder``."""
    path = safe_join(str(folder), filename)
    return path is not None and os.path.isfile(path)


def _mimetype_for(path: str) -> str:
    last = path.rsplit("/", 1)[-1]
    if "." in last:
        return mime.guess_type(last) or "text/html"
    return "text/html"


def build_time_now() -> datetime:
    """Now, in UTC; ``SOURCE_DATE_EPOCH`` (reproducible builds) where it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise SitegenError(
                f"SOURCE_DATE_EPOCH is {epoch!r}, which is not a number of seconds.",
                hint="set it to a Unix time, e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
            ) from None
    return datetime.fromtimestamp(time.time(), timezone.utc)


def _find_root_path(import_name: str) -> str:
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None)
    if filename:
        return os.path.dirname(os.path.abspath(filename))
    return os.getcwd()
