"""Rendering a URL is a pure function of (site, URL).

Whatever process renders it, whatever rendered before it, in whatever order,
with whatever hash seed, a URL renders to the bytes the serial build wrote.

Every URL is rendered alone in a process of its own, two hundred of them,
and each one imports this module for :func:`render_alone`: so pytest, a fifth
of a worker's start-up, is imported only inside the tests, and the builds
shared by several tests are kept in this module rather than in fixtures.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sitegen
from sitegen.errors import SitegenError
from sitegen.pipeline import BuildResult, SiteSpec
from sitegen.pipeline.builder import prepare
from sitegen.pipeline.render import Renderer

TESTS = Path(__file__).parent
EXAMPLE_SITE = TESTS.parent / "example_site"
SITE_FOLDERS = {"example_site": EXAMPLE_SITE,
                **{p.name: p for p in sorted((TESTS / "sites").iterdir()) if p.is_dir()}}
SITEGEN = Path(sys.executable).parent / "sitegen"
#: A fixed build time (2026-03-01), so that "future" posts are the same in every build.
BUILD_TIME = 1_772_323_200.0
ALIAS = "/wiki/packaging-notes/"
ALIAS_TARGET = "/wiki/python/packaging/"
IGNORED = shutil.ignore_patterns("build", ".sitegen-cache", "__pycache__")

if TYPE_CHECKING:
    import pytest


@dataclass
class SerialBuild:
    spec: SiteSpec
    result: BuildResult
    output: Path


@dataclass(frozen=True)
class Alone:
    """What a fresh process rendered for one URL."""

    status: int
    mimetype: str
    body: bytes
    path: str
    kind: str
    location: str | None
    pid: int


def render_alone(task: tuple[SiteSpec, str]) -> Alone | str:
    """In a fresh process: load the site from its spec, prepare it as ``build()`` does,
    render the one URL.  A static file's bytes are its source file's."""
    spec, url = task
    try:
        site = spec.load()
        site.auto_reload = False
        prepare(site)
        with site.app_context():
            rendered = Renderer(site).render(url)
        body = rendered.body
        if rendered.source_file is not None:
            body = Path(rendered.source_file).read_bytes()
        return Alone(rendered.status, rendered.mimetype, body, rendered.path, rendered.kind,
                     rendered.location, os.getpid())
    except Exception as error:  # reported per URL by the test, not as a pool failure
        return f"{url}: {type(error).__name__}: {error}"


def expected_bytes(build: SerialBuild, url: str) -> bytes:
    return (build.output / build.result.urls[url].path).read_bytes()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "order" in metafunc.fixturenames:
        metafunc.parametrize("order", ["reversed", "shuffled"])


_shared: dict[str, Any] = {}


def serial_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SerialBuild]:
    """Every site folder that builds, built serially with ``sitegen.build(spec, out)``
    (once per test run); the ones that do not build (designed to fail) are left out."""
    if "builds" in _shared:
        return _shared["builds"]
    builds: dict[str, SerialBuild] = {}
    for name, folder in SITE_FOLDERS.items():
        root = tmp_path_factory.mktemp(f"purity-{name}")
        shutil.copytree(folder, root / "site", ignore=IGNORED)
        spec = SiteSpec(str((root / "site").resolve()), build_time=BUILD_TIME)
        try:
            result = sitegen.build(spec, root / "out")
        except SitegenError:
            continue
        builds[name] = SerialBuild(spec, result, root / "out")
    _shared["builds"] = builds
    return builds


def rendered_alone(tmp_path_factory: pytest.TempPathFactory
                   ) -> dict[tuple[str, str], Alone | str]:
    """Every URL of every built site, each rendered alone in a fresh spawned process
    (once per test run)."""
    if "alone" not in _shared:
        builds = serial_builds(tmp_path_factory)
        tasks = [(name, url) for name, build in builds.items() for url in build.result.urls]
        context = multiprocessing.get_context("spawn")
        with context.Pool(2, maxtasksperchild=1) as pool:
            results = pool.map(render_alone, [(builds[n].spec, u) for n, u in tasks],
                               chunksize=1)
        _shared["alone"] = dict(zip(tasks, results, strict=True))
    return _shared["alone"]


def test_enough_sites_build_to_cover_the_engine(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    builds = serial_builds(tmp_path_factory)
    assert "example_site" in builds
    assert len(builds) >= 10, sorted(builds)
    assert all(len(build.result.urls) > 0 for build in builds.values())


def test_each_url_is_rendered_in_its_own_fresh_process(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    alone = rendered_alone(tmp_path_factory)
    assert len(alone) >= 150
    pids = [r.pid for r in alone.values() if isinstance(r, Alone)]
    assert len(pids) == len(alone), [r for r in alone.values() if isinstance(r, str)]
    assert len(set(pids)) == len(pids)
    assert os.getpid() not in pids


def test_every_url_rendered_alone_in_a_fresh_process_equals_the_serial_build(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    builds = serial_builds(tmp_path_factory)
    mismatches = []
    for site_name in sorted(builds):
        mismatches += compare_alone(site_name, builds[site_name],
                                    rendered_alone(tmp_path_factory))
    assert not mismatches, "\n".join(mismatches)


def compare_alone(site_name: str, build: SerialBuild,
                  alone_of: dict[tuple[str, str], Alone | str]) -> list[str]:
    """What differs between one site's serial build and its URLs rendered alone."""
    mismatches = []
    for url, built in sorted(build.result.urls.items()):
        alone = alone_of[site_name, url]
        if isinstance(alone, str):
            mismatches.append(alone)
            continue
        got = (alone.status, alone.mimetype, alone.path, alone.kind)
        want = (built.status, built.mimetype, built.path, built.kind)
        if got != want:
            mismatches.append(f"{site_name} {url}: alone {got}, serial {want}")
        elif alone.body != expected_bytes(build, url):
            mismatches.append(f"{site_name} {url}: the bytes differ from the serial "
                              f"build's {built.path}")
    written = {p.relative_to(build.output).as_posix()
               for p in build.output.rglob("*") if p.is_file()}
    if written != {u.path for u in build.result.urls.values()}:
        mismatches.append(f"{site_name}: the output holds other files than its URLs'")
    return mismatches


def test_alias_rendered_first_and_alone_is_the_redirect_page(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    build = serial_builds(tmp_path_factory)["example_site"]
    assert build.result.urls[ALIAS].kind == "redirect"
    alone = rendered_alone(tmp_path_factory)["example_site", ALIAS]
    assert isinstance(alone, Alone), alone
    assert alone.kind == "redirect"
    assert alone.location == ALIAS_TARGET
    assert f'url={ALIAS_TARGET}"'.encode() in alone.body
    assert alone.body == expected_bytes(build, ALIAS)


def test_rendering_order_does_not_change_any_url(
        order: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    build = serial_builds(tmp_path_factory)["example_site"]
    urls = sorted(build.result.urls)
    if order == "reversed":
        urls.reverse()
    else:
        random.Random(20240109).shuffle(urls)
    site = build.spec.load()
    site.auto_reload = False
    prepare(site)
    renderer = Renderer(site)
    differ = []
    with site.app_context():
        for url in urls:
            rendered = renderer.render(url)
            body = rendered.body if rendered.source_file is None \
                else Path(rendered.source_file).read_bytes()
            if rendered.path != build.result.urls[url].path or \
                    body != expected_bytes(build, url):
                differ.append(url)
    assert not differ, f"rendered in {order} order, these differ: {differ}"


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_builds_with_different_hash_seeds_are_byte_identical(tmp_path: Path) -> None:
    site = tmp_path / "example_site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=IGNORED)
    trees = []
    for seed in ("1", "2"):
        shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)  # both builds cold
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": str(int(BUILD_TIME))}
        proc = subprocess.run([SITEGEN, "build", site, "-o", out, "-q"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        trees.append(read_tree(out))
    assert len(trees[0]) > 40
    assert trees[0].keys() == trees[1].keys()
    assert [p for p in trees[0] if trees[0][p] != trees[1][p]] == []
