"""Benchmark of ``sitegen serve``: save → reload-event latency, first response.

For each size (1,000 and 4,000 posts by default) it writes a blog of that
many Markdown posts (``../shared/bench/corpus.py``, the peers' corpus) with
the peers' layout (home page listing every post, one page per post), then
starts ``sitegen serve`` on it in a child process, as a user would, and:

* times the *first response* from launch: the post page first (the server
  does not build the site before serving; the first request loads the
  collection), then the home page (every post's front matter);
* opens a post as a browser does (GET, then an event stream with the
  page's version) and, ``--edits`` times, saves the post's Markdown and
  times save → ``reload`` event; then the same for the post template.
  Between edits it fetches the page again and reopens its stream, as a
  reloading tab does, and waits ``--gap`` seconds so saves do not merge.

Latency includes the watcher's debounce (30 ms).  Prints p50 and p95 per
case, and ``--json FILE`` writes every sample.  Run it with the Python
that has sitegen::

    python bench/serve_latency.py                   # N=1000 and 4000
    python bench/serve_latency.py --sizes 200 --edits 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "bench" / "corpus.py"
URL = re.compile(r"^Serving .+ at http://([\d.]+):(\d+)/")
VERSION = re.compile(rb'data-version="([0-9a-f]+)"')

APP = '''
from sitegen import Site, render_template

site = Site(__name__)
posts = site.pages("content/posts", endpoint="post")


@site.route("/")
def index():
    return render_template("index.html", posts=posts)


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("post.html", post=posts.get_or_404(slug))
'''

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}Bench{% endblock %}</title></head>
<body>
<nav><a href="{{ url_for('index') }}">Home</a></nav>
{% block main %}{% endblock %}
<footer>sitegen bench</footer>
</body>
</html>
""",
    "index.html": """{% extends "base.html" %}
{% block main %}
<ul class="post-list">
{% for post in posts %}<li><a href="{{ post.url }}">{{ post.title }}</a> {{ post.date }}</li>
{% endfor %}</ul>
{% endblock %}
""",
    "post.html": """{% extends "base.html" %}
{% block title %}{{ post.title }}{% endblock %}
{% block main %}
<article>
<h1>{{ post.title }}</h1>
<p class="meta">{{ post.date }} · {{ post.tags | join(", ") }}</p>
{{ post.html }}
</article>
{% endblock %}
""",
}


def make_site(folder: Path, pages: int, corpus: Path) -> Path:
    site = folder / f"site-{pages}"
    (site / "templates").mkdir(parents=True)
    (site / "app.py").write_text(APP)
    for name, text in TEMPLATES.items():
        (site / "templates" / name).write_text(text)
    subprocess.run([sys.executable, str(corpus), str(pages), str(site / "content" / "posts")],
                   check=True, capture_output=True)
    return site


class Server:
    """``sitegen serve SITE --port 0`` in a child process."""

    def __init__(self, site: Path) -> None:
        self.launched = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sitegen.cli", "serve", str(site), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        while True:
            line = self.lines.get(timeout=120)
            match = URL.match(line)
            if match:
                self.host, self.port = match[1], int(match[2])
                break

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def get(self, path: str) -> bytes:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}: {body[:500]!r}")
            return body
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


class Page:
    """An open page: its version, and its event stream."""

    def __init__(self, server: Server, path: str) -> None:
        self.server, self.path = server, path
        self.conn: http.client.HTTPConnection | None = None
        self.open()

    def open(self) -> None:
        if self.conn is not None:
            self.conn.close()
        match = VERSION.search(self.server.get(self.path))
        assert match, "no reload script in the page"
        self.conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        self.conn.request("GET", f"/__sitegen/events?path={quote(self.path, safe='')}"
                                 f"&v={match[1].decode()}")
        self.response = self.conn.getresponse()
        assert self.wait() == "hello"

    def wait(self) -> str:
        """The name of the next event."""
        name = None
        while True:
            line = self.response.readline().decode()
            if not line:
                raise RuntimeError("the event stream ended")
            if line.startswith("event: "):
                name = line[7:].strip()
            elif line == "\n" and name:
                return name

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def edit_latency(page: Page, target: Path, edit, edits: int, gap: float) -> list[float]:
    samples = []
    original = target.read_text()
    for n in range(edits):
        time.sleep(gap)
        started = time.perf_counter()
        target.write_text(edit(original, n))
        event = page.wait()
        samples.append((time.perf_counter() - started) * 1000)
        if event != "reload":
            raise RuntimeError(f"expected a reload, got {event!r}")
        page.open()  # the tab reloads: a new version, a new stream
    target.write_text(original)
    page.wait()
    page.open()
    return samples


def measure(site: Path, edits: int, gap: float) -> dict[str, object]:
    server = Server(site)
    try:
        post_path = "/posts/post-00001/"
        server.get(post_path)
        first_post = time.perf_counter() - server.launched
        started = time.perf_counter()
        server.get("/")
        first_index = time.perf_counter() - started
        page = Page(server, post_path)
        markdown = site / "content" / "posts" / "post-00001.md"
        post_edit = edit_latency(
            page, markdown, lambda text, n: text + f"\nEdit number {n} of the post.\n",
            edits, gap)
        template = site / "templates" / "post.html"
        template_edit = edit_latency(
            page, template, lambda text, n: text.replace("<article>", f"<article data-n={n}>"),
            edits, gap)
        page.close()
    finally:
        server.stop()
    return {"first_post_s": first_post, "first_index_s": first_index,
            "post_edit_ms": post_edit, "template_edit_ms": template_edit}


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return statistics.median(samples), cuts[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000])
    parser.add_argument("--edits", type=int, default=30, help="saves per case (default 30)")
    parser.add_argument("--gap", type=float, default=0.15,
                        help="seconds between saves (default 0.15)")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="the corpus generator (default ../shared/bench/corpus.py)")
    parser.add_argument("--json", type=Path, help="write every sample to this file")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sitegen-serve-bench-"))
    results = {}
    try:
        for pages in args.sizes:
            site = make_site(folder, pages, args.corpus)
            results[pages] = measure(site, args.edits, args.gap)
    finally:
        if args.keep:
            print(f"sites kept in {folder}")
        else:
            shutil.rmtree(folder)

    print(f"sitegen serve, {args.edits} saves per case (ms from save to reload event)")
    print(f"{'posts':>6}  {'first post':>10}  {'then home':>9}  "
          f"{'post edit p50/p95':>18}  {'template edit p50/p95':>22}")
    for pages, r in results.items():
        post = percentiles(r["post_edit_ms"])  # type: ignore[arg-type]
        template = percentiles(r["template_edit_ms"])  # type: ignore[arg-type]
        print(f"{pages:>6}  {r['first_post_s']:>9.2f}s  {r['first_index_s']:>8.2f}s  "
              f"{post[0]:>8.1f} / {post[1]:>6.1f}  {template[0]:>11.1f} / {template[1]:>7.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
