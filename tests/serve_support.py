"""Running a preview server in a test, fetching from it, reading its events.

Each test runs a real ``PreviewServer`` on a free loopback port, in a
thread of the test process, and talks to it over HTTP.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from sitegen.serve import PreviewServer

SCRIPT = re.compile(rb'<script src="/__sitegen/reload\.js" data-version="([0-9a-f]+)" async>'
                    rb"</script>")
#: How long a test waits for anything the server should do at once.
TIMEOUT = 10.0


@dataclass
class Fetched:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def version(self) -> str:
        match = SCRIPT.search(self.body)
        assert match, self.body[:300]
        return match[1].decode()

    @property
    def unscripted(self) -> bytes:
        """The body without the injected reload script: what the build writes."""
        return SCRIPT.sub(b"", self.body, count=1)


class Running:
    """A started server, with its log lines."""

    def __init__(self, server: PreviewServer, lines: list[str]) -> None:
        self.server = server
        self.lines = lines
        parts = urlsplit(server.url)
        self.host, self.port = parts.hostname, parts.port

    @property
    def url(self) -> str:
        return self.server.url

    def get(self, path: str, method: str = "GET") -> Fetched:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, quote(path, safe="/%?=&"))
            response = conn.getresponse()
            return Fetched(response.status, response.headers, response.read())
        finally:
            conn.close()

    def events(self, path: str, version: str = "") -> EventStream:
        """A page's own event stream."""
        return EventStream(self, f"path={quote(path, safe='')}&v={quote(version)}")

    def shared_events(self, key: str) -> EventStream:
        """A stream shared by tabs, as the shared worker opens it."""
        return EventStream(self, f"stream={quote(key)}")

    def post_page(self, message: dict[str, Any] | bytes) -> int:
        """Register (or close) a page on a shared stream; the status."""
        body = message if isinstance(message, bytes) else json.dumps(message).encode()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request("POST", "/__sitegen/pages", body,
                         {"Content-Type": "application/json"})
            return conn.getresponse().status
        finally:
            conn.close()

    def wait_for_log(self, predicate: Callable[[str], bool], timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if predicate(line):
                    return line
            time.sleep(0.01)
        raise AssertionError(f"no such log line in {timeout} s: {self.lines}")


class EventStream:
    """A client of ``/__sitegen/events``, as the reload script is."""

    def __init__(self, running: Running, query: str) -> None:
        self.conn = http.client.HTTPConnection(running.host, running.port, timeout=TIMEOUT)
        self.conn.request("GET", f"/__sitegen/events?{query}")
        self.sock = self.conn.sock  # the response keeps reading from it after getresponse
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.headers["Content-Type"].startswith("text/event-stream")

    def next(self, timeout: float = TIMEOUT) -> tuple[str, Any]:
        """The next event as (name, data); AssertionError if none comes in time."""
        self.sock.settimeout(timeout)
        event, data = "message", ""
        try:
            while True:
                line = self.response.readline().decode()
                if not line:
                    raise AssertionError("the event stream ended")
                line = line.rstrip("\n")
                if line == "":
                    if data:
                        return event, json.loads(data)
                    continue
                if line.startswith(":") or line.startswith("retry:"):
                    continue
                field, _, value = line.partition(": ")
                if field == "event":
                    event = value
                elif field == "data":
                    data = value
        except TimeoutError:
            raise AssertionError(f"no event within {timeout} s") from None

    def expect(self, name: str, timeout: float = TIMEOUT) -> Any:
        event, data = self.next(timeout)
        assert event == name, (event, data)
        return data

    def close(self) -> None:
        self.response.close()
        self.conn.close()


@contextmanager
def running(site_dir: Path, **options: Any) -> Iterator[Running]:
    """A preview server for ``site_dir`` on a free port, stopped afterwards."""
    lines: list[str] = []
    server = PreviewServer(site_dir, port=0, echo=lines.append, **options)
    server.start()
    try:
        yield Running(server, lines)
    finally:
        server.stop()


def edit(path: Path, text: str) -> None:
    """Save ``text`` to ``path`` as an editor does: whole, at once."""
    path.write_text(text, encoding="utf-8")
