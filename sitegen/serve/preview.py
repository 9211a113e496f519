"""The preview application: each request rendered on demand, as the build would.

:class:`Preview` is a WSGI application.  It answers a request the way a
static host would answer it from a fresh build (see ``lookup``), but with
no build: it renders the URL through ``Renderer.render``, the function the
build itself uses, so the bytes are the bytes the build would write.  Only
HTML gets something extra, the one ``<script>`` of live reload before
``</body>``.  Static files are sent from the source folder.

It also remembers what it sent: for each HTML page a hash of its bytes (the
page's *version*) and the record of what its render read; for each
stylesheet, script or image, the same.  :mod:`.live` uses that to decide
what an open page must do after a save.

A render that fails shows the error as a page (status 500), and the
server prints it in the terminal (:attr:`Preview.on_error`).  A URL the
site lacks gets its 404 page, or sitegen's, which links to the pages whose
URLs look most like it.  A site whose
code fails to load keeps its last good version in memory, and every page
shows the load error until the code is fixed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from werkzeug.utils import redirect, send_file
from werkzeug.wrappers import Request, Response

from ..app import RESERVED_PREFIX, Site
from ..config import DEFAULTS
from ..errors import AppLoadError, OutputError, SitegenError
from ..loading import load_site
from ..pipeline.discover import seed_urls
from ..pipeline.facts import FactCache
from ..pipeline.output import LOCK_SUFFIX, STAGING_SUFFIX, TRASH_SUFFIX
from ..pipeline.paths import HTML, check_safe, normalize_url, request_path
from ..pipeline.render import Rendered, Renderer
from ..record import RenderRecord
from ..urls import NOT_FOUND_PAGE
from .errorpage import error_page, internal_error, message_page, not_found_page
from .live import Asset, LiveReload, Shown, file_version, fingerprints, version
from .lookup import candidates

HTML_TYPES = frozenset({HTML, "application/xhtml+xml"})
RELOAD_SCRIPT = '<script src="/__sitegen/reload.js" data-version="{version}" async></script>'
#: The preview's own files, under the reserved prefix.
ASSETS = {"reload.js": "text/javascript", "worker.js": "text/javascript",
          "overlay.css": "text/css"}


@dataclass
class Answer:
    """What the preview sends for one request path."""

    status: int
    mimetype: str = HTML
    body: bytes = b""
    #: A static source file, sent instead of ``body``.
    file: str | None = None
    #: An HTTP redirect (``/a/b`` → ``/a/b/``), instead of a body.
    location: str | None = None
    #: The site URL whose render this is.
    url: str | None = None
    #: What the render read; None when any change may alter the answer
    #: (a 404 might become a page; an error might be fixed).
    record: RenderRecord | None = None
    error: SitegenError | None = None
    #: The hash of an HTML ``body``, which the reload script carries.
    version: str = ""


class Preview:
    """The WSGI application of ``sitegen serve`` for the site in ``site_dir``.

    ``drafts`` shows drafts and future posts (``DRAFTS`` and ``FUTURE``).
    The site's code is loaded at once; a failure is kept in :attr:`error`
    and shown in the browser rather than raised.
    """

    def __init__(self, site_dir: str | os.PathLike[str], app_spec: str | None = None, *,
                 drafts: bool = True) -> None:
        self.root = Path(site_dir).resolve()
        if not self.root.is_dir():
            raise AppLoadError(f"The site folder {self.root} does not exist.")
        self.app_spec = app_spec
        self.drafts = drafts
        #: Held while rendering and while a change is applied.
        self.lock = threading.RLock()
        self.site: Site | None = None
        self.renderer: Renderer | None = None
        #: Why the site's code does not load, while it does not.
        self.error: SitegenError | None = None
        #: HTML pages sent, by request path.
        self.pages: dict[str, Shown] = {}
        #: Other files sent, by site URL.
        self.assets: dict[str, Asset] = {}
        self.live = LiveReload(self)
        #: Called with the error of each request whose render failed, so the
        #: terminal shows it too (the browser shows it as a page).
        self.on_error: Callable[[SitegenError], None] | None = None
        self.load()

    # -- the site's code ---------------------------------------------------

    def load(self) -> SitegenError | None:
        """Import (again) the site's code.  On failure keep the last good site."""
        with self.lock:
            try:
                site = load_site(self.root, self.app_spec)
            except SitegenError as error:
                self.error = error
            except (Exception, SystemExit) as error:
                self.error = AppLoadError(
                    f"{self.app_spec or 'app.py'} raised {type(error).__name__} while loading: "
                    f"{error}",
                )
            else:
                if self.drafts:
                    site.config["DRAFTS"] = site.config["FUTURE"] = True
                self.site, self.renderer, self.error = site, Renderer(site), None
            return self.error

    def forget(self, paths: set[str]) -> None:
        """Tell the site which files changed, so its caches reread them."""
        site = self.site
        if site is None:
            return
        site.forget(paths)
        templates = str(site.template_folder) + os.sep
        if any(p.startswith(templates) for p in paths):
            # Jinja's auto_reload compares mtimes, which two quick saves can
            # share on coarse clocks: drop the compiled templates outright.
            cache = site.jinja_env.cache
            if cache is not None:
                cache.clear()

    def fact_cache(self) -> FactCache:
        """Fresh fingerprints of the current site's facts (nothing remembered)."""
        assert self.site is not None
        return FactCache(self.site)

    @property
    def skipped(self) -> list[Path]:
        """Folders the watcher leaves alone: the output (and its staging
        folders) and the cache, which renders write to."""
        output = self.root / "build"
        cache = DEFAULTS["CACHE_DIR"]
        if self.site is not None:
            cache = dict.get(self.site.config, "CACHE_DIR") or cache
        return [output, *(output.with_name(f".{output.name}{suffix}")
                          for suffix in (STAGING_SUFFIX, TRASH_SUFFIX, LOCK_SUFFIX)),
                self.root / cache]

    # -- answering ---------------------------------------------------------

    def render(self, path: str) -> Answer:
        """Answer ``path`` (as a browser requests it) and remember what was sent."""
        with self.lock:
            try:
                answer = self._answer(path)
            except SitegenError as error:  # sys.exit() in the site's code is one too
                answer = self._error(error)
            except Exception as error:
                answer = self._error(internal_error(error))
            if self.site is not None:
                self.site.flush_caches()  # the next start finds this render's parses
            self._remember(path, answer)
            return answer

    def _answer(self, path: str) -> Answer:
        if self.renderer is None:
            return self._error(self.error or AppLoadError("The site is not loaded."))
        if self.error is None:
            return self._resolve(self.renderer, path)
        # The code does not load: pages show why, while stylesheets and
        # images still come from the last site that loaded.
        try:
            answer = self._resolve(self.renderer, path)
        except Exception:
            return self._error(self.error)
        if answer.status == 200 and (answer.file is not None or
                                     answer.mimetype not in HTML_TYPES):
            return answer
        return self._error(self.error)

    def _resolve(self, renderer: Renderer, path: str) -> Answer:
        """What a static host would send for ``path`` from a build made now."""
        root = renderer.site.script_root
        if root:
            if path == root:
                return Answer(302, location=root + "/")
            if not path.startswith(root + "/"):
                page = message_page("404 Not Found", f"This site is published under {root}/:",
                                    root + "/")
                return Answer(404, body=page.encode())
            path = path[len(root):]
        url = normalize_url(request_path(path))
        try:
            check_safe(url)
        except OutputError:
            return self._not_found(renderer, url)
        tried: dict[str, Rendered] = {}
        for candidate in candidates(url):
            rendered = tried.get(candidate.url)
            if rendered is None:
                rendered = tried[candidate.url] = renderer.render(candidate.url)
            if not _exists(rendered) or rendered.path != candidate.file:
                continue
            if candidate.redirect is not None:
                return Answer(302, location=root + candidate.redirect)
            return Answer(200, rendered.mimetype, rendered.body, rendered.source_file,
                          url=rendered.url, record=rendered.record)
        return self._not_found(renderer, url)

    def _not_found(self, renderer: Renderer, url: str) -> Answer:
        """The site's 404 page as the build writes it, else a plain one."""
        site = renderer.site
        page = renderer.render(NOT_FOUND_PAGE)
        if page.mimetype in HTML_TYPES and not page.is_redirect and (
                page.status == 200 or page.status == 404 and 404 in site.error_handlers):
            return Answer(404, page.mimetype, page.body, url=NOT_FOUND_PAGE)
        body = not_found_page(url, self._known_urls(site), site.script_root)
        return Answer(404, body=body.encode())

    def _known_urls(self, site: Site) -> list[str]:
        """The URLs a 404 page can point to: those the build starts from
        (routes without arguments, static files, generators' URLs)."""
        try:
            with site.app_context():
                return [url for url, _ in seed_urls(site) if url != NOT_FOUND_PAGE]
        except SitegenError:
            return []  # a generator that fails shows its error on its own pages

    def _error(self, error: SitegenError) -> Answer:
        return Answer(500, body=error_page(error).encode(), error=error)

    def _remember(self, path: str, answer: Answer) -> None:
        if answer.location is not None:
            return
        taken = fingerprints(answer.record, self.fact_cache()) if self.site else None
        if answer.file is None and answer.mimetype in HTML_TYPES:
            answer.version = version(answer.body)
            self.pages[path] = Shown(answer.version, answer.record, answer.error, taken=taken)
        elif answer.url is not None and answer.record is not None:
            if answer.file is not None:
                try:
                    stamp = file_version(answer.file)
                except OSError:
                    return
            else:
                stamp = version(answer.body)
            self.assets[answer.url] = Asset(answer.url, path, answer.mimetype, stamp,
                                            answer.record, taken)

    # -- WSGI --------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        try:
            response = self.handle(request)
        except Exception as error:  # never Werkzeug's debugger, never a bare 500
            response = _html(error_page(internal_error(error)), 500)
        response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        """The response to one request."""
        path = request.path
        if path.startswith(RESERVED_PREFIX):
            return self._internal(request, path[len(RESERVED_PREFIX):])
        if request.method not in ("GET", "HEAD"):
            return Response("Method Not Allowed", 405, {"Allow": "GET, HEAD"},
                            mimetype="text/plain")
        answer = self.render(path)
        if answer.error is not None and self.on_error is not None:
            self.on_error(answer.error)
        if answer.file is not None:
            try:
                return send_file(answer.file, request.environ, mimetype=answer.mimetype)
            except FileNotFoundError:
                answer = self.render(path)  # deleted since it rendered: answer again
        if answer.location is not None:
            query = request.query_string.decode("latin-1")
            return redirect(answer.location + (f"?{query}" if query else ""), 302)
        body = answer.body
        if answer.version:
            body = inject(body, answer.version)
        return Response(body, answer.status, mimetype=answer.mimetype)

    def _internal(self, request: Request, name: str) -> Response:
        if name == "events":
            if request.method != "GET":
                return Response("Method Not Allowed", 405, {"Allow": "GET"},
                                mimetype="text/plain")
            return self.live.connect(request)
        if name == "pages" and request.method == "POST":
            return self.live.register(request)
        mimetype = ASSETS.get(name)
        if mimetype is None:
            return _html(message_page("404 Not Found", f"{request.path} is not a file of "
                                      "the preview server."), 404)
        text = resources.files(__package__).joinpath(name).read_bytes()
        return Response(text, mimetype=mimetype)


def _exists(rendered: Rendered) -> bool:
    """Whether the build would write this render (a routing redirect is not a page)."""
    if rendered.is_redirect:
        return rendered.record.endpoint is not None
    return rendered.status == 200


def _html(page: str, status: int) -> Response:
    return Response(page, status, mimetype=HTML)


def inject(body: bytes, page_version: str) -> bytes:
    """``body`` with the live-reload script before its last ``</body>``."""
    tag = RELOAD_SCRIPT.format(version=page_version).encode()
    end = body.lower().rfind(b"</body>")
    if end == -1:
        return body + tag
    return body[:end] + tag + body[end:]
