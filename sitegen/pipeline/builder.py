"""``build()``: the build, phase by phase.

1. **load** the site from its spec (``spec.py``);
2. **prepare**: read the content and register every route it implies
   (aliases, pagination), then freeze the URL map (:meth:`Site.prepare`);
3. **render** every URL, following links as they appear (``discover.py``).
   A URL whose record from the last build still holds (every fact has the
   fingerprint it had, ``facts.py``) is not rendered: its file is carried
   over from the previous output.  Every other URL renders, purely
   (``render.py``), and its file goes into the staging tree at once;
4. **aggregate**: the URLs that list the built pages (the sitemap) render
   last, handed the manifest of what phase 3 built;
5. **write**: check links and warnings, then swap the staging tree in whole
   (``output.py``) and save the records for the next build (``state.py``).

A failure at any phase leaves the previous output, and the previous state,
exactly as they were.  It is a plain function, so the same build runs from
Python (tests, scripts) as from the shell.
"""

from __future__ import annotations

import dataclasses
import errno
import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from .. import mime
from ..app import Site
from ..context import BuiltPage
from ..errors import BrokenLinkError, SitegenError, StrictModeError, relative_to
from ..fingerprint import digest
from ..urls import NOT_FOUND_PAGE, normalize_url
from .discover import UrlQueue, seed_urls
from .facts import FactCache, fact_order, header_change, make_header
from .output import OutputClaims, OutputTree, Placed, WriteStats, check_output_folder, unwritable
from .paths import portability_warnings
from .render import Rendered, Renderer
from .spec import SiteSpec
from .state import BuildState, Entry, state_path
from .workers import AUTO_FROM, Workers, dask_executor, process_pool

Progress = Callable[[int, int], None]
#: What the report says of a URL the last build did not have.
NEW_URL = "new URL"
#: Files handed to the writer threads and not known written, at most: each holds its bytes.
WRITES_IN_FLIGHT = 256
#: What writing a file answers when another file or folder holds its place.
_IN_THE_WAY = frozenset({errno.EEXIST, errno.ENOTDIR, errno.EISDIR})


#: One URL of a build: what was written for it, and why it was or was not rendered.
BuiltUrl = Entry


@dataclass
class BuildResult:
    """What a build made, for the summary line, the report and callers."""

    output: Path
    urls: dict[str, BuiltUrl]
    warnings: list[str]
    stats: WriteStats
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """The one line every build ends with."""
        c = self.counts
        rate = c["pages"] / self.seconds if self.seconds > 0 else 0.0
        parts = [_count(c["pages"], "page"), _count(c["static"], "static file"),
                 _count(c["redirects"], "redirect"), f"{self.stats.removed} removed",
                 _count(len(self.warnings), "warning")]
        return (f"Built {', '.join(parts)} in {self.seconds:.2f} s "
                f"({c['rendered']} rendered, {c['reused']} reused; {rate:.0f} pages/s) "
                f"→ {self.output}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def build(site: Site | SiteSpec | str | os.PathLike[str], output: str | Path | None = None, *,
          strict: bool = False,
          clean: bool = False, progress: Progress | None = None,
          on_wait: Callable[[Path], None] | None = None,
          explain: Iterable[str] = (), jobs: int | None = 1,
          executor: str | None = None) -> BuildResult:
    """Build the site (a loaded ``Site``, the spec to load it from, or its folder) into
    ``output`` (default ``SITE_DIR/build``).

    ::

        result = sitegen.build("mysite")
        print(result.summary())


    Only the URLs whose dependencies changed since the last build into the same
    folder are rendered; ``clean=True`` renders every URL.  ``explain`` names URLs
    the caller will ask about (``--explain``): one the build does not have is an
    error before anything is written.

    ``jobs`` worker processes render (``1``: all in this process; ``None``:
    one per CPU, started only when enough URLs are due to repay their start);
    ``executor`` runs them on Dask instead (``"local"`` or a scheduler's
    address).  Workers load the site from its spec (on Linux, the pool's
    are forked with this process's copy), so a ``Site`` object builds in
    this process only.  The output is the same bytes either way.
    Raises
    :class:`~sitegen.SitegenError` for anything the user must fix; the previous
    output is then left untouched.
    """
    started, started_ns = time.perf_counter(), time.time_ns()
    spec = SiteSpec.for_build(site) if isinstance(site, (str, os.PathLike)) else site
    if clean and isinstance(spec, SiteSpec):
        spec = dataclasses.replace(spec, clean=True)  # workers ignore the caches too
    workers = _workers(spec, jobs, executor)
    site = load(spec)
    out = Path(output) if output is not None else site.root_path / "build"
    if not out.is_absolute():
        out = Path.cwd() / out
    protected = [p for p in (site.template_folder, site.static_folder) if p is not None]
    protected += [Path(p) for p in site.source_folders]
    check_output_folder(out, site.root_path, protected)
    site.auto_reload = False
    if clean:
        site.ignore_caches()
    prepare(site)
    keep = site.config.get("KEEP_FILES") or ()
    with OutputTree(out, keep, on_wait=on_wait) as tree:
        state_file = state_path(site.cache_path("build"), site.root_path, out)
        previous = None if clean else BuildState.load(state_file)
        run = BuildRun(site, tree, previous, reason="--clean" if clean else None,
                       started_ns=started_ns, workers=workers)
        if workers is not None and run.reason is not None:
            # Every URL renders (so every page is read): each worker can start from the
            # front matter read here rather than read every page again.
            site.save_caches()
        run.render_pages(progress)
        run.render_aggregates(progress)
        warnings = run.check(strict)
        for url in explain:
            run.find(url)
        stats = tree.commit()
        state = run.state()
        if previous is None or stats.written or stats.removed or state != previous:
            state.save(state_file)
    site.save_caches()
    return BuildResult(out, run.urls, warnings, stats, time.perf_counter() - started,
                       run.counts())


def _workers(spec: Site | SiteSpec, jobs: int | None, executor: str | None) -> Workers | None:
    """Who renders besides this process: nobody, a process pool, or Dask."""
    if jobs is not None and jobs < 1:
        raise SitegenError(f"--jobs {jobs}: give at least 1 (1 renders in this process).")
    if executor is None and jobs == 1:
        return None
    if not isinstance(spec, SiteSpec):
        if jobs is None and executor is None:
            return None
        raise SitegenError(
            "A parallel build loads the site in each worker, from its folder: this Site "
            "object cannot be sent there.",
            hint="pass the site's folder or a SiteSpec to build(), or build with jobs=1",
        )
    count = jobs or os.cpu_count() or 1
    if executor is not None:
        return dask_executor(spec, executor, count)
    if count == 1:
        return None
    return process_pool(spec, count, minimum=2 if jobs else AUTO_FROM)


def load(site: Site | SiteSpec | str | os.PathLike[str]) -> Site:
    """Phase 1: the site, loaded from its spec or folder (a ``Site`` is used as it is)."""
    if isinstance(site, (str, os.PathLike)):
        site = SiteSpec.for_build(site)
    return site.load() if isinstance(site, SiteSpec) else site


def prepare(site: Site) -> None:
    """Phase 2: content read and every route registered, the URL map frozen."""
    with site.app_context():
        site.prepare()


def render_all(site: Site, progress: Progress | None = None) -> dict[str, Rendered]:
    """Every URL of ``site`` rendered in memory, nothing written or reused.

    For ``sitegen routes``, the preview's aggregate pages and tests; the same
    phases as :func:`build` without the write.
    """
    prepare(site)
    run = BuildRun(site, None, None, reason="rendered in memory")
    run.render_pages(progress)
    run.render_aggregates(progress)
    run.check_links()
    return run.kept


class BuildRun:
    """Phases 3 and 4 of one build: each URL rendered or reused, written as it comes.

    ``tree`` is the staging tree (None: keep the renders in :attr:`kept`
    instead); ``previous`` the last build's state (None: render everything,
    for ``reason``).
    """

    def __init__(self, site: Site, tree: OutputTree | None, previous: BuildState | None,
                 reason: str | None = None, started_ns: int = 0,
                 workers: Workers | None = None) -> None:
        self.site = site
        self.tree = tree
        self.workers = workers
        self.renderer = Renderer(site)
        if workers is not None:
            workers.inherited = self.renderer
            if tree is not None and workers.on_this_machine:
                workers.stage = tree.stage(rewrites=workers.retries)
        self.queue = UrlQueue()
        #: Every URL so far, rendered or reused, as the state will keep it.
        self.urls: dict[str, BuiltUrl] = {}
        self.kept: dict[str, Rendered] = {}
        self.header = make_header(site)
        self.previous = previous
        self.reason = reason
        if reason is None:
            self.reason = "no records of an earlier build" if previous is None else \
                header_change(previous.header, self.header)
        self.facts = FactCache(site, previous.file_stats if previous else None,
                               previous.written_ns if previous else 0,
                               previous.source_stats if previous else None, started_ns)
        self.claims = OutputClaims()
        #: URLs the workers render, and why.
        self._sent: dict[str, str] = {}
        #: Files handed to the tree's writer threads, and the records that await their stat.
        self._writing: deque[tuple[Entry, Future[Placed]]] = deque()
        self._aggregates: list[str] = []
        self._type_warnings: list[str] = []
        #: Files that could not be written because another file or folder stood in the
        #: way: two URLs that clash do that, and the clash is the error to give.
        self._blocked: list[tuple[str, str, OSError]] = []

    # -- phases 3 and 4 ----------------------------------------------------

    def render_pages(self, progress: Progress | None = None) -> None:
        """Phase 3: every URL but the aggregate ones, following links."""
        with self.site.app_context():
            for url, origin in seed_urls(self.site):
                self.queue.add(url, origin)
            workers = self.workers
            try:
                self._drain(progress, defer=self.site.aggregate_urls)
            except BaseException:  # Ctrl-C included: no worker outlives the build
                if workers is not None:
                    workers.close(failed=True)
                raise
            finally:
                self.workers = None  # phase 4 and the links it finds render here
            if workers is not None:
                workers.close(failed=False)

    def render_aggregates(self, progress: Progress | None = None) -> None:
        """Phase 4: the aggregate URLs, handed the manifest of what phase 3 built;
        then whatever they link to that is new."""
        manifest: list[BuiltPage] = []
        if self._aggregates:  # a site without a sitemap has no use for the manifest
            manifest = sorted(BuiltPage(u.url, u.path, u.mimetype, u.status, u.kind)
                              for u in self.urls.values())
            self.facts.manifest = digest(*(repr(tuple(entry)) for entry in manifest))
        with self.site.app_context():
            for url in self._aggregates:
                self._one(url, manifest, progress)
            self._drain(progress, defer=())
        self._settle()

    def _drain(self, progress: Progress | None, defer: set[str] | tuple[()]) -> None:
        """Every URL of the queue, and of the links found on the way, reused or
        rendered: here, one by one, or by the workers, a batch a task."""
        due: dict[str, str] = {}  # URL -> why it renders, in the order found
        workers = self.workers
        while True:
            for url in self.queue:
                if url in defer:
                    self._aggregates.append(url)
                    continue
                entry = self._entry(url)
                reason = self._why(url, entry)
                if reason is None:
                    self._reuse(entry)  # type: ignore[arg-type]
                    self._progress(progress)
                else:
                    due[url] = reason
            if workers is not None and workers.worth(len(due)):
                if not workers.started and self.tree is not None:
                    self.tree.wait_for_writes()  # fork no process with threads running
                while due and workers.room > 0:
                    urls = list(itertools.islice(due, workers.batch_size(len(due))))
                    workers.submit(urls)
                    self._sent.update((url, due.pop(url)) for url in urls)
                if not workers.busy:
                    return
                for rendered in workers.finished():
                    self._accept(rendered, self._sent.pop(rendered.url))
                    self._progress(progress)
            elif due:
                url = next(iter(due))
                self._accept(self.renderer.render(url), due.pop(url))
                self._progress(progress)
            else:
                return

    def _entry(self, url: str) -> Entry | None:
        return self.previous.entries.get(url) if self.previous is not None else None

    def _progress(self, progress: Progress | None) -> None:
        if progress is not None:
            progress(len(self.urls), len(self.queue))

    def _one(self, url: str, manifest: list[BuiltPage] | None,
             progress: Progress | None) -> None:
        entry = self._entry(url)
        reason = self._why(url, entry)
        if reason is None:
            assert entry is not None
            self._reuse(entry)
        else:
            self._accept(self.renderer.render(url, manifest), reason)
        self._progress(progress)

    def _why(self, url: str, entry: Entry | None) -> str | None:
        """Why ``url`` must render, or None if its last record still holds."""
        if self.reason is not None:
            return self.reason
        if entry is None:
            return NEW_URL
        assert self.previous is not None
        numbers, changed = self.facts.renumber(entry.facts, self.previous.facts,
                                               self.previous.digests)
        if changed is not None:
            return changed.describe()
        assert self.tree is not None
        if self.tree.old_stat(entry.path) != (entry.size, entry.mtime_ns):
            return "its output file changed since the last build"
        entry.facts = numbers
        return None

    def _reuse(self, entry: Entry) -> None:
        assert self.tree is not None
        if not self.claims.claim(entry.url, entry.path):
            return
        placed = self.tree.carry(entry.path)
        self._keep(entry, placed, "reused", None)
        self.queue.add_links(entry.links, entry.url)

    def _accept(self, rendered: Rendered, reason: str) -> None:
        """One render, from this process or a worker: its record kept, its file written."""
        url = rendered.url
        record = rendered.record
        path = rendered.path
        if rendered.source_file is not None:  # a worker's is relative to the site folder
            rendered.source_file = os.path.join(self.site.root_path, rendered.source_file)
        source = record.relative(rendered.source_file) if rendered.source_file else None
        entry = Entry(url, path, rendered.status, rendered.mimetype, rendered.kind,
                      rendered.location, record.endpoint, tuple(sorted(record.links)),
                      tuple(record.warnings), source_file=source)
        known = rendered.fingerprints
        entry.facts = tuple(self.facts.number(f, known.get(f))
                            for f in sorted(record.facts, key=fact_order))
        self.queue.add_links(entry.links, url)  # sorted: the same order in every process
        if self.tree is None:
            self.kept[url] = rendered
            self._keep(entry, None, "rendered", reason)
            return
        if not self.claims.claim(url, path):
            return
        if rendered.placed is not None:  # a worker wrote it
            self.tree.adopt(path, rendered.placed)
            self._keep(entry, rendered.placed, "rendered", reason)
        elif rendered.write_error is not None:
            self._keep(entry, None, "rendered", reason)
            self._unwritten(entry, rendered.write_error)
        elif rendered.source_file is None:
            self._keep(entry, None, "rendered", reason)  # its stat once it is written
            self._writing.append((entry, self.tree.write_soon(path, rendered.body)))
            if len(self._writing) > WRITES_IN_FLIGHT:  # bodies waiting are memory held
                self._settle(WRITES_IN_FLIGHT // 2)
        else:
            try:
                placed = self.tree.copy(path, rendered.source_file)
            except OSError as error:
                raise unwritable(path, error, url) from error
            self._keep(entry, placed, "rendered", reason)
        self._check_type(entry)

    def _settle(self, left: int = 0) -> None:
        """Wait for the files being written until ``left`` remain; each one's stat goes
        into its record, and the first that could not be written fails the build."""
        while len(self._writing) > left:
            entry, future = self._writing.popleft()
            try:
                placed = future.result()
            except OSError as error:
                self._unwritten(entry, error)
            else:
                entry.size, entry.mtime_ns = placed.size, placed.mtime_ns

    def _unwritten(self, entry: Entry, error: OSError) -> None:
        """A file of the tree not written: the build fails, now or, when a file or folder
        of another URL may be in the way, at :meth:`check`, which names the clash."""
        if error.errno in _IN_THE_WAY:
            self._blocked.append((entry.url, entry.path, error))
        else:
            raise unwritable(entry.path, error, entry.url) from error

    def _keep(self, entry: Entry, placed: Placed | None, action: str,
              reason: str | None) -> None:
        if placed is not None:
            entry.size, entry.mtime_ns = placed.size, placed.mtime_ns
        entry.action, entry.reason = action, reason
        self.urls[entry.url] = entry

    # -- phase 5: checks and the records -----------------------------------

    def check(self, strict: bool) -> list[str]:
        """Every link answered, no two URLs on one file; the warnings (errors with --strict)."""
        self.check_links()
        error = self.claims.error()
        if error is not None:
            raise error
        if self._blocked:
            url, path, cause = min(self._blocked, key=lambda blocked: blocked[0])
            raise unwritable(path, cause, url) from cause
        warnings = self.warnings()
        if strict and warnings:
            raise StrictModeError(
                f"--strict: the build gave {len(warnings)} warning(s):", details=warnings,
                hint="fix them, or build without --strict",
            )
        return warnings

    def find(self, url: str) -> BuiltUrl:
        """The built ``url`` (as a user writes it); an error naming close ones if none."""
        built = self.urls.get(normalize_url(url))
        if built is None:
            stem = url.rstrip("/")
            close = sorted(u for u in self.urls if stem and u.startswith(stem))[:5]
            raise SitegenError(
                f"The build has no URL {url!r}.",
                details=[f"did you mean {u}?" for u in close],
                hint="give a site-local URL as the build writes it, e.g. /blog/hello/",
            )
        return built

    def check_links(self) -> None:
        broken = [u for u in self.urls.values() if not _ok(u)]
        if broken:
            raise self._broken_links(broken)

    def warnings(self) -> list[str]:
        found: list[str] = []
        for url in sorted(self.urls):
            found += [f"{url}: {w}" for w in self.urls[url].warnings]
        used = {u.endpoint for u in self.urls.values() if u.status == 200}
        for rule in sorted(self.site.url_map.iter_rules(), key=lambda r: r.rule):
            if rule.arguments and "GET" in (rule.methods or ()) \
                    and rule.endpoint not in self.site.optional_endpoints \
                    and rule.endpoint not in used:
                found.append(
                    f"the endpoint {rule.endpoint!r} ({rule.rule}) produced no URL: "
                    "did you forget a generator?"
                )
        found += portability_warnings((u.url, u.path) for u in self.urls.values())
        found += [f"{relative_to(path, self.site.root_path)} links to {os.path.realpath(path)}, "
                  "outside the folder it would be published from: it is not published"
                  for path in sorted(self.site.outside_links)]
        return found + sorted(self._type_warnings)

    def _check_type(self, entry: Entry) -> None:
        if entry.kind != "page":
            return
        expected = mime.guess_type(entry.path)
        if expected is not None and not mime.types_agree(entry.mimetype, expected):
            self._type_warnings.append(
                f"{entry.url} is served as {entry.mimetype} but written to {entry.path}, "
                f"which hosts serve as {expected}"
            )

    def state(self) -> BuildState:
        """The records of this build, with every fact's fingerprint, for the next one
        (only the facts some record holds)."""
        previous = self.previous
        unchanged = previous is not None and self.facts.file_stats == previous.file_stats
        state = BuildState(self.header, file_stats=self.facts.file_stats,
                           written_ns=previous.written_ns if unchanged and previous
                           else time.time_ns(), source_stats=self.facts.source_stats)
        renumbered: dict[int, int] = {}
        table, digests = self.facts.table, self.facts.digests
        for url, entry in self.urls.items():
            ids = []
            for number in entry.facts:
                new = renumbered.get(number)
                if new is None:
                    new = renumbered[number] = len(state.facts)
                    state.facts.append(table[number])
                    state.digests.append(digests[number])
                ids.append(new)
            entry.facts = tuple(ids)
            state.entries[url] = entry
        return state

    def counts(self) -> dict[str, int]:
        kinds = [u.kind for u in self.urls.values()]
        rendered = sum(1 for u in self.urls.values() if u.action == "rendered")
        return {"pages": kinds.count("page"), "static": kinds.count("file"),
                "redirects": kinds.count("redirect"), "rendered": rendered,
                "reused": len(self.urls) - rendered}

    def _broken_links(self, broken: list[BuiltUrl]) -> BrokenLinkError:
        referrers: dict[str, list[str]] = {u.url: [] for u in broken}
        for url, entry in self.urls.items():
            for link in entry.links:
                if link in referrers:
                    referrers[link].append(url)
        details: list[str] = []
        for item in sorted(broken, key=lambda u: u.url)[:20]:
            endpoint = item.endpoint or "no route"
            details.append(f"{item.url} answered {item.status} (endpoint: {endpoint})")
            linked = sorted(referrers[item.url])
            if linked:
                details += [f"    linked from {u}" for u in linked[:10]]
                if len(linked) > 10:
                    details.append(f"    … and {len(linked) - 10} more pages")
            else:
                details.append(f"    from {self.queue.origin.get(item.url, '?')}")
        if len(broken) > 20:
            details.append(f"… and {len(broken) - 20} more URLs")
        return BrokenLinkError(
            f"{len(broken)} URL(s) did not answer 200:", details=details,
            hint="fix the links (or the views) named above",
        )


def _ok(item: BuiltUrl) -> bool:
    if item.url == NOT_FOUND_PAGE:
        return item.status in (200, 404)
    return item.status == 200 or item.is_redirect


__all__ = ["BuildResult", "BuiltUrl", "build", "load", "prepare", "render_all"]
