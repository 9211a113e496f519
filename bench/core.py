"""Benchmark of the core pipeline: overhead per URL, and link discovery.

Two questions, each answered on generated sites in a temporary folder:

1. *Overhead per URL.*  N pages of a one-line template through the whole
   ``build()`` (discover, render through the test client, scan links, plan,
   write): the total divided by N.  With ``--frozen-flask PYTHON`` the same
   site, written as a Flask app, is frozen by Frozen-Flask for comparison.
2. *Discovery.*  N pages that each link every other page (N² links), once
   with hard-coded ``<a href>`` and once through ``url_for``, against N
   unlinked pages of the same markup (the links turned into ``data-``
   attributes) and against N one-line pages.  Discovery should cost per
   link, not per pair of pages: all-linked within 2× of unlinked.

Each figure is the median of ``--runs`` builds into a fresh output folder,
each with a freshly loaded site.  ``--profile`` adds the top functions of
one profiled build per scenario.  Run it with the Python that has sitegen::

    python bench/core.py                      # N=2000, 5 runs
    python bench/core.py --pages 500 --runs 3 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from sitegen.loading import load_site
from sitegen.pipeline import build

APP = '''
from sitegen import Site, render_template

site = Site(__name__)


@site.route("/p/<int:n>/")
def page(n):
    return render_template("page.html", n=n, total={pages})


@site.generator
def page():  # noqa: F811
    for n in range({pages}):
        yield {{"n": n}}
'''

TEMPLATES = {
    "trivial": "<p>Page {{ n }}</p>\n",
    "linked": (
        "<p>Page {{ n }}</p>\n"
        '{% for i in range(total) %}<a href="/p/{{ i }}/">{{ i }}</a>\n{% endfor %}'
    ),
    "linked-url_for": (
        "<p>Page {{ n }}</p>\n"
        "{% for i in range(total) %}<a href=\"{{ url_for('page', n=i) }}\">{{ i }}</a>\n"
        "{% endfor %}"
    ),
    "unlinked": (
        "<p>Page {{ n }}</p>\n"
        '{% for i in range(total) %}<a data-x="/p/{{ i }}/">{{ i }}</a>\n{% endfor %}'
    ),
}

FLASK_APP = '''
import json, shutil, statistics, sys, time
from pathlib import Path
from flask import Flask, render_template
from flask_frozen import Freezer

root, pages, runs = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
times = []
for run in range(runs):
    app = Flask(__name__, root_path=str(root), static_folder=None)
    app.config["FREEZER_DESTINATION"] = str(root / "out")

    @app.route("/p/<int:n>/")
    def page(n):
        return render_template("page.html", n=n, total=pages)

    freezer = Freezer(app)

    @freezer.register_generator
    def page():
        for n in range(pages):
            yield {"n": n}

    shutil.rmtree(root / "out", ignore_errors=True)
    started = time.perf_counter()
    freezer.freeze()
    times.append(time.perf_counter() - started)
print(json.dumps(times))
'''


def make_site(folder: Path, template: str, pages: int) -> Path:
    """A site of ``pages`` pages, all rendered from ``template``."""
    (folder / "templates").mkdir(parents=True)
    (folder / "app.py").write_text(textwrap.dedent(APP).format(pages=pages))
    (folder / "templates/page.html").write_text(template)
    return folder


def time_builds(site_dir: Path, runs: int) -> list[float]:
    """Seconds for each of ``runs`` builds of a freshly loaded site."""
    times = []
    out = site_dir.parent / f"{site_dir.name}-out"
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        site = load_site(site_dir)
        started = time.perf_counter()
        build(site, out)
        times.append(time.perf_counter() - started)
    shutil.rmtree(out, ignore_errors=True)
    return times


def profile_build(site_dir: Path, top: int) -> str:
    """The ``top`` functions by own time in one build, as pstats prints them."""
    out = site_dir.parent / f"{site_dir.name}-profile"
    site = load_site(site_dir)
    profiler = cProfile.Profile()
    profiler.enable()
    build(site, out)
    profiler.disable()
    shutil.rmtree(out, ignore_errors=True)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    return text.getvalue()


def time_frozen_flask(python: str, folder: Path, pages: int, runs: int) -> list[float]:
    """Seconds for each of ``runs`` Frozen-Flask freezes of the trivial site."""
    (folder / "templates").mkdir(parents=True)
    (folder / "templates/page.html").write_text(TEMPLATES["trivial"])
    (folder / "freeze.py").write_text(textwrap.dedent(FLASK_APP))
    proc = subprocess.run(
        [python, str(folder / "freeze.py"), str(folder), str(pages), str(runs)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def default_frozen_flask() -> str | None:
    root = Path(os.environ.get("SGBENCH_ROOT", Path(tempfile.gettempdir()) / "sgbench"))
    python = root / "venvs/frozenflask/bin/python"
    return str(python) if python.exists() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages per site (2000)")
    parser.add_argument("--runs", type=int, default=5, help="builds per figure (5)")
    parser.add_argument("--frozen-flask", metavar="PYTHON", default=default_frozen_flask(),
                        help="a Python with Frozen-Flask installed, for comparison "
                             "(default: $SGBENCH_ROOT/venvs/frozenflask/bin/python)")
    parser.add_argument("--profile", action="store_true",
                        help="print the top functions of one build per scenario")
    parser.add_argument("--only", nargs="*", choices=sorted(TEMPLATES),
                        help="run only these scenarios")
    parser.add_argument("--tmp", metavar="DIR", default=None,
                        help="where to write the sites and outputs (default: the system's "
                             "temporary folder; /dev/shm takes the disk out of the figures)")
    args = parser.parse_args()
    n, runs = args.pages, args.runs
    scenarios = args.only or list(TEMPLATES)

    medians: dict[str, float] = {}
    profiles: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-", dir=args.tmp) as tmp:
        for name in scenarios:
            site_dir = make_site(Path(tmp, name), TEMPLATES[name], n)
            times = time_builds(site_dir, runs)
            medians[name] = statistics.median(times)
            print(f"{name}: " + ", ".join(f"{t:.3f}" for t in times) + " s",
                  file=sys.stderr)
            if args.profile:
                profiles[name] = profile_build(site_dir, 25)
        if args.frozen_flask and "trivial" in scenarios:
            ff_times = time_frozen_flask(args.frozen_flask, Path(tmp, "frozen-flask"), n, runs)
            medians["frozen-flask"] = statistics.median(ff_times)
            print("frozen-flask: " + ", ".join(f"{t:.3f}" for t in ff_times) + " s",
                  file=sys.stderr)

    print(f"\nN = {n} pages, median of {runs} builds, Python {sys.version.split()[0]}, "
          f"files in {args.tmp or tempfile.gettempdir()}\n")
    print("| scenario | links per page | median s | ms per page |")
    print("|---|---:|---:|---:|")
    labels = {
        "trivial": ("sitegen: one-line template", 0),
        "frozen-flask": ("Frozen-Flask: one-line template", 0),
        "unlinked": ("sitegen: unlinked, same markup", 0),
        "linked": ("sitegen: all linked, hard-coded `<a href>`", n),
        "linked-url_for": ("sitegen: all linked, `url_for`", n),
    }
    for key, (label, links) in labels.items():
        if key in medians:
            print(f"| {label} | {links} | {medians[key]:.3f} | "
                  f"{1000 * medians[key] / n:.3f} |")
    print()
    if "trivial" in medians:
        print(f"- overhead per URL: {1000 * medians['trivial'] / n:.3f} ms (target ≤ 0.25)")
    if "frozen-flask" in medians and "trivial" in medians:
        print(f"- Frozen-Flask / sitegen: {medians['frozen-flask'] / medians['trivial']:.2f}×")
    for key in ("linked", "linked-url_for"):
        if key in medians and "unlinked" in medians:
            print(f"- {key} / unlinked: {medians[key] / medians['unlinked']:.2f}× "
                  "(target ≤ 2)")
        if key in medians and "trivial" in medians:
            print(f"- {key} / one-line pages: {medians[key] / medians['trivial']:.1f}×")
    for name, text in profiles.items():
        print(f"\n## Profile: {name}\n\n```\n{text.strip()}\n```")


if __name__ == "__main__":
    main()
