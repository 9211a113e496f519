"""Fingerprinting facts for one build, and the facts every page shares.

A build takes the fingerprint of each fact once (a thousand pages use one
layout), and a file's fingerprint is taken from its bytes only when its size
or mtime moved since the last build: a rebuild with nothing to do reads no
file it read before.  As for the content index, a stat younger than a second
before the last state was written is not trusted (see ``sourceindex``).

What every page depends on goes in the state's header instead of each
record: the versions of sitegen and its libraries, the site's own Python
code, and the settings the engine itself reads (the base URL, drafts...).
A change there renders every URL, and the report names it as the reason.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from ..app import Site
from ..errors import SitegenError
from ..fingerprint import digest, file_digest, library_versions, value_digest
from ..record import FILE, KINDS, MANIFEST, TEMPLATE, Fact, relative_path

#: Config keys the engine reads for every page (not through a render's record).
ENGINE_SETTINGS = ("BASE_URL", "RELATIVE_URLS", "DRAFTS", "FUTURE", "MARKDOWN_ENGINE",
                   "MARKDOWN_EXTENSIONS", "MARKDOWN_EXTENSION_CONFIGS")
_KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
#: A file whose mtime is this close (ns) to when the last state was written may
#: have changed again within the same tick of the file system's clock.
RACY_NS = 1_000_000_000


def fact_order(fact: Fact) -> tuple[int, str, str]:
    """Facts are checked, and reasons given, templates first, then config, files, pages."""
    return (_KIND_ORDER.get(fact.kind, len(KINDS)), fact.subject, fact.detail)


class FactCache:
    """The fingerprints of facts for one build of ``site``, each taken once.

    It is also the build's table of facts: each fact gets a number the first
    time it is seen, and records keep numbers, not facts, so a fact that a
    thousand pages share (a layout, a collection's list) is held once.
    """

    def __init__(self, site: Site, old_stats: dict[str, tuple[int, int, bytes]] | None = None,
                 old_written_ns: int = 0,
                 old_sources: dict[str, tuple[int, int]] | None = None,
                 started_ns: int = 0) -> None:
        self.site = site
        self.root = str(site.root_path)
        self._numbers: dict[Fact, int] = {}
        #: The facts numbered so far, and their fingerprints, by number.
        self.table: list[Fact] = []
        self.digests: list[bytes] = []
        self._old_stats = old_stats or {}
        self._trusted_before = old_written_ns - RACY_NS
        #: The stats taken this build, for the next one.
        self.file_stats: dict[str, tuple[int, int, bytes]] = {}
        #: The manifest's fingerprint, once the pages it lists are built.
        self.manifest: bytes | None = None
        #: The last build's fact numbers seen so far: this build's number, -1 if changed.
        self._verdicts: dict[int, int] = {}
        self._old_sources = old_sources or {}
        #: A page file modified after this cannot have been read as it now is.
        self._settled_before = started_ns - RACY_NS
        #: ``path → (size, mtime_ns)`` of the page files whose fields were fingerprinted
        #: (or found unchanged), settled before the build began: for the next build.
        self.source_stats: dict[str, tuple[int, int]] = {}
        self._unchanged_sources: dict[str, bool] = {}

    def number(self, fact: Fact, known: bytes | None = None) -> int:
        """The number of ``fact`` in this build's table; its fingerprint, if new, is
        ``known`` (taken by the worker that rendered the page) or taken here."""
        found = self._numbers.get(fact)
        return self._add(fact, self._take(fact, known)) if found is None else found

    def _add(self, fact: Fact, fingerprint: bytes) -> int:
        number = self._numbers[fact] = len(self.table)
        self.table.append(fact)
        self.digests.append(fingerprint)
        return number

    def digest(self, fact: Fact) -> bytes:
        return self.digests[self.number(fact)]

    def _take(self, fact: Fact, known: bytes | None = None) -> bytes:
        if fact.kind in (FILE, TEMPLATE):
            return self._file(fact.subject)
        if fact.kind == MANIFEST:
            return self.manifest if self.manifest is not None else digest("no manifest")
        if fact.is_intrinsic:
            self._source_unchanged(fact.subject)  # its stat, for the next build
        if known is not None:
            return known
        try:
            return self.site.fact_digest(fact)
        except SitegenError as error:  # rendering again reports it properly
            return digest("error", error.message)

    def renumber(self, ids: Iterable[int], facts: list[Fact],
                 digests: list[bytes]) -> tuple[tuple[int, ...], Fact | None]:
        """The numbers, in this build's table, of the facts numbered ``ids`` in the last
        build's (``facts``, ``digests``); or the first of them whose fingerprint changed.

        Each of the last build's facts is looked at once, however many
        records hold it: a rebuild with nothing to do costs a lookup a fact.
        """
        numbers: list[int] = []
        verdicts = self._verdicts
        for old in ids:
            new = verdicts.get(old)
            if new is None:
                fact = facts[old]
                if fact.is_intrinsic and fact not in self._numbers \
                        and self._source_unchanged(fact.subject):
                    new = self._add(fact, digests[old])
                else:
                    new = self.number(fact)
                    if self.digests[new] != digests[old]:
                        new = -1
                verdicts[old] = new
            if new < 0:
                return (), facts[old]
            numbers.append(new)
        return tuple(numbers), None

    def _source_unchanged(self, subject: str) -> bool:
        """Whether the page file ``subject`` has the size and mtime it had when the last
        build fingerprinted its fields: then none of them changed (see ``is_intrinsic``).

        The stat is noted for the next build only when the file settled
        before this build began, so it is the file this build read.
        """
        unchanged = self._unchanged_sources.get(subject)
        if unchanged is None:
            try:
                stat = os.stat(os.path.join(self.root, subject))
            except OSError:
                unchanged = self._unchanged_sources[subject] = False
                return False
            now = (stat.st_size, stat.st_mtime_ns)
            unchanged = self._unchanged_sources[subject] = self._old_sources.get(subject) == now
            if stat.st_mtime_ns < self._settled_before:
                self.source_stats[subject] = now
        return unchanged

    def _file(self, subject: str) -> bytes:
        path = os.path.join(self.root, subject)
        try:
            stat = os.stat(path)
        except OSError:
            return file_digest(path)  # missing: its own fingerprint
        old = self._old_stats.get(subject)
        if old is not None and old[0] == stat.st_size and old[1] == stat.st_mtime_ns \
                and stat.st_mtime_ns < self._trusted_before:
            found = old[2]
        else:
            found = file_digest(path)
        self.file_stats[subject] = (stat.st_size, stat.st_mtime_ns, found)
        return found


def make_header(site: Site) -> dict[str, Any]:
    """What every URL of ``site`` depends on, for the state's header."""
    config = site.config
    return {
        "versions": library_versions(),
        "code": code_fingerprints(site),
        "settings": {key: value_digest(dict.get(config, key)) for key in ENGINE_SETTINGS},
        "base_url": site.base_url,
    }


def header_change(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why nothing of a state with header ``old`` can be reused, or None if all can."""
    if old.get("versions") != new["versions"]:
        before = dict(v.split("==", 1) for v in old.get("versions") or ())
        changed = [f"{name} {before.get(name, '?')} → {version}" for name, version in
                   (v.split("==", 1) for v in new["versions"]) if before.get(name) != version]
        return "versions: " + (", ".join(changed) or "unknown")
    old_code, new_code = old.get("code") or {}, new["code"]
    for name in sorted(set(old_code) | set(new_code)):
        if old_code.get(name) != new_code.get(name):
            return f"code {name}"
    old_settings = old.get("settings") or {}
    for key, value in new["settings"].items():
        if old_settings.get(key) != value:
            return f"config {key}"
    return None


def code_fingerprints(site: Site) -> dict[str, bytes]:
    """The fingerprint of each of the site's own Python modules (app.py and the
    modules from its folder it imports), and of each file read while they
    imported, by path relative to the site."""
    root = str(site.root_path)
    paths = set(site.import_files)
    real_folders: dict[str, str] = {}  # a few folders hold the hundreds of modules
    for module in list(sys.modules.values()):
        filename = getattr(module, "__file__", None)
        if filename:
            folder, name = os.path.split(filename)
            real = real_folders.get(folder)
            if real is None:
                real = real_folders[folder] = os.path.realpath(folder)
            paths.add(os.path.join(real, name))
    cache = str(site.cache_path(""))
    found = {relative_path(path, root): file_digest(path) for path in paths
             if path.startswith(root + os.sep) and not path.startswith(cache)
             and not _installed(path[len(root):])}
    return dict(sorted(found.items()))


def _installed(path: str) -> bool:
    """Whether a path inside the site folder belongs to a virtualenv or installed package."""
    parts = path.split(os.sep)
    return "site-packages" in parts or "dist-packages" in parts or ".venv" in parts
