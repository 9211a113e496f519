"""What a build leaves for the next one: every URL's record, with fingerprints.

The state lives in the site's cache folder (``.sitegen-cache/build/``), one
file per output folder.  It holds a header (the format, the versions of
sitegen and its libraries, the fingerprint of the site's own code, the
settings every page depends on) and, for each URL, what the build wrote and
the facts its render depended on, each with the fingerprint it had.

The state never decides what a page contains: it only lets the next build
skip a URL whose every fact has the same fingerprint, and carry its file over
from the previous output.  So anything wrong with it (missing, truncated,
damaged, from another version of sitegen, a folder in its place) means a
full build, never a wrong one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cachefile import read_cache, write_cache
from ..record import Fact

FORMAT = 1


@dataclass
class Entry:
    """One URL as the build wrote it."""

    url: str
    #: The output file, relative to the output folder.
    path: str
    status: int
    mimetype: str
    #: ``page``, ``redirect`` or ``file`` (a static or media file copied as is).
    kind: str
    location: str | None
    endpoint: str | None
    links: tuple[str, ...]
    warnings: tuple[str, ...]
    #: Indexes into the state's fact table, in the order facts are checked.
    facts: tuple[int, ...] = ()
    #: The written file's size and mtime, to know it is still the one written.
    size: int = -1
    mtime_ns: int = -1
    #: For a static file: its source, relative to the site folder.
    source_file: str | None = None

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.url, self.path, self.status, self.mimetype, self.kind, self.location,
                self.endpoint, self.links, self.warnings, self.facts, self.size,
                self.mtime_ns, self.source_file)


@dataclass
class BuildState:
    """The records of one build of one site into one output folder."""

    header: dict[str, Any]
    facts: list[Fact] = field(default_factory=list)
    digests: list[bytes] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)
    #: ``path → (size, mtime_ns, fingerprint)`` of the files fingerprinted, so an
    #: unchanged file is not read again (see ``facts.FactCache``).
    file_stats: dict[str, tuple[int, int, bytes]] = field(default_factory=dict)
    #: When the state was written (ns): file stats younger than that are not trusted.
    written_ns: int = 0

    def save(self, path: Path) -> bool:
        data = (FORMAT, self.header, [tuple(f) for f in self.facts], self.digests,
                [e.as_tuple() for e in self.entries.values()], self.file_stats,
                self.written_ns)
        return write_cache(path, data)

    @classmethod
    def load(cls, path: Path) -> BuildState | None:
        """The state saved at ``path``; None when there is none this version can trust."""
        data = read_cache(path)
        try:
            version, header, facts, digests, entries, file_stats, written = data
            if version != FORMAT or len(facts) != len(digests):
                return None
            state = cls(dict(header), [Fact(*f) for f in facts], list(digests),
                        {}, dict(file_stats), int(written))
            for values in entries:
                entry = Entry(*values)
                if any(not 0 <= i < len(facts) for i in entry.facts):
                    return None
                state.entries[entry.url] = entry
        except (TypeError, ValueError):
            return None
        return state


def state_path(cache_folder: Path, site_root: Path, output: Path) -> Path:
    """The state file of builds of the site into ``output``: one per output folder,
    named by the output's path relative to the site (so it survives a move)."""
    try:
        name = output.relative_to(site_root).as_posix()
    except ValueError:
        name = os.fspath(output)
    key = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return cache_folder / f"state-{key}.pickle"
