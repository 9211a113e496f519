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
formatters are untouched.  Patterns are read by :mod:`.regexstart`: a rule
whose pattern it cannot read is simply always tried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .regexstart import can_start, parse, readable

if TYPE_CHECKING:
    from pygments.lexer import Lexer

#: A rule as ``RegexLexer`` keeps it: its pattern's ``match``, its action, its new state.
Rule = tuple[Callable[..., Any], Any, Any]

def install(lexer: Lexer) -> bool:
    """Give ``lexer`` the narrowing loop; whether it could (``RegexLexer``'s own loop)."""
    from pygments.lexer import RegexLexer

    own_loop = type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
    if not readable() or not own_loop:
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
        self._patterns = [parse(rule[0].__self__) for rule in rules]
        self._by_char: dict[str, tuple[Rule, ...]] = {}
        self._by_subset: dict[tuple[int, ...], tuple[Rule, ...]] = {}

    def at(self, char: str) -> tuple[Rule, ...]:
        """The rules that may match text starting with ``char``, in order."""
        found = self._by_char.get(char)
        if found is None:
            code = ord(char)
            subset = tuple(number for number, (items, folded) in enumerate(self._patterns)
                           if items is None or can_start(items, char, code, folded) is not False)
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
