"""The on-disk parse cache: an unchanged page is never parsed again.

Entries live in one SQLite file, ``.sitegen-cache/markdown/parses.sqlite3``,
and are addressed by content: the key is a hash of the page body's fingerprint and of
everything else the parse depends on (the Markdown configuration and the
versions of Python, sitegen, Python-Markdown and Pygments).  Nothing in a parse
depends on another file (links are kept as references, resolved when the
page is used), so no entry ever needs invalidating: a changed body or
configuration simply asks for another key.

One file rather than one per page: a cold build of a thousand pages would
otherwise create a thousand files (slow on most file systems), and SQLite
lets concurrent builds share the cache safely.  Writes are held and sent
in one transaction per :data:`BATCH` entries (and at :meth:`ParseCache.flush`,
which the site calls after each batch a worker renders and at the end of a
build): a transaction per entry would cost a cold build more than the
highlighting it saves the next one.  A cache that cannot be read or
written is a cache miss, never an error.

The same file keeps highlighted code blocks (:class:`HighlightCache`, for
``highlighting.py``): one connection, and a block shared by two pages, or
unchanged in an edited page, is highlighted once.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import sqlite3
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

from ..fingerprint import library_versions
from .markup import Parsed

#: Bump when the shape of a cached parse changes.
FORMAT = "5"
FILENAME = "parses.sqlite3"
#: What an entry holds: a parse in ``marshal``'s bytes, a highlighted block's HTML.
Value = str | bytes
#: Entries held before they are written, in one transaction.
BATCH = 64


class ParseCache:
    """Cached :class:`Parsed` results in ``folder``, keyed by body + configuration.

    The configuration's ``fingerprint()`` is asked for when the first key is
    made, so the cache can exist before its renderer: made with the site, in
    the process its workers are forked from (see :func:`share_caches`).
    """

    def __init__(self, folder: Path, fingerprint: Callable[[], str]) -> None:
        self.path = folder / FILENAME
        self._versions = "\0".join((FORMAT, *library_versions()))
        self._fingerprint = fingerprint
        self._salt: bytes | None = None
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._unusable = False
        self._pid = os.getpid()
        #: Entries not written yet: ``(table, key) → value``.
        self._pending: dict[tuple[str, str], Value] = {}
        #: Whether this process made the file and no process forked from it writes
        #: there: then a key it did not write (``_written``, by hash) is not looked up,
        #: which saves a cold build a read transaction a page and a block.
        self._fresh = False
        self._written: set[int] = set()
        #: Whether the workers forked from this process now start fresh (see
        #: :func:`share_caches`).
        self._fresh_for_workers = False
        _caches.add(self)

    def key(self, body_hash: bytes) -> str:
        """The key of the parse of a body with the fingerprint ``body_hash``.

        Keyed by the body's fingerprint, not its text: a cached parse loads
        without reading the Markdown file.
        """
        if self._salt is None:
            self._salt = f"{self._versions}\0{self._fingerprint()}".encode()
        digest = hashlib.sha256(self._salt)
        digest.update(b"\0")
        digest.update(body_hash)
        return digest.hexdigest()

    def load(self, key: str) -> Parsed | None:
        """The cached parse for ``key``; ``None`` if absent or unreadable."""
        data = self._held("parses", key) or self._fetch(
            "SELECT data FROM parses WHERE key = ?", key)
        if not isinstance(data, bytes):
            return None
        try:
            return Parsed.from_data(marshal.loads(data))
        except (ValueError, EOFError, KeyError, TypeError):
            return None

    def store(self, key: str, parsed: Parsed) -> None:
        """Save ``parsed`` under ``key``: in ``marshal``'s format, which writes and reads
        a page's parse in a tenth of JSON's time (the key names the Python version)."""
        self._write("parses", key, marshal.dumps(parsed.to_data()))

    def highlights(self, readable: Callable[[], bool]) -> HighlightCache:
        """The highlighted code blocks kept in the same file, read while ``readable()``
        (a ``--clean`` build only writes them)."""
        return HighlightCache(self, readable)

    def _fetch(self, query: str, key: str) -> Value | None:
        """The one column ``query`` selects for ``key``; ``None`` if none or unreadable."""
        with self._lock:
            db = self._database()
            if db is None or (self._fresh and hash(key) not in self._written):
                return None
            try:
                row = db.execute(query, (key,)).fetchone()
            except sqlite3.Error:
                return None
        return row[0] if row is not None and isinstance(row[0], (str, bytes)) else None

    def _held(self, table: str, key: str) -> Value | None:
        """An entry stored in this process and not written yet."""
        return self._pending.get((table, key)) if self._pid == os.getpid() else None

    def _write(self, table: str, key: str, value: Value) -> None:
        """Hold an entry for the next write; a failure is a cache miss later, not an error."""
        with self._lock:
            self._database()  # in a forked worker: its own connection, and none of the
            self._pending[(table, key)] = value  # entries its parent held
            if self._fresh:
                self._written.add(hash(key))
            if len(self._pending) >= BATCH:
                self._flush()

    def flush(self) -> None:
        """Write the entries held, in one transaction."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return  # nothing to write: no file made for it
        db = self._database()
        pending, self._pending = self._pending, {}
        if db is None or not pending:
            return
        try:
            with db:  # one transaction: committed whole, or rolled back
                db.execute("BEGIN")
                for table in ("parses", "highlights"):
                    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                                   [(k, v) for (t, k), v in pending.items() if t == table])
        except sqlite3.Error:
            return

    def _database(self) -> sqlite3.Connection | None:
        """The connection, opened on first use; a damaged file is started afresh.

        A connection belongs to the process that opened it: a forked worker
        opens its own rather than share its parent's.
        """
        if self._pid != os.getpid():
            self._db, self._pid, self._unusable = None, os.getpid(), False
            self._pending = {}
            # A forked worker takes its parent's answer: a miss for a key another
            # worker wrote since is only a parse or a highlight done again.
            self._fresh = self._fresh_for_workers
        if self._db is None and not self._unusable:
            self._fresh = self._fresh or not self.path.exists()
            for attempt in range(2):
                try:
                    self._db = _connect(self.path)
                    weakref.finalize(self, self._db.close)
                    break
                except (OSError, sqlite3.Error):
                    if attempt == 1 or not _remove(self.path):
                        break
            self._unusable = self._db is None
        return self._db


#: Every parse cache of this process, told when workers start (whose writes it
#: must then look up).
_caches: weakref.WeakSet[ParseCache] = weakref.WeakSet()


def share_caches() -> None:
    """Other processes write to this process's cache files from now on (workers):
    look up every key, not only those written here.

    Called before the workers start.  Workers forked from here keep this
    process's answer: a cache that is fresh now (or has no file yet: a cold
    build) stays fresh in each of them, whichever opens the file first.
    """
    for cache in _caches:
        cache._fresh_for_workers = cache._fresh if cache._db is not None \
            else not cache.path.exists()
    _looked_up_in_full()


def _looked_up_in_full() -> None:
    for cache in _caches:
        cache._fresh = False
        cache._written.clear()  # asked of a fresh cache only


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_parent=_looked_up_in_full)


class HighlightCache:
    """Highlighted code blocks, by a key naming the lexer, options and code.

    The library versions are added to the key here, as for parses: a new
    Pygments gives new keys.
    """

    def __init__(self, parses: ParseCache, readable: Callable[[], bool]) -> None:
        self._parses = parses
        self._readable = readable

    def _key(self, key: str) -> str:
        return hashlib.sha256(f"{self._parses._versions}\0{key}".encode()).hexdigest()

    def load(self, key: str) -> str | None:
        """The HTML stored under ``key``; ``None`` if absent or unreadable."""
        if not self._readable():
            return None
        key = self._key(key)
        found = self._parses._held("highlights", key) or self._parses._fetch(
            "SELECT html FROM highlights WHERE key = ?", key)
        return found if isinstance(found, str) else None

    def store(self, key: str, html: str) -> None:
        """Save ``html`` under ``key``."""
        self._parses._write("highlights", self._key(key), html)


def _remove(path: Path) -> bool:
    """Remove whatever stands where the cache file should be; whether that worked."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS parses (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS highlights "
                   "(key TEXT PRIMARY KEY, html TEXT NOT NULL)")
    except sqlite3.Error:
        db.close()
        raise
    return db
