"""``sitegen new``: a new site, copied from one of the starters in this folder.

Each starter (``blog``, ``wiki``, ``docs``) is a complete site that builds
with ``--strict`` and uses the built-in theme: an ``app.py`` whose routes
say what they do, sample content that explains itself, and a
``.gitignore`` for the output and the cache (stored as ``gitignore``, since
package data leaves dot-files out).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import SitegenError

STARTERS = Path(__file__).parent
#: Files of a starter written under another name.
RENAMED = {"gitignore": ".gitignore"}


def starters() -> list[str]:
    """The names of the starters ``sitegen new --template`` accepts."""
    return sorted(p.name for p in STARTERS.iterdir() if (p / "app.py").is_file())


def create_site(target: str | os.PathLike[str], starter: str = "blog") -> list[Path]:
    """Copy the starter ``starter`` into the folder ``target``; return the files written.

    ``target`` may exist if it is empty: a site is never written over files.
    """
    folder = Path(target)
    source = STARTERS / starter
    if starter not in starters():
        raise SitegenError(f"There is no starter {starter!r}.",
                           hint=f"choose one of: {', '.join(starters())}")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise SitegenError(
            f"{folder} already exists and is not an empty folder; sitegen new writes over "
            "nothing.",
            hint="give the name of a new folder, or empty this one",
        )
    written: list[Path] = []
    for path in sorted(source.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(source)
        destination = folder / relative.parent / RENAMED.get(relative.name, relative.name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        written.append(destination)
    return written
