"""Parallel builds: worker processes and Dask write the serial build's bytes, report a
failing page as a serial build does, and stop cleanly, whatever stops them.

The failures are driven through the real CLI on ``tests/sites/parallel``, whose
page 7 or page N misbehaves when the environment says so (see its ``app.py``).
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sitegen
from sitegen import Site
from sitegen.errors import SitegenError
from sitegen.pipeline import SiteSpec
from sitegen.pipeline.output import OutputTree
from sitegen.pipeline.state import BuildState, state_path

TESTS = Path(__file__).parent
SITE_FOLDERS = {"example_site": TESTS.parent / "example_site", "docs": TESTS.parent / "docs",
                **{p.name: p for p in sorted((TESTS / "sites").iterdir()) if p.is_dir()}}
PARALLEL = TESTS / "sites" / "parallel"
SITEGEN = Path(sys.executable).parent / "sitegen"
BUILD_TIME = 1_772_323_200.0  # 2026-03-01, for the same future posts in every build
IGNORED = shutil.ignore_patterns("build", ".sitegen-cache", "__pycache__")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_site(folder: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(folder, site, ignore=IGNORED)
    return site


def edit_one_source(site: Path) -> None:
    """Change what a user changes most: a Markdown file, else a template."""
    sources = sorted(site.glob("content/**/*.md")) or sorted(site.glob("templates/*.html"))
    if sources:
        with sources[0].open("a") as file:
            file.write("\n<!-- edited -->\n")


@pytest.mark.parametrize("name", sorted(SITE_FOLDERS))
def test_two_jobs_write_the_bytes_of_one_clean_and_incremental(name, tmp_path):
    site = copy_site(SITE_FOLDERS[name], tmp_path)
    spec = SiteSpec(str(site), build_time=BUILD_TIME)
    one, two = tmp_path / "one", tmp_path / "two"
    try:
        serial = sitegen.build(spec, one, jobs=1)
    except SitegenError as error:  # a site made to fail fails the same way in parallel
        with pytest.raises(type(error)) as caught:
            sitegen.build(spec, two, jobs=2)
        assert caught.value.message == error.message
        assert not two.exists()
        return
    parallel = sitegen.build(spec, two, jobs=2)
    assert tree(two) == tree(one)
    assert parallel.counts == serial.counts
    assert parallel.warnings == serial.warnings

    edit_one_source(site)
    serial = sitegen.build(spec, one, jobs=1)
    parallel = sitegen.build(spec, two, jobs=2)
    assert tree(two) == tree(one)
    assert {u: (b.action, b.reason) for u, b in parallel.urls.items()} == \
        {u: (b.action, b.reason) for u, b in serial.urls.items()}


def recorded_facts(site: Path, output: Path) -> dict[str, set[tuple[object, bytes]]]:
    """Each URL's facts with their fingerprints, as the build state keeps them."""
    state = BuildState.load(state_path(site / ".sitegen-cache" / "build", site, output))
    assert state is not None
    return {entry.url: {(state.facts[n], state.digests[n]) for n in entry.facts}
            for entry in state.entries.values()}


def test_the_records_of_two_jobs_hold_the_fingerprints_of_one(tmp_path):
    """Workers send the fingerprints of the page fields they read (the coordinator
    would have to load each page's parse to take them): the same as a serial build's."""
    site = copy_site(TESTS.parent / "example_site", tmp_path)
    spec = SiteSpec(str(site), build_time=BUILD_TIME)
    sitegen.build(spec, tmp_path / "one", jobs=1)
    sitegen.build(spec, tmp_path / "two", jobs=2)
    serial = recorded_facts(site, tmp_path / "one")
    parallel = recorded_facts(site, tmp_path / "two")
    assert any(fact.kind == "page" and fact.detail == "tags"
               for facts in serial.values() for fact, _ in facts)
    assert parallel == serial


def test_pool_workers_place_their_pages_and_carry_the_unchanged_ones(tmp_path, monkeypatch):
    """The pool's workers write the pages they render into the staging tree (the
    coordinator writes only the home page, which it renders before they start);
    rendering every page again, they write none whose bytes the output already has."""
    site = copy_site(PARALLEL, tmp_path)
    spec = SiteSpec(str(site), build_time=BUILD_TIME)
    out = tmp_path / "out"
    by_coordinator: list[str] = []
    write_soon = OutputTree.write_soon

    def noted(tree: OutputTree, path: str, body: bytes) -> object:
        by_coordinator.append(path)
        return write_soon(tree, path, body)

    monkeypatch.setattr(OutputTree, "write_soon", noted)
    first = sitegen.build(spec, out, jobs=2)
    assert by_coordinator == ["index.html"]
    page = out / "pages/7/index.html"
    before = os.stat(page)
    again = sitegen.build(spec, out, jobs=2, clean=True)
    assert first.stats.written == again.stats.unchanged == len(tree(out)) > 20
    assert again.stats.written == 0
    after = os.stat(page)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


CLASHING_APP = """
from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    return "".join(f'<a href="/d/{n}">{n}</a> <a href="/d/{n}/x/">x</a>' for n in range(40))


@site.route("/d/<int:n>")
def data(n):
    return {"n": n}


@site.route("/d/<int:n>/x/")
def page(n):
    return f"<p>{n}</p>"
"""


def test_urls_that_clash_in_workers_give_the_clash_error_of_a_serial_build(tmp_path):
    """Workers place files as they render, so the file of one URL of a clashing pair may
    stand in the other's way before the coordinator sees the clash: the error is still
    the clash, the same as a serial build's, and nothing is published."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "app.py").write_text(CLASHING_APP)
    spec = SiteSpec(str(site))
    with pytest.raises(SitegenError) as serial:
        sitegen.build(spec, tmp_path / "one", jobs=1)
    assert "/d/0 writes the file d/0, but /d/0/x/ needs a folder of that name" in \
        serial.value.details
    for _ in range(3):  # the race goes one way or the other
        with pytest.raises(SitegenError) as parallel:
            sitegen.build(spec, tmp_path / "two", jobs=2, clean=True)
        assert (parallel.value.message, parallel.value.details) == \
            (serial.value.message, serial.value.details)
    assert not (tmp_path / "two").exists()


LONG_NAME_APP = """
from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    pages = "".join(f'<a href="/p/{n}/">{n}</a>' for n in range(10))
    return pages + '<a href="/p/' + "x" * 300 + '/">long</a>'


@site.route("/p/<name>/")
def page(name):
    return f"<p>{name}</p>"
"""


def test_a_page_a_worker_cannot_write_fails_the_build_as_in_a_serial_one(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "app.py").write_text(LONG_NAME_APP)
    spec = SiteSpec(str(site))
    messages = []
    for jobs in (1, 2):
        with pytest.raises(SitegenError) as caught:
            sitegen.build(spec, tmp_path / f"out{jobs}", jobs=jobs)
        messages.append(caught.value.message)
        assert not (tmp_path / f"out{jobs}").exists()
    long = "x" * 300
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"/p/{long}/ cannot be written to p/{long}/index.html: ")


def test_a_site_object_builds_in_parallel_only_from_its_folder(tmp_path):
    site = Site(__name__)
    with pytest.raises(SitegenError, match="cannot be sent there"):
        sitegen.build(site, tmp_path / "out", jobs=2)


# -- through the CLI: failures, interrupts ------------------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SITEGEN), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    """The parallel test site copied and built once: (site, output, the output's files)."""
    site = copy_site(PARALLEL, tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", str(site), "-o", str(out), "--jobs", "1").returncode == 0
    return site, out, tree(out)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}"))


def test_a_view_that_raises_in_a_worker_is_reported_as_in_a_serial_build(built):
    site, out, before = built
    env = {"PARALLEL_RAISE": "5"}
    serial = run_cli("build", str(site), "-o", str(out), "--clean", "--jobs", "1", env=env)
    parallel = run_cli("build", str(site), "-o", str(out), "--clean", "--jobs", "2", env=env)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stderr == serial.stderr
    assert "/pages/5/: ValueError: page 5 is broken" in parallel.stderr
    assert 'app.py, line 30, in page' in parallel.stderr  # the user's frames
    assert "Traceback" not in parallel.stderr
    assert tree(out) == before
    assert leftovers(out) == []


def test_the_first_page_to_fail_in_a_serial_build_is_the_one_reported(built):
    """Page 12 fails a second after page 3 does, on the other worker: page 12 is reported,
    as in a serial build, which renders it first (the index's links in sorted order)."""
    site, out, before = built
    env = {"PARALLEL_LATE": "12", "PARALLEL_RAISE": "3"}
    serial = run_cli("build", str(site), "-o", str(out), "--clean", "--jobs", "1", env=env)
    parallel = run_cli("build", str(site), "-o", str(out), "--clean", "--jobs", "2", env=env)
    assert serial.returncode == parallel.returncode == 1
    assert "/pages/12/: ValueError: page 12 is broken" in serial.stderr
    assert parallel.stderr == serial.stderr
    assert tree(out) == before


def test_a_worker_killed_mid_build_fails_the_build_and_publishes_nothing(built, tmp_path):
    site, out, before = built
    marker = tmp_path / "killed"
    result = run_cli("build", str(site), "-o", str(out), "--clean", "--jobs", "2",
                     env={"PARALLEL_KILL": str(marker)})
    assert marker.exists()  # page 7 killed its worker
    assert result.returncode == 1, result.stderr
    assert "A worker process died (killed, or out of memory)" in result.stderr
    assert "/pages/7/" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(out) == before
    assert leftovers(out) == []


def live_processes(group: int) -> list[str]:
    """The processes of a process group that still run (zombies have ended)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_build_stops_every_worker_and_keeps_the_previous_output(built, how):
    site, out, before = built
    build = subprocess.Popen(
        [str(SITEGEN), "build", str(site), "-o", str(out), "--clean", "--jobs", "2"],
        env={**os.environ, "PARALLEL_SLOW": "0.25"}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while len(live_processes(build.pid)) < 3:  # the build, and its workers started
        assert time.monotonic() < deadline and build.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)  # into the renders (6 seconds of them)
    if how == "ctrl-c":  # the terminal sends SIGINT to the whole foreground group
        os.killpg(build.pid, signal.SIGINT)
    else:  # a supervisor stops the build's own process only
        os.kill(build.pid, signal.SIGTERM)
    _, err = build.communicate(timeout=30)

    assert build.returncode == 130, err
    assert "interrupted: nothing was published" in err
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while live_processes(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_processes(build.pid) == []
    assert tree(out) == before
    assert leftovers(out) == []


def test_jobs_must_be_a_positive_number(built):
    site, out, _ = built
    result = run_cli("build", str(site), "-o", str(out), "--jobs", "0")
    assert result.returncode == 2
    assert "--jobs" in result.stderr


# -- Dask ------------------------------------------------------------------------------------


def test_a_dask_local_cluster_builds_the_tree_of_a_serial_build(tmp_path):
    site = copy_site(SITE_FOLDERS["example_site"], tmp_path)
    serial = run_cli("build", str(site), "-o", str(tmp_path / "one"), "--jobs", "1")
    dask = run_cli("build", str(site), "-o", str(tmp_path / "dask"), "--executor", "local",
                   "--jobs", "2")
    assert serial.returncode == dask.returncode == 0, dask.stderr
    assert tree(tmp_path / "dask") == tree(tmp_path / "one")


def test_dask_reports_a_view_that_raises_with_its_url_and_the_users_frames(built):
    site, out, before = built
    result = run_cli("build", str(site), "-o", str(out), "--clean", "--executor", "local",
                     "--jobs", "2", env={"PARALLEL_RAISE": "5"})
    assert result.returncode == 1
    assert "error: /pages/5/: ValueError: page 5 is broken" in result.stderr
    assert 'app.py, line 30, in page' in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(out) == before


def test_dask_runs_the_task_of_a_killed_worker_again_and_the_tree_is_whole(built, tmp_path):
    site, out, before = built
    marker = tmp_path / "killed"
    result = run_cli("build", str(site), "-o", str(out), "--clean", "--executor", "local",
                     "--jobs", "2", env={"PARALLEL_KILL": str(marker)})
    assert marker.exists()
    assert result.returncode == 0, result.stderr
    assert tree(out) == before
    assert leftovers(out) == []


def test_asking_for_dask_without_it_installed_says_how_to_install_it(built):
    site, out, before = built
    code = ("import sys; sys.modules['distributed'] = None; "
            "from sitegen.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, "build", str(site), "-o", str(out),
                             "--clean", "--executor", "tcp://127.0.0.1:1"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "runs the build on Dask, which is not installed" in result.stderr
    assert "[dask]" in result.stderr
    assert tree(out) == before


def test_a_dask_scheduler_at_an_address_builds_the_tree_of_a_serial_build(built, tmp_path):
    from distributed import LocalCluster

    site, out, before = built
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, scheduler_port=0,
                      dashboard_address=None) as cluster:
        result = run_cli("build", str(site), "-o", str(out), "--clean", "--executor",
                         cluster.scheduler_address)
    assert result.returncode == 0, result.stderr
    assert tree(out) == before


def test_no_scheduler_at_the_address_is_a_clear_error(built):
    site, out, before = built
    result = run_cli("build", str(site), "-o", str(out), "--clean", "--executor",
                     "tcp://127.0.0.1:9")
    assert result.returncode == 1
    assert "--executor tcp://127.0.0.1:9: no Dask scheduler answers there" in result.stderr
    assert "dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(out) == before


def test_tasks_carry_more_pages_through_dask_whose_tasks_cost_more(tmp_path):
    """A task costs about 0.1 ms through the process pool and 4 ms through Dask: each
    carries as many pages as keeps that small, and fewer near the end, so the last
    tasks end together."""
    from sitegen.pipeline.workers import (
        DASK_MAX_BATCH,
        IN_FLIGHT,
        MAX_BATCH,
        dask_executor,
        process_pool,
    )

    spec = SiteSpec(str(tmp_path), build_time=BUILD_TIME)
    pool, dask = process_pool(spec, 2, minimum=1), dask_executor(spec, "local", 2)
    assert not pool.started and not dask.started  # sizing a batch starts nothing
    assert pool.batch_size(10_000) == MAX_BATCH < DASK_MAX_BATCH == dask.batch_size(10_000)
    tail = 2 * IN_FLIGHT * 5  # the last URLs, spread over every task in flight
    assert pool.batch_size(tail) == dask.batch_size(tail) == 5
    assert pool.batch_size(3) == dask.batch_size(3) == 1


#: How Dask's ``concurrent.futures`` adapter fails a task whose worker was lost, at times:
#: it unpacks an error tuple it never got, and that ``ValueError`` is the task's outcome.
DROPPED = compile("def dropped():\n    typ, exc, tb = ()\n",
                  os.path.join("site-packages", "distributed", "cfexecutor.py"), "exec")


class DroppingExecutor(concurrent.futures.ThreadPoolExecutor):
    """A real executor whose first ``drops`` tasks end as Dask's adapter ends them."""

    def __init__(self, drops: int) -> None:
        super().__init__(1)  # one site loaded at a time: a worker is a process of its own
        self.drops = drops
        self.sent: list[list[str]] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.sent.append(list(args[1]))
        if self.drops:
            self.drops -= 1
            namespace: dict[str, object] = {}
            exec(DROPPED, namespace)
            return super().submit(namespace["dropped"])
        return super().submit(fn, *args, **kwargs)


def drive(drops: int, tmp_path: Path) -> tuple[list[str], DroppingExecutor]:
    from sitegen.pipeline.workers import Workers

    site = copy_site(PARALLEL, tmp_path)
    executor = DroppingExecutor(drops)
    workers = Workers(SiteSpec(str(site), build_time=BUILD_TIME), 2, lambda: executor,
                      lambda running, failed: running.shutdown(), minimum=1,
                      on_this_machine=False, retries=True)
    urls = [f"/pages/{n}/" for n in range(1, 7)]
    workers.submit(urls[:3])
    workers.submit(urls[3:])
    rendered = []
    try:
        while workers.busy:
            rendered += [page.url for page in workers.finished()]
    finally:
        workers.close(failed=False)
    return rendered, executor


def test_a_task_whose_outcome_dask_drops_is_sent_again(tmp_path):
    rendered, executor = drive(1, tmp_path)
    assert sorted(rendered) == [f"/pages/{n}/" for n in range(1, 7)]
    assert executor.sent[-1] == executor.sent[0]  # the dropped task, sent again


def test_a_task_dask_drops_twice_fails_the_build_as_a_lost_worker(tmp_path):
    with pytest.raises(SitegenError, match="A worker process died") as caught:
        drive(3, tmp_path)
    assert "/pages/1/" in caught.value.details
