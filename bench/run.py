"""Peer benchmark: sitegen beside Hugo, Pelican, MkDocs and Frozen-Flask.

``make bench`` runs it.  For each size N it builds the same blog (a home
page listing every post, one page per post at ``/posts/<slug>/``) from the
peers' generated corpus (``../shared/bench/corpus.py``) with sitegen
(``bench/peers/sitegen/``), then runs the shared peer harness
(``../shared/bench/run_peers.sh``) in the same invocation, and prints one
Markdown table per N with every tool's figures and their ratio to sitegen.

sitegen is measured as the harness measures the peers: the site and the
corpus are copied into ``$SGBENCH_ROOT/work/sitegen/``; each build is a
fresh ``sitegen build`` process under ``/usr/bin/time -v`` (wall time, peak
RSS, user+sys CPU); RUNS cold builds (output and ``.sitegen-cache``
deleted first), then RUNS warm builds, each after changing one post; every
build passes the harness's own checks (N post pages, a home page listing N
posts, a sample post with its title, a table, highlighted code, headings,
a blockquote and links).

A touch alone changes nothing sitegen reads (its parse cache is keyed by
content, and an unchanged output file is kept with its old mtime), so a
warm run appends a line to the post: sitegen parses that post again and
writes its page, as Pelican re-parses a touched post.

Tables go to ``$SGBENCH_ROOT/results/sitegen-N<N>.md`` (``$SGBENCH_ROOT``
defaults to ``sgbench`` in the system's temporary folder, as for the
harness).  Run it with the Python that has sitegen::

    python bench/run.py                          # N=1000, 3 runs, hugo,pelican,frozenflask
    python bench/run.py --sizes 250,1000,4000 --runs 5
    python bench/run.py --no-peers               # sitegen only
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pygments

import sitegen

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "bench" / "peers" / "sitegen"
TIME = Path("/usr/bin/time")
DEFAULT_PEERS = "hugo,pelican,frozenflask"
#: Deleted before each cold build: the output, sitegen's caches, app.py's bytecode.
CLEAN = ("build", ".sitegen-cache", "__pycache__")
#: Peers whose warm build gives a correct, complete site, like sitegen's.
FULL_WARM = {"pelican"}

NOTES = """\
- Same corpus, same URL layout, same two page shapes, and every build (cold and warm)
  passes the shared harness's checks.
- sitegen, Pelican and Frozen-Flask are single-threaded CPython with Python-Markdown
  (`fenced_code`, `tables`, `codehilite`) and Pygments: they differ in framework
  overhead. {pygments}
- Hugo is a compiled Go binary (Goldmark + Chroma) and may use both cores: compare its
  *cold CPU s* with its wall time.
- cold = output and every cache deleted first (sitegen: `build/` and `.sitegen-cache/`;
  sitegen and Pelican both write their cache during it); the OS page cache is warm and each
  run includes interpreter start-up and imports.
- warm means different things. sitegen: one post's body changed (a line appended); it
  parses that post, reads the others' parses from its cache, renders every page and writes
  the changed files. Pelican: one post touched; it re-parses that post, then renders and
  writes every page. Both give a complete, correct site, so their warm ratio is shown.
  MkDocs `--dirty` rebuilds only the touched page (an incomplete site; no ratio).
  Hugo and Frozen-Flask have no warm mode.
- ratios are the peer's median ÷ sitegen's: above 1 means sitegen was faster.
- MkDocs' default theme draws an O(N²) nav, so its figures measure the theme.
"""


def die(message: str) -> None:
    """Stop with a ``FAIL:`` line naming the script that runs (this one, or bench/engine.py)."""
    print(f"\nbench/{Path(sys.argv[0]).name}: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def load_harness(shared: Path) -> ModuleType:
    """The shared harness (``run_peers.py``), for its timing and checks."""
    spec = importlib.util.spec_from_file_location("run_peers", shared / "bench" / "run_peers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_gnu_time() -> None:
    """Install Debian's ``time`` package when ``/usr/bin/time`` is missing, as the harness."""
    if not os.access(TIME, os.X_OK):
        print("bench/run.py: /usr/bin/time missing; installing Debian's 'time' package",
              file=sys.stderr)
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "time"], check=True)


def sitegen_command() -> Path:
    """The ``sitegen`` script installed beside this Python."""
    script = Path(sys.executable).with_name("sitegen")
    if not os.access(script, os.X_OK):
        die(f"no sitegen command beside {sys.executable}: run this with the Python that "
            "has sitegen installed (`make bench`)")
    return script


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def make_corpus(corpus_py: Path, n: int, seed: int, corpus: Path) -> None:
    """Write the shared corpus of ``n`` posts into ``corpus`` (replacing what is there)."""
    shutil.rmtree(corpus, ignore_errors=True)
    subprocess.run([sys.executable, str(corpus_py), str(n), str(corpus), "--seed", str(seed)],
                   check=True)


def prime(work: Path) -> None:
    """Untimed: pull sitegen and its libraries into the OS page cache."""
    subprocess.run([sys.executable, "-c", "import sitegen.pipeline, sitegen.content, markdown, "
                    "pygments.lexers.python, pygments.formatters.html, yaml"],
                   cwd=work, check=True)


def prepare(corpus: Path, work: Path) -> Path:
    """A fresh copy of the sitegen peer site with the corpus in ``content/posts``."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(SITE, work, ignore=shutil.ignore_patterns(*CLEAN))
    shutil.copytree(corpus, work / "content" / "posts")
    return work


def clean(work: Path) -> None:
    for name in CLEAN:
        shutil.rmtree(work / name, ignore_errors=True)


def edit_post(path: Path, run: int) -> None:
    """Change one post's body (a line appended), as an author saving it does."""
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(f"\nEdited before warm build {run}.\n")


def bench_sitegen(harness: ModuleType, n: int, runs: int, corpus: Path,
                  root: Path) -> dict[str, Any]:
    """Cold and warm ``sitegen build`` runs at size ``n``, in the harness's result shape."""
    script = sitegen_command()
    work = prepare(corpus, root / "work" / "sitegen")
    logdir = root / "logs" / f"sitegen-N{n}"
    shutil.rmtree(logdir, ignore_errors=True)
    logdir.mkdir(parents=True)
    command = [str(script), "build", ".", "--quiet"]
    out = work / "build"
    prime(work)
    print(f"== sitegen {sitegen.__version__}: N={n}, {runs} cold run(s)", file=sys.stderr)
    load_before = load_average()
    cold = []
    for i in range(1, runs + 1):
        clean(work)
        result = harness.timed(command, str(work), f"cold-{i}", str(logdir))
        result.update(harness.verify("sitegen", str(out), n, str(corpus)))
        cold.append(result)
        print(f"   cold {i}: {result['wall_s']:.2f} s, {result['max_rss_kib'] / 1024:.0f} MiB",
              file=sys.stderr, flush=True)
    out_files, out_bytes = harness.tree_size(str(out))
    warm = []
    for i in range(1, runs + 1):
        k = i + 1  # post-00002, post-00003, ... as the harness
        time.sleep(0.05)
        edited = time.time()
        edit_post(work / "content" / "posts" / f"post-{k:05d}.md", i)
        result = harness.timed(command, str(work), f"warm-{i}", str(logdir))
        result.update(harness.verify("sitegen", str(out), n, str(corpus), sample=k,
                                     newer_than=edited))
        warm.append(result)
        print(f"   warm {i} (edited post-{k:05d}): {result['wall_s']:.2f} s",
              file=sys.stderr, flush=True)
    walls = [r["wall_s"] for r in cold]
    median = statistics.median(walls)
    return dict(
        peer="sitegen", version=sitegen.__version__, n=n, runs=runs, cold=cold, warm=warm,
        cold_median_s=median, cold_min_s=min(walls), cold_max_s=max(walls),
        pages_per_s=n / median if median > 0 else None,
        peak_rss_mib=max(r["max_rss_kib"] for r in cold) / 1024,
        cold_cpu_median_s=statistics.median(r["user_s"] + r["sys_s"] for r in cold),
        warm_median_s=statistics.median(r["wall_s"] for r in warm),
        output_files=out_files, output_mib=out_bytes / 2**20,
        cold_command="sitegen build . --quiet", pygments=pygments.__version__,
        load_before=load_before, load_after=load_average(),
    )


def bench_peers(shared: Path, n: int, runs: int, seed: int, peers: str,
                root: Path) -> list[dict[str, Any]]:
    """Run the shared harness for ``peers`` at size ``n`` and read its raw results."""
    log = root / "logs" / f"run_peers-N{n}.out"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"== peers {peers}: N={n}, {runs} run(s) via run_peers.sh (output: {log})",
          file=sys.stderr, flush=True)
    results = root / "results"
    with open(log, "w") as fh:
        proc = subprocess.run(
            ["bash", str(shared / "bench" / "run_peers.sh"), str(n), str(runs),
             "--seed", str(seed), "--peers", peers, "--results", str(results)],
            stdout=fh,
        )
    if proc.returncode != 0:
        die(f"run_peers.sh exited with {proc.returncode} (see above and {log})")
    with open(results / f"peers-N{n}.json", encoding="utf-8") as fh:
        return json.load(fh)["results"]  # type: ignore[no-any-return]


def pygments_note(rows: list[dict[str, Any]]) -> str:
    """Which Pygments each Python tool ran (the peers pin theirs; sitegen uses its own)."""
    versions = [f"sitegen {rows[0]['pygments']}"]
    for r in rows[1:]:
        pins = r.get("versions", {}).get("pip", [])
        pinned = [p.split("==", 1)[1] for p in pins if p.lower().startswith("pygments==")]
        if pinned:
            versions.append(f"{r['peer']} {pinned[0]}")
    return "Pygments: " + ", ".join(versions) + "."


def table(harness: ModuleType, rows: list[dict[str, Any]]) -> str:
    """The Markdown table: sitegen first, then the peers, with ratios to sitegen."""
    fmt = harness.fmt
    base = rows[0]
    lines = [
        "| tool | version | cold median s | min | max | pages/s | warm median s | "
        "peak RSS MiB | cold CPU s | cold ÷ sitegen | warm ÷ sitegen |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cold_ratio = r["cold_median_s"] / base["cold_median_s"]
        warm_ratio = None
        if r is base or (r["peer"] in FULL_WARM and r["warm_median_s"] is not None):
            warm_ratio = r["warm_median_s"] / base["warm_median_s"]
        warm = fmt(r["warm_median_s"])
        if r["peer"] == "mkdocs" and r["warm_median_s"] is not None:
            warm += " (dirty)"
        lines.append(
            f"| {r['peer']} | {r['version']} | {fmt(r['cold_median_s'])} | "
            f"{fmt(r['cold_min_s'])} | {fmt(r['cold_max_s'])} | {fmt(r['pages_per_s'], 0)} | "
            f"{warm} | {fmt(r['peak_rss_mib'], 0)} | {fmt(r['cold_cpu_median_s'])} | "
            f"{fmt(cold_ratio)} | {fmt(warm_ratio)} |"
        )
    return "\n".join(lines)


def report(harness: ModuleType, n: int, runs: int, seed: int, rows: list[dict[str, Any]],
           table_text: str, notes: str, started: dt.datetime, root: Path) -> Path:
    """Write the table, the notes and every run's figures to ``results/sitegen-N<n>.md``."""
    machine = harness.machine_info()
    sg = rows[0]
    lines = [
        f"# sitegen and peers, N={n}", "",
        f"- When: {started.strftime('%Y-%m-%d %H:%M UTC')}; {runs} cold + {runs} warm "
        f"run(s) per tool; corpus seed {seed}",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, "
        f"Linux {machine['kernel']}, Python {machine['python']}",
        f"- Load average (1, 5, 15 min): {sg['load_before']} before sitegen's runs, "
        f"{sg['load_after']} after them, {sg['load_end']} at the end",
        "", table_text, "", notes,
        "| tool | output files | output MiB | cold runs s | warm runs s |",
        "|---|---:|---:|---|---|",
    ]
    for r in rows:
        cold = ", ".join(f"{x['wall_s']:.2f}" for x in r["cold"])
        warm = ", ".join(f"{x['wall_s']:.2f}" for x in r["warm"]) or "n/a"
        lines.append(f"| {r['peer']} | {r['output_files']} | {r['output_mib']:.1f} | "
                     f"{cold} | {warm} |")
    lines += ["", f"Peers' details (commands, pip freeze): `peers-N{n}.md` beside this file."]
    path = root / "results" / f"sitegen-N{n}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000",
                        help="comma-separated numbers of posts (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="cold and warm builds each (3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--peers", default=DEFAULT_PEERS,
                        help=f"peers for the shared harness (default {DEFAULT_PEERS}; "
                             "mkdocs only when named: its default theme is O(N²))")
    parser.add_argument("--no-peers", action="store_true", help="measure sitegen only")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                        help="the shared folder holding bench/corpus.py and "
                             "bench/run_peers.sh (default: ../shared from the repository)")
    args = parser.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 2 or args.runs < 1:
        parser.error("need every size >= 2 and --runs >= 1")
    shared = args.shared.resolve()
    corpus_py = shared / "bench" / "corpus.py"
    if not corpus_py.is_file():
        die(f"the corpus generator {corpus_py} is missing: pass --shared DIR, the folder that "
            "holds bench/corpus.py and bench/run_peers.sh")

    root = Path(os.environ.get("SGBENCH_ROOT", Path(tempfile.gettempdir()) / "sgbench"))
    os.environ["SGBENCH_ROOT"] = str(root)  # the harness and run_peers.sh read it
    harness = load_harness(shared)
    ensure_gnu_time()

    outputs = []
    for n in sizes:
        started = dt.datetime.now(dt.timezone.utc)
        corpus = root / "corpus" / f"N{n}-seed{args.seed}"
        make_corpus(corpus_py, n, args.seed, corpus)
        rows = [bench_sitegen(harness, n, args.runs, corpus, root)]
        if not args.no_peers:
            rows += bench_peers(shared, n, args.runs, args.seed, args.peers, root)
        rows[0]["load_end"] = load_average()
        notes = NOTES.format(pygments=pygments_note(rows))
        text = table(harness, rows)
        path = report(harness, n, args.runs, args.seed, rows, text, notes, started, root)
        outputs.append((n, text, rows[0], path))
    for n, text, sg, path in outputs:
        print(f"\n## N={n}: {args.runs} cold + {args.runs} warm runs per tool\n")
        print(text)
        print(f"\nLoad average (1, 5, 15 min): {sg['load_before']} before sitegen's runs, "
              f"{sg['load_after']} after them, {sg['load_end']} at the end.")
        print(f"Written to {path}")
    print("\n" + notes, end="")


if __name__ == "__main__":
    main()
