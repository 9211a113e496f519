"""Rendering one URL: the single path shared by the build and the preview.

``Renderer.render(url)`` asks the site for ``url`` through Werkzeug's test
client and returns a :class:`Rendered`: the final bytes the build writes
(redirects already turned into pages, links already made relative when the
site asks for it), the file they go to, and the :class:`RenderRecord` of
what the render read and linked to.  It depends on nothing but the site and
the URL, so the preview server and worker processes can call it alike.
"""

from __future__ import annotations

import functools
import html
import posixpath
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from werkzeug.http import parse_options_header
from werkzeug.test import EnvironBuilder, run_wsgi_app

from .. import linkscan as links
from ..app import NOT_FOUND_KEY, RECORD_KEY, Site
from ..context import BuiltPage, _cv_manifest
from ..errors import (
    RenderError,
    SitegenError,
    TemplateError,
    raised,
    relative_to,
    user_frames,
)
from ..record import Fact, RenderRecord
from ..urls import NOT_FOUND_PAGE, is_absolute
from .output import Placed
from .paths import HTML, link_path, normalize_url, output_path, request_path

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
#: How many root-relative links the renderer remembers the local form of.
LINK_MEMO_SIZE = 20_000
CSS = "text/css"
_UNKNOWN = object()


@dataclass
class Rendered:
    """The response to one URL, ready to be written."""

    url: str
    status: int
    mimetype: str
    body: bytes
    record: RenderRecord
    #: A static file to copy instead of ``body`` (which is then empty).
    source_file: str | None = None
    #: Where a redirect leads (site-local where it is internal).
    location: str | None = None
    #: Fingerprints of some of the record's facts, taken where the render ran: a
    #: worker sends those of the page fields it read (cheap there, with the page
    #: parsed; dear for the coordinator, which would have to load the parse).
    fingerprints: dict[Fact, bytes] = field(default_factory=dict)
    #: The file as a worker on this machine placed it in the staging tree (``body`` is
    #: then empty), or why it could not.
    placed: Placed | None = None
    write_error: OSError | None = None

    @property
    def is_redirect(self) -> bool:
        return self.location is not None

    @property
    def kind(self) -> str:
        """``redirect``, ``file`` (a static or media file sent as is) or ``page``."""
        if self.location is not None:
            return "redirect"
        return "file" if self.record.static_file is not None else "page"

    @property
    def path(self) -> str:
        """The output file for this URL."""
        return output_path(self.url, self.mimetype)


class Renderer:
    """Renders URLs of one site; one instance per process (or thread)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.base_url = site.base_url
        parts = urlsplit(self.base_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._root = site.script_root
        self.relative = bool(dict.get(site.config, "RELATIVE_URLS"))
        self._rooted: dict[str, str | None] = {}
        # Werkzeug's test machinery builds the environ of a GET at the base
        # URL once; each render copies it and sets the path.
        self._environ = EnvironBuilder("/", base_url=self.base_url).get_environ()

    def render(self, url: str, manifest: Sequence[BuiltPage] | None = None) -> Rendered:
        """Render the site-local, canonical ``url`` (see ``normalize_url``).

        ``manifest`` is the list of built pages, for an aggregate URL (the
        sitemap): its view sees it through :func:`sitegen.context.built_pages`.
        """
        if manifest is None and url in self.site.aggregate_urls:
            from .builder import render_all  # an aggregate page needs the whole site

            manifest = manifest_of(render_all(self.site).values())
        token = _cv_manifest.set(manifest)
        try:
            return self._render(url)
        finally:
            _cv_manifest.reset(token)

    def _render(self, url: str) -> Rendered:
        record = RenderRecord(url, str(self.site.root_path))
        environ = self._environ.copy()
        environ["PATH_INFO"] = url.encode().decode("latin-1")
        environ["REQUEST_URI"] = environ["RAW_URI"] = self._root + request_path(url)
        environ[RECORD_KEY] = record
        if url == NOT_FOUND_PAGE:
            # The 404 page is the 404 handler's answer, whatever routes
            # /404.html might match (a catch-all /<slug>/ would redirect it).
            environ[NOT_FOUND_KEY] = True
        try:
            app_iter, status_line, headers = run_wsgi_app(self.site, environ)
        except SitegenError:
            raise
        except (Exception, SystemExit) as error:  # sys.exit() in a view ends no build
            if _is_template_syntax_error(error):
                raise self._template_error(error, url) from error
            raise self._view_error(error, url, record) from error

        status = int(status_line[:3])
        mimetype, params = _content_type(headers.get("Content-Type", ""))
        location = headers.get("Location")
        if (status in REDIRECT_CODES and location) or record.static_file and mimetype != CSS:
            _close(app_iter)
            if location:
                return self._redirect(url, status, location, record)
            return Rendered(url, status, mimetype, b"", record, source_file=record.static_file)

        try:
            body = b"".join(app_iter)
        finally:
            _close(app_iter)
        if mimetype in (HTML, "application/xhtml+xml"):
            text = body.decode(params.get("charset", "utf-8"), "replace")
            self._collect(url, record, links.iter_html_links(text))
            if self.relative and status == 200:
                body = self._relativize(url, mimetype, text, links.rewrite_html_links)
        elif mimetype == CSS:
            text = body.decode("utf-8", "replace")
            self._collect(url, record, links.iter_css_links(text))
            if self.relative:
                body = self._relativize(url, mimetype, text, links.rewrite_css_links)
        record.links.update(record.urls)
        return Rendered(url, status, mimetype, body, record, source_file=None)

    # -- links -------------------------------------------------------------

    def _page_url(self, url: str) -> str:
        return self._origin + self._root + request_path(url)

    def _local(self, absolute: str) -> str | None:
        """The site-local form of an absolute URL, or None if it is elsewhere."""
        prefix = self._origin + self._root + "/"
        if not absolute.startswith(prefix):
            return "/" if absolute == prefix[:-1] else None
        return normalize_url(absolute[len(prefix) - 1:])

    def _redirect(self, url: str, status: int, location: str,
                  record: RenderRecord) -> Rendered:
        """A redirect as a page: static hosts cannot answer with a 3xx."""
        target = urljoin(self._page_url(url), location)
        local = self._local(target)
        if local is not None:
            record.links.add(local)
            target = target[len(self._origin):]
            if self.relative:
                target = self._relative_link(posixpath.dirname(output_path(url, HTML)), target)
        body = redirect_page(target).encode()
        return Rendered(url, status, HTML, body, record,
                        location=local if local is not None else target)

    def _collect(self, url: str, record: RenderRecord, found: Iterable[str]) -> None:
        """Add the site-local form of each link in ``found`` to the record.

        Root-relative links (the common case) resolve the same on every
        page, so their local forms are cached: a site whose pages all link
        each other pays one dict lookup per link.
        """
        cache = self._rooted
        add = record.links.add
        page: str | None = None
        for link in found:
            local = cache.get(link, _UNKNOWN)
            if local is _UNKNOWN:
                if link.startswith("#"):
                    continue
                if link.startswith("/") and not link.startswith("//"):
                    if len(cache) >= LINK_MEMO_SIZE:
                        cache.clear()
                    local = cache[link] = self._local(self._origin + link)
                    if local is None:
                        record.warn(f"the link {link} lies outside the base URL's path "
                                    f"{self._root}/, so it leads off the site")
                elif is_absolute(link):
                    if not link.startswith(self._origin):
                        continue
                    local = self._local(link)
                else:
                    page = page or self._page_url(url)
                    local = self._local(urljoin(page, link))
            if local is not None:
                add(local)  # type: ignore[arg-type]

    def _relativize(self, url: str, mimetype: str, text: str, rewrite_all: object) -> bytes:
        """``text`` with every internal root-relative link made relative to ``url``."""
        here = posixpath.dirname(output_path(url, mimetype))

        def rewrite(link: str) -> str | None:
            return self._relative_link(here, link)

        return rewrite_all(text, rewrite).encode()  # type: ignore[operator]

    def _relative_link(self, here: str, link: str) -> str | None:
        """``link`` relative to the output folder ``here``; None if not internal."""
        if not link.startswith(self._root + "/") or link.startswith("//"):
            return None
        parts = urlsplit(link)
        target = link_path(normalize_url(parts.path[len(self._root):]))
        rel = posixpath.relpath(target, here or ".")
        tail = (f"?{parts.query}" if parts.query else "") + \
            (f"#{parts.fragment}" if parts.fragment else "")
        return request_path(rel) + tail

    # -- errors ------------------------------------------------------------

    def _template_error(self, error: Any, url: str) -> TemplateError:
        """A ``jinja2.TemplateSyntaxError`` as one message with the template's line."""
        where = relative_to(error.filename or error.name or "?", self.site.root_path)
        details = [f"while rendering {url}"]
        if error.source and error.lineno:
            lines = error.source.splitlines()
            if 0 < error.lineno <= len(lines):
                details.append(f"{error.lineno:>4} | {lines[error.lineno - 1]}")
        return TemplateError(
            f"{where}:{error.lineno}: template syntax error: {error.message}",
            details=details, hint="fix the template; Jinja's syntax is described at "
            "jinja.palletsprojects.com",
        )

    def _view_error(self, error: BaseException, url: str,
                    record: RenderRecord) -> RenderError:
        endpoint = record.endpoint or "?"
        frames = user_frames(error.__traceback__, self.site.root_path)
        return RenderError(
            f"{url}: {raised(error)}",
            details=[f"endpoint {endpoint!r}", *frames],
            hint="the view or its template raised; the frames above are your code",
        )


@functools.lru_cache(maxsize=64)
def _content_type(header: str) -> tuple[str, dict[str, str]]:
    """The type and parameters of a ``Content-Type`` header (the dict is only read): a
    site sends a few, so each is parsed once."""
    mimetype, params = parse_options_header(header)
    return mimetype or "application/octet-stream", params


def _is_template_syntax_error(error: BaseException) -> bool:
    """Whether ``error`` is Jinja's syntax error; asked without importing Jinja, which
    has compiled no template (so raised none) if nothing imported it."""
    jinja = sys.modules.get("jinja2")
    return jinja is not None and isinstance(error, jinja.TemplateSyntaxError)


def manifest_of(rendered: Iterable[Rendered]) -> list[BuiltPage]:
    """The manifest of built pages that aggregate URLs see, sorted."""
    return sorted(BuiltPage(r.url, r.path, r.mimetype, r.status, r.kind) for r in rendered)


def _close(app_iter: Iterable[bytes]) -> None:
    close = getattr(app_iter, "close", None)
    if close is not None:
        close()


def redirect_page(target: str) -> str:
    """A static stand-in for a redirect: meta refresh, canonical, plain link."""
    href = html.escape(target, quote=True)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Redirecting…</title>\n"
        f'<link rel="canonical" href="{href}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n<body>\n"
        f'<p>This page has moved to <a href="{href}">{href}</a>.</p>\n'
        "</body>\n</html>\n"
    )
