"""Build-engine benchmark: cold, no-change and incremental ``sitegen build`` runs.

On the shared peer corpus (``../shared/bench/corpus.py``) and the peer site of
``bench/run.py`` (``bench/peers/sitegen/``: a home page listing every post,
one page per post at ``/posts/<slug>/``), each build is a fresh
``sitegen build`` process under ``/usr/bin/time -v`` (wall time, peak RSS,
user+sys CPU), with ``--report`` so the build says what it rendered and why.
For each size N, RUNS builds of each scenario, medians reported:

1. **cold**: ``build/``, ``.sitegen-cache/`` and ``__pycache__`` deleted first;
2. **no change**: nothing edited since the previous build;
3. **body edit**: a sentence appended to one post (a different one each run):
   only that post's page should render (the home page lists titles only);
4. **template edit**: a Jinja comment in ``templates/post.html`` changed: every
   post page renders (N URLs), the home page does not;
5. **title edit**: one post's title changed: that post and the home page render
   (the post template shows no neighbours).

After every build other than a cold one, an untimed ``sitegen build --clean``
of the same state into another folder must give a byte-identical tree, and
every build passes the shared harness's own checks.  Unless ``--no-hugo``,
Hugo's cold build on the same corpus runs in the same invocation through the
shared harness (``run_peers.sh N RUNS --peers hugo``), for the ratios
no-change ÷ Hugo cold and body edit ÷ Hugo cold.

``--big 10000,99999`` adds the memory and scale group: cold build and
no-change rebuild at each size (one run at N=99,999), with time per page
against N=1000's from the same invocation.  The shared corpus writes at most
99,999 posts (five-digit slugs), so N=99,999 stands for the 100,000 target.
The corpora are kept under ``$SGBENCH_ROOT/corpus/`` (N=99,999 is about
480 MiB of Markdown).

Tables go to ``$SGBENCH_ROOT/results/engine-N<sizes>.md`` and raw numbers to
the ``.json`` beside it.  Run it with the Python that has sitegen::

    python bench/engine.py --sizes 1000 --runs 5
    python bench/engine.py --big 10000,99999 --runs 1 --no-hugo
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import run  # bench/run.py: the peer benchmark's corpus, site, timing and checks

import sitegen

#: The baseline size of the scale group: time per page is compared with this N's.
BASE_N = 1000
#: The most posts the shared corpus writes (five-digit slugs): it stands for N=100,000.
CORPUS_MAX = 99_999
#: From this size on, the scale group makes one run per scenario (a cold build takes minutes).
ONE_RUN_N = CORPUS_MAX
#: Disk one post takes under $SGBENCH_ROOT (corpus, work copy, two outputs, caches), generously.
BYTES_PER_POST = 64 * 1024
#: The comment the work copy's post template carries; the template edit changes it.
COMMENT = "{{# bench/engine.py: template revision {} #}}"
TITLE_RE = re.compile(r"^title: (.+)$", re.M)

TARGETS = """\
Targets: no-change rebuild <= 0.15 x Hugo's cold build at N=1000; body edit <= 0.2 x Hugo cold;
the template edit renders only the post pages; peak RSS <= 300 MiB at N=10,000; at N=100,000
peak RSS <= 1 GiB and time per page within 1.3 x N=1000's."""

NOTES = """\
- Every build is a new `sitegen build . --quiet --report FILE` process under `/usr/bin/time -v`,
  started after a `sync` (so the untimed builds' pending writes are not in its time),
  so interpreter start-up, imports and writing the report count in every figure.
- sitegen's own modules run from their bytecode, as an installed sitegen's do
  (`PYTHONDONTWRITEBYTECODE` is cleared); the site's `__pycache__` goes with each cold build.
- cold = `build/`, `.sitegen-cache/` and `__pycache__` deleted first. The OS page cache is
  warm as far as it holds the files: on a VM whose page cache is kept small, files at
  N≈100,000 come from disk, and wall time runs ahead of CPU time. The other scenarios
  start from the state the previous build left.
- rendered / written come from the build's own `--report` (totals.rendered, totals.written;
  a rendered page whose bytes did not change is not written again).
- = --clean: after each non-cold build, an untimed `sitegen build --clean -o OTHER` of the
  same state (it reads no cache), compared file by file, byte by byte, with the incremental
  output.
- Hugo 0.168 is compiled Go and may use both cores; its cold build is the shared harness's
  (output and caches deleted first), run in the same invocation."""


def median(values: list[float]) -> float:
    return statistics.median(values)


def mib(kib: float) -> float:
    return kib / 1024


class EngineBench:
    """The scenarios at one size ``n``, on a work copy of the peer site."""

    def __init__(self, harness: ModuleType, n: int, corpus: Path, root: Path) -> None:
        self.harness = harness
        self.n = n
        self.corpus = corpus
        self.script = run.sitegen_command()
        self.work = root / "work" / "engine"
        self.other = root / "work" / "engine-clean"
        self.posts = self.work / "content" / "posts"
        self.template = self.work / "templates" / "post.html"
        self.logdir = root / "logs" / f"engine-N{n}"
        shutil.rmtree(self.logdir, ignore_errors=True)
        self.logdir.mkdir(parents=True)
        print(f"== sitegen {sitegen.__version__}: N={n}, copying the site and corpus into "
              f"{self.work}", file=sys.stderr, flush=True)
        run.prepare(corpus, self.work)
        self._template = self.template.read_text(encoding="utf-8")
        self._revision(0)
        run.prime(self.work)

    # -- one build --------------------------------------------------------

    def build(self, tag: str, sample: int = 1, newer_than: float | None = None,
              expected: set[str] | None = None) -> dict[str, Any]:
        """One timed ``sitegen build``, checked; what it rendered, from its report."""
        report_file = self.logdir / f"{tag}.report.json"
        command = [str(self.script), "build", ".", "--quiet", "--report", str(report_file)]
        os.sync()  # the untimed builds' pending writes are not this build's to pay for
        result = self.harness.timed(command, str(self.work), tag, str(self.logdir))
        result.update(self.harness.verify("sitegen", str(self.work / "build"), self.n,
                                          str(self.posts), sample=sample,
                                          newer_than=newer_than))
        report = json.loads(report_file.read_text(encoding="utf-8"))
        totals = report["totals"]
        rendered = {url: item.get("reason", "?") for url, item in report["urls"].items()
                    if item["action"] == "rendered"}
        result.update(
            {key: totals[key] for key in ("rendered", "reused", "written", "unchanged")},
            engine_s=totals["seconds"],
            reasons=dict(Counter(rendered.values()).most_common()),
            rendered_urls=sorted(rendered) if len(rendered) <= 20 else None,
        )
        if expected is not None:
            extra = sorted(set(rendered) - expected)
            missing = sorted(expected - set(rendered))
            result.update(as_expected=not extra and not missing,
                          unexpected={url: rendered[url] for url in extra[:20]},
                          n_unexpected=len(extra), not_rendered=missing[:20])
        return result

    def same_as_clean(self, tag: str) -> dict[str, Any]:
        """Untimed: a ``--clean`` build of the same state into another folder, which must
        give the very same files, byte for byte."""
        command = [str(self.script), "build", ".", "--quiet", "--clean", "-o", str(self.other)]
        ref = self.harness.timed(command, str(self.work), f"{tag}-clean", str(self.logdir))
        files, differences = compare_trees(self.work / "build", self.other)
        if differences:
            run.die(f"{tag}: the output differs from a --clean build of the same state "
                    f"({len(differences)} difference(s)): " + "; ".join(differences[:10]))
        return {"clean_s": ref["wall_s"], "files_compared": files}

    # -- scenarios --------------------------------------------------------

    def cold(self, runs: int) -> list[dict[str, Any]]:
        results = []
        for i in range(1, runs + 1):
            run.clean(self.work)
            result = self.build(f"cold-{i}", expected=self._urls())
            results.append(result)
            self._say("cold", i, result)
        return results

    def no_change(self, runs: int) -> list[dict[str, Any]]:
        results = []
        for i in range(1, runs + 1):
            result = self.build(f"no-change-{i}", expected=set())
            result.update(self.same_as_clean(f"no-change-{i}"))
            results.append(result)
            self._say("no change", i, result)
        return results

    def body_edit(self, runs: int) -> list[dict[str, Any]]:
        results = []
        for i in range(1, runs + 1):
            k = spread(self.n, runs, i)
            time.sleep(0.05)
            edited = time.time()
            run.edit_post(self.posts / f"post-{k:05d}.md", i)
            result = self.build(f"body-edit-{i}", sample=k, newer_than=edited,
                                expected={post_url(k)})
            result.update(self.same_as_clean(f"body-edit-{i}"), edited=f"post-{k:05d}.md")
            results.append(result)
            self._say("body edit", i, result)
        return results

    def template_edit(self, runs: int) -> list[dict[str, Any]]:
        results = []
        for i in range(1, runs + 1):
            self._revision(i)
            result = self.build(f"template-edit-{i}", expected=self._urls() - {"/"})
            result.update(self.same_as_clean(f"template-edit-{i}"),
                          edited="templates/post.html")
            results.append(result)
            self._say("template edit", i, result)
        return results

    def title_edit(self, runs: int) -> list[dict[str, Any]]:
        results = []
        for i in range(1, runs + 1):
            k = spread(self.n, runs, i) + 1
            path = self.posts / f"post-{k:05d}.md"
            text = path.read_text(encoding="utf-8")
            time.sleep(0.05)
            edited = time.time()
            path.write_text(TITLE_RE.sub(rf"title: \g<1> Edited {i}", text, 1),
                            encoding="utf-8", newline="\n")
            result = self.build(f"title-edit-{i}", sample=k, newer_than=edited,
                                expected={post_url(k), "/"})
            result.update(self.same_as_clean(f"title-edit-{i}"), edited=f"post-{k:05d}.md")
            results.append(result)
            self._say("title edit", i, result)
        return results

    # -- helpers ----------------------------------------------------------

    def _urls(self) -> set[str]:
        return {"/"} | {post_url(k) for k in range(1, self.n + 1)}

    def _revision(self, number: int) -> None:
        """The post template with its comment at revision ``number`` (output unchanged)."""
        first, _, rest = self._template.partition("\n")
        self.template.write_text(f"{first}\n{COMMENT.format(number)}\n{rest}",
                                 encoding="utf-8", newline="\n")

    @staticmethod
    def _say(what: str, i: int, r: dict[str, Any]) -> None:
        print(f"   {what} {i}: {r['wall_s']:.2f} s, {mib(r['max_rss_kib']):.0f} MiB, "
              f"{r['rendered']} rendered, {r['written']} written", file=sys.stderr, flush=True)


def source_state() -> str:
    """The commit sitegen runs from, and its edited files: others may edit sitegen/ meanwhile."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(run.REPO), *args], capture_output=True,
                              text=True).stdout.rstrip()

    edited = git("status", "--porcelain", "--", "sitegen").splitlines()
    return git("rev-parse", "--short", "HEAD") + (
        f" + {len(edited)} uncommitted change(s) in sitegen/: "
        + ", ".join(line[3:] for line in edited) if edited else ", sitegen/ clean")


def spread(n: int, runs: int, i: int) -> int:
    """The post edited by run ``i`` of ``runs``: spread over the corpus, never post N."""
    return max(1, min(n - 1, i * n // (runs + 1)))


def post_url(k: int) -> str:
    return f"/posts/post-{k:05d}/"


def compare_trees(a: Path, b: Path) -> tuple[int, list[str]]:
    """How many files ``a`` holds, and every way ``b`` differs from it (names, bytes)."""

    def files(top: Path) -> set[str]:
        found = set()
        for folder, _, names in os.walk(top):
            rel = os.path.relpath(folder, top)
            found.update(os.path.normpath(os.path.join(rel, name)) for name in names)
        return found

    left, right = files(a), files(b)
    differences = [f"only in {a}: {p}" for p in sorted(left - right)[:10]]
    differences += [f"only in {b}: {p}" for p in sorted(right - left)[:10]]
    for path in sorted(left & right):
        if (a / path).read_bytes() != (b / path).read_bytes():
            differences.append(f"{path} differs")
    return len(left), differences


def ensure_corpus(corpus_py: Path, n: int, seed: int, root: Path) -> Path:
    """The corpus of ``n`` posts, written once and kept (a stamp beside it says it is whole)."""
    corpus = root / "corpus" / f"N{n}-seed{seed}"
    stamp = corpus.with_name(corpus.name + ".complete")
    want = f"{n} {seed} {hashlib.sha256(corpus_py.read_bytes()).hexdigest()}\n"
    if stamp.is_file() and stamp.read_text() == want and corpus.is_dir() \
            and sum(1 for e in os.scandir(corpus) if e.name.endswith(".md")) == n:
        print(f"== corpus N={n}: kept from an earlier run ({corpus})", file=sys.stderr)
        return corpus
    stamp.unlink(missing_ok=True)
    run.make_corpus(corpus_py, n, seed, corpus)
    stamp.write_text(want)
    return corpus


def check_disk(root: Path, sizes: list[int]) -> dict[str, Any]:
    """Stop before a run that would fill the disk of ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    usage = shutil.disk_usage(root)
    need = max(sizes) * BYTES_PER_POST
    info = {"free_gib": round(usage.free / 2**30, 1), "total_gib": round(usage.total / 2**30, 1),
            "need_gib": round(need / 2**30, 1)}
    print(f"== disk under {root}: {info['free_gib']} GiB free of {info['total_gib']} GiB; "
          f"the largest size needs about {info['need_gib']} GiB", file=sys.stderr)
    if usage.free < need:
        run.die(f"{root} has {info['free_gib']} GiB free, N={max(sizes)} needs about "
                f"{info['need_gib']} GiB: free some, or set SGBENCH_ROOT elsewhere")
    return info


# -- summaries and tables ------------------------------------------------------


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in results]
    return {
        "runs": len(results), "median_s": median(walls), "min_s": min(walls),
        "max_s": max(walls),
        "cpu_median_s": median([r["user_s"] + r["sys_s"] for r in results]),
        "peak_rss_mib": max(mib(r["max_rss_kib"]) for r in results),
        "rendered": sorted({r["rendered"] for r in results}),
        "written": sorted({r["written"] for r in results}),
        "as_expected": all(r.get("as_expected", True) for r in results),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def counts(values: list[int]) -> str:
    return "–".join(str(v) for v in (values if len(values) <= 2 else [values[0], values[-1]]))


def scenario_table(harness: ModuleType, n: int, groups: dict[str, dict[str, Any]],
                   hugo: dict[str, Any] | None) -> str:
    fmt = harness.fmt
    hugo_cold = hugo["cold_median_s"] if hugo else None
    lines = [
        f"| N={n} | runs | median s | min | max | CPU s | peak RSS MiB | rendered | written | "
        "as expected | ÷ Hugo cold |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, s in groups.items():
        lines.append(
            f"| {name} | {s['runs']} | {fmt(s['median_s'])} | {fmt(s['min_s'])} | "
            f"{fmt(s['max_s'])} | {fmt(s['cpu_median_s'])} | {fmt(s['peak_rss_mib'], 0)} | "
            f"{counts(s['rendered'])} | {counts(s['written'])} | "
            f"{'yes' if s['as_expected'] else 'NO'} | {fmt(ratio(s['median_s'], hugo_cold))} |")
    if hugo:
        lines.append(
            f"| Hugo {hugo['version']} cold | {hugo['runs']} | {fmt(hugo['cold_median_s'])} | "
            f"{fmt(hugo['cold_min_s'])} | {fmt(hugo['cold_max_s'])} | "
            f"{fmt(hugo['cold_cpu_median_s'])} | {fmt(hugo['peak_rss_mib'], 0)} | {n + 1} | "
            f"{n + 1} | | 1.00 |")
    return "\n".join(lines)


def runs_table(n: int, scenarios: dict[str, list[dict[str, Any]]]) -> str:
    """Every incremental run: what was edited, what rendered and why, the --clean check."""
    lines = [f"| N={n} run | edited | wall s | rendered | written | rendered URLs: reason | "
             "= --clean |", "|---|---|---:|---:|---:|---|---|"]
    for name, results in scenarios.items():
        if name == "cold":
            continue
        for i, r in enumerate(results, 1):
            if r["rendered_urls"] is not None:
                why = "; ".join(f"`{u}`" for u in r["rendered_urls"]) or "none"
                why += "" if not r["reasons"] else \
                    " — " + "; ".join(f"{reason}" for reason in r["reasons"])
            else:
                why = "; ".join(f"{c} × {reason}" for reason, c in r["reasons"].items())
            if not r.get("as_expected", True):
                why += f" — UNEXPECTED: {r['n_unexpected']} extra {r['unexpected']}, " \
                       f"not rendered {r['not_rendered']}"
            lines.append(f"| {name} {i} | {r.get('edited', '–')} | {r['wall_s']:.2f} | "
                         f"{r['rendered']} | {r['written']} | {why} | "
                         f"identical ({r['files_compared']} files) |")
    return "\n".join(lines)


def scale_table(harness: ModuleType, rows: list[dict[str, Any]]) -> str:
    fmt = harness.fmt
    base = next((r for r in rows if r["n"] == BASE_N), None)
    lines = ["| N | runs | cold median s | ms per page | ÷ N=1000 per page | cold CPU s | "
             "CPU ms per page | ÷ N=1000 (CPU) | cold peak RSS MiB | no-change median s | "
             "no-change CPU s | no-change peak RSS MiB | = --clean |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]

    def per_page(r: dict[str, Any], key: str) -> float:
        return r["cold"][key] / r["n"] * 1000

    for r in rows:
        rel = ratio(per_page(r, "median_s"), per_page(base, "median_s")) if base else None
        rel_cpu = ratio(per_page(r, "cpu_median_s"), per_page(base, "cpu_median_s")) \
            if base else None
        lines.append(
            f"| {r['n']} | {r['cold']['runs']} | {fmt(r['cold']['median_s'])} | "
            f"{fmt(per_page(r, 'median_s'), 3)} | {fmt(rel)} | "
            f"{fmt(r['cold']['cpu_median_s'])} | {fmt(per_page(r, 'cpu_median_s'), 3)} | "
            f"{fmt(rel_cpu)} | {fmt(r['cold']['peak_rss_mib'], 0)} | "
            f"{fmt(r['no_change']['median_s'])} | {fmt(r['no_change']['cpu_median_s'])} | "
            f"{fmt(r['no_change']['peak_rss_mib'], 0)} | identical |")
    return "\n".join(lines)


def targets(sized: dict[int, dict[str, Any]], scale: list[dict[str, Any]],
            hugo: dict[str, Any] | None) -> list[tuple[str, str, str, str]]:
    """(target, measured, limit, met) for every target this invocation measured."""
    rows: list[tuple[str, str, str, str]] = []

    def met(ok: bool) -> str:
        return "yes" if ok else "NO"

    at_base = sized.get(BASE_N)
    if at_base and hugo:
        cold = hugo["cold_median_s"]
        for key, label, limit in (("no change", "no-change rebuild ÷ Hugo cold", 0.15),
                                  ("body edit", "one-post body edit ÷ Hugo cold", 0.2)):
            value = at_base["summary"][key]["median_s"] / cold
            rows.append((f"{label}, N={BASE_N}", f"{value:.3f}", f"<= {limit}",
                         met(value <= limit)))
    for n, data in sized.items():
        s = data["summary"]["template edit"]
        rows.append((f"template edit renders only the {n} post pages, N={n}",
                     f"rendered {counts(s['rendered'])}", "= N, home not rendered",
                     met(s["as_expected"])))
    by_n = {r["n"]: r for r in scale}
    base = by_n.get(BASE_N)
    if 10_000 in by_n:
        rss = max(by_n[10_000]["cold"]["peak_rss_mib"], by_n[10_000]["no_change"]["peak_rss_mib"])
        rows.append(("peak RSS, N=10000", f"{rss:.0f} MiB", "<= 300 MiB", met(rss <= 300)))
    if CORPUS_MAX in by_n:  # the corpus's largest size stands for N=100,000
        r = by_n[CORPUS_MAX]
        rss = max(r["cold"]["peak_rss_mib"], r["no_change"]["peak_rss_mib"])
        rows.append((f"peak RSS, N={CORPUS_MAX} (for 100,000)", f"{rss:.0f} MiB",
                     "<= 1024 MiB", met(rss <= 1024)))
        if base:
            rel = (r["cold"]["median_s"] / CORPUS_MAX) / (base["cold"]["median_s"] / BASE_N)
            rows.append((f"cold time per page, N={CORPUS_MAX} ÷ N={BASE_N}", f"{rel:.2f}",
                         "<= 1.3", met(rel <= 1.3)))
    return rows


def targets_table(rows: list[tuple[str, str, str, str]]) -> str:
    lines = ["| target | measured | limit | met |", "|---|---:|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


# -- the run -------------------------------------------------------------------


def bench_size(harness: ModuleType, n: int, runs: int, corpus: Path, root: Path,
               scenarios: tuple[str, ...]) -> dict[str, Any]:
    bench = EngineBench(harness, n, corpus, root)
    steps = {"cold": bench.cold, "no change": bench.no_change, "body edit": bench.body_edit,
             "template edit": bench.template_edit, "title edit": bench.title_edit}
    load_before = run.load_average()
    print(f"== N={n}: {runs} run(s) of {', '.join(scenarios)}; load {load_before}",
          file=sys.stderr, flush=True)
    results = {name: steps[name](runs) for name in scenarios}
    return {"n": n, "runs": runs, "load_before": load_before, "load_after": run.load_average(),
            "results": results, "summary": {k: summary(v) for k, v in results.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated numbers of posts for every scenario "
                                        "(default 1000; none when only --big is given)")
    parser.add_argument("--big", default="",
                        help="comma-separated sizes for the memory and scale group (cold and "
                             f"no-change builds), e.g. 10000,{CORPUS_MAX}")
    parser.add_argument("--runs", type=int, default=5, help="builds per scenario (5)")
    parser.add_argument("--base-runs", type=int, default=3,
                        help=f"cold and no-change builds at N={BASE_N} for the scale group's "
                             f"baseline when --sizes does not measure N={BASE_N} (3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo's cold build")
    parser.add_argument("--shared", type=Path, default=run.REPO.parent / "shared",
                        help="the shared folder holding bench/corpus.py and bench/run_peers.sh "
                             "(default: ../shared from the repository)")
    args = parser.parse_args()
    try:
        sizes = [int(s) for s in (args.sizes if args.sizes is not None else
                                  "" if args.big else str(BASE_N)).split(",") if s.strip()]
        big = [int(s) for s in args.big.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes and --big take numbers separated by commas")
    if min(sizes + big, default=2) < 2 or args.runs < 1 or args.base_runs < 1:
        parser.error("need every size >= 2 and --runs, --base-runs >= 1")
    if max(sizes + big, default=2) > CORPUS_MAX:
        parser.error(f"the shared corpus writes at most {CORPUS_MAX} posts (its slugs have five "
                     f"digits): use {CORPUS_MAX} for the N=100,000 figures")
    shared = args.shared.resolve()
    corpus_py = shared / "bench" / "corpus.py"
    if not corpus_py.is_file():
        run.die(f"the corpus generator {corpus_py} is missing: pass --shared DIR")
    root = Path(os.environ.get("SGBENCH_ROOT", Path(tempfile.gettempdir()) / "sgbench"))
    os.environ["SGBENCH_ROOT"] = str(root)  # the harness and run_peers.sh read it
    # An installed sitegen has its bytecode; a shell that forbids writing it would time
    # compiling sitegen's own modules on every build instead.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    harness = run.load_harness(shared)
    run.ensure_gnu_time()
    started = dt.datetime.now(dt.timezone.utc)
    disk = check_disk(root, sizes + big + ([BASE_N] if big else []))
    load_start = run.load_average()
    source_start = source_state()

    sized: dict[int, dict[str, Any]] = {}
    hugo: dict[int, dict[str, Any]] = {}
    all_steps = ("cold", "no change", "body edit", "template edit", "title edit")
    for n in sizes:
        corpus = ensure_corpus(corpus_py, n, args.seed, root)
        sized[n] = bench_size(harness, n, args.runs, corpus, root, all_steps)
        if not args.no_hugo:
            hugo[n] = run.bench_peers(shared, n, args.runs, args.seed, "hugo", root)[0]
            sized[n]["load_after_hugo"] = run.load_average()

    scale: list[dict[str, Any]] = []
    if big:
        for n in sorted({BASE_N, *big}):
            if n in sized:
                data = sized[n]
            else:
                runs = args.base_runs if n == BASE_N else args.runs if n < ONE_RUN_N else 1
                corpus = ensure_corpus(corpus_py, n, args.seed, root)
                data = bench_size(harness, n, runs, corpus, root, ("cold", "no change"))
            scale.append({"n": n, "cold": data["summary"]["cold"],
                          "no_change": data["summary"]["no change"],
                          "load_before": data["load_before"], "load_after": data["load_after"],
                          "results": data["results"] if n not in sized else "see sizes"})

    load_end = run.load_average()
    source_end = source_state()
    text = [f"# sitegen build engine, {started.strftime('%Y-%m-%d %H:%M UTC')}", ""]
    machine = harness.machine_info()
    text += [f"- sitegen {sitegen.__version__}; corpus seed {args.seed}; machine: "
             f"{machine['cpu']}, {machine['cores']} cores, {machine['memory']}, Python "
             f"{machine['python']}; disk free {disk['free_gib']} GiB",
             f"- Load average (1, 5, 15 min): {load_start} at the start, {load_end} at the end",
             f"- sitegen source: {source_start} at the start; {source_end} at the end",
             ""]
    for n, data in sized.items():
        h = hugo.get(n)
        text += [f"## N={n}: {data['runs']} run(s) per scenario", "",
                 f"Load average: {data['load_before']} before sitegen's runs, "
                 f"{data['load_after']} after them"
                 + (f", {data['load_after_hugo']} after Hugo's" if h else "") + ".", "",
                 scenario_table(harness, n, data["summary"], h), "",
                 runs_table(n, data["results"]), ""]
    if scale:
        one = [str(r["n"]) for r in scale if r["n"] >= ONE_RUN_N]
        text += ["## Memory and scale: cold and no-change builds", "",
                 "Load average: " + "; ".join(f"N={r['n']}: {r['load_before']} before, "
                                              f"{r['load_after']} after" for r in scale) + ".",
                 ""]
        if one:
            text += [f"One run of each at N={', '.join(one)} (a cold build there takes "
                     "minutes): single figures, not medians.", ""]
        text += [scale_table(harness, scale), ""]
    goals = targets(sized, scale, hugo.get(BASE_N))
    text += ["## Targets", "", targets_table(goals), "", TARGETS, "", NOTES]
    output = "\n".join(text) + "\n"
    print("\n" + output)

    name = "engine-N" + "-".join(str(n) for n in sorted({*sizes, *([BASE_N, *big] if big else [])}))
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{name}.md").write_text(output, encoding="utf-8")
    raw = {"started": started.isoformat(), "sitegen": sitegen.__version__, "seed": args.seed,
           "runs": args.runs, "machine": machine, "disk": disk, "load_start": load_start,
           "load_end": load_end, "source": [source_start, source_end],
           "sizes": {str(n): d for n, d in sized.items()},
           "hugo": {str(n): h for n, h in hugo.items()}, "scale": scale,
           "targets": [dict(zip(("target", "measured", "limit", "met"), t, strict=True))
                       for t in goals]}
    (results / f"{name}.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    print(f"Written to {results / name}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
