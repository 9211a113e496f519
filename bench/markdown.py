"""Markdown engine benchmark: parse time per post, and cold builds with each engine.

On the shared peer corpus (``../shared/bench/corpus.py``, N=1000 by default):

1. **parse**, in this process, best of RUNS passes over every post body (front
   matter cut off): each compiled candidate as it comes (``pyromark`` =
   pulldown-cmark, ``cmarkgfm`` = GitHub's cmark-gfm, ``markdown-it-pyrs`` =
   markdown-it.rs; each with its GFM extensions on, HTML out), then sitegen's
   own parsers giving the whole :class:`Parsed` (HTML with references,
   headings, toc, summary, text): ``"commonmark"`` and ``"markdown"``
   (Python-Markdown, the peer site's ``fenced_code``, ``tables``).  Code
   highlighting is excluded (the target is about parsing): sitegen's
   ``"commonmark"`` runs with a highlighter that only escapes, Python-Markdown
   without ``codehilite``.  A second table gives the same parsers with
   Pygments, uncached, for scale.
2. **cold build**: RUNS cold ``sitegen build`` processes of the peer site
   (``bench/peers/sitegen/``) under ``/usr/bin/time -v`` with each engine,
   every output passing the shared harness's checks: with ``--jobs 1`` and
   ``--jobs 2`` where sitegen has ``--jobs`` (else one default build); and Hugo's
   cold build from the same invocation through the shared harness, if
   ``run_peers.sh`` has installed Hugo under ``$SGBENCH_ROOT`` (else skipped,
   and the table says so).

A candidate that is not installed is listed as such.  Tables go to stdout and
``$SGBENCH_ROOT/results/markdown-N<N>.md``::

    python bench/markdown.py                 # N=1000, 3 runs
    python bench/markdown.py --runs 1 --no-hugo
"""

from __future__ import annotations

import argparse
import html
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import engine  # bench/engine.py: the corpus cache, timing helpers
import run  # bench/run.py: the peer site, corpus copy, checks

# This file has the name of the library it measures: with bench's own modules in,
# its folder leaves sys.path, so that ``import markdown`` finds Python-Markdown.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from sitegen.content.highlighting import Highlighter  # noqa: E402
from sitegen.content.markup import MarkdownRenderer, renderer_for  # noqa: E402

BASE_N = 1000
PEER_EXTENSIONS = ["fenced_code", "tables"]  # the peer site's set, without codehilite
TARGET_MS = 0.1


class EscapingHighlighter(Highlighter):
    """Writes code blocks escaped, unhighlighted: parse time without Pygments."""

    def highlight(self, code: str, language: str, lines: tuple[int, ...] = ()) -> str:
        return f"<pre><code>{html.escape(code)}</code></pre>\n"


def candidates() -> dict[str, Callable[[], Callable[[str], Any] | None]]:
    """Each compiled parser's fastest GFM-to-HTML call; ``None`` if not installed."""

    def pyromark() -> Callable[[str], Any] | None:
        module = optional("pyromark")
        if module is None:
            return None
        o = module.Options
        md = module.Markdown(options=o.ENABLE_TABLES | o.ENABLE_FOOTNOTES | o.ENABLE_GFM
                             | o.ENABLE_STRIKETHROUGH | o.ENABLE_TASKLISTS)
        return md.html  # type: ignore[no-any-return]

    def pyromark_events() -> Callable[[str], Any] | None:
        module = optional("pyromark")
        if module is None:
            return None
        o = module.Options
        options = (o.ENABLE_TABLES | o.ENABLE_FOOTNOTES | o.ENABLE_GFM
                   | o.ENABLE_STRIKETHROUGH | o.ENABLE_TASKLISTS)
        return lambda body: tuple(module.events(body, options=options))

    def cmarkgfm() -> Callable[[str], Any] | None:
        module = optional("cmarkgfm")
        if module is None:
            return None
        unsafe = module.Options.CMARK_OPT_UNSAFE
        return lambda body: module.github_flavored_markdown_to_html(body, options=unsafe)

    def markdown_it_pyrs() -> Callable[[str], Any] | None:
        module = optional("markdown_it_pyrs")
        if module is None:
            return None
        md = module.MarkdownIt("commonmark").enable_many(
            ["table", "strikethrough", "footnote", "tasklist"])
        return md.render  # type: ignore[no-any-return]

    return {
        "pyromark (pulldown-cmark), HTML": pyromark,
        "pyromark (pulldown-cmark), every event": pyromark_events,
        "cmarkgfm (cmark-gfm), HTML": cmarkgfm,
        "markdown-it-pyrs (markdown-it.rs), HTML": markdown_it_pyrs,
    }


def optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def bodies(corpus: Path) -> list[str]:
    """Every post's Markdown without its front matter, in file order."""
    found = []
    for path in sorted(corpus.glob("*.md")):
        source = path.read_text(encoding="utf-8")
        found.append(source.split("---\n", 2)[2] if source.startswith("---\n") else source)
    return found


def per_post_ms(parse: Callable[[str], Any], posts: list[str], runs: int) -> float:
    """The best of ``runs`` passes over ``posts``, in milliseconds per post."""
    parse(posts[0])
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for body in posts:
            parse(body)
        best = min(best, time.perf_counter() - started)
    return best / len(posts) * 1000


def sitegen_parsers(highlighting: bool) -> dict[str, Callable[[str], Any] | None]:
    """sitegen's parse (a whole ``Parsed``) on each engine, with or without Pygments."""

    def commonmark() -> Callable[[str], Any] | None:
        if optional("pyromark") is None:
            return None
        renderer = renderer_for({"MARKDOWN_ENGINE": "commonmark"})
        if not highlighting:
            renderer.highlighter = EscapingHighlighter()
        return renderer.parse

    def markdown() -> Callable[[str], Any] | None:
        extensions = [*PEER_EXTENSIONS, "codehilite"] if highlighting else PEER_EXTENSIONS
        configs = {"codehilite": {"css_class": "highlight", "guess_lang": False}}
        return MarkdownRenderer(extensions, configs).parse

    return {'sitegen "commonmark" → Parsed': lambda: commonmark(),
            'sitegen "markdown" (Python-Markdown) → Parsed': lambda: markdown()}


def parse_table(posts: list[str], runs: int) -> tuple[str, dict[str, float | None]]:
    rows = ["| parser | version | ms/post | ≤ 0.1 ms |", "|---|---|---:|:---:|"]
    figures: dict[str, float | None] = {}
    makers = {**candidates(), **sitegen_parsers(highlighting=False)}
    for label, make in makers.items():
        parse = make()
        distribution = label.split(" ", 1)[0]
        shown = version("pyromark") if "commonmark" in label else \
            version("markdown") if "Python-Markdown" in label else version(distribution)
        if parse is None:
            figures[label] = None
            rows.append(f"| {label} | {shown} | – | – |")
            continue
        ms = figures[label] = per_post_ms(parse, posts, runs)
        rows.append(f"| {label} | {shown} | {ms:.4f} | {'yes' if ms <= TARGET_MS else 'no'} |")
        print(f"   parse {label}: {ms:.4f} ms/post", file=sys.stderr, flush=True)
    return "\n".join(rows), figures


def highlighted_table(posts: list[str], runs: int) -> str:
    rows = ["| parser, with Pygments (uncached) | ms/post |", "|---|---:|"]
    for label, make in sitegen_parsers(highlighting=True).items():
        parse = make()
        rows.append(f"| {label} | "
                    f"{'–' if parse is None else f'{per_post_ms(parse, posts, runs):.3f}'} |")
    return "\n".join(rows)


def jobs_options() -> list[int | None]:
    """``[1, 2]`` if ``sitegen build`` takes ``--jobs``, else ``[None]`` (its default)."""
    help_text = subprocess.run([str(run.sitegen_command()), "build", "--help"],
                               capture_output=True, text=True, check=True).stdout
    return [1, 2] if "--jobs" in help_text else [None]


def cold_builds(harness: Any, n: int, runs: int, corpus: Path, root: Path,
                engine_name: str, jobs: int | None) -> dict[str, Any]:
    """RUNS cold builds of the peer site with ``MARKDOWN_ENGINE = engine_name``."""
    work = run.prepare(corpus, root / "work" / f"markdown-{engine_name}")
    with open(work / "app.py", "a", encoding="utf-8") as app:
        app.write(f"\nsite.config['MARKDOWN_ENGINE'] = {engine_name!r}\n")
    logdir = root / "logs" / f"markdown-{engine_name}-N{n}"
    logdir.mkdir(parents=True, exist_ok=True)
    command = [str(run.sitegen_command()), "build", ".", "--quiet"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    run.prime(work)
    results = []
    for i in range(1, runs + 1):
        run.clean(work)
        result = harness.timed(command, str(work), f"cold-{i}", str(logdir))
        result.update(harness.verify("sitegen", str(work / "build"), n, str(corpus)))
        results.append(result)
        print(f"   cold {engine_name} --jobs {jobs} {i}: {result['wall_s']:.2f} s",
              file=sys.stderr, flush=True)
    walls = [r["wall_s"] for r in results]
    return {"engine": engine_name, "jobs": jobs, "runs": runs, "median_s": statistics.median(walls),
            "min_s": min(walls), "max_s": max(walls),
            "cpu_s": statistics.median(r["user_s"] + r["sys_s"] for r in results),
            "rss_mib": max(r["max_rss_kib"] for r in results) / 1024}


def build_table(rows: list[dict[str, Any]], hugo: dict[str, Any] | None,
                hugo_note: str) -> str:
    lines = ["| cold build | runs | median s | min s | max s | CPU s | peak RSS MiB "
             "| ÷ Hugo |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    hugo_s = hugo["cold_median_s"] if hugo else None
    for r in rows:
        ratio = f"{r['median_s'] / hugo_s:.2f}" if hugo_s else "–"
        jobs = f", `--jobs {r['jobs']}`" if r["jobs"] is not None else ""
        lines.append(f"| sitegen, \"{r['engine']}\"{jobs} | {r['runs']} | {r['median_s']:.2f} | "
                     f"{r['min_s']:.2f} | {r['max_s']:.2f} | {r['cpu_s']:.2f} | "
                     f"{r['rss_mib']:.0f} | {ratio} |")
    if hugo:
        lines.append(f"| Hugo {hugo['version']} | {hugo['runs']} | {hugo['cold_median_s']:.2f} | "
                     f"{hugo['cold_min_s']:.2f} | {hugo['cold_max_s']:.2f} | "
                     f"{hugo['cold_cpu_median_s']:.2f} | {hugo['peak_rss_mib']:.0f} | 1.00 |")
    else:
        lines.append(f"| Hugo | – | – | – | – | – | – | {hugo_note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=BASE_N, help=f"posts in the corpus ({BASE_N})")
    parser.add_argument("--runs", type=int, default=3, help="passes and builds of each (3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo's cold build")
    parser.add_argument("--no-builds", action="store_true", help="parse timings only")
    parser.add_argument("--shared", type=Path, default=run.REPO.parent / "shared",
                        help="the shared folder holding bench/corpus.py and bench/run_peers.sh "
                             "(default: ../shared from the repository)")
    args = parser.parse_args()
    if args.n < 2 or args.runs < 1:
        parser.error("need -n >= 2 and --runs >= 1")
    shared = args.shared.resolve()
    corpus_py = shared / "bench" / "corpus.py"
    if not corpus_py.is_file():
        run.die(f"the corpus generator {corpus_py} is missing: pass --shared DIR")
    root = Path(os.environ.get("SGBENCH_ROOT", Path(tempfile.gettempdir()) / "sgbench"))
    os.environ["SGBENCH_ROOT"] = str(root)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    corpus = engine.ensure_corpus(corpus_py, args.n, args.seed, root)
    load_start = run.load_average()

    posts = bodies(corpus)
    print(f"== parse: {len(posts)} posts, best of {args.runs}", file=sys.stderr, flush=True)
    parsing, _ = parse_table(posts, args.runs)
    highlighted = highlighted_table(posts, args.runs)
    sections = [f"## Markdown engines, N={args.n} (load {load_start} at start)", "",
                "Parse, excluding highlighting (in-process, best of "
                f"{args.runs} passes over every post):", "", parsing, "", highlighted]

    if not args.no_builds:
        harness = run.load_harness(shared)
        run.ensure_gnu_time()
        engines = ["markdown"] + (["commonmark"] if optional("pyromark") is not None else [])
        builds = [cold_builds(harness, args.n, args.runs, corpus, root, name, jobs)
                  for name in engines for jobs in jobs_options()]
        hugo = None
        hugo_installed = (root / "venvs" / "hugo" / "bin" / "hugo").exists()
        note = "skipped (--no-hugo)" if args.no_hugo else \
            "not installed by run_peers.sh: skipped"
        if not args.no_hugo and hugo_installed:
            hugo = run.bench_peers(shared, args.n, args.runs, args.seed, "hugo", root)[0]
        sections += ["", "Cold builds of the peer site:", "", build_table(builds, hugo, note)]
    sections += ["", f"Load average at the end: {run.load_average()}."]
    text = "\n".join(sections) + "\n"
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"markdown-N{args.n}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
