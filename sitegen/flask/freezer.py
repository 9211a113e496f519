"""A drop-in ``Freezer``: Frozen-Flask's public API, on sitegen's Flask adapter.

Migrating is changing one import::

    from sitegen.flask.freezer import Freezer      # was: from flask_frozen import Freezer

    freezer = Freezer(app)

    @freezer.register_generator
    def product():
        yield {"id": 1}

    freezer.freeze()

It honours every ``FREEZER_*`` key with Frozen-Flask 1.0.2's meaning (destination
and what to leave in it, static files to skip, base URL, relative URLs, redirect
and 404 policies, default MIME type and its warnings, skipping existing files)
and warns with the same warning classes, so code that filters them keeps working.

It is sitegen's pipeline under Frozen-Flask's rules: each URL is rendered by the
pipeline's :class:`~sitegen.pipeline.render.Renderer` over a
:class:`sitegen.flask.FlaskSite` (whose hook logs the ``url_for`` calls, as for
``sitegen build``), and the files go through the pipeline's
:class:`~sitegen.pipeline.output.OutputTree`: staged beside the destination and
swapped in whole, unchanged files carried by hard link.  For sitegen's own output
rules (redirect pages, link crawling, ``404.html``, parallel and incremental
builds), build the app with ``sitegen build --app`` instead.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, NamedTuple
from unicodedata import normalize
from urllib.parse import unquote, urlsplit

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.test import Client

from ..errors import SitegenError
from ..pipeline.output import OutputTree
from ..pipeline.render import Rendered, Renderer
from . import FlaskSite

__all__ = ["Freezer", "FrozenFlaskWarning", "MimetypeMismatchWarning",
           "MissingURLGeneratorWarning", "NotFoundWarning", "RedirectWarning", "Page",
           "relative_url_for", "walk_directory"]

#: The ``FREEZER_*`` keys and their defaults, as Frozen-Flask 1.0.2 sets them.
DEFAULTS: dict[str, Any] = {
    "FREEZER_DESTINATION": "build",
    "FREEZER_DESTINATION_IGNORE": [],
    "FREEZER_STATIC_IGNORE": [],
    "FREEZER_BASE_URL": None,
    "FREEZER_REMOVE_EXTRA_FILES": True,
    "FREEZER_DEFAULT_MIMETYPE": "application/octet-stream",
    "FREEZER_IGNORE_MIMETYPE_WARNINGS": False,
    "FREEZER_RELATIVE_URLS": False,
    "FREEZER_IGNORE_404_NOT_FOUND": False,
    "FREEZER_REDIRECT_POLICY": "follow",
    "FREEZER_SKIP_EXISTING": False,
}


class FrozenFlaskWarning(Warning):
    """The base of every warning the freezer gives (filter them all at once)."""


class MissingURLGeneratorWarning(FrozenFlaskWarning):
    """An endpoint that answers GET produced no URL: a generator is missing."""


class MimetypeMismatchWarning(FrozenFlaskWarning):
    """A file's extension says another type than the app's Content-Type did."""


class NotFoundWarning(FrozenFlaskWarning):
    """A URL answered 404 and ``FREEZER_IGNORE_404_NOT_FOUND`` let it pass."""


class RedirectWarning(FrozenFlaskWarning):
    """A URL redirected and ``FREEZER_REDIRECT_POLICY = 'ignore'`` let it pass."""


class Page(NamedTuple):
    """One frozen URL and the file it went to (relative to the destination)."""

    url: str
    path: Path


Generated = tuple[str, str | None, datetime | None]


class Freezer:
    """Freezes a Flask ``app`` into ``FREEZER_DESTINATION``, as Frozen-Flask's does.

    ``with_static_files`` and ``with_no_argument_rules`` add the generators of static
    files and of rules without arguments; ``log_url_for`` builds every URL the app's
    ``url_for`` calls name while it freezes.
    """

    def __init__(self, app: Any = None, with_static_files: bool = True,
                 with_no_argument_rules: bool = True, log_url_for: bool = True) -> None:
        self.url_generators: list[Callable[[], Iterable[Any]]] = []
        self.log_url_for = log_url_for
        self.app: Any = None
        self._site: FlaskSite | None = None
        self._calls: list[tuple[str, dict[str, Any]]] = []
        if with_static_files:
            self.register_generator(self.static_files_urls)
        if with_no_argument_rules:
            self.register_generator(self.no_argument_rules_urls)
        self.init_app(app)

    def init_app(self, app: Any) -> None:
        """Freeze ``app`` (for an app made after the freezer, as with extensions)."""
        self.app = app
        self._site = None
        if app is not None:
            for key, value in DEFAULTS.items():
                app.config.setdefault(key, list(value) if isinstance(value, list) else value)
            self._site = FlaskSite(app, propagate=False)

    def register_generator(self, function: Callable[[], Iterable[Any]]) -> Callable[[], Any]:
        """Add a function yielding URLs, ``(endpoint, values)`` or
        ``(endpoint, values, last_modified)``, or values for the endpoint named as the
        function; returns it, so that it serves as a decorator."""
        self.url_generators.append(function)
        return function

    @property
    def root(self) -> Path:
        """The destination folder: ``FREEZER_DESTINATION`` relative to the app's folder."""
        return Path(self.app.root_path) / self.app.config["FREEZER_DESTINATION"]

    # -- freezing ---------------------------------------------------------------

    def freeze_yield(self) -> Iterator[Page]:
        """Freeze, yielding a :class:`Page` as each URL is rendered (for progress bars).

        The files go into a staging folder beside the destination, which is
        put in its place when every URL is done: a freeze that fails, or is
        stopped, leaves the destination as it was.
        """
        if self.app is None:
            raise RuntimeError("The Freezer has no app: pass one, or call init_app(app).")
        config = self.app.config
        renderer = Renderer(self._pipeline_site())
        seen: set[str] = set()
        endpoints: set[str | None] = set()
        with OutputTree(self.root, keep=self._kept_by(config)) as tree:
            placed: set[str] = set()
            for url, endpoint, last_modified in self._generate_all_urls():
                endpoints.add(endpoint)
                if url in seen:
                    continue
                seen.add(url)
                path = self._build_one(tree, renderer, url, last_modified, placed)
                yield Page(url, Path(path))
            self._check_endpoints(endpoints)
            tree.commit()

    def freeze(self) -> set[str]:
        """Freeze every URL; the set of URLs frozen."""
        return {page.url for page in self.freeze_yield()}

    def all_urls(self) -> Iterator[str]:
        """The URLs the generators give, without rendering (so without ``url_for``'s)."""
        for url, _, _ in self._generate_all_urls():
            yield url

    def _script_name(self) -> str:
        return urlsplit(self.app.config["FREEZER_BASE_URL"] or "").path.rstrip("/")

    def _generate_all_urls(self) -> Iterator[Generated]:
        script_name = self._script_name()
        generators = [*self.url_generators, self._logged_calls]
        from flask import url_for

        with self.app.test_request_context(base_url=script_name or None):
            for function in generators:
                for item in function():
                    yield self._url_of(item, function, script_name, url_for)

    def _url_of(self, item: Any, function: Callable[..., Any], script_name: str,
                url_for: Callable[..., str]) -> Generated:
        endpoint: str | None = None
        last_modified: datetime | None = None
        if isinstance(item, str):
            url = item
        else:
            if isinstance(item, Mapping):
                endpoint, values = function.__name__, item
            elif len(item) == 2:
                endpoint, values = item
            else:
                endpoint, values, last_modified = item
            url = url_for(endpoint, **values)
            if not url.startswith(script_name):
                raise ValueError(f"url_for gave {url}, outside the base URL's path "
                                 f"{script_name!r}")
            url = url[len(script_name):]
        parts = urlsplit(unquote(url))
        if parts.scheme or parts.netloc:
            raise ValueError(f"External URLs not supported: {url}")
        return parts.path, endpoint, last_modified

    def _logged_calls(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """The ``url_for`` calls noted while freezing, consumed as they arrive."""
        while self._calls:
            yield self._calls.pop(0)

    def _log(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        # Copied once the render is over, with what url_defaults filled in:
        # url_for rebuilds the same URL from them.
        if self.log_url_for:
            self._calls += [(endpoint, dict(values)) for endpoint, values in calls]

    def _check_endpoints(self, seen: set[str | None]) -> None:
        expected = {rule.endpoint for rule in self.app.url_map.iter_rules()
                    if "GET" in (rule.methods or ())}
        missing = expected - seen
        if self.static_files_urls in self.url_generators:
            missing -= set(self._site_or_fail().find_static_endpoints())
            missing -= {"static"}
        if missing:
            warnings.warn(f"Nothing frozen for endpoints {', '.join(sorted(missing))}. "
                          "Did you forget a URL generator?", MissingURLGeneratorWarning,
                          stacklevel=3)

    def _site_or_fail(self) -> FlaskSite:
        if self._site is None:
            raise RuntimeError("The Freezer has no app: pass one, or call init_app(app).")
        return self._site

    def _pipeline_site(self) -> FlaskSite:
        """The app as sitegen's pipeline renders it, at the ``FREEZER_*`` settings of now.

        Relative URLs are Frozen-Flask's (``url_for`` made relative in the
        templates), not sitegen's rewriting of every link.
        """
        site = self._site_or_fail()
        site.config["BASE_URL"] = self.app.config["FREEZER_BASE_URL"]
        site.config["RELATIVE_URLS"] = False
        site.on_url_for = self._log
        return site

    def _kept_by(self, config: Mapping[str, Any]) -> Callable[[str, bool], bool]:
        """What of the destination's other files survives: everything, unless
        ``FREEZER_REMOVE_EXTRA_FILES``; then what ``FREEZER_DESTINATION_IGNORE`` matches."""
        if not config["FREEZER_REMOVE_EXTRA_FILES"]:
            return lambda path, is_folder: not is_folder  # each file, in whatever folder
        ignore = list(config["FREEZER_DESTINATION_IGNORE"])

        def kept(path: str, is_folder: bool) -> bool:
            if is_folder:
                return any(_folder_ignored(path, pattern) for pattern in ignore)
            name = path.rpartition("/")[2]
            return any(_file_ignored(path, name, pattern) for pattern in ignore)

        return kept

    def _build_one(self, tree: OutputTree, renderer: Renderer, url: str,
                   last_modified: datetime | None, placed: set[str]) -> str:
        """Render ``url`` through the pipeline and place its file, unless it is up to date."""
        config = self.app.config
        policy = config["FREEZER_REDIRECT_POLICY"]
        path = normalize("NFC", self.urlpath_to_filepath(url))
        if path in placed:  # two URLs, one file: the first one's stays
            return path
        placed.add(path)
        skip = config["FREEZER_SKIP_EXISTING"]
        if callable(skip):
            skip = skip(url, str(self.root / path))
        old = tree.old_stat(path)
        if old is not None:
            modified = datetime.fromtimestamp(old[1] / 1e9)
            if skip or (last_modified is not None and modified >= last_modified):
                tree.carry(path)
                return path
        with self._relative_url_for(config["FREEZER_RELATIVE_URLS"]):
            rendered = self._render(renderer, url, follow=policy == "follow")
        self._check_status(url, rendered.status, policy)
        self._check_type(path, rendered.mimetype)
        if rendered.source_file is not None and not rendered.body:
            tree.copy(path, rendered.source_file)
        else:
            tree.write(path, rendered.body)
        return path

    def _render(self, renderer: Renderer, url: str, follow: bool) -> Rendered:
        """The pipeline's render of ``url``; a view's own exception goes up as it is, as
        under Frozen-Flask.

        A redirect to follow is asked again through Werkzeug's test client,
        which follows it as Frozen-Flask's does (a target outside the base
        URL's path included); the app still answers through the site, so its
        ``url_for`` calls are logged on the way.
        """
        try:
            rendered = renderer.render(url)
        except SitegenError as error:
            if error.__cause__ is not None:
                raise error.__cause__ from None
            raise
        if not (follow and rendered.is_redirect):
            return rendered
        client = Client(renderer.site)
        response = client.get(url, follow_redirects=True,
                              base_url=self.app.config["FREEZER_BASE_URL"])
        try:
            return Rendered(url, response.status_code, response.mimetype, response.data,
                            rendered.record)
        finally:
            response.close()

    def _check_status(self, url: str, status: int, policy: str) -> None:
        if status == 200:
            return
        line = f"{status} {HTTP_STATUS_CODES.get(status, 'UNKNOWN').upper()}"
        if status == 404 and self.app.config["FREEZER_IGNORE_404_NOT_FOUND"]:
            warnings.warn(f"Ignored {line!r} on URL {url}", NotFoundWarning,
                          stacklevel=4)
        elif status in (301, 302) and policy == "ignore":
            warnings.warn(f"Ignored {line!r} on URL {url}", RedirectWarning,
                          stacklevel=4)
        else:
            raise ValueError(f"Unexpected status {line!r} on URL {url}")

    def _check_type(self, path: str, mimetype: str) -> None:
        if self.app.config["FREEZER_IGNORE_MIMETYPE_WARNINGS"]:
            return
        name = path.rpartition("/")[2]
        guessed = mimetypes.guess_type(name)[0] or self.app.config["FREEZER_DEFAULT_MIMETYPE"]
        if guessed != mimetype:
            warnings.warn(f"Filename extension of {name!r} (type {guessed}) does not "
                          f"match Content-Type: {mimetype}",
                          MimetypeMismatchWarning, stacklevel=4)

    @contextmanager
    def _relative_url_for(self, enabled: bool) -> Iterator[None]:
        """``url_for`` in the app's templates as :func:`relative_url_for`, if enabled."""
        if not enabled:
            yield
            return
        globals_ = self.app.jinja_env.globals
        previous = globals_["url_for"]
        globals_["url_for"] = relative_url_for
        try:
            yield
        finally:
            globals_["url_for"] = previous

    def urlpath_to_filepath(self, path: str) -> str:
        """``/admin/`` → ``admin/index.html``; ``/robots.txt`` → ``robots.txt``."""
        if not path.startswith("/"):
            raise ValueError(f"{path!r} is not a path from the site's root")
        return (path + "index.html" if path.endswith("/") else path)[1:]

    # -- the generators it starts with -----------------------------------------

    def static_files_urls(self) -> Iterator[tuple[str, dict[str, str]]]:
        """Every file of the app's and each blueprint's static folder."""
        ignore = self.app.config["FREEZER_STATIC_IGNORE"]
        for endpoint, folder in self._site_or_fail().find_static_endpoints().items():
            if os.path.isdir(folder):
                for filename in walk_directory(folder, ignore=ignore):
                    yield endpoint, {"filename": filename}

    def no_argument_rules_urls(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every rule without arguments that answers GET."""
        for rule in self.app.url_map.iter_rules():
            if not rule.arguments and "GET" in (rule.methods or ()):
                yield rule.endpoint, {}

    # -- serving the result -----------------------------------------------------

    def make_static_app(self) -> Any:
        """A Flask app that serves the destination as a static host would."""
        from flask import Flask, request, send_from_directory

        def dispatch_request() -> Any:
            filename = self.urlpath_to_filepath(request.path)
            mimetype = mimetypes.guess_type(filename)[0] or \
                self.app.config["FREEZER_DEFAULT_MIMETYPE"]
            return send_from_directory(self.root, filename, mimetype=mimetype)

        app = Flask(__name__)
        app.dispatch_request = dispatch_request  # type: ignore[method-assign]
        return app

    def serve(self, **options: Any) -> None:
        """Serve the destination (``options`` go to ``Flask.run``), under the base URL's
        path."""
        app = self.make_static_app()
        app.wsgi_app = _under_script_name(app.wsgi_app, self._script_name())  # type: ignore[method-assign]
        app.run(**options)

    def run(self, **options: Any) -> None:
        """:meth:`freeze`, then :meth:`serve`."""
        self.freeze()
        self.serve(**options)


def walk_directory(root: str | os.PathLike[str], ignore: Iterable[str] = ()) -> Iterator[str]:
    """Every file below ``root`` as a ``/``-separated path, except those ``ignore`` matches.

    ``ignore`` holds ``fnmatch`` patterns read as a ``.gitignore`` reads them: one with a
    slash inside matches the path from ``root``, one ending in a slash matches folders
    only, any other matches any one part of the path.
    """
    patterns = list(ignore)
    for folder, _, files in os.walk(root):
        relative = Path(folder).relative_to(root).as_posix()
        if relative != "." and any(_folder_ignored(relative, p) for p in patterns):
            continue
        for name in files:
            path = name if relative == "." else f"{relative}/{name}"
            if not any(_file_ignored(path, name, p) for p in patterns):
                yield normalize("NFC", path)


def _folder_ignored(folder: str, pattern: str) -> bool:
    bare = pattern.rstrip("/")
    return any(fnmatch(folder, p) for p in (bare, f"{pattern}*", f"*/{bare}", f"*/{pattern}*"))


def _file_ignored(path: str, name: str, pattern: str) -> bool:
    if "/" in pattern.rstrip("/"):
        return fnmatch(path, pattern.lstrip("/") + "*")
    return not pattern.endswith("/") and fnmatch(name, pattern)


def relative_url_for(endpoint: str, **values: Any) -> str:
    """``url_for``, made relative to the current request's path where it is site-local:
    ``/foo/bar/`` seen from ``/foo/baz/`` is ``../bar/index.html`` (``index.html`` is added,
    as in the files written, so the link works from a folder opened without a server)."""
    from flask import request, url_for

    url = url_for(endpoint, **values)
    if not url.startswith("/"):
        return url
    url, hash_, fragment = url.partition("#")
    url, query_, query = url.partition("?")
    if url.endswith("/"):
        url += "index.html"
    here = request.path if request.path.endswith("/") else posixpath.dirname(request.path)
    return posixpath.relpath(url + query_ + query + hash_ + fragment, here)


def _under_script_name(application: Callable[..., Any], script_name: str) -> Any:
    """``application`` served under ``script_name``; other paths redirect there."""
    from flask import redirect

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ["PATH_INFO"]
        if not path.startswith(script_name):
            return redirect(script_name + "/")(environ, start_response)
        environ["SCRIPT_NAME"] += script_name
        environ["PATH_INFO"] = path[len(script_name):]
        return application(environ, start_response)

    return serve
