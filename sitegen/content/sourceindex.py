"""The source index: what earlier builds read of each content file.

A rebuild must know every page's front matter (dates order a blog, drafts
are left out) and a fingerprint of every body, but most files have not
changed since the last build.  The index keeps, for each file, its size and
mtime with the front matter it held (as written, and the fields it gave),
the fingerprint of its body and, once a parse has seen it, the body's first
``# heading`` (a page's title when its front matter has none).  A file whose
size and mtime match is not read; one that changed is read, but its YAML is
parsed again only if the front matter's text changed.

As git does, an entry whose mtime is within a second of the moment the index
was written is not trusted: the file may have changed again within the file
system's clock tick without its mtime moving.

The index is one cache file (see ``sitegen.cachefile``): a missing, damaged
or foreign one is an empty index.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cachefile import read_cache, write_cache
from .source import Source, read_source

FORMAT = 5  # 2: Jekyll front matter normalised (categories, published, zoned dates);
# 3: the inline #tags a parse found; 4: the entries as rows (see ``cachefile``);
# 5: the front matter's fence
FILENAME = "sources.pickle"
#: Entries younger than this (ns) when the index was written are re-read.
RACY_NS = 1_000_000_000
#: Stands for "no parse has seen this body yet".
UNKNOWN = "\0unknown"


@dataclass
class _Entry:
    size: int
    mtime_ns: int
    meta: dict[str, Any]
    body_line: int
    front_matter: str
    body_hash: bytes
    heading: str | None = UNKNOWN
    #: The body's inline ``#tags``; ``None`` before a parse.
    tags: tuple[str, ...] | None = None
    #: The line that opened the front matter (see ``Source.fence``).
    fence: str = ""


def _entry_ok(values: object) -> bool:
    if not (isinstance(values, tuple) and len(values) == 9):
        return False
    size, mtime_ns, meta, body_line, front_matter, body_hash, heading, tags, fence = values
    return (isinstance(size, int) and isinstance(mtime_ns, int) and isinstance(meta, dict)
            and all(isinstance(k, str) for k in meta) and isinstance(body_line, int)
            and body_line >= 1 and isinstance(front_matter, str)
            and isinstance(body_hash, bytes) and (heading is None or isinstance(heading, str))
            and (tags is None or isinstance(tags, tuple)) and isinstance(fence, str))


class SourceIndex:
    """Content files by path (site-relative), read again only when they changed."""

    def __init__(self, path: Path, root: Path,
                 trusted: Callable[[], bool] = lambda: True) -> None:
        #: False: every file is read as if the index were empty (``--clean``).
        self.trusted = trusted
        self.path = path
        self.root = str(root)
        self._entries: dict[str, _Entry] = {}
        self._trusted_before = 0
        self._dirty = False
        self._seen: set[str] = set()
        self._load()

    def read(self, path: Path, display: str) -> Source:
        """The source at ``path``: from the index when its size and mtime match."""
        name = str(path)
        key = name[len(self.root) + 1:] if name.startswith(self.root + os.sep) else \
            os.path.relpath(name, self.root)
        self._seen.add(key)
        stat = path.stat()
        entry = self._entries.get(key) if self.trusted() else None
        if entry is not None and entry.size == stat.st_size and \
                entry.mtime_ns == stat.st_mtime_ns and entry.mtime_ns < self._trusted_before:
            source = Source(path, dict(entry.meta), entry.body_line, entry.front_matter,
                            entry.body_hash, fence=entry.fence)
            source.index_key = key
            return source
        known = None if entry is None else (entry.fence, entry.front_matter, entry.meta)
        source = read_source(path, display, known)
        source.drop_body()  # kept, 100,000 bodies would be half a gigabyte: read again to parse
        source.index_key = key
        self._entries[key] = _Entry(stat.st_size, stat.st_mtime_ns, dict(source.meta),
                                    source.body_line, source.front_matter, source.body_hash,
                                    fence=source.fence)
        self._dirty = True
        return source

    def heading(self, source: Source) -> str | None:
        """The first ``# heading`` of ``source``'s body, or ``UNKNOWN`` before a parse."""
        entry = self._entries.get(source.index_key)
        if entry is None or entry.body_hash != source.body_hash:
            return UNKNOWN
        return entry.heading

    def tags(self, source: Source) -> tuple[str, ...] | None:
        """The inline ``#tags`` of ``source``'s body, or ``None`` before a parse."""
        entry = self._entries.get(source.index_key)
        if entry is None or entry.body_hash != source.body_hash:
            return None
        return entry.tags

    def note_parse(self, source: Source, heading: str | None, tags: tuple[str, ...]) -> None:
        """Remember what a parse found in ``source``'s body that listings need: its
        first heading and its inline tags, so a rebuild needs no parse for them."""
        entry = self._entries.get(source.index_key)
        if entry is not None and entry.body_hash == source.body_hash and \
                (entry.heading, entry.tags) != (heading, tags):
            entry.heading, entry.tags = heading, tags
            self._dirty = True

    def save(self) -> None:
        """Write the index if it changed, without the files this process never read
        (deleted or renamed since)."""
        gone = [key for key in self._entries if key not in self._seen]
        for key in gone:
            del self._entries[key]
        if not (self._dirty or gone):
            return
        rows = ((key, e.size, e.mtime_ns, e.meta, e.body_line, e.front_matter, e.body_hash,
                 e.heading, e.tags, e.fence) for key, e in self._entries.items())
        if write_cache(self.path, (FORMAT, time.time_ns()), rows):
            self._dirty = False

    def _load(self) -> None:
        found = read_cache(self.path)
        if found is None:
            return
        data, rows = found
        if not (isinstance(data, tuple) and len(data) == 2 and data[0] == FORMAT
                and isinstance(data[1], int)):
            return  # no index, or not one of this version's
        entries = {}
        for row in rows:
            if not (isinstance(row, tuple) and row and isinstance(row[0], str)
                    and _entry_ok(row[1:])):
                return  # any entry of another shape: the index is not ours
            entries[row[0]] = _Entry(*row[1:])
        self._entries = entries
        self._trusted_before = data[1] - RACY_NS
