"""The output tree of one build: streamed, atomic under SIGKILL, one build at a time, and never
over the site's own sources."""

from __future__ import annotations

import errno
import gc
import inspect
import itertools
import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from pathlib import Path

import pytest

from sitegen.errors import OutputError
from sitegen.pipeline import output
from sitegen.pipeline.output import (
    LOCK_SUFFIX,
    STAGING_SUFFIX,
    TRASH_SUFFIX,
    OutputClaims,
    OutputTree,
    Placed,
    WriteStats,
    check_output_folder,
)

OLD_MTIME = 1_000_000_000  # 2001: far from any build
KEEP = ["CNAME", "downloads/*"]
OLD = {
    "index.html": b"<h1>old home</h1>",
    "a/1.html": b"one",
    "a/2.html": b"two",
    "static/logo.svg": b"<svg>old</svg>",
    "stale.html": b"stale",
    "old/section/page.html": b"gone",
    ".nojekyll": b"",
    ".git/HEAD": b"ref: refs/heads/gh-pages\n",
    ".git/objects/ab": b"object",
    "CNAME": b"example.org\n",
    "downloads/big.zip": b"PK",
}
LOGO = b"<svg>new</svg>"
NEW = {
    **{k: v for k, v in OLD.items() if k not in ("stale.html", "old/section/page.html")},
    "index.html": b"<h1>new home</h1>",
    "static/logo.svg": LOGO,
    **{f"b/{i}.html": f"new {i}".encode() for i in range(20)},
}


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under ``folder``, dotfiles included."""
    found: dict[str, bytes | None] = {}
    for parent, dirs, names in os.walk(folder):
        rel = Path(parent).relative_to(folder).as_posix()
        prefix = "" if rel == "." else rel + "/"
        found.update({prefix + d + "/": None for d in dirs})
        found.update({prefix + n: (Path(parent) / n).read_bytes() for n in names})
    return found


def expected(files: dict[str, bytes]) -> dict[str, bytes | None]:
    """``files`` as :func:`tree` shows them: with their folders."""
    shown: dict[str, bytes | None] = dict(files)
    for path in files:
        parts = path.split("/")[:-1]
        shown.update({"/".join(parts[:i]) + "/": None for i in range(1, len(parts) + 1)})
    return shown


def make(out: Path, files: dict[str, bytes], mtime: int | None = OLD_MTIME) -> None:
    for path, body in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        if mtime is not None:
            os.utime(target, (mtime, mtime))


def build_new(out, source, keep, count=20, edited=False):
    """The build every atomicity test runs (also inside the child processes); ``edited``
    changes one file of ``b/``, and nothing else, against a build without it."""
    from sitegen.pipeline.output import OutputTree

    with OutputTree(out, keep) as new:
        new.write("index.html", b"<h1>new home</h1>")
        if new.old_stat("a/1.html") is not None:
            new.carry("a/1.html")
        else:
            new.write("a/1.html", b"one")
        new.write("a/2.html", b"two")
        new.copy("static/logo.svg", source)
        for i in range(count):
            new.write(f"b/{i}.html", f"{'edited' if edited and i == 3 else 'new'} {i}".encode())
        if not (out / "CNAME").exists():  # a first build: the kept files are the build's
            for path in (".nojekyll", ".git/HEAD", ".git/objects/ab", "CNAME",
                         "downloads/big.zip"):
                new.write(path, {".nojekyll": b"", ".git/HEAD": b"ref: refs/heads/gh-pages\n",
                                 ".git/objects/ab": b"object", "CNAME": b"example.org\n",
                                 "downloads/big.zip": b"PK"}[path])
        return new.commit()


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder holding the OLD tree (alone in its parent), and the new logo."""
    out = tmp_path / "site/out"
    make(out, OLD)
    source = tmp_path / "src/logo.svg"
    source.parent.mkdir()
    source.write_bytes(LOGO)
    return out, source


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p != out)


# -- streaming and commit -----------------------------------------------------------------


def test_writes_land_in_staging_at_once_and_the_old_output_waits_for_commit(site):
    out, source = site
    with OutputTree(out, KEEP) as new:
        new.write("index.html", b"<h1>new home</h1>")
        new.copy("static/logo.svg", str(source))
        assert (new.staging / "index.html").read_bytes() == b"<h1>new home</h1>"
        assert (new.staging / "static/logo.svg").read_bytes() == LOGO
        assert tree(out) == expected(OLD)
        new.commit()
    assert (out / "index.html").read_bytes() == b"<h1>new home</h1>"


def test_an_exception_in_the_block_leaves_the_old_output_byte_identical_and_no_staging(site):
    out, source = site
    before = {p: (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
              for p in out.rglob("*")}
    with pytest.raises(RuntimeError), OutputTree(out, KEEP) as new:
        new.write("index.html", b"changed")
        new.carry("a/1.html")
        new.write("b/new.html", b"new")
        raise RuntimeError("a view failed")
    assert {p: (p.read_bytes() if p.is_file() else None, p.stat().st_mtime_ns)
            for p in out.rglob("*")} == before
    assert leftovers(out) == []


def test_leaving_the_block_without_commit_publishes_nothing(site):
    out, _ = site
    with OutputTree(out) as new:
        new.write("index.html", b"changed")
    assert tree(out) == expected(OLD)
    assert leftovers(out) == []


def test_unchanged_bytes_keep_the_old_inode_and_mtime_and_changed_files_are_new(site):
    out, source = site
    old_inodes = {p: (out / p).stat().st_ino for p in ("a/1.html", "a/2.html", "index.html")}
    (source.parent / "same.svg").write_bytes(OLD["static/logo.svg"])
    with OutputTree(out, KEEP) as new:
        carried = new.carry("a/1.html")
        same = new.write("a/2.html", b"two")
        copied = new.copy("static/logo.svg", str(source.parent / "same.svg"))
        changed = new.write("index.html", b"<h1>new home</h1>")
        stats = new.commit()
    assert [carried.changed, same.changed, copied.changed, changed.changed] == [
        False, False, False, True]
    for path in ("a/1.html", "a/2.html"):
        assert (out / path).stat().st_ino == old_inodes[path]
        assert (out / path).stat().st_mtime == OLD_MTIME
    assert (out / "static/logo.svg").stat().st_mtime == OLD_MTIME
    assert (out / "index.html").read_bytes() == b"<h1>new home</h1>"
    assert (out / "index.html").stat().st_ino != old_inodes["index.html"]
    placed = {"a/1.html": carried, "a/2.html": same, "index.html": changed}
    for path, place in placed.items():
        now = (out / path).stat()
        assert place == Placed(place.changed, now.st_size, now.st_mtime_ns)
    assert (stats.written, stats.unchanged) == (1, 3)


def test_files_the_build_did_not_place_are_removed_and_counted(site):
    out, source = site
    stats = build_new(out, str(source), KEEP)
    assert not (out / "stale.html").exists()
    assert not (out / "old").exists()
    assert stats == WriteStats(written=22, unchanged=2, removed=2, kept=4)
    assert tree(out) == expected(NEW)


def test_dotfiles_and_keep_files_survive_and_others_go(site):
    out, source = site
    (out / "unwanted.txt").write_text("x")
    build_new(out, str(source), KEEP)
    assert (out / ".git/HEAD").read_bytes() == b"ref: refs/heads/gh-pages\n"
    assert (out / ".git/objects/ab").read_bytes() == b"object"
    assert (out / ".nojekyll").is_file()
    assert (out / "CNAME").read_bytes() == b"example.org\n"
    assert (out / "downloads/big.zip").read_bytes() == b"PK"
    assert not (out / "unwanted.txt").exists()


def test_a_keep_files_name_goes_without_the_setting(site):
    out, source = site
    build_new(out, str(source), [])
    assert not (out / "CNAME").exists()
    assert not (out / "downloads").exists()
    assert (out / ".git/HEAD").is_file()


def test_a_changed_write_into_a_folder_so_far_only_carried_lands_beside_the_carried_file(site):
    out, _ = site
    with OutputTree(out) as new:
        new.carry("a/1.html")  # a/ is not made in staging: the link waits for commit
        new.write("a/3.html", b"three")
        new.carry("a/2.html")
        new.commit()
    assert (out / "a/1.html").read_bytes() == b"one"
    assert (out / "a/2.html").read_bytes() == b"two"
    assert (out / "a/3.html").read_bytes() == b"three"


def test_a_rebuild_that_changes_nothing_keeps_the_output_folder_and_links_nothing(site):
    out, source = site
    build_new(out, str(source), KEEP)
    folder = out.stat().st_ino
    ctimes = {p: p.stat().st_ctime_ns for p in out.rglob("*")}  # a new link changes the ctime

    stats = build_new(out, str(source), KEEP)

    assert stats == WriteStats(written=0, unchanged=24, removed=0, kept=4)
    assert out.stat().st_ino == folder
    assert {p: p.stat().st_ctime_ns for p in out.rglob("*")} == ctimes
    assert tree(out) == expected(NEW)
    assert leftovers(out) == []


def test_a_rebuild_that_only_drops_a_file_swaps_its_folder(site):
    out, source = site
    build_new(out, str(source), KEEP)
    root, folder = out.stat().st_ino, (out / "b").stat().st_ino
    stats = build_new(out, str(source), KEEP, count=19)
    assert stats.removed == 1 and stats.written == 0
    assert out.stat().st_ino == root
    assert (out / "b").stat().st_ino != folder
    assert not (out / "b/19.html").exists()
    assert tree(out) == expected({k: v for k, v in NEW.items() if k != "b/19.html"})
    assert leftovers(out) == []


def test_a_rebuild_that_only_leaves_an_empty_folder_behind_still_swaps(site):
    out, source = site
    build_new(out, str(source), KEEP)
    (out / "empty").mkdir()
    build_new(out, str(source), KEEP)
    assert not (out / "empty").exists()


def test_a_first_build_renames_staging_into_place(tmp_path):
    out = tmp_path / "deep/er/out"
    with OutputTree(out) as new:
        assert new.old_stat("index.html") is None
        new.write("index.html", b"hi")
        stats = new.commit()
    assert tree(out) == {"index.html": b"hi"}
    assert stats == WriteStats(written=1)
    assert leftovers(out) == []


def test_old_stat_reads_the_previous_output_and_follows_no_symlink_out_of_it(site, tmp_path):
    out, _ = site
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_bytes(b"secret")
    (out / "linked").symlink_to(outside)
    (out / "evil.html").symlink_to(outside / "secret.html")
    with OutputTree(out) as new:
        now = (out / "a/1.html").stat()
        assert new.old_stat("a/1.html") == (now.st_size, now.st_mtime_ns)
        assert new.old_stat("missing.html") is None
        assert new.old_stat("linked/secret.html") is None
        assert new.old_stat("evil.html") is None
        with pytest.raises(FileNotFoundError):
            new.carry("linked/secret.html")
        assert new.write("evil.html", b"secret").changed
        with pytest.raises(ValueError):
            new.old_stat("../outside/secret.html")


def test_files_written_soon_are_there_at_commit_with_their_stat(site):
    out, _ = site
    with OutputTree(out) as new:
        soon = {f"deep/{n}/index.html": new.write_soon(f"deep/{n}/index.html", b"page %d" % n)
                for n in range(50)}
        new.commit()
    for path, future in soon.items():
        placed = future.result()
        stat = (out / path).stat()
        assert (placed.size, placed.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert (out / "deep/7/index.html").read_bytes() == b"page 7"


def test_waiting_for_writes_ends_the_writer_threads_and_writing_starts_them_again(site):
    out, _ = site
    with OutputTree(out) as new:
        first = new.write_soon("one.html", b"one")
        new.wait_for_writes()
        assert first.done()
        assert not [t for t in threading.enumerate() if t.name.startswith("sitegen-write")]
        new.write_soon("two.html", b"two")
        new.commit()
    assert (out / "one.html").read_bytes() == b"one"
    assert (out / "two.html").read_bytes() == b"two"


def test_a_file_written_soon_that_cannot_be_written_fails_the_commit(site):
    out, _ = site
    long = "x" * 300 + ".html"
    with pytest.raises(OutputError) as caught, OutputTree(out) as new:
        new.write_soon("fine.html", b"fine")
        new.write_soon(long, b"hi")
        new.commit()
    assert f"{long} cannot be written" in caught.value.message
    assert tree(out) == expected(OLD)
    assert leftovers(out) == []


def test_of_several_files_that_cannot_be_written_the_commit_names_the_first_handed_over(site):
    out, _ = site
    names = [f"{letter * 300}.html" for letter in "abcdefgh"]
    with pytest.raises(OutputError) as caught, OutputTree(out) as new:
        for name in names:
            new.write_soon(name, b"hi")
        new.commit()
    assert f"{names[0]} cannot be written" in caught.value.message
    assert tree(out) == expected(OLD)


def test_a_file_written_soon_is_not_held_once_written(site):
    """A build of 100,000 pages hands over 100,000 writes: the tree keeps none of them."""
    out, _ = site
    with OutputTree(out) as new:
        held = weakref.ref(new.write_soon("one.html", b"one"))
        new.wait_for_writes()
        gc.collect()
        assert held() is None
        new.commit()
    assert (out / "one.html").read_bytes() == b"one"


def test_a_path_written_soon_is_taken_at_once(site):
    out, _ = site
    with OutputTree(out) as new, pytest.raises(ValueError, match="placed twice"):
        new.write_soon("a.html", b"one")
        new.write("a.html", b"two")
    assert tree(out) == expected(OLD)


def test_a_stage_sent_to_another_process_places_files_the_tree_then_adopts(site):
    """A pool worker places the pages it renders: a page the old output already has is
    noted, not written, and the tree links it at commit as one it wrote itself."""
    out, _ = site
    with OutputTree(out) as new:
        stage = pickle.loads(pickle.dumps(new.stage()))  # as a task's argument travels
        for path, body in {**NEW, "a/1.html": b"one"}.items():
            if not path.startswith("."):
                new.adopt(path, stage.place(path, body))
        stats = new.commit()
    assert stats.written == 22
    assert (stats.unchanged, stats.kept) == (4, 2)  # the same bytes; the dotfiles
    assert tree(out) == expected({**NEW, "a/1.html": b"one"})
    assert os.stat(out / "a/1.html").st_mtime_ns == OLD_MTIME * 10**9  # carried, not written


def test_a_stage_never_places_a_file_outside_the_staging_tree(site):
    out, _ = site
    with OutputTree(out) as new:
        stage = pickle.loads(pickle.dumps(new.stage()))
        for path in ("../escaped.html", "/etc/escaped.html", "a/../../escaped.html", ""):
            with pytest.raises(ValueError, match="not a relative output path"):
                stage.place(path, b"no")
    assert tree(out) == expected(OLD)
    assert leftovers(out) == []


def test_a_stage_for_an_executor_that_retries_replaces_what_a_lost_worker_placed(site):
    """Dask runs a lost worker's task again: the page that worker placed, perhaps cut
    short, is written over; a plain stage refuses to place a file twice."""
    out, _ = site
    with OutputTree(out) as new:
        retried = pickle.loads(pickle.dumps(new.stage(rewrites=True)))
        retried.place("p/index.html", b"cut sh")
        new.adopt("p/index.html", retried.place("p/index.html", b"cut short, no more"))
        with pytest.raises(FileExistsError):
            new.stage().place("p/index.html", b"again")
        (new.staging / "p/link.html").symlink_to(out / "index.html")
        with pytest.raises(OSError) as caught:  # a link in the staging tree is not followed
            retried.place("p/link.html", b"through the link")
        assert caught.value.errno == errno.ELOOP
        assert (out / "index.html").read_bytes() == OLD["index.html"]
        (new.staging / "p/link.html").unlink()
        new.commit()
    assert (out / "p/index.html").read_bytes() == b"cut short, no more"


def test_one_process_reads_each_build_s_stage_once(site):
    """Every task of a build carries the stage; a worker keeps the one it was sent, and
    with it what it learned of the folders, until a build with other folders."""
    out, _ = site
    with OutputTree(out) as new:
        sent = pickle.dumps(new.stage())
        first, again = pickle.loads(sent), pickle.loads(sent)
        assert first is again and first is not new.stage()
        (new_root, old_root) = (first.new_root, first.old_root)
        assert (new_root, old_root) == (new.stage().new_root, str(out) + os.sep)
    with OutputTree(out.parent / "other") as other:
        fresh = pickle.loads(pickle.dumps(other.stage()))
        assert fresh is not first and fresh.old_root is None  # no previous output there


def test_carrying_a_file_the_old_output_lacks_raises_file_not_found(site):
    out, _ = site
    with OutputTree(out) as new, pytest.raises(FileNotFoundError):
        new.carry("never-built.html")


def test_a_file_that_cannot_be_written_is_an_output_error_naming_it(site):
    out, _ = site
    long = "x" * 300 + ".html"
    with pytest.raises(OutputError) as caught, OutputTree(out) as new:
        new.write(long, b"hi")
    assert f"{long} cannot be written" in caught.value.message
    assert "255 bytes" in caught.value.hint
    assert tree(out) == expected(OLD)
    assert leftovers(out) == []


# -- SIGKILL at each step of the swap -------------------------------------------------------

CHILD = '''
import errno, json, os, signal, sys
from pathlib import Path
from sitegen.errors import SitegenError
from sitegen.pipeline import output

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def die_after_unlinks(count):
    real, left = os.unlink, [count]
    def unlink(*args, **kwargs):
        if left[0] == 0:
            die()
        left[0] -= 1
        return real(*args, **kwargs)
    os.unlink = unlink

def patch(owner, name, when, nth):
    owner = output.OutputTree if owner == "OutputTree" else output
    real, calls = getattr(owner, name), [0]
    def step(*args, **kwargs):
        calls[0] += 1
        if calls[0] == nth:
            if when == "before":
                die()
            if when == "during":
                die_after_unlinks(3)
            if when.startswith("raise "):
                code = getattr(errno, when.split()[1])
                raise OSError(code, os.strerror(code))
        result = real(*args, **kwargs)
        if calls[0] == nth and when == "after":
            die()
        return result
    setattr(owner, name, step)

spec = json.loads(sys.argv[3])
if spec["fallback"]:
    def no_exchange(staging, output_folder):
        raise OSError(errno.EINVAL, "no exchange on this file system")
    output._exchange = no_exchange
patch(*spec["patch"])
try:
    build_new(Path(sys.argv[1]), sys.argv[2], spec["keep"], edited=spec["edited"])
except SitegenError as error:
    print(error.format())
    sys.exit(3)
'''


def run_child(out: Path, source: Path, patch: tuple[str, str, str, int], *,
              fallback: bool = False, edited: bool = False) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(inspect.getsource(build_new)) + CHILD
    spec = json.dumps({"patch": patch, "fallback": fallback, "keep": KEEP, "edited": edited})
    return subprocess.run([sys.executable, "-c", script, str(out), str(source), spec],
                          capture_output=True, text=True, timeout=60)


KILLS = [
    # (patched step, when, on which call), fallback, what the output then is
    (("OutputTree", "write", "before", 5), False, "old"),  # halfway through streaming
    (("output", "_link_or_copy", "before", 2), False, "old"),  # materialising carries
    (("output", "_bring_kept", "before", 1), False, "old"),
    (("output", "_exchange", "before", 1), False, "old"),
    (("output", "_exchange", "after", 1), False, "new"),
    (("output", "_remove_old", "during", 1), False, "new"),
    (("output", "_remove_old", "after", 1), False, "new"),
    (("output", "_set_aside", "before", 1), True, "old"),
    (("output", "_set_aside", "after", 1), True, "gap"),
    (("output", "_put_in_place", "after", 1), True, "new"),
    (("output", "_discard", "after", 1), True, "new"),
    (("output", "_remove_old", "during", 1), True, "new"),
]


@pytest.mark.parametrize(("patch", "fallback", "state"), KILLS,
                         ids=[f"{'renames' if f else 'exchange'}-{p[2]}-{p[1]}-{p[3]}"
                              for p, f, _ in KILLS])
def test_a_sigkill_at_any_step_leaves_the_old_or_the_new_tree_whole(site, patch, fallback,
                                                                      state):
    out, source = site
    result = run_child(out, source, patch, fallback=fallback)
    assert result.returncode == -9, result.stderr  # the patched step was reached

    trees = {"old": expected(OLD), "new": expected(NEW)}
    if state == "gap":  # between two renames: the old tree is whole under the trash name
        assert not out.exists()
        assert tree(out.parent / f".{out.name}{TRASH_SUFFIX}") == trees["old"]
    else:
        assert tree(out) == trees[state]
    with OutputTree(out, KEEP):  # recovery, under the lock
        assert tree(out) == trees["old" if state == "gap" else state]

    assert build_new(out, str(source), KEEP).written == (22 if state != "new" else 0)
    assert tree(out) == trees["new"]
    assert leftovers(out) == []


EDITED = {**NEW, "b/3.html": b"edited 3"}
FOLDER_KILLS = [
    (("output", "_link_or_copy", "before", 2), False, "old"),
    (("output", "_exchange", "before", 1), False, "old"),
    (("output", "_exchange", "after", 1), False, "new"),
    (("output", "_remove_old", "during", 1), False, "new"),
    (("output", "_remove_old", "after", 1), False, "new"),
    (("output", "_set_aside", "after", 1), True, "gap"),
    (("output", "_put_in_place", "after", 1), True, "new"),
]


def test_an_edit_inside_one_folder_replaces_only_that_folder(site):
    out, source = site
    build_new(out, str(source), KEEP)
    inodes = {p: (out / p).stat().st_ino for p in ("", "a", "a/1.html", "b", "b/4.html")}

    stats = build_new(out, str(source), KEEP, edited=True)

    assert stats == WriteStats(written=1, unchanged=23, removed=0, kept=4)
    assert tree(out) == expected(EDITED)
    now = {p: (out / p).stat().st_ino for p in inodes}
    assert {p: now[p] == inodes[p] for p in inodes} == {
        "": True, "a": True, "a/1.html": True, "b": False, "b/4.html": True}
    assert leftovers(out) == []


@pytest.mark.parametrize(("patch", "fallback", "state"), FOLDER_KILLS,
                         ids=[f"{'renames' if f else 'exchange'}-{p[2]}-{p[1]}-{p[3]}"
                              for p, f, _ in FOLDER_KILLS])
def test_a_sigkill_while_one_folder_is_replaced_leaves_a_whole_tree(site, patch, fallback,
                                                                     state):
    out, source = site
    build_new(out, str(source), KEEP)
    result = run_child(out, source, patch, fallback=fallback, edited=True)
    assert result.returncode == -9, result.stderr

    trees = {"old": expected(NEW), "new": expected(EDITED)}
    if state == "gap":
        assert not out.exists()
        assert tree(out.parent / f".{out.name}{TRASH_SUFFIX}") == trees["old"]
    else:
        assert tree(out) == trees[state]
    build_new(out, str(source), KEEP, edited=True)
    assert tree(out) == trees["new"]
    assert leftovers(out) == []


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_sigkill_around_a_first_build_leaves_no_output_or_the_whole_new_one(tmp_path, when):
    out, source = tmp_path / "site/out", tmp_path / "logo.svg"
    source.write_bytes(LOGO)
    result = run_child(out, source, ("output", "_put_in_place", when, 1))
    assert result.returncode == -9, result.stderr
    if when == "before":
        assert not out.exists()
    else:
        assert tree(out) == expected(NEW)
    build_new(out, str(source), KEEP)
    assert tree(out) == expected(NEW)
    assert leftovers(out) == []


@pytest.mark.parametrize(("step", "fallback"), [("_exchange", False), ("_put_in_place", True)])
def test_a_swap_that_fails_is_an_output_error_and_the_old_output_stays(site, step, fallback):
    out, source = site
    result = run_child(out, source, ("output", step, "raise EBUSY", 1), fallback=fallback)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "it is a mount point or in use" in result.stdout
    assert "hint: build into a folder inside the mount point" in result.stdout
    assert tree(out) == expected(OLD)
    assert leftovers(out) == []


# -- one build at a time -----------------------------------------------------------------------

RACER = '''
import json, os, sys, time
from pathlib import Path
from sitegen.pipeline.output import OutputTree

name, out, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.002)
waited = []
with OutputTree(out, on_wait=waited.append) as new:
    entered = time.monotonic()
    seen = sum(new.old_stat(f"p/{i}.html") is not None for i in range(300))
    for i in range(300):
        new.write(f"p/{i}.html", f"{name} {i}".encode())
        if i == 150:
            time.sleep(0.4)
    new.write(f"{name}.html", name.encode())
    new.commit()
    left = time.monotonic()
print(json.dumps({"name": name, "waited": [str(p) for p in waited], "seen": seen,
                  "entered": entered, "left": left}))
'''


def test_two_builds_of_one_output_take_turns_and_the_second_is_told_it_waits(tmp_path):
    out, go = tmp_path / "site/out", tmp_path / "go"
    racers = [subprocess.Popen([sys.executable, "-c", RACER, name, str(out), str(go)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for name in ("one", "two")]
    go.touch()
    reports = []
    for racer in racers:
        stdout, stderr = racer.communicate(timeout=60)
        assert racer.returncode == 0, stderr
        reports.append(json.loads(stdout))
    first, second = sorted(reports, key=lambda r: r["entered"])
    assert first["left"] <= second["entered"]  # never interleaved
    assert (first["waited"], first["seen"]) == ([], 0)
    assert second["waited"] == [str(out.parent / f".out{LOCK_SUFFIX}")]
    assert second["seen"] == 300  # it started from the first build's whole tree
    name = second["name"]
    assert tree(out) == expected({**{f"p/{i}.html": f"{name} {i}".encode() for i in range(300)},
                                  f"{name}.html": name.encode()})
    assert leftovers(out) == []


def test_a_waiter_that_wakes_on_a_released_lock_file_never_shares_it_with_a_newcomer(tmp_path):
    # The holder deletes the lock file as it lets go: the waiter wakes holding the deleted
    # file while a newcomer locks a fresh one.  The waiter must notice and queue again.
    out = tmp_path / "site/out"
    inside, most, guard = [0], [0], threading.Lock()
    waiting, errors = threading.Event(), []

    def build(on_wait=None):
        try:
            with OutputTree(out, on_wait=on_wait):
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.2)
                with guard:
                    inside[0] -= 1
        except Exception as error:  # reported below
            errors.append(error)

    holder = OutputTree(out).__enter__()
    waiter = threading.Thread(target=build, args=(lambda path: waiting.set(),))
    waiter.start()
    assert waiting.wait(10)
    time.sleep(0.05)  # the waiter now blocks in flock
    holder.__exit__(None, None, None)
    newcomer = threading.Thread(target=build)
    newcomer.start()
    for thread in (waiter, newcomer):
        thread.join(10)
    assert errors == [] and most[0] == 1
    assert leftovers(out) == []


# -- two URLs, one file ---------------------------------------------------------------------


def test_a_second_url_on_one_file_is_refused_and_both_are_named():
    claims = OutputClaims()
    assert claims.claim("/notes/a.html", "notes/a.html")
    assert not claims.claim("/notes/a", "notes/a.html")
    assert claims.problems() == ["/notes/a and /notes/a.html both write notes/a.html"]
    error = claims.error()
    assert isinstance(error, OutputError)
    assert error.message == "Some URLs map to the same output file:"
    assert error.hint == "give these pages distinct URLs (a trailing slash makes a folder)"


@pytest.mark.parametrize("order", [[0, 1], [1, 0]], ids=["file-first", "folder-first"])
def test_a_file_and_a_folder_of_that_name_clash_in_either_order(order):
    wanted = [("/data", "data"), ("/data/1/", "data/1/index.html")]
    claims = OutputClaims()
    results = [claims.claim(*wanted[i]) for i in order]
    assert results == [True, False]
    assert claims.problems() == [
        "/data writes the file data, but /data/1/ needs a folder of that name"]


def test_clash_messages_read_the_same_whatever_the_order_of_claims():
    wanted = [("/a", "a.html"), ("/a.html", "a.html"), ("/c/", "a.html"),
              ("/x", "x"), ("/x/2/", "x/2/index.html"), ("/x/1/", "x/1/index.html"),
              ("/ok/", "ok/index.html")]
    seen = set()
    for order in itertools.permutations(wanted):
        claims = OutputClaims()
        for url, path in order:
            claims.claim(url, path)
        seen.add(tuple(claims.problems()))
    assert seen == {(
        "/a and /a.html both write a.html",
        "/a and /c/ both write a.html",
        "/x writes the file x, but /x/1/ needs a folder of that name",
    )}


def test_distinct_files_and_a_url_claiming_its_own_file_again_are_no_clash():
    claims = OutputClaims()
    assert claims.claim("/", "index.html")
    assert claims.claim("/a/", "a/index.html")
    assert claims.claim("/a/b/", "a/b/index.html")
    assert not claims.claim("/a/", "a/index.html")  # already written once: skip, no problem
    assert claims.problems() == []
    assert claims.error() is None


# -- where the output may go ----------------------------------------------------------------


@pytest.fixture
def sources(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "mysite"
    make(root, {"app.py": b"", "content/posts/a.md": b"# a", "content/about.md": b"# about",
                "templates/base.html": b""}, mtime=None)
    return root, root / "content/posts"


def test_an_output_holding_a_source_folder_is_refused_and_no_source_is_touched(sources):
    root, posts = sources
    before = tree(root)
    with pytest.raises(OutputError) as caught:
        check_output_folder(root / "content", root, [posts, root / "templates"])
    assert f"contains {posts}, a source folder" in caught.value.message
    assert "-o build" in caught.value.hint
    assert tree(root) == before


def test_building_the_content_folder_via_the_cli_is_refused_and_every_post_stays(
        copy_site, cli):
    site_dir = copy_site("content_blog")
    before = tree(site_dir / "content")
    result = cli("build", site_dir, "-o", site_dir / "content")
    assert result.exit_code == 1
    assert "a source folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(site_dir / "content") == before


@pytest.mark.parametrize(("where", "phrase"), [
    (".", "contains the site itself"),
    ("..", "contains the site itself"),
    ("content/posts", "posts, a source folder; building there would delete it"),
    ("content/posts/out", "is inside"),
    ("templates", "templates, a source folder; building there would delete it"),
])
def test_outputs_over_the_sources_are_refused(sources, where, phrase):
    root, posts = sources
    with pytest.raises(OutputError) as caught:
        check_output_folder(root / where, root, [posts, root / "templates"])
    assert phrase in caught.value.message
    assert "a source folder" in caught.value.message or "site itself" in caught.value.message


@pytest.mark.parametrize("where", ["build", "public/site", "content/build", "../elsewhere"])
def test_outputs_beside_the_sources_are_accepted(sources, where):
    root, posts = sources
    check_output_folder(root / where, root, [posts, root / "templates"])


# -- folders the build may not replace ---------------------------------------------------------

MOUNTED = '''
import json, os, subprocess, sys
from pathlib import Path
from sitegen.errors import SitegenError
from sitegen.pipeline.output import OutputTree

out, how = Path(sys.argv[1]), sys.argv[2]
where = out if how == "mount point" else out.parent
subprocess.run(["mount", "-t", "tmpfs", "none", str(where)], check=True)
out.mkdir(exist_ok=True)
(out / "index.html").write_bytes(b"old")
if how == "read-only":
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
stage = "enter"
try:
    with OutputTree(out) as new:
        stage = "write"
        new.write("index.html", b"new")
        new.commit()
except SitegenError as error:
    print(error.format())
print(json.dumps([stage, sorted(os.listdir(out.parent)), (out / "index.html").read_text()]))
'''


@pytest.fixture
def unshare(tmp_path: Path) -> list[str]:
    """A private mount namespace, where the test may mount a tmpfs; skipped where it cannot."""
    command = ["unshare", "--mount", "--propagation", "private"]
    probe = tmp_path / "probe"
    probe.mkdir()
    if shutil.which("unshare") is None or subprocess.run(
            [*command, "mount", "-t", "tmpfs", "none", str(probe)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs in a private mount namespace here")
    probe.rmdir()
    return command


@pytest.mark.parametrize(("how", "message", "hint"), [
    ("mount point", "it is a mount point", "build into a folder inside the mount point"),
    ("read-only", "is on a read-only file system", "choose an output folder on a writable"),
])
def test_an_output_that_cannot_be_replaced_is_an_output_error_and_stays(
        tmp_path, unshare, how, message, hint):
    out = tmp_path / "site/out"
    out.mkdir(parents=True)
    result = subprocess.run([*unshare, sys.executable, "-c", MOUNTED, str(out), how],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert message in result.stdout and f"hint: {hint}" in result.stdout
    # refused before the first page is written, and nothing left beside the output
    assert json.loads(result.stdout.splitlines()[-1]) == ["enter", ["out"], "old"]


@pytest.mark.parametrize(("code", "message", "hint"), [
    (errno.EBUSY, "it is a mount point or in use", "inside the mount point"),
    (errno.EROFS, "read-only file system", "writable disk"),
    (errno.EACCES, "cannot be written: Permission denied", "check permissions"),
    (errno.EPERM, "cannot be written: Operation not permitted", "check permissions"),
    (errno.ENOSPC, "no room", "free some disk space"),
])
def test_each_failure_of_the_output_folder_reads_as_what_to_do(tmp_path, code, message, hint):
    error = output._folder_error(OSError(code, os.strerror(code)), tmp_path / "out")
    assert isinstance(error, OutputError)
    assert message in error.message and str(tmp_path / "out") in error.message
    assert hint in error.hint


def test_the_staging_and_trash_folders_sit_beside_the_output_as_dotfolders(tmp_path):
    tree_ = OutputTree(tmp_path / "out")
    assert tree_.staging == tmp_path / f".out{STAGING_SUFFIX}"
    assert tree_.trash == tmp_path / f".out{TRASH_SUFFIX}"
    assert tree_.lock_path == tmp_path / f".out{LOCK_SUFFIX}"
