"""Parallel-rendering benchmark: cold builds with ``--jobs 1``, ``--jobs 2`` and Dask.

On the shared peer corpus and the peer site of ``bench/run.py`` (a home page
listing every post, one page per post), each build is a fresh, cold
``sitegen build`` process (``build/``, ``.sitegen-cache/``, ``__pycache__``
deleted first) under ``/usr/bin/time -v``.  While it runs, the peak RSS of
each of its processes (the build, and each worker) is read from
``/proc/PID/status`` (``VmHWM``), so memory per worker is reported beside the
build's own.  Every output is checked by the shared harness, and the trees of
the different ways of rendering are compared byte for byte.

1. For each of ``--sizes`` (default 1000): RUNS cold builds with ``--jobs 1``
   and RUNS with ``--jobs 2``, interleaved, medians; Hugo's cold build in the
   same invocation through the shared harness (unless ``--no-hugo``).
2. ``--big 10000``: one cold build per size with ``--jobs 2``, and (with
   ``--dask``) one with ``--executor local --jobs 2`` (a ``LocalCluster``, its
   start-up included); time per page against N=1000's.
3. The per-task overhead: 2,000 empty tasks through a 2-process pool and (with
   ``--dask``) a 2-worker ``LocalCluster``, as time per task per worker.

Tables go to ``$SGBENCH_ROOT/results/parallel-N<sizes>.md`` and the raw numbers
to the ``.json`` beside it::

    python bench/parallel.py --sizes 1000 --runs 3 --big 10000 --dask
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import engine  # bench/engine.py: corpus and tree comparison
import run  # bench/run.py: the peer benchmark's corpus, site, timing and checks

import sitegen

BASE_N = 1000
TASKS = 2000


def noop(number: int) -> int:
    return number


class Sampler(threading.Thread):
    """The peak RSS (VmHWM, KiB) of every process of a session, read every 50 ms."""

    def __init__(self, session: int) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.peaks: dict[int, tuple[str, int]] = {}
        #: Each process's parent: a worker forked from the build runs the build's command.
        self.parents: dict[int, int] = {}
        self.running = True

    def run(self) -> None:
        while self.running:
            self.sample()
            time.sleep(0.05)

    def sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) != self.session:
                    continue
                status = (entry / "status").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
                    pid = int(entry.name)
                    old = self.peaks.get(pid, ("", 0))[1]
                    self.peaks[pid] = (cmdline, max(old, peak))
                    self.parents[pid] = int(fields[1])


def timed_build(script: Path, work: Path, out: Path, tag: str, logdir: Path,
                *options: str) -> dict[str, Any]:
    """One cold build, timed, with the peak RSS of the build and of its workers."""
    run.clean(work)
    shutil.rmtree(out, ignore_errors=True)
    os.sync()  # the deletes' and the last build's pending writes are not this build's
    tfile, lfile = logdir / f"{tag}.time", logdir / f"{tag}.log"
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8", TZ="UTC",
               PYTHONDONTWRITEBYTECODE="1")
    command = ["/usr/bin/time", "-v", "-o", str(tfile), str(script), "build", ".", "--quiet",
               "-o", str(out), *options]
    with open(lfile, "w") as log:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        sampler = Sampler(process.pid)
        sampler.start()
        code = process.wait()
        sampler.running = False
        sampler.join()
    if code != 0:
        run.die(f"{tag}: exit status {code}; log {lfile}:\n{lfile.read_text()[-3000:]}")
    result = _time_v(tfile)
    sitegen = {pid for pid, (cmd, _) in sampler.peaks.items()
               if " build " in cmd and "sitegen" in cmd and "/usr/bin/time" not in cmd}
    forked = {pid for pid in sitegen if sampler.parents.get(pid) in sitegen}
    builds = [kib for pid, (_, kib) in sampler.peaks.items() if pid in sitegen - forked]
    workers = [kib for pid, (cmd, kib) in sampler.peaks.items() if pid in forked
               or "forkserver" in cmd or "distributed" in cmd or "spawn_main" in cmd]
    result.update(build_rss_mib=engine.mib(max(builds, default=0)),
                  worker_rss_mib=engine.mib(max(workers, default=0)), workers=len(workers))
    return result


def _time_v(path: Path) -> dict[str, Any]:
    text = path.read_text()
    values = {}
    for line in text.splitlines():
        label, _, value = line.strip().rpartition(": ")
        values[label] = value
    wall = 0.0
    for part in values["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
        wall = wall * 60 + float(part)
    return {"wall_s": wall, "cpu_s": float(values["User time (seconds)"])
            + float(values["System time (seconds)"])}


def overhead(executor: Executor, workers: int) -> float:
    """Milliseconds of one empty task per worker, over TASKS tasks (after a warm-up)."""
    list(executor.map(noop, range(workers * 4)))
    started = time.perf_counter()
    futures = [executor.submit(noop, i) for i in range(TASKS)]
    for future in futures:
        future.result()
    return (time.perf_counter() - started) * 1000 * workers / TASKS


def task_overheads(dask: bool) -> dict[str, float]:
    found = {}
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        found["process pool"] = overhead(pool, 2)
    if dask:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            found["Dask LocalCluster"] = overhead(client.get_executor(), 2)
    return found


def _times(value: float, base: float | None) -> str:
    return f"{value / base:.2f}×" if base else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big", default="", help="sizes for one --jobs 2 (and Dask) build")
    parser.add_argument("--dask", action="store_true", help="also Dask's LocalCluster")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shared", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    big = [int(s) for s in args.big.split(",") if s]
    shared = args.shared.resolve()
    root = Path(os.environ.get("SGBENCH_ROOT", Path(tempfile.gettempdir()) / "sgbench"))
    os.environ["SGBENCH_ROOT"] = str(root)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # see bench/engine.py
    harness = run.load_harness(shared)
    run.ensure_gnu_time()
    script = run.sitegen_command()
    started = dt.datetime.now(dt.timezone.utc)
    load_start = run.load_average()
    corpus_py = shared / "bench" / "corpus.py"

    rows: list[dict[str, Any]] = []
    hugo: dict[int, dict[str, Any]] = {}
    per_page: dict[str, float] = {}
    for n in sorted({*sizes, *big, *([BASE_N] if big else [])}):
        corpus = engine.ensure_corpus(corpus_py, n, args.seed, root)
        work = run.prepare(corpus, root / "work" / "parallel")
        run.prime(work)
        logdir = root / "logs" / f"parallel-N{n}"
        shutil.rmtree(logdir, ignore_errors=True)
        logdir.mkdir(parents=True)
        ways = {"--jobs 1": ["--jobs", "1"]} if n in sizes else {}
        ways["--jobs 2"] = ["--jobs", "2"]
        if n in big and args.dask:
            ways["Dask local, 2 workers"] = ["--executor", "local", "--jobs", "2"]
        runs = args.runs if n in sizes else 1
        results: dict[str, list[dict[str, Any]]] = {way: [] for way in ways}
        for i in range(1, runs + 1):
            for way, options in ways.items():
                out = root / "work" / f"parallel-out-{len(results[way]) % 2}-{way[2:6]}"
                tag = f"{way.replace(' ', '').replace(',', '')}-{i}"
                result = timed_build(script, work, out, tag, logdir, *options)
                result.update(harness.verify("sitegen", str(out), n, str(work / "content/posts")))
                results[way].append(result)
                print(f"   N={n} {way} run {i}: {result['wall_s']:.2f} s", file=sys.stderr,
                      flush=True)
        outputs = sorted((root / "work").glob("parallel-out-*"))
        for other in outputs[1:]:
            _, differences = engine.compare_trees(outputs[0], other)
            if differences:
                run.die(f"N={n}: {other.name} differs from {outputs[0].name}: "
                        + "; ".join(differences[:5]))
        for way, found in results.items():
            wall = statistics.median(r["wall_s"] for r in found)
            per_page[f"{n} {way}"] = wall / n
            rows.append({"n": n, "way": way, "runs": len(found), "wall_s": round(wall, 3),
                         "build_rss_mib": max(r["build_rss_mib"] for r in found),
                         "worker_rss_mib": max(r["worker_rss_mib"] for r in found),
                         "raw": found})
        for other in outputs:
            shutil.rmtree(other, ignore_errors=True)
        if n in sizes and not args.no_hugo:
            hugo[n] = run.bench_peers(shared, n, args.runs, args.seed, "hugo", root)[0]

    overheads = task_overheads(args.dask)
    text = [f"# sitegen parallel rendering, {started.strftime('%Y-%m-%d %H:%M UTC')}", "",
            f"- sitegen {sitegen.__version__}; load average {load_start} at the start, "
            f"{run.load_average()} at the end; corpus seed {args.seed}", "",
            "| N | how | runs | wall (median) | ÷ --jobs 1 | ÷ Hugo cold | s per 1,000 pages "
            "| build RSS | largest worker RSS |", "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        n = row["n"]
        one = next((r["wall_s"] for r in rows if r["n"] == n and r["way"] == "--jobs 1"), None)
        hugo_s = hugo[n]["cold_median_s"] if n in hugo else None
        text.append(
            f"| {n:,} | {row['way']} | {row['runs']} | {row['wall_s']:.2f} s | "
            f"{_times(row['wall_s'], one)} | {_times(row['wall_s'], hugo_s)} | "
            f"{1000 * row['wall_s'] / n:.2f} | {row['build_rss_mib']:.0f} MiB | "
            f"{row['worker_rss_mib']:.0f} MiB |")
    for n, h in hugo.items():
        text.append(f"| {n:,} | Hugo {h['version']} cold | {h['runs']} | "
                    f"{h['cold_median_s']:.2f} s | | 1.0 | | {h['peak_rss_mib']:.0f} MiB | |")
    text += ["", "Per-task overhead (empty tasks, per worker): "
             + "; ".join(f"{k} {v:.3f} ms" for k, v in overheads.items()), ""]
    output = "\n".join(text) + "\n"
    print("\n" + output)
    name = "parallel-N" + "-".join(str(n) for n in sorted({*sizes, *big}))
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"{name}.md").write_text(output, encoding="utf-8")
    (results_dir / f"{name}.json").write_text(json.dumps(
        {"rows": rows, "hugo": {str(k): v for k, v in hugo.items()},
         "overheads": overheads, "per_page": per_page}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
