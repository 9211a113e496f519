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
import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cachefile import read_cache, write_cache
from ..record import Fact

FORMAT = 4


@dataclass(slots=True)
class Entry:
    """One URL as the build wrote it, and (for this build only, never saved) whether
    it was rendered or reused, and why."""

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
    #: ``rendered``, or ``reused`` (carried over from the previous output unrendered).
    action: str = field(default="rendered", compare=False)
    #: Why it was rendered: ``new URL``, or the first fact that changed.
    reason: str | None = field(default=None, compare=False)

    @property
    def is_redirect(self) -> bool:
        return self.kind == "redirect"

    def as_tuple(self) -> tuple[Any, ...]:
        """The fields a state saves (what the next build may reuse)."""
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
    #: ``path → (size, mtime_ns)`` of page files as their fields were fingerprinted: an
    #: unchanged stat means unchanged fields, with no page read (see ``facts.FactCache``).
    source_stats: dict[str, tuple[int, int]] = field(default_factory=dict)

    def save(self, path: Path) -> bool:
        """Write the state: its header, then its tables as rows (facts with their
        fingerprints, file stats, page-file stats, entries), so a large site's state
        is pickled a chunk at a time (see ``cachefile``)."""
        counts = (len(self.facts), len(self.file_stats), len(self.source_stats))
        rows = itertools.chain(
            ((*fact, digest) for fact, digest in zip(self.facts, self.digests, strict=True)),
            ((name, *stat) for name, stat in self.file_stats.items()),
            ((name, *stat) for name, stat in self.source_stats.items()),
            (entry.as_tuple() for entry in self.entries.values()),
        )
        return write_cache(path, (FORMAT, self.header, self.written_ns, counts), rows)

    @classmethod
    def load(cls, path: Path) -> BuildState | None:
        """The state saved at ``path``; None when there is none this version can trust
        (any value of another shape than this version writes means none)."""
        found = read_cache(path)
        if found is None:
            return None
        data, rows = found
        if not (isinstance(data, tuple) and len(data) == 4 and data[0] == FORMAT):
            return None
        _, header, written, counts = data
        if not (_header_ok(header) and type(written) is int and type(counts) is tuple
                and len(counts) == 3 and all(type(n) is int and n >= 0 for n in counts)
                and sum(counts) <= len(rows)):
            return None
        facts_end = counts[0]
        stats_end = facts_end + counts[1]
        sources_end = stats_end + counts[2]
        facts, stats, sources = rows[:facts_end], rows[facts_end:stats_end], \
            rows[stats_end:sources_end]
        if not (all(map(_fact_ok, facts)) and all(map(_stat_ok, stats))
                and all(map(_source_ok, sources))):
            return None
        state = cls(header, [Fact(*row[:3]) for row in facts], [row[3] for row in facts], {},
                    {row[0]: row[1:] for row in stats}, written,
                    {row[0]: row[1:] for row in sources})
        for values in rows[sources_end:]:
            if not _entry_ok(values, facts_end):
                return None
            entry = Entry(*values)
            state.entries[entry.url] = entry
        return state


def _strings(value: object) -> bool:
    return type(value) in (tuple, list) and all(type(v) is str for v in value)  # type: ignore[union-attr]


def _digests_by_name(value: object) -> bool:
    return type(value) is dict and all(
        type(k) is str and type(v) is bytes for k, v in value.items())


def _header_ok(header: object) -> bool:
    return (type(header) is dict and _strings(header.get("versions"))
            and all("==" in version for version in header["versions"])
            and _digests_by_name(header.get("code"))
            and _digests_by_name(header.get("settings"))
            and type(header.get("base_url")) is str)


def _fact_ok(row: object) -> bool:
    """``(kind, subject, detail, fingerprint)``."""
    return (type(row) is tuple and len(row) == 4 and type(row[0]) is str
            and type(row[1]) is str and type(row[2]) is str and type(row[3]) is bytes)


def _stat_ok(row: object) -> bool:
    """``(path, size, mtime_ns, fingerprint)``."""
    return (type(row) is tuple and len(row) == 4 and type(row[0]) is str
            and type(row[1]) is int and type(row[2]) is int and type(row[3]) is bytes)


def _source_ok(row: object) -> bool:
    """``(path, size, mtime_ns)``."""
    return (type(row) is tuple and len(row) == 3 and type(row[0]) is str
            and type(row[1]) is int and type(row[2]) is int)


def _output_path_ok(path: object) -> bool:
    """A path inside the output folder, written as the build writes them."""
    return (type(path) is str and path != "" and path[0] != "/"
            and "\\" not in path and "\0" not in path
            and "//" not in path and not path.endswith("/")
            and all(part not in (".", "..") for part in path.split("/")))


_KINDS = frozenset({"page", "redirect", "file"})
_NONE_OR_STR = (str, type(None))


def _entry_ok(values: object, facts: int) -> bool:
    if not (type(values) is tuple and len(values) == 13):
        return False
    (url, path, status, mimetype, kind, location, endpoint, links, warnings, ids, size,
     mtime, source) = values
    return (type(url) is str and _output_path_ok(path) and type(status) is int
            and type(mimetype) is str and kind in _KINDS
            and type(location) in _NONE_OR_STR and type(endpoint) in _NONE_OR_STR
            and _strings(links) and _strings(warnings) and type(ids) is tuple
            and all(type(i) is int and 0 <= i < facts for i in ids)
            and type(size) is int and type(mtime) is int and type(source) in _NONE_OR_STR)


def state_path(cache_folder: Path, site_root: Path, output: Path) -> Path:
    """The state file of builds of the site into ``output``: one per output folder,
    named by the output's path relative to the site (so it survives a move)."""
    try:
        name = output.relative_to(site_root).as_posix()
    except ValueError:
        name = os.fspath(output)
    key = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return cache_folder / f"state-{key}.pickle"
