"""The Server-Sent Events hub: open pages, and the streams that reach them.

A :class:`Client` is one open page: the path it shows and the version of
the bytes it holds.  A :class:`Stream` is one ``text/event-stream``
response.  A page reaches the server in one of two ways (see
``reload.js``):

* through the tab's shared worker, which holds one stream for every tab of
  the browser and registers each page on it by its tab number: however
  many tabs are open, they hold one connection, far from the browser's
  six per host;
* where shared workers are missing, through a stream of its own, which the
  tab closes while it is hidden.

The change handler decides what each page is told; the hub only delivers.
A stream sends a comment every few seconds: writing is the only way a
WSGI server notices that the browser has gone, and the stream's ``finally``
forgets it and its pages then.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

#: Seconds between keep-alive comments on an idle stream.
KEEPALIVE = 10.0
#: What the browser waits before reconnecting a dropped stream (ms).
RETRY_MS = 1000


class Stream:
    """One open event-stream response; ``key`` names a shared one."""

    def __init__(self, key: str | None = None) -> None:
        self.key = key
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def put(self, event: str, data: dict[str, Any]) -> None:
        payload = json.dumps(data, separators=(",", ":"))
        self._queue.put(f"event: {event}\ndata: {payload}\n\n".encode())

    def close(self) -> None:
        """End the response (the browser reconnects unless told otherwise)."""
        self._queue.put(None)


class Client:
    """One open page: the path it shows, the bytes it holds, its stream."""

    def __init__(self, path: str, version: str, stream: Stream, tab: int | None = None) -> None:
        self.path = path
        self.version = version
        self.stream = stream
        #: The page's number on a shared stream.
        self.tab = tab
        #: The error text shown in this page's overlay, if any.
        self.overlay: str | None = None

    def __repr__(self) -> str:
        return f"<Client {self.path!r} {self.version}>"

    def send(self, event: str, data: dict[str, Any] | None = None) -> None:
        """Queue one event for this page (tagged with its tab on a shared stream)."""
        payload = dict(data or {})
        if self.tab is not None:
            payload["tab"] = self.tab
        self.stream.put(event, payload)


class EventHub:
    """The open streams and pages, safe to use from any thread."""

    def __init__(self, keepalive: float = KEEPALIVE) -> None:
        self.keepalive = keepalive
        self._streams: dict[Stream, dict[int | None, Client]] = {}
        self._shared: dict[str, Stream] = {}
        self._lock = threading.Lock()
        self._closed = False

    def open_stream(self, key: str | None = None) -> Stream:
        """A new stream; a shared one replaces an older one of the same key."""
        stream = Stream(key)
        with self._lock:
            if self._closed:
                stream.close()
                return stream
            self._streams[stream] = {}
            if key is not None:
                old = self._shared.get(key)
                self._shared[key] = stream
                if old is not None:
                    self._streams.pop(old, None)
                    old.close()
        return stream

    def shared_stream(self, key: str) -> Stream | None:
        with self._lock:
            return self._shared.get(key)

    def connect(self, path: str, version: str, stream: Stream,
                tab: int | None = None) -> Client | None:
        """Register a page on ``stream``; None if the stream has ended."""
        client = Client(path, version, stream, tab)
        with self._lock:
            pages = self._streams.get(stream)
            if pages is None:
                return None
            pages[tab] = client
        return client

    def disconnect(self, stream: Stream, tab: int | None = None) -> None:
        """The page ``tab`` of ``stream`` has gone."""
        with self._lock:
            pages = self._streams.get(stream)
            if pages is not None:
                pages.pop(tab, None)

    def clients(self) -> list[Client]:
        with self._lock:
            return [c for pages in self._streams.values() for c in pages.values()]

    def streams(self) -> int:
        """How many streams are open (how many connections browsers hold)."""
        with self._lock:
            return len(self._streams)

    def close(self) -> None:
        """End every stream: the server is shutting down."""
        with self._lock:
            self._closed = True
            streams = list(self._streams)
            self._streams.clear()
            self._shared.clear()
        for stream in streams:
            stream.close()

    def respond(self, stream: Stream) -> Iterator[bytes]:
        """The body of the ``text/event-stream`` response for ``stream``."""
        try:
            yield f"retry: {RETRY_MS}\n\n".encode()
            while True:
                try:
                    message = stream._queue.get(timeout=self.keepalive)
                except queue.Empty:
                    yield b": keep-alive\n\n"
                    continue
                if message is None:
                    return
                yield message
        finally:
            with self._lock:
                self._streams.pop(stream, None)
                if stream.key is not None and self._shared.get(stream.key) is stream:
                    del self._shared[stream.key]
