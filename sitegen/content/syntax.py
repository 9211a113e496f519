"""The syntax vaults and wikis write, shared by both Markdown engines.

Obsidian, Quartz, Hugo and GitHub add to CommonMark; pages written for them
come as they are, so both engines read the same additions, with the pieces
here:

- fences with an info string after the language (:func:`read_info`):
  ````` ```ts title="app.ts" {2,4-5} `````: the first word is the language,
  ``title`` a caption, ``{1,3-5}`` or ``hl_lines="1 3"`` the lines to
  highlight; anything else is ignored;
- ``%%comments%%``, inline or over many lines (:func:`strip_comments`), removed
  from the source before parsing, so no trace of them is published;
- ``==highlight==``, inline ``#tags`` and nested ``#area/topic`` tags;
- ``^block-id`` at the end of a paragraph or list item: an ``id`` for it;
- ``$math$`` and ``$$display math$$``, as MathML (:func:`math_html`, with the
  ``math`` extra), and ```` ```mermaid ```` diagrams (:func:`diagram_html`),
  drawn in the browser by the script ``diagrams.py`` serves.

Every scanner here is a single pass (linear in the text), as a parse must be.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache, lru_cache
from importlib.util import find_spec
from typing import NamedTuple

from ..context import current_record

#: Math needs ``latex2mathml``; diagrams the script of ``mermaidx``.
MATH_INSTALL = "pip install 'sitegen-flask[math]'"
DIAGRAMS_INSTALL = "pip install 'sitegen-flask[diagrams]'"
#: What a page's parse says it needs from its layout (``Parsed.needs``).
MATH = "math"
DIAGRAMS = "mermaid"

_TITLE_RE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)'|(\S+))""")
_HL_LINES_RE = re.compile(r"""\bhl_lines=(?:"([^"]*)"|'([^']*)'|(\S+))""")
_RANGES_RE = re.compile(r"\{([\d\s,-]+)\}")
_LANGUAGE_RE = re.compile(r"\{?\s*\.?([^\s{}.]+)")
#: An inline tag: ``#``, then letters, digits, ``_``, ``-`` and ``/`` (see :func:`tag_at`
#: for what may come before it).  A literal first: the search skips to each ``#``.
TAG_RE = re.compile(r"#([\w/-]+)")
#: What may come just before a tag's ``#`` (or the start of the text).
_BEFORE_TAG = frozenset(" \t\n([")
_BLOCK_ID_RE = re.compile(r"[A-Za-z0-9-]+")
HIGHLIGHT_RE = re.compile(r"==(?![\s=])(.+?)(?<![\s=])==", re.S)


class FenceInfo(NamedTuple):
    """What a fence's info string says: the language and the metadata sitegen reads."""

    language: str
    title: str
    #: Lines to highlight, counted from 1.
    lines: tuple[int, ...]


@lru_cache(maxsize=1024)
def read_info(info: str) -> FenceInfo:
    """The language, title and highlighted lines of a fence's info string.

    >>> read_info('python {1,3-4} title="x.py"')
    FenceInfo(language='python', title='x.py', lines=(1, 3, 4))
    """
    info = info.strip()
    match = None if _RANGES_RE.match(info) else _LANGUAGE_RE.match(info)
    language = match.group(1) if match else ""
    rest = info[match.end():] if match else info
    title = _TITLE_RE.search(rest)
    lines: list[int] = []
    hl = _HL_LINES_RE.search(rest)
    if hl is not None:
        lines += _ranges((hl.group(1) or hl.group(2) or hl.group(3) or "").replace(" ", ","))
    for ranges in _RANGES_RE.finditer(rest if hl is None else rest[:hl.start()]):
        lines += _ranges(ranges.group(1))
    found = next((g for g in title.groups() if g is not None), "") if title else ""
    return FenceInfo(language, found, tuple(sorted(set(lines))))


def _ranges(text: str) -> list[int]:
    """``1,3-5`` → ``[1, 3, 4, 5]``; nonsense is left out, a range is at most 10,000 lines."""
    lines: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            start, end = int(first), int(last or first)
            lines.extend(range(start, min(end, start + 10_000) + 1))
    return [n for n in lines if n > 0]


def with_title(block: str, title: str) -> str:
    """A highlighted block with its ``title``: a figure captioned by it."""
    if not title:
        return block
    return (f'<figure class="code-block">\n<figcaption>{html.escape(title)}</figcaption>\n'
            f"{block.rstrip()}\n</figure>")


def diagram_html(code: str) -> str:
    """A Mermaid diagram: its source, escaped, for the script to draw."""
    return f'<pre class="mermaid">{html.escape(code.strip(), False)}</pre>'


def strip_comments(text: str) -> str:
    """``text`` without its ``%%comments%%``, inline or over several lines, except in
    code (fences, and code spans on one line).  The newlines of a comment are kept,
    so the lines after it keep their numbers."""
    if "%%" not in text:
        return text
    out: list[str] = []
    fence = ""
    commented = False
    for line in text.split("\n"):
        if not commented:
            stripped = line.lstrip(" >")
            if fence:
                if stripped.startswith(fence) and not stripped[len(fence):].strip(fence[0] + " \t"):
                    fence = ""
                out.append(line)
                continue
            opening = _fence_of(stripped)
            if opening:
                fence = opening
                out.append(line)
                continue
        kept, commented = _uncomment(line, commented)
        out.append(kept)
    return "\n".join(out)


def _fence_of(line: str) -> str:
    """The fence (``` or ~~~, as long as written) a line opens, else ``""``."""
    char = line[:1]
    if char not in ("`", "~") or not line.startswith(char * 3):
        return ""
    length = len(line) - len(line.lstrip(char))
    fence = char * length
    return "" if char == "`" and "`" in line[length:] else fence


def _uncomment(line: str, commented: bool) -> tuple[str, bool]:
    """One line with its comments cut; whether a comment is still open at its end."""
    parts: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if commented:
            end = line.find("%%", i)
            if end < 0:
                return "".join(parts), True
            i, commented = end + 2, False
            continue
        tick = line.find("`", i)
        start = line.find("%%", i)
        if start < 0:
            parts.append(line[i:])
            break
        if 0 <= tick < start:  # a code span: kept as written, comment signs and all
            run = len(line) - len(line[tick:].lstrip("`")) - tick
            close = line.find("`" * run, tick + run)
            end = n if close < 0 else close + run
            parts.append(line[i:end])
            i = end
            continue
        parts.append(line[i:start])
        i, commented = start + 2, True
    return "".join(parts), commented


def split_block_id(text: str) -> tuple[str, str] | None:
    """``text`` (the end of a paragraph or list item) without its ``^block-id``, and
    the id; ``None`` if it ends with none.  The marker follows a space or a line
    break, as in Obsidian."""
    end = text.rstrip(" \t\n")
    at = end.rfind("^")
    if at < 0 or not _BLOCK_ID_RE.fullmatch(end, at + 1):
        return None
    before = end[:at]
    if before and before[-1] not in " \t\n":
        return None
    return before.rstrip(" \t\n"), end[at + 1:]


def in_attributes(text: str, at: int) -> bool:
    """Whether ``text[at]`` is inside an attribute list, ``{ #id .class }``: an id
    there is no tag (only the last 200 characters are looked at)."""
    start = max(0, at - 200)
    return text.rfind("{", start, at) > text.rfind("}", start, at)


def tag_at(text: str, match: re.Match[str]) -> str | None:
    """The tag a :data:`TAG_RE` match in ``text`` stands for, if it is one: after a
    space or an opening bracket (``page#x`` is a URL's part), not in an attribute
    list, not only digits."""
    start = match.start()
    if start and text[start - 1] not in _BEFORE_TAG or in_attributes(text, start):
        return None
    return tag_name(match.group(1))


def tag_name(name: str) -> str | None:
    """The tag ``#name`` stands for (its trailing ``/`` cut), or ``None`` if Obsidian
    reads no tag there: one that is only digits (``#123``) or has no name."""
    name = name.rstrip("/")
    if not name or all(c.isdigit() or c in "/_-" for c in name):
        return None
    return name


def math_html(latex: str, display: bool) -> str | None:
    """``latex`` as MathML; ``None`` when ``latex2mathml`` is not installed (the page
    then shows the source as code and the build warns, see :func:`math_fallback`)."""
    convert = _converter()
    if convert is None:
        return None
    try:
        return str(convert(latex.strip(), display="block" if display else "inline"))
    except Exception:  # latex2mathml rejects what it cannot read: show the source
        return math_source(latex, display)


def math_source(latex: str, display: bool) -> str:
    """Math shown as written, as code."""
    sign = "$$" if display else "$"
    return f'<code class="math">{html.escape(sign + latex + sign, False)}</code>'


def math_fallback(latex: str, display: bool) -> str:
    """Math when ``latex2mathml`` is missing: the source, and a warning saying so."""
    warn_missing(f"has math (${latex.strip()[:40]}$), but latex2mathml, which renders it, "
                 f"is not installed: install it with {MATH_INSTALL}; the math shows "
                 "as its source")
    return math_source(latex, display)


def warn_missing(problem: str) -> None:
    """Tell the build (the page's render) what an optional package would have done."""
    record = current_record()
    if record is not None:
        record.warn(f"this page {problem}")


@cache
def _converter() -> Callable[..., str] | None:
    """latex2mathml's ``convert``, imported on the first formula; ``None`` if missing."""
    try:
        from latex2mathml.converter import convert
    except ImportError:
        return None
    return convert


def has_math_renderer() -> bool:
    """Whether math renders as MathML (the renderers' fingerprints name it)."""
    return find_spec("latex2mathml") is not None


def has_diagram_script() -> bool:
    """Whether the Mermaid script is installed (see ``diagrams.py``)."""
    from .diagrams import script_path

    return script_path() is not None
