"""Python-Markdown's inline loop, skipping the patterns that cannot match.

Python-Markdown applies every inline pattern (code spans, escapes, links,
images, autolinks, HTML, entities, emphasis...) to every piece of text, in
order: about 800 calls a post of the shared corpus, each a Python method
and a regular-expression search, though most of them are for a ``[``, a
``<`` or a backtick that the text does not hold.  Each of those patterns
must start with one of a few characters (read by :mod:`.regexstart`), so
where none of them is in what is left of the text, the pattern cannot
match: it is skipped, with the very result its call would have given.  A
pattern that can start with anything, or whose pattern cannot be read, is
always applied.

The loop is ``InlineProcessor``'s own, as Python-Markdown writes it,
with the skip added; it replaces a private method (``__handleInline``), so
it is installed only where ``InlineProcessor`` has that method as this
module knows it, and otherwise Python-Markdown runs as it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown import util
from markdown.treeprocessors import InlineProcessor

from .regexstart import first_chars, readable

if TYPE_CHECKING:
    from markdown import Markdown
    from markdown.inlinepatterns import Pattern as AnyPattern

#: Whether ``InlineProcessor``'s loop is the one this module knows.
_KNOWN_LOOP = readable() and all(
    hasattr(InlineProcessor, f"_InlineProcessor__{name}") for name in ("handleInline",
                                                                       "applyPattern"))


def narrow_inlines(md: Markdown) -> None:
    """Give every plain inline treeprocessor of ``md`` (its ``inline`` one, and those of
    extensions such as ``smarty``) the loop that skips patterns that cannot match."""
    for processor in md.treeprocessors:
        if type(processor) is InlineProcessor:
            processor.__class__ = NarrowInlineProcessor


class NarrowInlineProcessor(InlineProcessor):
    """``InlineProcessor`` whose loop skips a pattern whose first characters are absent."""

    if _KNOWN_LOOP:
        def _InlineProcessor__handleInline(self, data: str,  # noqa: N802
                                           patternIndex: int = 0) -> str:  # noqa: N803
            if not isinstance(data, util.AtomicString):
                apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
                patterns = self.inlinePatterns
                start = 0
                count = len(patterns)
                while patternIndex < count:
                    pattern = patterns[patternIndex]
                    chars = _starts(pattern)
                    if chars is not None and all(data.find(c, start) < 0 for c in chars):
                        start = 0  # what the call would return: no match, from the start
                        patternIndex += 1
                        continue
                    data, matched, start = apply(pattern, data, patternIndex, start)
                    if not matched:
                        patternIndex += 1
            return data


#: Each pattern's first characters, by the expression it searches with.
_first_chars: dict[re.Pattern[str], str | None] = {}


def _starts(pattern: AnyPattern) -> str | None:
    """The characters a match of ``pattern`` must start with (None: any)."""
    compiled = pattern.getCompiledRegExp()
    try:
        return _first_chars[compiled]
    except KeyError:
        chars = _first_chars[compiled] = first_chars(compiled)
        return chars
