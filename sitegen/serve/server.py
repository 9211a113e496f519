"""The preview server: Werkzeug's threaded HTTP server, a watcher, a log.

:class:`PreviewServer` binds the socket, starts watching the site folder,
and serves a :class:`Preview` until stopped; ``serve`` is the blocking
form behind ``sitegen serve``.  The socket stays open for the whole run,
through code reloads and errors: no user mistake stops the server.
Werkzeug's debugger is never used, and the server binds to the loopback
interface unless told otherwise.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import threading
import time
import webbrowser
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import (
    LISTEN_QUEUE,
    BaseWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    make_server,
    select_address_family,
)

from ..errors import SitegenError
from .hosts import HostGuard, allowed_names
from .preview import Preview
from .watcher import Watcher

Echo = Callable[[str], None]
#: How often (s) the server loop checks for a shutdown request.
POLL = 0.05


class PreviewServer:
    """Serve the site in ``site_dir`` at ``host:port`` (port 0 picks a free one).

    ::

        server = PreviewServer("my_site", port=0)
        server.start()          # in a background thread
        print(server.url)
        server.stop()
    """

    def __init__(self, site_dir: str | os.PathLike[str], app_spec: str | None = None, *,
                 host: str = "127.0.0.1", port: int = 8000, drafts: bool = True,
                 verbose: bool = False, echo: Echo | None = None,
                 debounce: float = 0.03, allow_hosts: Iterable[str] = ()) -> None:
        self.echo = echo or (lambda line: None)
        #: Errors printed since the last change: a page reloaded ten times
        #: with one error prints it once.
        self._printed: set[str] = set()
        self._printed_lock = threading.Lock()
        self.preview = Preview(site_dir, app_spec, drafts=drafts)
        self.preview.on_error = self._log_error
        if self.preview.error is not None:
            self._log_error(self.preview.error)
        # Bind here: Werkzeug exits the process when it cannot bind.
        with _listen(host, port) as listening:
            app = HostGuard(self.preview, allowed_names(allow_hosts))
            self.server: BaseWSGIServer = make_server(
                host, port, app, threaded=True, fd=listening.fileno(),
                request_handler=_LoggingHandler if verbose else _QuietHandler,
            )
        self.server.echo = self.echo  # type: ignore[attr-defined]
        self.watcher = Watcher(self.preview.root, self._changed, skip=self.preview.skipped,
                               delay=debounce)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address to open, with the site's base path."""
        host, port = self.server.server_address[:2]
        if ":" in str(host):
            host = f"[{host}]"
        site = self.preview.site
        root = site.script_root if site is not None else ""
        return f"http://{host}:{port}{root}/"

    def start(self) -> None:
        """Serve in a background thread (tests, scripts)."""
        self.watcher.start()
        self._thread = threading.Thread(target=self.server.serve_forever, args=(POLL,),
                                        name="sitegen-serve", daemon=True)
        self._thread.start()

    def serve_forever(self, ready: Callable[[], None] | None = None) -> None:
        """Serve in this thread until Ctrl-C; then shut down cleanly.

        ``ready()`` is called once the folder is watched, just before serving.
        """
        try:
            self.watcher.start()
            if ready is not None:
                ready()
            self.server.serve_forever(POLL)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Close every event stream, stop watching, and close the socket."""
        self.preview.live.close()
        self.watcher.stop()
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server.server_close()

    def _changed(self, paths: set[str]) -> None:
        try:
            report = self.preview.live.apply(paths)
        except Exception as error:  # a bug must not stop the watcher
            self.echo(f"internal error while applying a change: {type(error).__name__}: {error}")
            return
        with self._printed_lock:
            self._printed.clear()
        self.echo(time.strftime("%H:%M:%S ") + report.summary(self.preview.root))
        for error in report.errors:
            self._log_error(error)

    def _log_error(self, error: SitegenError) -> None:
        """Print ``error``, unless it was printed since the last change."""
        text = error.format()
        with self._printed_lock:
            if text in self._printed:
                return
            self._printed.add(text)
        self.echo("error: " + text)


def serve(site_dir: str | os.PathLike[str] = ".", app_spec: str | None = None, *,
          host: str = "127.0.0.1", port: int = 8000, drafts: bool = True,
          open_browser: bool = False, verbose: bool = False, echo: Echo = print,
          allow_hosts: Iterable[str] = ()) -> None:
    """Run the preview server until interrupted (``sitegen serve``)."""
    if not is_loopback(host):
        echo(f"warning: serving on {host} lets other machines on the network see the "
             "preview; it is meant for your own browser (the default is 127.0.0.1).")
    server = PreviewServer(site_dir, app_spec, host=host, port=port, drafts=drafts,
                           verbose=verbose, echo=echo, allow_hosts=allow_hosts)

    def ready() -> None:
        echo(f"Serving {server.preview.root} at {server.url}  (Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(server.url)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl-C
    server.serve_forever(ready)
    echo("Stopped.")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``; a clear error if it cannot."""
    family = select_address_family(host, port)
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(get_sockaddr(host, port, family))
        listening.listen(LISTEN_QUEUE)
    except OSError as error:
        listening.close()
        raise SitegenError(
            f"Cannot listen on {host}:{port}: {error.strerror or error}.",
            hint="another program may be using the port: pass --port with another number",
        ) from error
    return listening


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except OSError:
            return False


class _QuietHandler(WSGIRequestHandler):
    """Request lines are noise while writing: print errors only."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            self.server.echo(f"{self.address_string()} {message % args}")  # type: ignore


class _LoggingHandler(WSGIRequestHandler):
    """``--verbose``: a line per request."""

    def log(self, type: str, message: str, *args: Any) -> None:
        self.server.echo(f"{self.address_string()} {message % args}")  # type: ignore
