"""Errors a user can cause, each with a message written for that user.

Every failure that is the user's to fix (a bad template, a broken link, a
view that raises) is a :class:`SitegenError`.  The CLI and the preview server
render them in one place, so the message is written once, here, and never
arrives as a bare traceback.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any


class SitegenError(Exception):
    """A problem in the user's site, with a message that says what to do.

    ``message`` is the headline, ``details`` the lines under it (file
    excerpts, referrers, frames), ``hint`` what to do about it.
    """

    def __init__(self, message: str, *, details: Iterable[str] = (), hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)
        self.hint = hint

    def format(self) -> str:
        """The whole error as one readable block of text."""
        lines = [self.message]
        lines += [f"  {line}" for line in self.details]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its attributes, whatever the subclass's constructor takes: an
        error raised in a worker process reaches the build as it was raised."""
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(kind: type[SitegenError], state: dict[str, Any]) -> SitegenError:
    error = kind.__new__(kind)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class AppLoadError(SitegenError):
    """The site's ``app.py`` is missing, does not import, or holds no ``Site``."""


class TemplateError(SitegenError):
    """A Jinja template failed to compile."""


class RenderError(SitegenError):
    """A URL could not be rendered: the view or its template raised."""


class BrokenLinkError(SitegenError):
    """A URL that something links to does not answer ``200``."""


class OutputError(SitegenError):
    """Two URLs claim one file, or a URL would land outside the output."""


class ContentError(SitegenError):
    """A content file is malformed: front matter, encoding, or a bad link."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, problem: str, *,
                 hint: str = "") -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}", hint=hint)
        self.path = str(path)
        self.line = line
        self.problem = problem


class StrictModeError(SitegenError):
    """``--strict`` was given and the build produced warnings."""


def user_frames(tb: TracebackType | None, root: str | os.PathLike[str]) -> list[str]:
    """The frames of ``tb`` that run the user's own files (under ``root``).

    Jinja rewrites template frames to point at the template file, so
    templates show up here too.  Frames of sitegen and its libraries are
    left out: they are noise to someone fixing their site.
    """
    root_dir = os.path.realpath(root)
    frames: list[tuple[str, ...]] = []
    for frame in traceback.extract_tb(tb):
        if frame.filename.startswith("<"):
            continue
        filename = os.path.realpath(frame.filename)
        if not filename.startswith(root_dir + os.sep) or "site-packages" in filename:
            continue
        rel = os.path.relpath(filename, root_dir)
        where = f"{rel}, line {frame.lineno}, in {frame.name}"
        frames.append((where, f"    {frame.line.strip()}") if frame.line else (where,))
    return [line for frame in _without_cycles(frames) for line in frame]


#: The longest cycle of frames (a view calling itself through others) shown once.
_LONGEST_CYCLE = 12


def _without_cycles(frames: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """``frames`` with a block that repeats (a template that includes itself, a view
    that calls itself) shown once and counted, instead of a thousand times."""
    shown: list[tuple[str, ...]] = []
    i = 0
    while i < len(frames):
        for size in range(1, _LONGEST_CYCLE + 1):
            block = frames[i:i + size]
            repeats = 1
            while frames[i + repeats * size:i + (repeats + 1) * size] == block:
                repeats += 1
            if repeats >= 3:
                shown += block
                what = "frame above repeats" if size == 1 else f"{size} frames above repeat"
                shown.append((f"… the {what} {repeats - 1} more times: a cycle (a view or "
                              "template that calls or includes itself)",))
                i += repeats * size
                break
        else:
            shown.append(frames[i])
            i += 1
    return shown


def raised(error: BaseException) -> str:
    """What the user's code raised, as a message says it: ``ValueError: bad``; a call
    of ``sys.exit()`` (which would end the build without a word) by its name."""
    if isinstance(error, SystemExit):
        return f"SystemExit({error.code!r}): sys.exit() cannot end a build"
    return f"{type(error).__name__}: {error}"


def relative_to(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str:
    """``path`` relative to ``root`` where it is inside, else as given."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)
