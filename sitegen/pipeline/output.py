"""Writing the output tree: all of it or none of it.

The build writes into a fresh folder beside the output and swaps it in
only once every file is there, so a failed or interrupted build leaves the
previous output exactly as it was.  Files whose bytes did not change are
carried over from the old tree (hard links where the file system allows),
keeping their mtime for rsync and CDNs.  Dotfiles (``.git``,
``.nojekyll``) and ``KEEP_FILES`` patterns survive from the old tree.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from ..errors import OutputError
from .render import Rendered

STAGING_SUFFIX = ".sitegen-new"
TRASH_SUFFIX = ".sitegen-old"


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0


def plan_files(rendered: Iterable[Rendered]) -> dict[str, Rendered]:
    """Map each output file to its response; two URLs on one file is an error."""
    files: dict[str, Rendered] = {}
    problems: list[str] = []
    for item in rendered:
        path = item.path
        other = files.get(path)
        if other is not None:
            first, second = sorted((other.url, item.url))
            problems.append(f"{first} and {second} both write {path}")
            continue
        files[path] = item
    folders: dict[str, str] = {}
    for path, item in sorted(files.items()):  # the same names whatever the order of work
        parent = path.rpartition("/")[0]
        while parent and parent not in folders:
            folders[parent] = item.url
            parent = parent.rpartition("/")[0]
    for folder, url in folders.items():
        clash = files.get(folder)
        if clash is not None:
            problems.append(f"{clash.url} writes the file {folder}, but {url} needs a "
                            f"folder of that name")
    if problems:
        raise OutputError(
            "Some URLs map to the same output file:",
            details=sorted(problems),
            hint="give these pages distinct URLs (a trailing slash makes a folder)",
        )
    return files


def check_output_folder(output: Path, site_root: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that would swallow the site's own sources."""
    output = output.resolve()
    if output == site_root or output in site_root.parents:
        raise OutputError(
            f"The output folder {output} contains the site itself; building there "
            "would delete your sources.",
            hint="choose an output folder such as build/ (-o build)",
        )
    for folder in protected:
        if output == folder or folder in output.parents:
            raise OutputError(
                f"The output folder {output} is inside {folder}, a source folder.",
                hint="choose an output folder outside templates/, static/ and content/",
            )
    if output.exists() and not output.is_dir():
        raise OutputError(f"The output path {output} exists and is not a folder.")


def write_tree(output: Path, files: Mapping[str, Rendered],
               keep_patterns: Iterable[str] = ()) -> WriteStats:
    """Write ``files`` as the new ``output`` folder, atomically."""
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{output.name}{STAGING_SUFFIX}"
    trash = parent / f".{output.name}{TRASH_SUFFIX}"
    for leftover in (staging, trash):
        if leftover.exists():
            shutil.rmtree(leftover)
    stats = WriteStats()
    try:
        staging.mkdir()
        made: set[str] = {""}
        for path in sorted(files):
            item = files[path]
            try:
                folder = path.rpartition("/")[0]
                if folder not in made:
                    (staging / folder).mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                changed = _write_file(item, staging / path, output / path)
            except OSError as error:
                raise OutputError(
                    f"{item.url} cannot be written to {path}: {error.strerror or error}.",
                    hint="a file name may be at most 255 bytes: check the URL; and check "
                         "that the output folder is writable and its disk has room",
                ) from error
            if changed:
                stats.written += 1
            else:
                stats.unchanged += 1
        if output.is_dir():
            stats.kept, stats.removed = _carry_over(output, staging, files,
                                                    list(keep_patterns))
            os.rename(output, trash)
            os.rename(staging, output)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.rename(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return stats


def _write_file(item: Rendered, target: Path, old: Path) -> bool:
    """Write one file; returns False when the old output had the same bytes."""
    try:
        old_size = old.stat().st_size
    except OSError:
        old_size = -1
    if item.source_file is not None:
        if old_size >= 0 and filecmp.cmp(item.source_file, old, shallow=False):
            _link_or_copy(str(old), str(target))
            return False
        shutil.copyfile(item.source_file, target)
        return True
    if old_size == len(item.body) and old.read_bytes() == item.body:
        _link_or_copy(str(old), str(target))
        return False
    target.write_bytes(item.body)
    return True


def _carry_over(output: Path, staging: Path, files: Mapping[str, Rendered],
                keep_patterns: list[str]) -> tuple[int, int]:
    """Bring dotfiles and kept files from the old tree; count removed files."""
    kept = removed = 0
    for folder, dirs, names in os.walk(output):
        rel_folder = Path(folder).relative_to(output).as_posix()
        rel_folder = "" if rel_folder == "." else rel_folder + "/"
        for name in list(dirs):
            rel = rel_folder + name
            if name.startswith(".") or _kept(rel, keep_patterns):
                dirs.remove(name)
                if not (staging / rel).exists():
                    shutil.copytree(output / rel, staging / rel, symlinks=True,
                                    copy_function=_link_or_copy)
                    kept += 1
        for name in names:
            rel = rel_folder + name
            if rel in files:
                continue
            if name.startswith(".") or _kept(rel, keep_patterns):
                target = staging / rel
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _link_or_copy(str(output / rel), str(target))
                    kept += 1
            else:
                removed += 1
    return kept, removed


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
