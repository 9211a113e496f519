"""Live reload: after a save, tell each open page what to do.

The preview remembers, for every HTML page it sends, a version (a hash of
its bytes) and the record of what its render read, each fact with its
fingerprint (:class:`Shown`), and the same for the stylesheets, scripts and
images browsers fetch (:class:`Asset`).  A save touches a page when one of
its facts has another fingerprint now: the very test an incremental build
makes.  Each open page registers with its path and the version
it holds, on an event stream of its own or on the one its browser's tabs
share (``events``; the client side is ``reload.js``).  When files change,
:meth:`LiveReload.apply`:

1. reloads the site's code if a ``.py`` file changed (every page then
   depends on the change), else lets the site forget the changed files
   and prepares it again (content read, routes registered);
2. marks stale every remembered page one of whose facts changed (404s and
   errors are always stale);
3. re-renders the stylesheets, scripts and images browsers fetched one of
   whose facts changed, and notes which really changed;
4. re-renders each *open* stale page once, however many tabs show it, and
   compares versions.  A page whose bytes changed is told to reload; one
   whose render now fails gets the error as an overlay; one whose
   stylesheets changed gets them swapped; one whose script or image
   changed reloads; any other page is told nothing.

A page that reconnects (a tab shown again, a server restarted) sends the
version it holds and is told to reload if that is no longer current, so a
hidden tab that missed a change still catches up.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from ..errors import SitegenError
from ..pipeline.facts import FactCache
from ..record import FILE, MANIFEST, TEMPLATE, Fact, RenderRecord
from .errorpage import overlay_payload
from .events import Client, EventHub, Stream

if TYPE_CHECKING:
    from .preview import Preview

#: The largest message a page sends (``POST /__sitegen/pages``): a few hundred bytes.
MAX_MESSAGE = 16 * 1024

@dataclass(frozen=True)
class Fingerprints:
    """What a render depended on, as the preview checks it after a save.

    The preview knows which files were saved, so it need not fingerprint
    everything again:

    - a template or file fact changes only when its file is saved;
    - a page's own fields (title, body, URL...) can change only when the
      page's file is saved: their fingerprints are compared then, and only
      then, so a body edit leaves a page that lists only the title alone;
    - every other fact (a listing, a config key, a page's neighbours) is
      fingerprinted again after each save.
    """

    files: frozenset[str]
    pages: dict[str, tuple[tuple[Fact, bytes], ...]]
    others: tuple[tuple[Fact, bytes], ...]


def fingerprints(record: RenderRecord | None, facts: FactCache) -> Fingerprints | None:
    """The fingerprints of ``record``'s facts, now (None without a record)."""
    if record is None:
        return None
    files: set[str] = set()
    pages: dict[str, list[tuple[Fact, bytes]]] = {}
    others = []
    for fact in record.facts:
        if fact.kind in (FILE, TEMPLATE):
            files.add(_path(fact, facts.root))
        elif fact.is_intrinsic:
            pages.setdefault(_path(fact, facts.root), []).append((fact, facts.digest(fact)))
        else:
            others.append((fact, facts.digest(fact)))
    return Fingerprints(frozenset(files), {k: tuple(v) for k, v in pages.items()},
                        tuple(others))


def changed(taken: Fingerprints | None, facts: FactCache, paths: set[str]) -> bool:
    """Whether a save of ``paths`` changed any fact of a render (None: unknown, so
    yes; a page listing the whole site, such as the sitemap, always)."""
    if taken is None:
        return True
    folders = tuple(path + os.sep for path in paths)  # a folder moved or deleted whole

    def saved(path: str) -> bool:
        return path in paths or path.startswith(folders)

    if any(saved(path) for path in taken.files):
        return True
    for path, fields in taken.pages.items():
        if saved(path) and any(facts.digest(fact) != old for fact, old in fields):
            return True
    return any(fact.kind == MANIFEST or facts.digest(fact) != old
               for fact, old in taken.others)


def _path(fact: Fact, root: str) -> str:
    """The file a template, file or page fact names, as the watcher reports it."""
    return os.path.realpath(os.path.join(root, fact.subject))


@dataclass
class Shown:
    """An HTML page as last sent: what an open browser tab holds."""

    version: str
    record: RenderRecord | None
    error: SitegenError | None = None
    #: A change touched it since; render again before trusting ``version``.
    stale: bool = False
    #: The fingerprints of the record's facts when it rendered.
    taken: Fingerprints | None = None


@dataclass
class Asset:
    """A stylesheet, script or image a browser fetched, as last sent."""

    url: str
    path: str
    mimetype: str
    version: str
    record: RenderRecord
    taken: Fingerprints | None = None

    @property
    def is_css(self) -> bool:
        return self.mimetype == "text/css"


def version(body: bytes) -> str:
    """A short hash of a response's bytes: what a page holds."""
    return hashlib.blake2b(body, digest_size=8).hexdigest()


def file_version(path: str) -> str:
    """``version`` of a file's bytes, read in blocks."""
    digest = hashlib.blake2b(digest_size=8)
    with open(path, "rb") as f:
        while block := f.read(1 << 16):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class ChangeReport:
    """What one batch of changes did, for the terminal."""

    paths: list[str]
    code: bool
    rendered: int = 0
    reloaded: int = 0
    restyled: int = 0
    overlays: int = 0
    errors: list[SitegenError] = field(default_factory=list)
    seconds: float = 0.0

    def add_error(self, error: SitegenError) -> None:
        """Note an error once, however many pages it broke."""
        if all(e.message != error.message for e in self.errors):
            self.errors.append(error)

    def summary(self, root: str | os.PathLike[str]) -> str:
        names = [os.path.relpath(p, root) for p in self.paths]
        changed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        parts = [f"{self.rendered} open page{'s' if self.rendered != 1 else ''} re-rendered",
                 f"{self.reloaded} reloaded"]
        if self.restyled:
            parts.append(f"{self.restyled} restyled")
        if self.overlays:
            parts.append(f"{self.overlays} shown an error")
        code = "code reloaded; " if self.code and not self.errors else ""
        return f"{changed} changed: {code}{', '.join(parts)} ({self.seconds * 1000:.0f} ms)"


class LiveReload:
    """The event stream of a :class:`Preview` and what a change means to it."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.hub = EventHub()

    def connect(self, request: Request) -> Response:
        """``GET /__sitegen/events``: an event stream.

        ``?stream=KEY`` opens a shared stream, on which pages are then
        registered (:meth:`register`); ``?path=...&v=...`` one page's own.
        """
        key = request.args.get("stream")
        if key is not None:
            stream = self.hub.open_stream(key)
            stream.put("hello", {})
        else:
            stream = self.hub.open_stream()
            self._open_page(stream, None, unquote(request.args.get("path", "/")),
                            request.args.get("v", ""))
        return Response(self.hub.respond(stream), mimetype="text/event-stream",
                        headers={"X-Accel-Buffering": "no"}, direct_passthrough=True)

    def register(self, request: Request) -> Response:
        """``POST /__sitegen/pages``: a page opened or closed on a shared stream.

        The body is JSON: ``{"stream", "tab", "path", "version"}``, or
        ``{"stream", "tab", "closed": true}``.
        """
        if (request.content_length or 0) > MAX_MESSAGE:
            return Response("Message too large", 413, mimetype="text/plain")
        try:
            message = json.loads(request.get_data(as_text=True))
            stream = self.hub.shared_stream(str(message["stream"]))
            tab = int(message["tab"])
            if message.get("closed"):
                if stream is not None:
                    self.hub.disconnect(stream, tab)
                return Response(status=204)
            path, held = str(message["path"]), str(message["version"])
        except (ValueError, KeyError, TypeError, RecursionError):  # nested too deep too
            return Response("Bad request", 400, mimetype="text/plain")
        if stream is None or not self._open_page(stream, tab, unquote(path), held):
            return Response("No such stream", 404, mimetype="text/plain")
        return Response(status=204)

    def _open_page(self, stream: Stream, tab: int | None, path: str, held: str) -> bool:
        """Register a page holding version ``held``; tell it at once if that is stale."""
        client = self.hub.connect(path, held, stream, tab)
        if client is None:
            return False
        client.send("hello", {"path": path})
        preview = self.preview
        with preview.lock:
            shown = preview.pages.get(path)
            if shown is None or shown.stale:
                preview.render(path)
                shown = preview.pages.get(path)
            self._tell(client, shown, {})
        return True

    def apply(self, paths: set[str]) -> ChangeReport:
        """Take in a batch of changed files and update every open page."""
        started = time.perf_counter()
        preview = self.preview
        code = any(p.endswith(".py") for p in paths)
        report = ChangeReport(sorted(paths), code)
        with preview.lock:
            if code:
                error = preview.load()
                if error is not None:
                    report.add_error(error)
            else:
                preview.forget(paths)
            facts = preview.fact_cache()
            for shown in preview.pages.values():
                if code or changed(shown.taken, facts, paths):
                    shown.stale = True
            changed_assets = self._changed_assets(facts, code, paths)
            current: dict[str, Shown | None] = {}
            for client in self.hub.clients():
                if client.path not in current:
                    shown = preview.pages.get(client.path)
                    if shown is None or shown.stale:
                        preview.render(client.path)
                        shown = preview.pages.get(client.path)
                        report.rendered += 1
                        if shown is not None and shown.error is not None:
                            report.add_error(shown.error)
                    current[client.path] = shown
                action = self._tell(client, current[client.path], changed_assets)
                if action == "reload":
                    report.reloaded += 1
                elif action == "css":
                    report.restyled += 1
                elif action == "overlay":
                    report.overlays += 1
        report.seconds = time.perf_counter() - started
        return report

    def close(self) -> None:
        self.hub.close()

    # -- decisions ---------------------------------------------------------

    def _changed_assets(self, facts: FactCache, code: bool,
                        paths: set[str]) -> dict[str, Asset]:
        """Fetched files whose bytes a change altered, by site URL."""
        preview = self.preview
        found: dict[str, Asset] = {}
        for url, asset in list(preview.assets.items()):
            if not (code or changed(asset.taken, facts, paths)):
                continue
            del preview.assets[url]
            preview.render(asset.path)
            now = preview.assets.get(url)
            if now is None or now.version != asset.version:
                found[url] = asset
        return found

    def _tell(self, client: Client, shown: Shown | None,
              changed: dict[str, Asset]) -> str | None:
        """Send ``client`` what it must do; return that, or None."""
        if shown is None:  # the path no longer answers HTML
            client.send("reload")
            return "reload"
        if shown.error is not None:
            if shown.version == client.version:
                return None  # it shows this very error page
            payload = overlay_payload(shown.error)
            if client.overlay == payload["text"]:
                return None
            client.overlay = payload["text"]
            client.send("overlay", payload)
            return "overlay"
        if shown.version != client.version:
            client.send("reload")
            return "reload"
        if client.overlay is not None:
            client.overlay = None
            client.send("clear")
        used = self._used(shown, changed)
        if any(not asset.is_css for asset in used):
            client.send("reload")
            return "reload"
        if used:
            root = self.preview.site.script_root if self.preview.site is not None else ""
            client.send("css", {"urls": sorted({root + asset.url for asset in used})})
            return "css"
        return None

    def _used(self, shown: Shown, changed: dict[str, Asset]) -> list[Asset]:
        """The changed files a page links to, and those its stylesheets import."""
        if not changed or shown.record is None:
            return []
        links = shown.record.links
        used = [asset for url, asset in changed.items() if url in links]
        for url in links:
            sheet = self.preview.assets.get(url) or changed.get(url)
            if sheet is not None and sheet.is_css:
                used += [changed[u] for u in sheet.record.links if u in changed]
        return used
