"""Benchmark: one unmodified Flask app frozen by sitegen and by Frozen-Flask 1.0.2.

The app (written to a temporary folder) has ``--pages`` product pages behind one
rule with an argument, each rendered from a Jinja template that extends a layout
and links its neighbours and the index with ``url_for``, plus a static
stylesheet.  Each tool builds it into a fresh folder, in its own process, ``--runs``
times, the two tools taking turns (each going first every other time); the file
system's pending writes are flushed (``sync``) before each build, so no build pays
for the one before it:

- sitegen: ``sitegen build --app app:create_app() --jobs 2``, with this Python;
- Frozen-Flask: ``Freezer(app).freeze()`` in a separate virtual environment that
  holds Flask and Frozen-Flask 1.0.2 only, created under the temporary folder
  (``--frozen-flask-python`` to use one you have).

The target is sitegen's time at most half of Frozen-Flask's, medians of one
invocation.  Writing 2,000 folders dominates both tools' system time, and on a
virtual disk it varies from run to run by a factor of two or more: hence the
turns, the medians and the CPU figures beside the wall times.  Both outputs are
compared, so the figures are for the same files::

    python bench/flask.py                 # 2,000 pages, 7 runs each
    python bench/flask.py --pages 500 --runs 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

APP = textwrap.dedent('''
    from flask import Flask, render_template

    PAGES = {pages}


    def create_app():
        app = Flask(__name__)

        @app.route("/")
        def index():
            return render_template("index.html", count=PAGES)

        @app.route("/product/<int:number>/")
        def product(number):
            return render_template("product.html", number=number, count=PAGES)

        def products():
            for number in range(PAGES):
                yield "product", {{"number": number}}

        app.extensions["bench.products"] = products
        try:
            from sitegen.flask import generator
        except ImportError:
            pass
        else:
            generator(app, "product")(products)
        return app
''')
LAYOUT = """<!doctype html><html><head><title>{% block title %}{% endblock %}</title>
<link rel="stylesheet" href="{{ url_for('static', filename='site.css') }}"></head>
<body><nav><a href="{{ url_for('index') }}">Home</a></nav>{% block body %}{% endblock %}
</body></html>
"""
INDEX = """{% extends "layout.html" %}{% block title %}Products{% endblock %}
{% block body %}<p>{{ count }} products, starting at
<a href="{{ url_for('product', number=0) }}">the first</a>.</p>{% endblock %}
"""
PRODUCT = """{% extends "layout.html" %}{% block title %}Product {{ number }}{% endblock %}
{% block body %}<h1>Product {{ number }}</h1>
<p>{% for n in range(20) %}A sentence about product {{ number }}, number {{ n }}. {% endfor %}</p>
{% if number > 0 %}<a href="{{ url_for('product', number=number - 1) }}">previous</a>{% endif %}
{% if number + 1 < count %}<a href="{{ url_for('product', number=number + 1) }}">next</a>
{% endif %}{% endblock %}
"""
FREEZE = textwrap.dedent('''
    import sys, time
    started = time.perf_counter()
    sys.path.insert(0, sys.argv[1])
    from flask_frozen import Freezer
    from app import create_app
    app = create_app()
    app.config["FREEZER_DESTINATION"] = sys.argv[2]
    freezer = Freezer(app)
    freezer.register_generator(app.extensions["bench.products"])
    freezer.freeze()
    print(time.perf_counter() - started)
''')


def make_app(folder: Path, pages: int) -> Path:
    site = folder / "app"
    (site / "templates").mkdir(parents=True)
    (site / "static").mkdir()
    (site / "app.py").write_text(APP.format(pages=pages))
    (site / "templates/layout.html").write_text(LAYOUT)
    (site / "templates/index.html").write_text(INDEX)
    (site / "templates/product.html").write_text(PRODUCT)
    (site / "static/site.css").write_text("body { font-family: sans-serif; }\n")
    return site


def frozen_flask_python(folder: Path) -> str:
    """A virtual environment with Flask and Frozen-Flask 1.0.2, and nothing of sitegen."""
    venv = folder / "frozen-flask-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin/python")
    subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "flask>=3.0", "frozen-flask==1.0.2"], check=True)
    return python


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system, its child processes included) seconds of ``command``."""
    os.sync()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def sitegen_command(site: Path, out: Path, jobs: int) -> list[str]:
    return [str(Path(sys.executable).parent / "sitegen"), "build", str(site),
            "--app", "app:create_app()", "-o", str(out), "-q", "--jobs", str(jobs)]


def frozen_flask_command(python: str, site: Path, out: Path) -> list[str]:
    return [python, "-c", FREEZE, str(site), str(out)]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frozen-flask-python", metavar="PYTHON",
                        help="a Python with Flask and Frozen-Flask 1.0.2 (default: a new venv)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-flask-") as temp:
        folder = Path(temp)
        site = make_app(folder, args.pages)
        python = args.frozen_flask_python or frozen_flask_python(folder)
        theirs: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        for run in range(args.runs):  # who goes first alternates too
            turn = [(theirs, frozen_flask_command(python, site, folder / f"frozen{run}")),
                    (ours, sitegen_command(site, folder / f"sitegen{run}", args.jobs))]
            for times, command in turn[::-1] if run % 2 else turn:
                times.append(timed(command))
        same = all(tree(folder / f"sitegen{run}") == tree(folder / f"frozen{run}")
                   for run in range(args.runs))
    their_wall = statistics.median(wall for wall, _ in theirs)
    our_wall = statistics.median(wall for wall, _ in ours)
    print(f"{args.pages} pages, {args.runs} runs each, turn about; medians "
          "(process start included)")
    print("| tool | wall s | CPU s | runs (wall s) |")
    print("|---|---:|---:|---|")
    for name, runs in (("Frozen-Flask 1.0.2", theirs),
                       (f"sitegen build --jobs {args.jobs}", ours)):
        print(f"| {name} | {statistics.median(w for w, _ in runs):.2f} | "
              f"{statistics.median(c for _, c in runs):.2f} | "
              f"{', '.join(f'{w:.2f}' for w, _ in runs)} |")
    print(f"sitegen ÷ Frozen-Flask (wall medians): {our_wall / their_wall:.2f}× (target ≤ 0.5×)")
    print(f"same files, same bytes: {'yes' if same else 'NO'}")

if __name__ == "__main__":
    main()
