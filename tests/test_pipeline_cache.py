"""The cache may only make builds faster, never wrong.

Whatever happens to ``.sitegen-cache`` between two builds (the build state,
the content source index, the Markdown parse cache, Jinja's compiled
templates: deleted, truncated, random, a folder in its place, from another
version, hostile), the next build succeeds and writes the very bytes a clean
build writes.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sitegen import cachefile
from sitegen.cachefile import write_cache
from sitegen.cli import main
from sitegen.content import sourceindex

EXAMPLE_SITE = Path(__file__).parent.parent / "example_site"
IGNORED = shutil.ignore_patterns("build", ".sitegen-cache", "__pycache__")
NO_RECORDS = "no records of an earlier build"
CACHE = ".sitegen-cache"
SOURCES = f"{CACHE}/content/sources.pickle"
PARSES = f"{CACHE}/markdown/parses.sqlite3"
JINJA = f"{CACHE}/jinja/*.cache"


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sitegen(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


@dataclass
class Site:
    """A copy of example_site built once into ``out``."""

    root: Path
    out: Path
    builds: int = 0

    def build(self, *args: str, out: Path | None = None) -> dict[str, Any]:
        """Build (``--report`` added), assert success, return the report."""
        self.builds += 1
        report = self.root.parent / f"report-{self.builds}.json"
        code, output = sitegen("build", self.root, "-o", out or self.out, "-q",
                               "--report", report, *args)
        assert code == 0, output
        return json.loads(report.read_text(encoding="utf-8"))

    def state_file(self) -> Path:
        found = sorted((self.root / CACHE / "build").glob("state-*.pickle"))
        assert len(found) == 1, found
        return found[0]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The output of a clean, cold build of a pristine copy of example_site."""
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(EXAMPLE_SITE, root / "site", ignore=IGNORED)
    code, output = sitegen("build", root / "site", "-o", root / "out", "-q", "--clean")
    assert code == 0, output
    return read_tree(root / "out")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A copy of example_site after a first build, its state written."""
    built = Site(tmp_path / "example_site", tmp_path / "out")
    shutil.copytree(EXAMPLE_SITE, built.root, ignore=IGNORED)
    built.build()
    assert built.state_file().is_file()
    return built


def assert_full_build(report: dict[str, Any], reason: str | Callable[[str], bool]) -> None:
    """Every URL rendered, each for ``reason`` (or a reason it accepts)."""
    urls = report["urls"]
    assert len(urls) == report["totals"]["urls"] > 40
    assert report["totals"]["rendered"] == len(urls)
    assert {u["action"] for u in urls.values()} == {"rendered"}
    reasons = {u.get("reason") for u in urls.values()}
    if callable(reason):
        assert all(r and reason(r) for r in reasons), reasons
    else:
        assert reasons == {reason}


def assert_correct(site: Site, reference: dict[str, bytes]) -> None:
    """The output is the reference's, and so is a ``--clean`` build into another folder."""
    assert read_tree(site.out) == reference
    other = site.root.parent / "clean-out"
    site.build("--clean", out=other)
    assert read_tree(other) == reference


# -- ways to damage a cache file ------------------------------------------------


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    for sidecar in ("-wal", "-shm", "-journal"):  # SQLite's own files
        Path(f"{path}{sidecar}").unlink(missing_ok=True)


def deleted(path: Path) -> None:
    remove(path)


def truncated(path: Path) -> None:
    data = path.read_bytes()
    assert len(data) > 100
    remove(path)
    path.write_bytes(data[:len(data) // 2])


def random_bytes(path: Path) -> None:
    remove(path)
    path.write_bytes(random.Random(str(path.name)).randbytes(8192))


def a_directory(path: Path) -> None:
    remove(path)
    path.mkdir()
    (path / "something").write_text("a file, so the folder cannot simply be removed\n")


def rewrite(path: Path, change: Callable[[list[Any]], None]) -> None:
    """Unpickle our own cache file (trusted: this build wrote it), change it, pickle it.

    ``change`` gets the fields of the file's value and, last, the list of its rows.
    """
    with path.open("rb") as f:
        value, rows = pickle.load(f), []
        while (chunk := pickle.load(f)) is not None:
            rows += chunk
    data = [*value, rows]
    change(data)
    assert write_cache(path, tuple(data[:-1]), data[-1])


def another_format(path: Path) -> None:
    def change(data: list[Any]) -> None:
        assert type(data[0]) is int  # FORMAT, the first field of the build state and the index
        data[0] += 1000
    rewrite(path, change)


class _Command:
    """Unpickles as ``os.system(command)``: a cache file must never run it."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (self.command,))


def hostile_payload(marker: Path) -> bytes:
    return pickle.dumps((1, _Command(f"touch '{marker}'"), {}, [], [], {}, 0))


def assert_payload_is_live(tmp: Path) -> None:
    """The payload does run a command when unpickled unguarded: the test can fail."""
    control = tmp / "control-marker"
    pickle.loads(hostile_payload(control))
    assert control.exists()


# -- the build state -----------------------------------------------------------


@pytest.mark.parametrize("damage", [deleted, truncated, random_bytes, a_directory,
                                    another_format], ids=lambda f: f.__name__)
def test_a_damaged_build_state_gives_a_correct_full_build(
        site: Site, reference: dict[str, bytes], damage: Callable[[Path], None]) -> None:
    damage(site.state_file())
    report = site.build()
    assert_full_build(report, NO_RECORDS)
    assert_correct(site, reference)


def test_a_build_state_from_other_library_versions_gives_a_correct_full_build(
        site: Site, reference: dict[str, bytes]) -> None:
    def change(data: list[Any]) -> None:
        header = dict(data[1])
        assert any(v.startswith("sitegen==") for v in header["versions"])
        header["versions"] = tuple(v.split("==")[0] + "==0.0.1" for v in header["versions"])
        data[1] = header
    rewrite(site.state_file(), change)
    report = site.build()
    assert_full_build(report, lambda r: r.startswith("versions: ") and "sitegen 0.0.1" in r)
    assert_correct(site, reference)


def test_a_build_state_holding_a_forbidden_class_is_ignored_not_run(
        site: Site, reference: dict[str, bytes], tmp_path: Path) -> None:
    assert_payload_is_live(tmp_path)
    marker = tmp_path / "marker"
    site.state_file().write_bytes(hostile_payload(marker))
    report = site.build()
    assert not marker.exists()
    assert_full_build(report, NO_RECORDS)
    assert_correct(site, reference)


def _versions_as_a_mapping(data: list[Any]) -> None:
    data[1] = {**data[1], "versions": {"sitegen": "9.9.9"}}


def _fact_numbers_not_integers(data: list[Any]) -> None:
    # an entry is (url, path, status, mimetype, kind, location, endpoint, links,
    # warnings, facts, size, mtime_ns, source_file)
    data[-1] = [(*e[:9], tuple(float(i) for i in e[9]), *e[10:]) if _is_entry(e) else e
                for e in data[-1]]
    assert any(e[9] for e in data[-1] if _is_entry(e))


def _versions_as_name_space_version(data: list[Any]) -> None:
    versions = data[1]["versions"]
    assert all("==" in v for v in versions)
    data[1] = {**data[1], "versions": tuple(v.replace("==", " ") for v in versions)}


def _an_output_path_leaving_the_tree(data: list[Any]) -> None:
    data[-1] = [(e[0], f"../{e[1]}", *e[2:]) if _is_entry(e) and e[0] == "/about/" else e
                for e in data[-1]]


def _is_entry(row: tuple[Any, ...]) -> bool:
    """A state's rows are its facts, file stats and page-file stats, then its entries."""
    return len(row) == 13


WRONG_TYPES = {
    "header-versions-a-mapping": _versions_as_a_mapping,
    "header-versions-without-equals": _versions_as_name_space_version,
    "entry-fact-numbers-floats": _fact_numbers_not_integers,
    "entry-path-leaving-the-output": _an_output_path_leaving_the_tree,
}


@pytest.mark.parametrize("change", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_build_state_of_the_right_format_with_values_of_another_shape_gives_a_full_build(
        site: Site, reference: dict[str, bytes], change: Callable[[list[Any]], None]) -> None:
    rewrite(site.state_file(), change)
    report = site.build()
    assert_full_build(report, lambda r: r != "")
    assert_correct(site, reference)


# -- the content source index and the Markdown parse cache ----------------------


def hostile(path: Path) -> None:
    remove(path)
    path.write_bytes(hostile_payload(path.parents[3] / "marker"))  # beside the site


CONTENT_DAMAGE = [
    (SOURCES, deleted), (SOURCES, truncated), (SOURCES, random_bytes), (SOURCES, a_directory),
    (SOURCES, another_format), (SOURCES, hostile),
    (PARSES, random_bytes), (PARSES, a_directory),
    (JINJA, truncated), (JINJA, random_bytes), (JINJA, a_directory),
]


@pytest.mark.parametrize(("cache", "damage"), CONTENT_DAMAGE,
                         ids=[f"{c.split('/')[1]}-{d.__name__}" for c, d in CONTENT_DAMAGE])
def test_a_damaged_content_cache_gives_a_correct_build(
        site: Site, reference: dict[str, bytes], cache: str,
        damage: Callable[[Path], None]) -> None:
    paths = sorted(site.root.glob(cache))
    assert paths and all(p.is_file() for p in paths), cache
    # With the build records kept: pages may be reused, but must be right.
    for path in paths:
        damage(path)
    report = site.build()
    assert read_tree(site.out) == reference
    for url, entry in report["urls"].items():
        assert entry["action"] == "reused" or entry.get("reason"), (url, entry)
    # Without them: every page is read, parsed and rendered through the damaged cache.
    for path in paths:
        damage(path)
    site.state_file().unlink()
    report = site.build()
    assert_full_build(report, NO_RECORDS)
    assert not (site.root.parent / "marker").exists()
    assert_correct(site, reference)


def _meta_not_a_mapping(entry: list[Any]) -> None:
    assert isinstance(entry[2], dict)
    entry[2] = "title: not parsed"


def _body_hash_not_bytes(entry: list[Any]) -> None:
    assert isinstance(entry[5], bytes)
    entry[5] = entry[5].hex()


INDEX_SHAPES = {"meta-not-a-mapping": _meta_not_a_mapping,
                "body-hash-not-bytes": _body_hash_not_bytes}


@pytest.mark.parametrize("change", INDEX_SHAPES.values(), ids=INDEX_SHAPES.keys())
def test_a_source_index_of_the_right_format_with_values_of_another_shape_gives_a_correct_build(
        site: Site, reference: dict[str, bytes], change: Callable[[list[Any]], None]) -> None:
    post = site.root / "content/posts/2024-04-02-make-is-still-fine.md"
    day_ago = post.stat().st_mtime_ns - 86_400 * 10**9
    os.utime(post, ns=(day_ago, day_ago))  # old enough for the index to trust its entry
    site.build()
    key = post.relative_to(site.root).as_posix()

    def damage(data: list[Any]) -> None:
        assert data[0] == sourceindex.FORMAT  # (FORMAT, written, rows of (path, *entry))
        rows = data[-1]
        at = next(n for n, row in enumerate(rows) if row[0] == key)
        entry = list(rows[at][1:])
        change(entry)
        rows[at] = (key, *entry)
    rewrite(site.root / SOURCES, damage)
    report = site.build()
    assert read_tree(site.out) == reference
    for url, entry in report["urls"].items():
        assert entry["action"] == "reused" or entry.get("reason"), (url, entry)
    assert_correct(site, reference)


def test_a_cache_folder_nothing_can_be_written_under_is_not_an_error(
        site: Site, reference: dict[str, bytes]) -> None:
    # As root, permissions do not stop writes: a *file* named .sitegen-cache does.
    shutil.rmtree(site.root / CACHE)
    (site.root / CACHE).write_text("not a folder\n")
    report = site.build()
    assert_full_build(report, NO_RECORDS)
    assert read_tree(site.out) == reference
    report = site.build()  # nothing could be saved: a full build again, still right
    assert_full_build(report, NO_RECORDS)
    assert_correct(site, reference)
    assert (site.root / CACHE).read_text() == "not a folder\n"


# -- what the cache is for ------------------------------------------------------


def test_clean_renders_every_url_and_writes_the_same_bytes(
        site: Site, reference: dict[str, bytes]) -> None:
    report = site.build("--clean")
    assert_full_build(report, "--clean")
    assert read_tree(site.out) == reference


def test_a_rebuild_with_no_change_reuses_every_url_and_touches_no_file(
        site: Site, reference: dict[str, bytes]) -> None:
    def stats() -> dict[str, tuple[int, int]]:
        return {p.relative_to(site.out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in site.out.rglob("*") if p.is_file()}

    before = stats()
    report = site.build()
    urls = report["urls"]
    assert {u["action"] for u in urls.values()} == {"reused"}
    assert report["totals"]["reused"] == len(urls) == len(before)
    assert stats() == before
    assert read_tree(site.out) == reference


def test_an_output_file_edited_by_hand_is_rendered_again_and_restored(
        site: Site, reference: dict[str, bytes]) -> None:
    edited = site.out / "about/index.html"
    edited.write_bytes(edited.read_bytes().replace(b"</body>", b"<p>hand edit</p></body>"))
    report = site.build()
    assert report["urls"]["/about/"]["action"] == "rendered"
    assert report["urls"]["/about/"]["reason"] == "its output file changed since the last build"
    rendered = {u for u, e in report["urls"].items() if e["action"] == "rendered"}
    assert rendered == {"/about/"}
    assert read_tree(site.out) == reference


def test_clean_reads_no_content_cache_either(tmp_path, reference):
    """--clean trusts nothing cached: a forged parse that an ordinary build would use
    is ignored, and the page is the true one."""
    import sqlite3
    import time
    from contextlib import closing

    root = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, root, ignore=IGNORED)
    old = time.time() - 3600  # older than the index: an ordinary build trusts it
    for path in root.rglob("*.md"):
        os.utime(path, (old, old))
    assert sitegen("build", root, "-q")[0] == 0
    with closing(sqlite3.connect(root / PARSES)) as db, db:
        for key, data in db.execute("SELECT key, data FROM parses").fetchall():
            # the same length, so that the marshalled entry stays whole
            forged = data.replace(b"paper notebook", b"FORGED noteboo")
            db.execute("UPDATE parses SET data = ? WHERE key = ?", (forged, key))
    assert sitegen("build", root, "-q", "-o", tmp_path / "plain")[0] == 0
    assert "FORGED" in (tmp_path / "plain/blog/hello-field-notes/index.html").read_text()
    assert sitegen("build", root, "-q", "--clean", "-o", tmp_path / "clean")[0] == 0
    assert read_tree(tmp_path / "clean") == reference


# -- the file format -------------------------------------------------------------------


def test_a_cache_file_of_many_rows_reads_back_as_written(tmp_path: Path) -> None:
    """Rows go in chunks, each pickled with a fresh memo: objects shared across rows and
    chunks (a site's versions, its common links) read back as written, not as whatever
    another chunk remembered at the same place."""
    shared = ("python==3.11", "sitegen==0.1.0")
    value = (3, {"versions": shared}, ["a", "b"])
    rows = [(f"/posts/{n}/", shared, ("/", f"/posts/{n + 1}/"), n, b"\x00" * (n % 7))
            for n in range(2 * cachefile.ROWS_A_PICKLE + 123)]
    path = tmp_path / "state.pickle"
    assert write_cache(path, value, rows)
    assert cachefile.read_cache(path) == (value, rows)
    assert write_cache(path, value)
    assert cachefile.read_cache(path) == (value, [])
    path.write_bytes(path.read_bytes()[:-2])  # the end marker lost: no cache
    assert cachefile.read_cache(path) is None
