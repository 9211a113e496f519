"""Which files a site may publish: those inside their folder, whatever a link says.

A symlink in ``static/`` or ``content/`` can point anywhere (``static/x.txt →
/etc/passwd``, a linked folder of private notes).  The build and the preview
publish a file only when its real path lies inside the real path of the
folder it is published from (``static/``, a content folder, the theme's), so
nothing outside them is ever written into the output or served.  The folder
itself may be a link (a content folder that is an Obsidian vault elsewhere):
the user chose it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.utils import send_from_directory
from werkzeug.wrappers import Response


def inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether ``path``, its links followed, lies inside ``root`` (links followed too)."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def escapes(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether ``path``, a file that ``os.walk`` found below ``folder`` (so in real
    subfolders: it follows no link to a folder), is a link that leaves ``folder``.

    Only a link can, so only a link costs more than one ``lstat``.
    """
    return os.path.islink(path) and not inside(path, folder)


def send_inside(folder: str | os.PathLike[str], filename: str,
                environ: dict[str, Any]) -> Response:
    """``send_from_directory``, answering 404 for a file whose real path leaves ``folder``."""
    path = safe_join(os.fspath(folder), filename)
    if path is None or not os.path.isfile(path) or not inside(path, folder):
        raise NotFound()
    return send_from_directory(folder, filename, environ)


def files_below(folder: Path, outside: set[str]) -> Iterator[str]:
    """Every file below ``folder`` as a posix path relative to it, dot-files left out,
    and links out of ``folder`` too: those are added to ``outside`` instead."""
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = Path(parent, name)
            if escapes(path, folder):
                outside.add(os.fspath(path))
            else:
                yield path.relative_to(folder).as_posix()
