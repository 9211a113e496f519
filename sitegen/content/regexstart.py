"""What a regular expression's match can start with, read from its parsed pattern.

Pygments' lexers and Python-Markdown's inline patterns try many regular
expressions where most cannot match: a rule that must start with a quote,
at a space; a link pattern, in a paragraph without a ``[``.  Knowing the
first character a pattern can match, or a run of characters every match
holds, lets :mod:`.regexlexer` and :mod:`.inlines` skip those calls and get
the same result.

Patterns are read with the standard library's own parser (``re._parser``),
which is not public API: where it is missing, or fails on a pattern, the
answer is "anything", and the pattern is simply always tried.  So is
anything this module does not understand; the answers are never narrower
than the truth.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

try:
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - the parser moved: every pattern is always tried
    _sre = _sre_parse = None  # type: ignore[assignment]

#: The categories of a character class such as ``[\w.]``, as a pattern writes them.
_CATEGORY_TEXT: dict[Any, str] = {} if _sre is None else {
    _sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
    _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
    _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W",
}
#: Each category's test.
_CATEGORIES: dict[Any, Callable[[str], Any]] = {
    category: re.compile(text).match for category, text in _CATEGORY_TEXT.items()}
#: The items that match exactly one character.
_ONE_CHARACTER: frozenset[Any] = frozenset() if _sre is None else frozenset(
    {_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN})
#: The widest range of a class :func:`first_chars` spells out, character by character.
_WIDEST_RANGE = 32
#: Each pattern parsed once a process (lexer states share rules through ``include``).
_parsed: dict[re.Pattern[str], tuple[list[Any] | None, bool]] = {}


def readable() -> bool:
    """Whether this Python's parser is there to read patterns with."""
    return _sre is not None


def parse(pattern: re.Pattern[str]) -> tuple[list[Any] | None, bool]:
    """``pattern``'s parsed items (``None``: always try it), and whether it ignores case."""
    found = _parsed.get(pattern)
    if found is None:
        items: list[Any] | None = None
        # bytes, ASCII or locale patterns: categories such as \w mean something else there
        if _sre is not None and isinstance(pattern.pattern, str) \
                and not pattern.flags & (re.ASCII | re.LOCALE):
            try:
                items = list(_sre_parse.parse(pattern.pattern, pattern.flags))
            except Exception:  # a pattern the parser reads otherwise: always tried
                items = None
        found = _parsed[pattern] = (items, bool(pattern.flags & re.IGNORECASE))
    return found


def first_chars(pattern: re.Pattern[str]) -> str | None:
    """Every character a match of ``pattern`` can start with, when they are a few known
    ones (``None``: any, or it can match the empty string)."""
    items, folded = parse(pattern)
    if items is None:
        return None
    found = _first(items, folded)
    if found is None or found[1]:
        return None
    return "".join(sorted(map(chr, found[0])))


def required_text(pattern: re.Pattern[str]) -> str:
    """The longest run of literal characters every match of ``pattern`` holds (``""``:
    none known); a text without it cannot match."""
    items, folded = parse(pattern)
    if items is None:
        return ""
    runs = [""]
    _runs(items, folded, runs)
    return max(runs, key=len)


def _runs(items: Sequence[Any], folded: bool, runs: list[str]) -> None:
    """Add to ``runs`` the runs of literals of the sequence ``items``, which every match
    of it holds: the last run is open to what comes next."""
    for op, arg in items:
        if op is _sre.LITERAL and not (folded and _cased(arg)):
            runs[-1] += chr(arg)
        elif op is _sre.SUBPATTERN:  # a group, matched once: its literals are in line
            _runs(arg[3], folded or bool(arg[1] & re.IGNORECASE), runs)
        elif op is _sre.ATOMIC_GROUP:
            _runs(arg, folded, runs)
        else:
            runs.append("")


def _first(items: Sequence[Any], folded: bool) -> tuple[set[int], bool] | None:
    """The codes the sequence ``items`` can start with, and whether it can match nothing;
    ``None`` for too many to name or anything not understood."""
    codes: set[int] = set()
    for op, arg in items:
        if op is _sre.LITERAL:
            if folded and _cased(arg):
                return None
            codes.add(arg)
            return codes, False
        if op is _sre.IN:
            members = _members(arg, folded)
            return None if members is None else (codes | members, False)
        found: tuple[set[int], bool] | None
        if op is _sre.SUBPATTERN:
            found = _first(arg[3], folded or bool(arg[1] & re.IGNORECASE))
        elif op is _sre.ATOMIC_GROUP:
            found = _first(arg, folded)
        elif op is _sre.BRANCH:
            branches = [_first(branch, folded) for branch in arg[1]]
            if None in branches:
                return None
            found = (set().union(*(b[0] for b in branches)),  # type: ignore[index]
                     any(b[1] for b in branches))  # type: ignore[index]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            found = _first(arg[2], folded)
            if found is not None and arg[0] == 0:
                found = (found[0], True)
        elif op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            found = (set(), True)  # zero width: what follows decides
        else:
            return None
        if found is None:
            return None
        codes |= found[0]
        if not found[1]:
            return codes, False
    return codes, True


def _members(members: Sequence[Any], folded: bool) -> set[int] | None:
    """The codes of a character class ``[...]`` of literals and short ranges."""
    codes: set[int] = set()
    for op, arg in members:
        if op is _sre.LITERAL:
            found = {arg}
        elif op is _sre.RANGE and arg[1] - arg[0] < _WIDEST_RANGE:
            found = set(range(arg[0], arg[1] + 1))
        else:
            return None  # negated, a category, a wide range
        if folded and any(_cased(code) for code in found):
            return None
        codes |= found
    return codes


def _cased(code: int) -> bool:
    """Whether ignoring case lets a pattern's ``chr(code)`` match another character."""
    char = chr(code)
    return char.lower() != char or char.upper() != char or char.casefold() != char


def can_start(items: Sequence[Any], char: str, code: int, folded: bool) -> bool | None:
    """Whether the sequence ``items`` may match text starting with ``char``: ``True``
    (maybe), ``False`` (never), ``None`` (it may match nothing first: what follows
    decides).  Anything not understood is a maybe."""
    for op, arg in items:
        if op in _ONE_CHARACTER and folded:
            return _folded_can_match(op, arg, char)
        if op is _sre.LITERAL:
            return arg == code
        if op is _sre.NOT_LITERAL:
            return arg != code
        if op is _sre.IN:
            return _in_class(arg, char, code)
        if op is _sre.SUBPATTERN:
            found = can_start(arg[3], char, code, folded or bool(arg[1] & re.IGNORECASE))
        elif op is _sre.ATOMIC_GROUP:
            found = can_start(arg, char, code, folded)
        elif op is _sre.BRANCH:
            branches = [can_start(branch, char, code, folded) for branch in arg[1]]
            found = True if True in branches else None if None in branches else False
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            found = can_start(arg[2], char, code, folded)
            if arg[0] == 0 and found is not True:
                found = None
        elif op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            found = None  # zero width: what follows decides (the assertion only adds a test)
        else:
            return True
        if found is not None:
            return found
    return None


def _folded_can_match(op: Any, arg: Any, char: str) -> bool:
    """Whether the one-character item ``op, arg`` of a pattern that ignores case matches
    ``char``: asked of the ``re`` module itself, whose case folding (``K`` for the
    Kelvin sign) is the one that counts.  An item it cannot spell: maybe."""
    spelled = _spelled(op, arg)
    return spelled is None or _ignoring_case(spelled).match(char) is not None


def _spelled(op: Any, arg: Any) -> str | None:
    """The one-character item ``op, arg`` written as a pattern again (``None``: a part
    this module does not write)."""
    if op is _sre.LITERAL:
        return re.escape(chr(arg))
    if op is _sre.NOT_LITERAL:
        return f"[^{re.escape(chr(arg))}]"
    parts = []
    for member, value in arg:
        if member is _sre.NEGATE:
            parts.insert(0, "^")
        elif member is _sre.LITERAL:
            parts.append(re.escape(chr(value)))
        elif member is _sre.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif member is _sre.CATEGORY and value in _CATEGORY_TEXT:
            parts.append(_CATEGORY_TEXT[value])
        else:
            return None
    return f"[{''.join(parts)}]"


@lru_cache(maxsize=1024)
def _ignoring_case(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _in_class(members: Sequence[Any], char: str, code: int) -> bool:
    """Whether ``char`` may be in the character class ``[...]`` of ``members``."""
    negated = False
    for op, arg in members:
        if op is _sre.NEGATE:
            negated = True
        elif op is _sre.LITERAL:
            if arg == code:
                return not negated
        elif op is _sre.RANGE:
            if arg[0] <= code <= arg[1]:
                return not negated
        elif op is _sre.CATEGORY and arg in _CATEGORIES:
            if _CATEGORIES[arg](char):
                return not negated
        else:
            return True
    return negated
