"""Phase 3 on other processes: URLs rendered as tasks of an executor.

A task is :func:`render_batch`: load the site a :class:`SiteSpec` names (once
per process), render a few URLs, return the renders.  It depends on nothing
but its arguments, so any ``concurrent.futures.Executor`` can run it: the
process pool ``--jobs`` starts, or Dask's on a cluster (``--executor``),
which may run a task again on another worker when one is lost, and gets the
same answer.  The coordinator keeps all the rest: which URLs to render or
reuse, the output tree and the records.  Workers on this machine (the
process pool's, a Dask ``LocalCluster``'s) also place the pages they render
in the staging tree (the tree's :class:`~.output.Stage`), so that only the
records come back; a Dask scheduler's may run elsewhere, and send the pages'
bytes.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..app import Site
from ..errors import SitegenError
from ..record import PAGE, Fact
from .output import Stage
from .render import Rendered, Renderer
from .spec import SiteSpec

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: URLs per task at most: enough that a task's overhead (0.1-1 ms through the process
#: pool) is lost in its renders (a few ms each), few enough that the last tasks end
#: together.
MAX_BATCH = 16
#: The same through Dask, whose task costs about 4 ms a worker (its scheduler, and a
#: round trip over TCP): 64 pages keep that to a few percent.
DASK_MAX_BATCH = 64
#: Tasks in flight per worker: one running, the next ones already sent.
IN_FLIGHT = 3
#: Without ``--jobs``, workers start only when this many URLs are due at once: starting
#: them (each loads the site) costs more than rendering a handful of pages.
AUTO_FROM = 100

#: How many of the URLs a dead worker may have held the error lists.
SHOWN = 50

_renderers: dict[SiteSpec, Renderer] = {}


def render_batch(spec: SiteSpec, urls: list[str], stage: Stage | None = None) -> list[Rendered]:
    """The task: render ``urls`` of the site ``spec`` names, in this process.

    With a ``stage``, each page is placed in the staging tree here and comes
    back without its bytes.  A static file comes back as its path relative
    to the site folder, which the coordinator finds in its own copy of the
    site (and copies: it may be large, and it is not rendered).
    """
    renderer = _renderer(spec)
    site = renderer.site
    root = site.root_path
    with site.app_context():
        try:
            done = [renderer.render(url) for url in urls]
            for rendered in done:
                rendered.fingerprints = _page_fingerprints(site, rendered)
        finally:
            site.flush_caches()  # a worker may end with its task
    for rendered in done:
        if rendered.source_file is not None:
            rendered.source_file = os.path.relpath(rendered.source_file, root)
        elif stage is not None:
            try:
                rendered.placed = stage.place(rendered.path, rendered.body)
            except OSError as error:  # the coordinator decides what it means
                rendered.write_error = error
            rendered.body = b""
    return done


def _page_fingerprints(site: Site, rendered: Rendered) -> dict[Fact, bytes]:
    """The fingerprints of the page fields ``rendered`` read; one that cannot be taken
    is left to the coordinator, which records it as an error as a serial build does."""
    found = {}
    for fact in rendered.record.facts:
        if fact.kind == PAGE:
            try:
                found[fact] = site.fact_digest(fact)
            except SitegenError:
                continue
    return found


def _renderer(spec: SiteSpec) -> Renderer:
    renderer = _renderers.get(spec)
    if renderer is None:
        site = spec.load()
        with site.app_context():
            site.prepare()
        _renderers.clear()  # one site per process: a worker of another build starts afresh
        renderer = _renderers[spec] = Renderer(site)
    return renderer


def _start_worker(spec: SiteSpec) -> None:
    """A pool process: Ctrl-C is the coordinator's to handle, SIGTERM ends it (a forked
    worker would otherwise run the coordinator's handler), then the site, loaded once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _renderer(spec)


class Workers:
    """The executor of one build, started when first needed, and its tasks in flight."""

    def __init__(self, spec: SiteSpec, jobs: int, start: Callable[[], Executor],
                 stop: Callable[[Executor, bool], None], minimum: int,
                 on_this_machine: bool, retries: bool = False,
                 max_batch: int = MAX_BATCH) -> None:
        self.spec = spec
        self.jobs = jobs
        self.max_batch = max_batch
        #: How many URLs must be due before starting the executor is worth it.
        self.minimum = minimum
        self._start, self._stop = start, stop
        self._executor: Executor | None = None
        self._tasks: dict[Future[list[Rendered]], list[str]] = {}
        #: Tasks sent a second time (see :func:`_dropped_by_dask`).
        self._resent: set[Future[list[Rendered]]] = set()
        #: The coordinator's own renderer, for workers forked from it to start with.
        self.inherited: Renderer | None = None
        #: Whether the workers share this machine's file system, and so can place pages;
        #: and whether the executor runs a lost worker's task again.
        self.on_this_machine = on_this_machine
        self.retries = retries
        #: Where they place them (None: they send the pages back).
        self.stage: Stage | None = None

    def worth(self, due: int) -> bool:
        """Whether ``due`` URLs go to the workers rather than render here."""
        return self._executor is not None or due >= self.minimum

    @property
    def room(self) -> int:
        """How many more tasks to send now."""
        return self.jobs * IN_FLIGHT - len(self._tasks)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    @property
    def started(self) -> bool:
        return self._executor is not None

    def batch_size(self, due: int) -> int:
        """URLs per task: the due URLs spread over the tasks in flight, at most
        ``max_batch``."""
        return max(1, min(self.max_batch, due // (self.jobs * IN_FLIGHT)))

    def submit(self, urls: list[str]) -> Future[list[Rendered]]:
        if self._executor is None:
            _share_caches()  # the workers' parses and highlights are this process's too
            self._executor = self._start()
        try:
            task = self._executor.submit(render_batch, self.spec, urls, self.stage)
        except RuntimeError as error:
            if _was_lost(error):  # a worker died since the last results came
                raise _lost(urls, self._tasks.values()) from error
            raise
        self._tasks[task] = urls
        return task

    def finished(self) -> Iterator[Rendered]:
        """The renders of the next task to finish (waiting for one), in the order sent."""
        done, _ = wait(self._tasks, return_when=FIRST_COMPLETED)
        for task in [task for task in self._tasks if task in done]:
            try:
                renders = task.result()
            except Exception as error:  # a page's own SitegenError goes up as it is
                if _dropped_by_dask(error) and task not in self._resent:
                    self._resend(task)
                    continue
                raise self._first_failure(task, error) from None
            del self._tasks[task]
            yield from renders

    def _resend(self, task: Future[list[Rendered]]) -> None:
        """Send a task's URLs again, once: renders are pure, so a second run gives what
        the first would have."""
        self._resent.add(self.submit(self._tasks.pop(task)))

    def _first_failure(self, failed: Future[list[Rendered]], error: Exception) -> Exception:
        """The error a serial build would give: that of the first task, in the order
        sent, to fail, the ones sent before ``failed`` awaited (a worker may finish
        a later task first)."""
        sent = list(self._tasks)
        for task in sent[:sent.index(failed)]:
            try:
                task.result()
            except Exception as earlier:
                failed, error = task, earlier
                break
        if _was_lost(error):
            held = self._tasks.pop(failed)
            return _lost(held, self._tasks.values())
        return error

    def close(self, failed: bool) -> None:
        """Stop the executor; after a failure (or Ctrl-C), at once, with its tasks."""
        executor, self._executor = self._executor, None
        self._tasks.clear()
        self._resent.clear()
        if executor is not None:
            self._stop(executor, failed)


def _share_caches() -> None:
    """Let this process's parse caches see what workers write.  One that never imported
    the cache module (a Flask app's, say) has none, and is spared importing the content
    package to find that out."""
    cache = sys.modules.get(f"{__package__.rpartition('.')[0]}.content.cache")
    if cache is not None:
        cache.share_caches()


def _was_lost(error: BaseException) -> bool:
    """Whether ``error`` says a worker was lost: the pool's ``BrokenProcessPool``,
    Dask's ``KilledWorker`` (named, so neither module is imported to ask)."""
    return type(error).__name__ in ("BrokenProcessPool", "KilledWorker",
                                    "CancelledError") or _dropped_by_dask(error)


def _dropped_by_dask(error: BaseException) -> bool:
    """Whether Dask's ``concurrent.futures`` adapter lost a task's outcome: when a worker
    dies, it may try to unpack an error it was never given, and raise that error
    (``ValueError: not enough values to unpack``) in the task's place.  Its own frame is
    then the last; a task's own error ends in the task's frames."""
    last = error.__traceback__
    while last is not None and last.tb_next is not None:
        last = last.tb_next
    return last is not None and Path(last.tb_frame.f_code.co_filename).parts[-2:] == (
        "distributed", "cfexecutor.py")


def _lost(urls: list[str], others: Any) -> SitegenError:
    held = sorted({*urls, *(u for batch in others for u in batch)})
    details = held[:SHOWN] + ([f"… and {len(held) - SHOWN} more"] if len(held) > SHOWN else [])
    return SitegenError(
        "A worker process died (killed, or out of memory) while the workers held "
        f"{len(held)} URL(s), one of which it was rendering:", details=details,
        hint="nothing was published and the previous output is as it was; build again, "
             "with fewer --jobs if memory is short",
    )


# -- executors ---------------------------------------------------------------------------


def process_pool(spec: SiteSpec, jobs: int, minimum: int) -> Workers:
    """``jobs`` worker processes on this machine, each with the site loaded once.

    On Linux the workers are forked from the coordinator, whose site is
    loaded and prepared by then: they start rendering at once, from the
    same phase-2 state they would reach by loading the spec themselves
    (renders are pure, so what the coordinator rendered before does not
    show).  Elsewhere fork is not safe (macOS) or not there (Windows): each
    worker starts from a clean process and loads the site from the spec.
    """

    def start() -> Executor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if sys.platform.startswith("linux") and workers.inherited is not None:
            # Every worker is forked at the first submit, before the pool starts a thread.
            _renderers.clear()
            _renderers[spec] = workers.inherited
            context = multiprocessing.get_context("fork")
        else:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods
                                                  else "spawn")
            if "forkserver" in methods:
                # Each worker forks from a clean process that has sitegen imported.
                context.set_forkserver_preload([__name__])
        return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                                   initargs=(spec,))

    workers = Workers(spec, jobs, start, _stop_pool, minimum, on_this_machine=True)
    return workers


def _stop_pool(executor: ProcessPoolExecutor, failed: bool) -> None:
    if failed:
        # concurrent.futures cannot end running tasks; the processes are ours to end.
        for process in list(getattr(executor, "_processes", {}).values()):
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


def dask_executor(spec: SiteSpec, address: str, jobs: int) -> Workers:
    """Dask's executor: a ``LocalCluster`` of ``jobs`` processes for ``local``, else the
    scheduler at ``address`` (``tcp://host:8786``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SitegenError(
            f"--executor {address} runs the build on Dask, which is not installed.",
            hint="pip install 'sitegen-flask[dask]' (on the workers too), or build with "
                 "--jobs N on this machine",
        ) from None
    clients: list[Any] = []

    def start() -> Executor:
        if address == "local":
            # A failing page is the build's to report, once: not the cluster's logs too.
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.CRITICAL)
            client = Client(cluster)
            clients.append(cluster)
        else:
            try:
                client = Client(address, timeout="5s")
            except OSError as error:
                raise SitegenError(
                    f"--executor {address}: no Dask scheduler answers there ({error}).",
                    hint="start one with `dask scheduler`, and workers with "
                         f"`dask worker {address}`",
                ) from None
            # Enough tasks in flight for every thread of the cluster, not of this machine.
            threads = sum(w.get("nthreads", 1)
                          for w in client.scheduler_info().get("workers", {}).values())
            workers.jobs = max(workers.jobs, threads)
        clients.insert(0, client)
        return client.get_executor()

    def stop(executor: Executor, failed: bool) -> None:
        if failed:
            for task in list(getattr(executor, "_futures", ())):
                task.cancel()
        for thing in clients:
            thing.close()
        clients.clear()

    # A LocalCluster's workers place their pages; a scheduler's may be anywhere.
    workers = Workers(spec, jobs, start, stop, minimum=1, on_this_machine=address == "local",
                      retries=True, max_batch=DASK_MAX_BATCH)
    return workers
