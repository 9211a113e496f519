"""Watching the site folder: watchdog events, coalesced into batches.

Editors save in bursts (a temporary file, a rename, a second write, a
backup), so the watcher waits until the folder has been quiet for a short
``delay`` (30 ms by default, never more than ``max_delay`` in all) and
then reports every path that changed at once.  Hugo waits 500 ms and Zola
1000 ms; tens of milliseconds are enough to see a save whole.

The output folder, caches, version-control and virtualenv folders are not
watched at all: the root is watched alone, and each of its sub-folders
recursively unless it is one of those.  Writing the build can therefore
never trigger a reload, and a large ``build/`` costs no inotify watches.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

Callback = Callable[[set[str]], None]

EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileModifiedEvent, FileCreatedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]
#: Folder names skipped at any depth.
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules"})
#: Editor droppings: swap, backup and probe files.
SKIPPED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp")
#: Temporary files editors write before renaming them over the real one:
#: ``sed -i``'s ``sedAb12Cd``, vim's write probe ``4913``, emacs' ``#name#``
#: (its ``.#name`` lock is a dot-file, skipped as all are).
SKIPPED_NAMES = re.compile(r"^(?:sed[A-Za-z0-9]{6}|4913|#.*#)$")


class Watcher:
    """Call ``callback(paths)`` with batches of changed files under ``root``.

    ``skip`` lists folders that are never watched (the output folder and
    the cache); dot-files, ``__pycache__``, virtualenvs and editor swap
    files are always skipped.  Paths are absolute and real.
    """

    def __init__(self, root: str | os.PathLike[str], callback: Callback, *,
                 skip: Iterable[str | os.PathLike[str]] = (), delay: float = 0.03,
                 max_delay: float = 0.5) -> None:
        self.root = os.path.realpath(root)
        self.callback = callback
        self.skip = tuple(os.path.realpath(folder) for folder in skip)
        self.delay = delay
        self.max_delay = max_delay
        self._observer = Observer()
        self._handler = _Handler(self)
        self._watches: dict[str, ObservedWatch] = {}
        self._pending: set[str] = set()
        self._last_event = 0.0
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="sitegen-watcher", daemon=True)

    def start(self) -> None:
        self._observer.schedule(self._handler, self.root, recursive=False,
                                event_filter=EVENT_TYPES)
        with os.scandir(self.root) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    self._watch_folder(entry.path)
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    # -- filtering ---------------------------------------------------------

    def is_ignored(self, path: str) -> bool:
        """Whether a change to ``path`` is none of the site's business."""
        rel = os.path.relpath(path, self.root)
        if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
            return True
        if any(path == folder or path.startswith(folder + os.sep) for folder in self.skip):
            return True
        parts = rel.split(os.sep)
        name = parts[-1]
        return (
            any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts)
            or name.endswith(SKIPPED_SUFFIXES) or SKIPPED_NAMES.match(name) is not None
        )

    def _watch_folder(self, path: str) -> None:
        """Watch a top-level folder recursively, unless it is skipped."""
        if self.is_ignored(path) or path in self._watches or _is_virtualenv(path):
            return
        try:
            self._watches[path] = self._observer.schedule(
                self._handler, path, recursive=True, event_filter=EVENT_TYPES
            )
        except OSError:
            pass  # gone again already

    def _unwatch_folder(self, path: str) -> None:
        watch = self._watches.pop(path, None)
        if watch is not None:
            try:
                self._observer.unschedule(watch)
            except KeyError:
                pass

    # -- batching ----------------------------------------------------------

    def _add(self, paths: Iterable[str]) -> None:
        with self._cond:
            for path in paths:
                if path and not self.is_ignored(path):
                    self._pending.add(os.path.realpath(path))
            self._last_event = time.monotonic()
            if self._pending:
                self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                first = time.monotonic()
                while not self._stopped:
                    remaining = min(self._last_event + self.delay,
                                    first + self.max_delay) - time.monotonic()
                    if remaining <= 0:
                        break
                    self._cond.wait(remaining)
                batch, self._pending = self._pending, set()
            if batch:
                self.callback(batch)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        watcher = self.watcher
        src = os.fsdecode(event.src_path)
        dest = os.fsdecode(event.dest_path) if event.dest_path else ""
        if event.is_directory:
            if os.path.dirname(src) == watcher.root and event.event_type in ("deleted", "moved"):
                watcher._unwatch_folder(src)
            for path in (src, dest) if event.event_type != "deleted" else ():
                if path and os.path.dirname(path) == watcher.root and os.path.isdir(path):
                    watcher._watch_folder(path)
                    # Files made before the watch began are changes too.
                    watcher._add(os.path.join(folder, name)
                                 for folder, _, names in os.walk(path) for name in names)
            if event.event_type == "created":
                return  # an empty folder changes nothing; its files will
        watcher._add(p for p in (src, dest) if p)


def _is_virtualenv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))
