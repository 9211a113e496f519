"""SIGKILL at random moments of a real 3,000-page build leaves the previous tree or the
new one, whole, and the next build succeeds."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SITEGEN = Path(sys.executable).parent / "sitegen"
PAGES = 3000
APP = f'''
import os

from sitegen import Site

site = Site(__name__)
EDITION = open(os.path.join(os.path.dirname(__file__), "edition.txt")).read().strip()


@site.route("/")
def index():
    return "".join(f'<a href="/p/{{n}}/">{{n}}</a>' for n in range({PAGES}))


@site.route("/p/<int:n>/")
def page(n):
    return f"<h1>Page {{n}}</h1><p>{{EDITION}}</p>"
'''


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(site: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(SITEGEN), "build", str(site), "-o", str(out), "-q",
                             "--jobs", "1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> tuple[Path, dict[str, dict[str, bytes]], float]:
    """The site, the trees of its two editions (built once each), and how long a build
    from the first edition to the second takes."""
    root = tmp_path_factory.mktemp("kills")
    site = root / "site"
    site.mkdir()
    (site / "app.py").write_text(APP)
    trees = {}
    for edition in ("second", "first"):
        (site / "edition.txt").write_text(edition)
        out = root / edition
        assert build(site, out).wait(timeout=300) == 0
        trees[edition] = tree(out)
    started = time.monotonic()
    (site / "edition.txt").write_text("second")
    assert build(site, root / "first").wait(timeout=300) == 0
    return site, trees, time.monotonic() - started


@pytest.mark.parametrize("seed", range(3))
def test_a_sigkill_at_a_random_moment_leaves_a_whole_tree(editions, tmp_path, seed):
    site, trees, seconds = editions
    out = tmp_path / "out"
    (site / "edition.txt").write_text("first")
    assert build(site, out).wait(timeout=300) == 0
    (site / "edition.txt").write_text("second")

    process = build(site, out)
    time.sleep(random.Random(seed).uniform(0.05, seconds * 1.1))
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)

    assert tree(out) in (trees["first"], trees["second"])
    assert build(site, out).wait(timeout=300) == 0
    assert tree(out) == trees["second"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
