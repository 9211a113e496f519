"""Writing the output tree: all of it or none of it.

The build writes into a fresh folder beside the output and swaps it in
only once every file is there, so a failed or interrupted build leaves the
previous output exactly as it was.  Files whose bytes did not change are
carried over from the old tree (hard links where the file system allows),
keeping their mtime for rsync and CDNs.  Dotfiles (``.git``,
``.nojekyll``) and ``KEEP_FILES`` patterns survive from the old tree.

:class:`OutputTree` does this file by file, as pages render.  Creating folders and
files costs the kernel as much as a fast page costs to render, so it does not wait in
the rendering's way: :meth:`OutputTree.write_soon` hands the system calls to a writer
thread, and worker processes on this machine place the pages they render themselves,
through the tree's :class:`Stage`.  On Linux the
swap is one ``renameat2(RENAME_EXCHANGE)``, so there is no moment without
an output folder; elsewhere it is two renames, and the next build puts the
old tree back if a kill fell between them.  A lock file beside the output
keeps two builds of one output from sharing its staging folder.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import functools
import os
import posixpath
import shutil
import stat
import sys
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from types import TracebackType

from ..errors import OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are not serialised
    fcntl = None  # type: ignore[assignment]

STAGING_SUFFIX = ".sitegen-new"
TRASH_SUFFIX = ".sitegen-old"
LOCK_SUFFIX = ".sitegen-lock"

#: ``renameat2`` flag: swap two existing paths in one step.
RENAME_EXCHANGE = 2
_AT_FDCWD = -100
#: ``SYS_renameat2`` per machine, for a libc that lacks the wrapper.
_SYS_RENAMEAT2 = {"x86_64": 316, "i386": 353, "i686": 353, "aarch64": 276, "riscv64": 276,
                  "armv7l": 382, "armv6l": 382, "ppc64le": 357, "ppc64": 357, "s390x": 347,
                  "loongarch64": 276}
#: What a file system without an exchange answers; the swap then takes two renames.
_NO_EXCHANGE = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
#: Threads that write the files :meth:`OutputTree.write_soon` hands over.
WRITERS = 2
_WRITE_HINT = ("a file name may be at most 255 bytes: check the URL; and check that the output "
               "folder is writable and its disk has room")


@dataclass
class WriteStats:
    """What one build did to the output folder, for the summary line."""

    written: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0


@dataclass(frozen=True, slots=True)
class Placed:
    """One file as it now stands in the new tree; the engine keeps the stat to verify it later."""

    changed: bool
    size: int
    mtime_ns: int


# -- which URL writes which file ------------------------------------------------------


class OutputClaims:
    """Which URL writes which output file, checked as each path is claimed.

    Files are written as they render, so a clash must be seen before the
    second file is written, not after the whole site is known.  Every claim
    is remembered, refused or not, so :meth:`problems` reads the same
    whatever order the pages rendered in.
    """

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}
        #: Folders the accepted files need; never an accepted file itself.
        self._folders: set[str] = {""}
        self._refused: list[tuple[str, str]] = []

    def claim(self, url: str, path: str) -> bool:
        """Claim ``path`` for ``url``; False means: do not write it.

        A clash with another URL is noted for :meth:`problems`; the same
        URL claiming its own path again is not a clash (it is written once).
        """
        owner = self._owners.get(path)
        if owner is not None:
            if owner != url:
                self._refused.append((url, path))
            return False
        if path in self._folders:
            self._refused.append((url, path))
            return False
        new_folders: list[str] = []
        parent = path.rpartition("/")[0]
        while parent not in self._folders:  # stops at the first known folder: O(depth)
            if parent in self._owners:
                self._refused.append((url, path))
                return False
            new_folders.append(parent)
            parent = parent.rpartition("/")[0]
        self._owners[path] = url
        self._folders.update(new_folders)
        return True

    def problems(self) -> list[str]:
        """Every clash, sorted; computed from all claims, so the order of work never shows."""
        if not self._refused:
            return []
        claims: dict[str, set[str]] = {path: {url} for path, url in self._owners.items()}
        for url, path in self._refused:
            claims.setdefault(path, set()).add(url)
        problems: list[str] = []
        for path, urls in claims.items():
            first, *others = sorted(urls)
            problems += [f"{first} and {other} both write {path}" for other in others]
        needs: dict[str, str] = {}  # folder -> the URL of the first file under it
        for path in sorted(claims):
            url = min(claims[path])
            parent = path.rpartition("/")[0]
            while parent and parent not in needs:
                needs[parent] = url
                parent = parent.rpartition("/")[0]
        for folder, url in needs.items():
            if folder in claims:
                problems.append(f"{min(claims[folder])} writes the file {folder}, but {url} "
                                f"needs a folder of that name")
        return sorted(problems)

    def error(self) -> OutputError | None:
        """The error to end the build with, or None when no two URLs clash."""
        problems = self.problems()
        if not problems:
            return None
        return OutputError(
            "Some URLs map to the same output file:",
            details=problems,
            hint="give these pages distinct URLs (a trailing slash makes a folder)",
        )


def check_output_folder(output: Path, site_root: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that would swallow the site's own sources.

    A build replaces the output folder whole, deleting whatever it did not
    write: so the output may not be the site, hold it, or be, hold or lie
    inside a source folder (``-o site/content`` would delete the posts).
    """
    output = output.resolve()
    site_root = site_root.resolve()
    if output == site_root or output in site_root.parents:
        raise OutputError(
            f"The output folder {output} contains the site itself; building there "
            "would delete your sources.",
            hint="choose an output folder such as build/ (-o build)",
        )
    hint = ("choose an output folder such as build/ (-o build), outside templates/, static/ "
            "and content/")
    for folder in protected:
        folder = folder.resolve()
        if output == folder:
            raise OutputError(f"The output folder {output} is {folder}, a source folder; "
                              "building there would delete it.", hint=hint)
        if folder in output.parents:
            raise OutputError(f"The output folder {output} is inside {folder}, a source folder.",
                              hint=hint)
        if output in folder.parents:
            raise OutputError(f"The output folder {output} contains {folder}, a source folder; "
                              "building there would delete it.", hint=hint)
    if output.exists() and not output.is_dir():
        raise OutputError(f"The output path {output} exists and is not a folder.")


# -- the output tree, file by file ---------------------------------------------------


class OutputTree:
    """The new output folder of one build, written file by file into a staging folder beside
    `output` and swapped in whole at the end.

    Use it as a context manager: leaving the block without :meth:`commit`
    (or by an exception) removes the staging folder and leaves the previous
    output exactly as it was.  Unchanged files are only noted while pages
    render and linked at :meth:`commit`, so a rebuild that changes nothing
    costs no link and no delete.  Not reentrant: one tree per output at a
    time, also within one process.
    """

    def __init__(self, output: Path, keep_patterns: Iterable[str] = (), *,
                 on_wait: Callable[[Path], None] | None = None,
                 keep: Callable[[str, bool], bool] | None = None) -> None:
        self.output = Path(output).absolute()
        parent, name = self.output.parent, self.output.name
        self.staging = parent / f".{name}{STAGING_SUFFIX}"
        self.trash = parent / f".{name}{TRASH_SUFFIX}"
        self.lock_path = parent / f".{name}{LOCK_SUFFIX}"
        patterns = list(keep_patterns)
        #: Whether an entry of the old tree the new one lacks is kept: ``(path, is a
        #: folder)``.  A kept folder comes whole; dotfiles are always kept.
        self._keep = keep or (lambda rel, is_folder: _kept(rel, patterns))
        self._on_wait = on_wait
        self._lock_fd: int | None = None
        self._open = False
        self._done = False
        self._has_old = False
        self._old_root = str(self.output) + os.sep
        self._stage = Stage(str(self.staging) + os.sep, None)
        self._paths: set[str] = set()
        self._folders: set[str] = {""}
        self._carried: list[str] = []
        self._written: list[str] = []
        #: What :meth:`old_stat` saw, for the :meth:`carry` that usually follows.
        self._seen: dict[str, os.stat_result | None] = {}
        self._writers: ThreadPoolExecutor | None = None
        #: Files handed to the writer threads so far, and the writes that failed (by their
        #: place in that order): a write that succeeded is not held, nor is its future.
        self._handed = 0
        self._failed: list[tuple[int, str, Future[Placed]]] = []

    # -- entering and leaving

    def __enter__(self) -> OutputTree:
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = _lock(self.lock_path, self._on_wait)
        except OSError as error:
            raise _folder_error(error, self.output) from error
        try:
            try:
                _recover(self.output, self.staging, self.trash)
                self._check_target()
                self.staging.mkdir()
            except OSError as error:
                raise _folder_error(error, self.output) from error
        except BaseException:
            self._release()
            raise
        self._has_old = self.output.is_dir()
        self._stage = Stage(self._stage.new_root, self._old_root if self._has_old else None)
        self._open = True
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop_writers(cancel=True)
        try:
            if self._open and not self._done:
                _remove_tree(self.staging)
                if os.path.lexists(self.output):  # else the trash is the old tree: keep it
                    _remove_tree(self.trash)
        finally:
            self._open = False
            self._release()

    def wait_for_writes(self) -> None:
        """Wait until every file handed to the writer threads is written, and end the
        threads (the next :meth:`write_soon` starts them again): the build forks its
        workers from a process with no other thread running."""
        self._stop_writers(cancel=False)

    def _stop_writers(self, cancel: bool) -> None:
        """Wait for the writer threads: for every file, or (``cancel``) the ones begun."""
        writers, self._writers = self._writers, None
        if writers is not None:
            writers.shutdown(wait=True, cancel_futures=cancel)

    def _check_target(self) -> None:
        output = self.output
        if os.path.lexists(output) and not output.is_dir():
            raise OutputError(f"The output path {output} exists and is not a folder.")
        if os.path.ismount(output):
            raise _folder_error(OSError(errno.EBUSY, os.strerror(errno.EBUSY)), output)
        if os.path.lexists(self.staging):
            raise OutputError(f"{self.staging} is left over from an earlier build and cannot "
                              "be removed.", hint="delete it by hand, then build again")

    def _release(self) -> None:
        if self._lock_fd is not None:
            _unlock(self._lock_fd, self.lock_path)
            self._lock_fd = None

    # -- the previous output

    def old_stat(self, path: str) -> tuple[int, int] | None:
        """``(st_size, st_mtime_ns)`` of ``path`` in the previous output (see
        :meth:`Stage.old`), None if it has none."""
        _check_relative(path)
        old = self._seen[path] = self._stage.old(path)
        return None if old is None else (old.st_size, old.st_mtime_ns)

    def _old_once(self, path: str) -> os.stat_result | None:
        """The stage's stat of the old ``path``, or what :meth:`old_stat` saw of it (the
        tree is locked)."""
        return self._seen.pop(path) if path in self._seen else self._stage.old(path)

    # -- placing files

    def write(self, path: str, body: bytes) -> Placed:
        """Write ``body`` at ``path`` now; the old file is carried instead if it has these bytes."""
        self._register(path)
        try:
            return self._put(path, body)
        except OSError as error:
            raise unwritable(path, error) from error

    def write_soon(self, path: str, body: bytes) -> Future[Placed]:
        """:meth:`write`, by a writer thread: ``path`` is taken now (placing it twice is an
        error here), the file is there by :meth:`commit`, and the future says how it went
        (an ``OSError`` when it could not be written)."""
        self._register(path)
        if self._writers is None:
            self._writers = ThreadPoolExecutor(WRITERS, thread_name_prefix="sitegen-write")
        future = self._writers.submit(self._put, path, body)
        future.add_done_callback(functools.partial(self._note_failure, self._handed, path))
        self._handed += 1
        return future

    def _note_failure(self, number: int, path: str, future: Future[Placed]) -> None:
        if not future.cancelled() and future.exception() is not None:
            self._failed.append((number, path, future))  # from a writer thread: one append

    def _put(self, path: str, body: bytes) -> Placed:
        placed = self._stage.put(path, body, self._old_once(path))
        self._note(path, placed)
        return placed

    def stage(self, rewrites: bool = False) -> Stage:
        """Where another process on this machine may place files of this tree; each one
        it places is handed back to :meth:`adopt` (see :class:`Stage` for ``rewrites``)."""
        if not self._open:
            raise RuntimeError("OutputTree.stage() only inside its with block")
        if rewrites:
            return Stage(self._stage.new_root, self._stage.old_root, rewrites=True)
        return self._stage

    def adopt(self, path: str, placed: Placed) -> None:
        """Take ``path`` as placed by another process through :meth:`stage`."""
        self._register(path)
        self._note(path, placed)

    def _note(self, path: str, placed: Placed) -> None:
        # From a writer thread too: one append.
        (self._written if placed.changed else self._carried).append(path)

    def copy(self, path: str, source: str) -> Placed:
        """Copy the static file ``source`` to ``path``; an identical old file is carried instead."""
        self._register(path)
        old = self._old_once(path)
        try:
            if old is not None and filecmp.cmp(source, self._old_root + path, shallow=False):
                return self._defer(path, old)
            target = self._stage.target(path)
            shutil.copyfile(source, target)
            new = os.stat(target)
        except OSError as error:
            raise unwritable(path, error) from error
        self._written.append(path)
        return Placed(True, new.st_size, new.st_mtime_ns)

    def carry(self, path: str) -> Placed:
        """Keep the previous output's ``path`` as it is (linked at :meth:`commit`)."""
        _check_relative(path)
        old = self._old_once(path)
        if old is None:
            raise FileNotFoundError(errno.ENOENT, "not in the previous output",
                                    str(self.output / path))
        self._register(path)
        return self._defer(path, old)

    def _register(self, path: str) -> None:
        if not self._open or self._done:
            raise RuntimeError("OutputTree places files only inside its with block, "
                               "before commit()")
        _check_relative(path)
        if path in self._paths:
            raise ValueError(f"{path} is placed twice in one output tree")
        self._paths.add(path)
        folder = path.rpartition("/")[0]
        while folder not in self._folders:
            self._folders.add(folder)
            folder = folder.rpartition("/")[0]

    def _defer(self, path: str, old: os.stat_result) -> Placed:
        self._carried.append(path)
        return Placed(False, old.st_size, old.st_mtime_ns)

    # -- the end

    def commit(self) -> WriteStats:
        """Make the new tree the output, with the old tree's dotfiles and kept files.

        When nothing changed and nothing is to go, the old output already
        is the new tree: it stays, untouched, and nothing is linked.  When
        every change lies in one folder, only that folder is completed in
        the staging tree and exchanged, so a one-page edit links the files
        of one folder, not of the whole site; otherwise the whole tree is.
        """
        if not self._open or self._done:
            raise RuntimeError("commit() once, inside the with block")
        self._stop_writers(cancel=False)
        if self._failed:  # a file not written is no tree to publish: the first one's error
            _, path, future = min(self._failed, key=lambda failed: failed[0])
            error = future.exception()
            raise unwritable(path, error) from error  # type: ignore[arg-type]
        stats = WriteStats(written=len(self._written), unchanged=len(self._carried))
        if not self._has_old:
            self._swap_in(_put_in_place, self.staging, self.output)
            return stats
        try:
            survey = _survey(self.output, self._paths, self._folders, self._keep)
            stats.removed = len(survey.removed)
            stats.kept = sum(1 for rel, is_folder in survey.kept
                             if not (is_folder and rel in self._folders))
            if not self._written and not survey.removed and not survey.vanishing:
                _remove_tree(self.staging)
                self._done = True
                return stats
            folder = None if survey.vanishing else self._changed_folder(survey.removed)
            if folder is not None:
                self._commit_folder(folder, survey.kept)
                return stats
            self._link_carried(self._carried)
            _bring_kept(self.output, self.staging, survey.kept)
        except OSError as error:
            raise _folder_error(error, self.output) from error
        self._swap_in(_swap, self.staging, self.output, self.trash)
        return stats

    def _changed_folder(self, removed: list[str]) -> str | None:
        """The one folder to replace so the output becomes the new tree; None for the root.

        It is the deepest folder holding every written and every removed
        file, raised to one the new tree has and, where the old tree lacks
        it, to the outermost new folder, which is moved in whole.
        """
        folder = posixpath.commonpath([path.rpartition("/")[0]
                                       for path in (*self._written, *removed)])
        while folder and folder not in self._folders:
            folder = folder.rpartition("/")[0]
        if folder and not self._stage.old_folder(folder):
            while folder and not self._stage.old_folder(folder.rpartition("/")[0]):
                folder = folder.rpartition("/")[0]
            if os.path.lexists(self._old_root + folder):  # a file or a link in the old tree
                return None
        return folder or None

    def _commit_folder(self, folder: str, kept: list[tuple[str, bool]]) -> None:
        """Complete ``folder`` in the staging tree and put it in place in one step."""
        inside = folder + "/"
        self._link_carried([path for path in self._carried if path.startswith(inside)])
        _bring_kept(self.output, self.staging, [k for k in kept if k[0].startswith(inside)])
        new, old = self.staging / folder, self.output / folder
        if not os.path.lexists(old):
            self._swap_in(_put_in_place, new, old)
        else:
            try:
                _exchange(new, old)
            except OSError as error:
                if error.errno not in _NO_EXCHANGE:
                    raise
                # No exchange here: the whole tree, by two renames the next build can undo.
                self._link_carried([p for p in self._carried if not p.startswith(inside)])
                _bring_kept(self.output, self.staging,
                            [k for k in kept if not k[0].startswith(inside)])
                self._swap_in(_swap, self.staging, self.output, self.trash)
                return
        self._done = True
        _remove_old(self.staging)

    def _link_carried(self, paths: list[str]) -> None:
        """Make the links that :meth:`carry` and unchanged writes only noted."""
        path = ""
        try:
            for path in paths:
                _link_or_copy(self._old_root + path, self._stage.target(path))
        except OSError as error:
            raise unwritable(path, error) from error

    def _swap_in(self, swap: Callable[..., None], *folders: Path) -> None:
        try:
            swap(*folders)
        except OSError as error:
            raise _folder_error(error, self.output) from error
        self._done = True


class Stage:
    """The placing of files in one staging tree, from any process on this machine.

    An :class:`OutputTree` places its files through its stage.  A worker
    process is handed a copy and places the pages it renders itself, so
    that only their records travel back: the system calls run on every
    core, and no page's bytes wait in the coordinator.  A file whose bytes
    the previous output already has is not written but noted (``changed``
    false): the tree links it at commit.  A copy sent to another process
    carries the two folders, not what this one has seen of them.
    """

    def __init__(self, new_root: str, old_root: str | None, rewrites: bool = False) -> None:
        #: The staging folder and the previous output (None: there is none), with a
        #: trailing separator.
        self.new_root = new_root
        self.old_root = old_root
        #: Whether a file placed again replaces the first (an executor that runs a lost
        #: worker's task again: the file there may be that worker's, cut short), rather
        #: than being an error.
        self.rewrites = rewrites
        self._old_dirs: dict[str, bool] = {"": True}
        self._made: set[str] = {""}
        self._flags = os.O_WRONLY | os.O_CREAT | _O_CLOEXEC | (
            os.O_TRUNC | _O_NOFOLLOW if rewrites else os.O_EXCL)

    def __reduce__(self) -> tuple[Callable[..., Stage], tuple[str, str | None, bool]]:
        return _received_stage, (self.new_root, self.old_root, self.rewrites)

    def place(self, path: str, body: bytes) -> Placed:
        """Place ``body`` at ``path`` of the new tree, or note the old file that has it
        (an ``OSError`` when it cannot be written)."""
        _check_relative(path)
        return self.put(path, body, self.old(path))

    def put(self, path: str, body: bytes, old: os.stat_result | None) -> Placed:
        """:meth:`place`, given ``old``: the previous output's stat of ``path``."""
        if old is not None and old.st_size == len(body) and _has_bytes(self.old_root + path,
                                                                       body):
            return Placed(False, old.st_size, old.st_mtime_ns)
        fd = os.open(self.target(path), self._flags, 0o666)
        try:
            view = memoryview(body)
            while view:
                view = view[os.write(fd, view):]
            new = os.fstat(fd)
        finally:
            os.close(fd)
        return Placed(True, new.st_size, new.st_mtime_ns)

    def target(self, path: str) -> str:
        """``path`` in the staging folder, its folder made (each folder once)."""
        folder = path.rpartition("/")[0]
        if folder not in self._made:
            if folder.rpartition("/")[0] in self._made:  # the usual case: one mkdir, no stat
                with contextlib.suppress(FileExistsError):  # another worker's, or in the way
                    os.mkdir(self.new_root + folder)
            else:
                os.makedirs(self.new_root + folder, exist_ok=True)
            while folder not in self._made:
                self._made.add(folder)
                folder = folder.rpartition("/")[0]
        return self.new_root + path

    def old(self, path: str) -> os.stat_result | None:
        """The stat of ``path`` in the previous output: only a regular file inside real
        folders counts, so a symlink in the old tree is never followed out of it."""
        if self.old_root is None or not self.old_folder(path.rpartition("/")[0]):
            return None
        try:
            old = os.lstat(self.old_root + path)
        except OSError:
            return None
        return old if stat.S_ISREG(old.st_mode) else None

    def old_folder(self, folder: str) -> bool:
        """Whether ``folder`` is a real folder (no symlink on the way) in the old tree."""
        real = self._old_dirs.get(folder)
        if real is None:
            real = self.old_folder(folder.rpartition("/")[0]) and _is_real_dir(
                self.old_root + folder)  # type: ignore[operator]
            self._old_dirs[folder] = real
        return real


_last_received: list[Stage] = []


def _received_stage(new_root: str, old_root: str | None, rewrites: bool) -> Stage:
    """The stage a process was sent: the same one for every task of one build, so what
    it has seen of the two folders is seen once."""
    last = _last_received[0] if _last_received else None
    if last is None or (last.new_root, last.old_root, last.rewrites) != (
            new_root, old_root, rewrites):
        last = Stage(new_root, old_root, rewrites)
        _last_received[:] = [last]
    return last


# -- the swap, one named step each (tests kill a build at each) ------------------------


def _swap(staging: Path, output: Path, trash: Path) -> None:
    """Put ``staging`` in place of ``output``; the old tree ends at ``staging`` and goes."""
    try:
        _exchange(staging, output)
    except OSError as error:
        if error.errno not in _NO_EXCHANGE:
            raise
        _swap_by_renames(staging, output, trash)
    _remove_old(staging)


def _swap_by_renames(staging: Path, output: Path, trash: Path) -> None:
    """Two renames, where there is no exchange.

    Between them there is no output folder; the trash name exists only
    then, so a build that finds it without an output puts it back.
    """
    _set_aside(output, trash)
    try:
        _put_in_place(staging, output)
    except BaseException:
        os.rename(trash, output)
        raise
    try:
        _discard(trash, staging)
    except OSError:
        _remove_old(trash)


def _exchange(staging: Path, output: Path) -> None:
    """Swap the new tree and the old in one step: there is always an output folder."""
    _renameat2(str(staging), str(output), RENAME_EXCHANGE)


def _set_aside(output: Path, trash: Path) -> None:
    os.rename(output, trash)


def _put_in_place(staging: Path, output: Path) -> None:
    os.rename(staging, output)


def _discard(trash: Path, staging: Path) -> None:
    """Rename the old tree away from the trash name, which must mean "output is missing"."""
    os.rename(trash, staging)


def _remove_old(folder: Path) -> None:
    _remove_tree(folder)


def _recover(output: Path, staging: Path, trash: Path) -> None:
    """Undo what a killed build left: an old tree set aside goes back, the rest goes."""
    if not os.path.lexists(output) and _is_real_dir(str(trash)):
        os.rename(trash, output)
    for leftover in (staging, trash):
        if os.path.lexists(leftover):
            _remove_tree(leftover)


def _remove_tree(folder: Path) -> None:
    """Delete ``folder`` if there; a failure is left for the next build's recovery."""
    if os.path.islink(folder):
        os.unlink(folder)
    elif os.path.isdir(folder):
        shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def _renameat2_call() -> Callable[[bytes, bytes, int], int] | None:
    """glibc's ``renameat2``, else the raw system call; None off Linux."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    function = getattr(libc, "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                             ctypes.c_uint]
        function.restype = ctypes.c_int
        return lambda old, new, flags: function(_AT_FDCWD, old, _AT_FDCWD, new, flags)
    number = _SYS_RENAMEAT2.get(os.uname().machine)
    syscall = getattr(libc, "syscall", None)
    if number is None or syscall is None:
        return None
    syscall.restype = ctypes.c_long
    return lambda old, new, flags: syscall(
        ctypes.c_long(number), ctypes.c_long(_AT_FDCWD), ctypes.c_char_p(old),
        ctypes.c_long(_AT_FDCWD), ctypes.c_char_p(new), ctypes.c_long(flags))


def _renameat2(old: str, new: str, flags: int) -> None:
    call = _renameat2_call()
    if call is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available here", old)
    if call(os.fsencode(old), os.fsencode(new), flags) != 0:
        import ctypes

        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), old, None, new)


# -- one build at a time ---------------------------------------------------------------


def _lock(path: Path, on_wait: Callable[[Path], None] | None) -> int:
    """Hold the lock file ``path``, waiting for another build that holds it.

    The holder deletes the file as it lets go, so a waiter that wakes on a
    deleted file tries again rather than share the lock with a newcomer.
    """

    waited = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _O_CLOEXEC, 0o644)
        try:
            if fcntl is None:
                return fd
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None and not waited:
                    on_wait(path)
                waited = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            held, named = os.fstat(fd), os.stat(path)
            if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
                return fd
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _unlock(fd: int, path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- errors ------------------------------------------------------------------------------


def _folder_error(error: OSError, output: Path) -> OutputError:
    """What a failure on the output folder itself means, and what to do about it."""
    code, reason = error.errno, error.strerror or str(error)
    if code == errno.EBUSY:
        return OutputError(
            f"The output folder {output} cannot be replaced: it is a mount point or in use.",
            hint=f"build into a folder inside the mount point (-o {output / 'site'}), then "
                 "copy; or choose another output folder",
        )
    if code == errno.EROFS:
        return OutputError(f"The output folder {output} is on a read-only file system.",
                           hint="choose an output folder on a writable disk")
    if code in (errno.EACCES, errno.EPERM):
        return OutputError(
            f"The output folder {output} cannot be written: {reason}.",
            hint=f"check permissions: the build creates folders and files in {output.parent}",
        )
    if code in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"There is no room to build {output}: {reason}.",
                           hint="free some disk space, or choose an output folder on "
                                "another disk")
    return OutputError(f"The output folder {output} cannot be replaced: {reason}.",
                       hint="check that the output folder and its parent are writable")


def unwritable(path: str, error: OSError, url: str | None = None) -> OutputError:
    """The error for a file of the tree (``url``'s, if given) that could not be written."""
    who = f"{url} cannot be written to {path}" if url else f"{path} cannot be written"
    return OutputError(f"{who}: {error.strerror or error}.", hint=_WRITE_HINT)


# -- the old tree's leftovers ---------------------------------------------------------


@dataclass
class _Survey:
    """What the old tree holds beyond the new tree's files."""

    #: Dotfiles and KEEP_FILES matches to bring over: ``(path, is a folder)``.
    kept: list[tuple[str, bool]] = field(default_factory=list)
    #: Files the new tree does not have, which go with the old tree.
    removed: list[str] = field(default_factory=list)
    #: Whether anything else would go: an empty folder, or the rest of a kept folder
    #: that the new tree writes into.
    vanishing: bool = False


def _survey(output: Path, files: Collection[str], folders: Collection[str],
            keep: Callable[[str, bool], bool]) -> _Survey:
    """Walk the old tree once for what to keep and what goes.

    ``scandir`` entries say what they are without a stat each, which keeps
    a no-change rebuild of a large site cheap.  A symlink is an entry like
    a file: kept as a link, or gone; never followed.
    """
    survey = _Survey()
    stack = [(str(output), "")]
    while stack:
        folder, rel_folder = stack.pop()
        empty = True
        with os.scandir(folder) as entries:
            for entry in entries:
                empty = False
                rel = rel_folder + entry.name
                is_folder = entry.is_dir(follow_symlinks=False)
                kept = entry.name.startswith(".") or keep(rel, is_folder)
                if is_folder:
                    if kept:
                        survey.kept.append((rel, True))
                        survey.vanishing |= rel in folders
                    else:
                        stack.append((entry.path, rel + "/"))
                elif rel in files:
                    continue
                elif kept:
                    survey.kept.append((rel, False))
                else:
                    survey.removed.append(rel)
        survey.vanishing |= empty and rel_folder != ""
    return survey


def _bring_kept(output: Path, staging: Path, kept: list[tuple[str, bool]]) -> None:
    """Carry kept entries the new tree has not written."""
    for rel, is_folder in kept:
        target = staging / rel
        if target.exists():
            continue
        if is_folder:
            shutil.copytree(output / rel, target, symlinks=True, copy_function=_link_or_copy)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(str(output / rel), str(target))


def _check_relative(path: str) -> None:
    """A path of the new tree: relative, posix, with no way out of the tree."""
    parts = path.split("/")
    if "\0" in path or "\\" in path or "" in parts or "." in parts or ".." in parts:
        raise ValueError(f"not a relative output path: {path!r}")


def _is_real_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _has_bytes(path: str, body: bytes) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(len(body) + 1) == body
    except OSError:
        return False


def _kept(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch(rel, pattern) for pattern in patterns)


def _link_or_copy(source: str, target: str) -> None:
    """Carry a file over with its mtime: a hard link, else a copy."""
    if os.path.islink(source):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
