"""Undefined template values that speak up when printed.

Jinja's default ``Undefined`` prints as nothing, so ``{{ post.titel }}``
writes ``<h1></h1>`` and the typo goes unnoticed.  Raising instead
(``StrictUndefined``) would break the idioms that test a value first:
``{% if post.subtitle %}``, ``post.subtitle | default("")``, ``post.subtitle
is defined``.  :class:`WarningUndefined` keeps those silent and warns only
when the value is printed, naming the template file and line and the
closest name that does exist.  The warning goes into the render's record,
like a broken link, so ``--strict`` turns it into an error.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from types import FrameType
from typing import Any

import jinja2
from jinja2.utils import missing

from .context import current_record

#: How Jinja names a template's local variables in its compiled code (``l_1_post``).
_LOCAL = re.compile(r"^l_\d+_(.+)$")


class WarningUndefined(jinja2.Undefined):
    """An undefined value that warns (file, line, "did you mean") when printed."""

    __slots__ = ()

    def __str__(self) -> str:
        record = current_record()
        if record is not None:
            frame = _template_frame(sys._getframe(1))
            record.warn(describe(self, frame, record.relative))
        return ""


def describe(undefined: jinja2.Undefined, frame: FrameType | None,
             relative: Callable[[str], str] = str) -> str:
    """The warning for printing ``undefined`` from the template code in ``frame``."""
    obj, name = undefined._undefined_obj, undefined._undefined_name
    if undefined._undefined_hint:
        problem, candidates = undefined._undefined_hint, []
    elif obj is missing:
        problem, candidates = f"{name!r} is undefined", _names_in(frame)
    elif not isinstance(name, str):  # items[5]
        problem, candidates = f"{_kind(obj)} has no item {name!r}", []
    elif isinstance(obj, Mapping) and not hasattr(obj, name):
        # dict.keys: a mapping that records what a render reads (config) notes nothing.
        keys = dict.keys(obj) if isinstance(obj, dict) else obj.keys()
        problem, candidates = f"{_kind(obj)} has no key {name!r}", [str(k) for k in keys]
    else:
        problem, candidates = f"{_kind(obj)} has no attribute {name!r}", _attributes(obj)
    where = _location(frame, relative)
    text = f"{where}: {problem}, so it printed as nothing"
    close = difflib.get_close_matches(str(name), candidates, n=1, cutoff=0.6)
    if close:
        text += f"; did you mean {close[0]!r}?"
    return text + " (test a value that may be missing with `is defined` or `| default`)"


def _template_frame(frame: FrameType | None) -> FrameType | None:
    """The innermost frame running compiled template code."""
    while frame is not None and "__jinja_template__" not in frame.f_globals:
        frame = frame.f_back
    return frame


def _location(frame: FrameType | None, relative: Callable[[str], str]) -> str:
    if frame is None:
        return "a template"
    template: jinja2.Template = frame.f_globals["__jinja_template__"]
    line = template.get_corresponding_lineno(frame.f_lineno)
    if not template.filename:
        return f"{template.name or '<string>'}:{line}"
    name = relative(template.filename)
    if os.path.isabs(name):  # outside the site: a theme's template, known by its name
        return f"the theme's {template.name}:{line}"
    return f"{name}:{line}"


def _names_in(frame: FrameType | None) -> list[str]:
    """The names a template can see at ``frame``: its context and its local variables."""
    if frame is None:
        return []
    names: set[str] = set()
    for local, value in frame.f_locals.items():
        match = _LOCAL.match(local)
        if match and value is not missing and not isinstance(value, jinja2.Undefined):
            names.add(match[1])
        elif local == "context" and isinstance(value, jinja2.runtime.Context):
            names.update(k for k, v in value.get_all().items()
                         if not isinstance(v, jinja2.Undefined))
    return sorted(names)


def _attributes(obj: Any) -> list[str]:
    """Public attributes of ``obj`` (its ``__dir__`` may add keys, as ``Page`` does)."""
    names: Iterable[str] = dir(obj)
    return [n for n in names if not n.startswith("_")]


def _kind(obj: Any) -> str:
    """``obj`` as a warning names it: short reprs as they are (a page), else its type."""
    if isinstance(obj, (dict, list, tuple)):
        return f"the {type(obj).__name__}"
    text = repr(obj)
    return text if len(text) <= 60 else f"the {type(obj).__name__}"
