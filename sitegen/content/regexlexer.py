"""Pygments' ``RegexLexer`` loop with each state's rules narrowed by the next character.

A ``RegexLexer`` finds each token by trying its current state's rules in
order until one matches: Python's lexer has 56 rules in its root state, and a
block of the shared corpus costs about 4,000 regular-expression calls, which
is most of the half millisecond Pygments spends on it.  Most rules cannot
match where the next character is, say, a space or a ``(``: their pattern
must start with a letter, a quote, a digit.  So, per state and per character
met (lazily, once a process), this module works out from each rule's parsed
pattern whether the rule can start with that character, and the loop tries
only those that can, in their order.  The tokens are the same, rule for rule;
only the rules that could not have matched are skipped.

It applies to lexers that use ``RegexLexer``'s own loop (most of Pygments'
lexers; not those that override it), installed on one lexer instance (its
``get_tokens_unprocessed``), so Pygments' pre-processing, filters and
formatters are untouched.  Reading a pattern uses the standard library's
regular-expression parser (``re._parser``), which is not public API: where it
is missing or fails on a rule, that rule is simply always tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygments.lexer import Lexer

try:
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - the parser moved: lex as Pygments does
    _sre = _sre_parse = None  # type: ignore[assignment]

#: A rule as ``RegexLexer`` keeps it: its pattern's ``match``, its action, its new state.
Rule = tuple[Callable[..., Any], Any, Any]

#: A category's test, for a character class such as ``[\w.]``.
_CATEGORIES: dict[Any, Callable[[str], Any]] = {} if _sre is None else {
    _sre.CATEGORY_DIGIT: re.compile(r"\d").match,
    _sre.CATEGORY_NOT_DIGIT: re.compile(r"\D").match,
    _sre.CATEGORY_SPACE: re.compile(r"\s").match,
    _sre.CATEGORY_NOT_SPACE: re.compile(r"\S").match,
    _sre.CATEGORY_WORD: re.compile(r"\w").match,
    _sre.CATEGORY_NOT_WORD: re.compile(r"\W").match,
}
#: Each pattern parsed once a process (states share rules through ``include``).
_parsed: dict[re.Pattern[str], tuple[list[Any] | None, bool]] = {}


def install(lexer: Lexer) -> bool:
    """Give ``lexer`` the narrowing loop; whether it could (``RegexLexer``'s own loop)."""
    from pygments.lexer import RegexLexer

    if _sre is None or type(lexer).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed:
        return False
    states = _States(lexer._tokens)  # type: ignore[attr-defined]

    def get_tokens_unprocessed(text: str, stack: Sequence[str] = ("root",)
                               ) -> Iterator[tuple[int, Any, str]]:
        return _tokens(lexer, states, text, stack)

    lexer.get_tokens_unprocessed = get_tokens_unprocessed  # type: ignore[method-assign]
    return True


class _State:
    """One state's rules, and for each character met the rules that can start with it."""

    __slots__ = ("rules", "_patterns", "_by_char", "_by_subset")

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self._patterns = [_parse(rule[0].__self__) for rule in rules]
        self._by_char: dict[str, tuple[Rule, ...]] = {}
        self._by_subset: dict[tuple[int, ...], tuple[Rule, ...]] = {}

    def at(self, char: str) -> tuple[Rule, ...]:
        """The rules that may match text starting with ``char``, in order."""
        found = self._by_char.get(char)
        if found is None:
            code = ord(char)
            subset = tuple(number for number, (items, folded) in enumerate(self._patterns)
                           if items is None or _starts(items, char, code, folded) is not False)
            found = self._by_subset.get(subset)
            if found is None:
                found = self._by_subset[subset] = tuple(self.rules[n] for n in subset)
            self._by_char[char] = found
        return found


class _States(dict[str, _State]):
    """A lexer's states, each narrowed when first entered."""

    def __init__(self, tokendefs: dict[str, list[Rule]]) -> None:
        super().__init__()
        self.tokendefs = tokendefs

    def __missing__(self, name: str) -> _State:
        state = self[name] = _State(self.tokendefs[name])
        return state


def _tokens(lexer: Lexer, states: _States, text: str, stack: Sequence[str]
            ) -> Iterator[tuple[int, Any, str]]:
    """``RegexLexer.get_tokens_unprocessed``, step for step, trying fewer rules."""
    from pygments.token import Error, Whitespace, _TokenType

    pos = 0
    end = len(text)
    statestack = list(stack)
    state = states[statestack[-1]]
    while True:
        for rexmatch, action, new_state in state.at(text[pos]) if pos < end else state.rules:
            m = rexmatch(text, pos)
            if m:
                if action is not None:
                    if type(action) is _TokenType:
                        yield pos, action, m.group()
                    else:
                        yield from action(lexer, m)
                pos = m.end()
                if new_state is not None:
                    if isinstance(new_state, tuple):
                        for name in new_state:
                            if name == "#pop":
                                if len(statestack) > 1:
                                    statestack.pop()
                            elif name == "#push":
                                statestack.append(statestack[-1])
                            else:
                                statestack.append(name)
                    elif isinstance(new_state, int):  # pop that many, down to the first
                        if abs(new_state) >= len(statestack):
                            del statestack[1:]
                        else:
                            del statestack[new_state:]
                    elif new_state == "#push":
                        statestack.append(statestack[-1])
                    else:
                        raise AssertionError(f"wrong state def: {new_state!r}")
                    state = states[statestack[-1]]
                break
        else:
            if pos >= end:
                break
            if text[pos] == "\n":  # no rule takes the line's end: start over from "root"
                statestack = ["root"]
                state = states["root"]
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1


def _parse(pattern: re.Pattern[str]) -> tuple[list[Any] | None, bool]:
    """``pattern``'s parsed items (``None``: always try it), and whether it ignores case."""
    found = _parsed.get(pattern)
    if found is None:
        items: list[Any] | None = None
        # bytes, ASCII or locale patterns: categories such as \w mean something else there
        if isinstance(pattern.pattern, str) and not pattern.flags & (re.ASCII | re.LOCALE):
            try:
                items = list(_sre_parse.parse(pattern.pattern, pattern.flags))
            except Exception:  # a pattern the parser reads otherwise: always tried
                items = None
        found = _parsed[pattern] = (items, bool(pattern.flags & re.IGNORECASE))
    return found


def _starts(items: Sequence[Any], char: str, code: int, folded: bool) -> bool | None:
    """Whether the sequence ``items`` may match text starting with ``char``: ``True``
    (maybe), ``False`` (never), ``None`` (it may match nothing first: what follows
    decides).  Anything not understood is a maybe."""
    for op, arg in items:
        if op is _sre.LITERAL:
            return True if folded else arg == code
        if op is _sre.NOT_LITERAL:
            return True if folded else arg != code
        if op is _sre.IN:
            return True if folded else _in_class(arg, char, code)
        if op is _sre.SUBPATTERN:
            found = _starts(arg[3], char, code, folded or bool(arg[1] & re.IGNORECASE))
        elif op is _sre.ATOMIC_GROUP:
            found = _starts(arg, char, code, folded)
        elif op is _sre.BRANCH:
            branches = [_starts(branch, char, code, folded) for branch in arg[1]]
            found = True if True in branches else None if None in branches else False
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            found = _starts(arg[2], char, code, folded)
            if arg[0] == 0 and found is not True:
                found = None
        elif op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            found = None  # zero width: what follows decides (the assertion only adds a test)
        else:
            return True
        if found is not None:
            return found
    return None


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
