"""Python-Markdown's inline loop, skipping the patterns that cannot match.

Python-Markdown applies every inline pattern (code spans, escapes, links,
images, autolinks, HTML, entities, emphasis...) to every piece of text, in
order: about 800 calls a post of the shared corpus, each a Python method
and a regular-expression search, though most of them are for a ``[``, a
``<`` or a backtick that the text does not hold.  Each of those patterns
must start with one of a few characters, and many hold a run of them (a
line break's two spaces and newline, an image's ``![``): both are read by
:mod:`.regexstart`.  Where the text lacks the characters, or what is left
of it lacks the run, the pattern cannot match: it is skipped, with the very
result its call would have given.  A pattern that can start with anything,
or whose pattern cannot be read, is always applied.

The loop is ``InlineProcessor``'s own, as Python-Markdown writes it,
with the skip added; it replaces a private method (``__handleInline``), so
it is installed only where ``InlineProcessor`` has that method as this
module knows it, and otherwise Python-Markdown runs as it is.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from markdown import util
from markdown.treeprocessors import InlineProcessor

from .regexstart import first_chars, readable, required_text

if TYPE_CHECKING:
    import xml.etree.ElementTree as etree

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
    """``InlineProcessor`` whose loop skips a pattern whose first characters are absent.

    For a pass over one page it reads its patterns from a list, too: the
    registry they come from sorts itself on every lookup, and a post looks a
    pattern up hundreds of times.  The patterns cannot change during a pass.
    """

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        registry = self.inlinePatterns
        patterns = self.inlinePatterns = list(registry)  # type: ignore[assignment]
        self._first = [_starts(pattern) for pattern in patterns]
        try:
            return super().run(tree, ancestors)
        finally:
            self.inlinePatterns = registry

    if _KNOWN_LOOP:
        def _InlineProcessor__handleInline(self, data: str,  # noqa: N802
                                           patternIndex: int = 0) -> str:  # noqa: N803
            if not isinstance(data, util.AtomicString):
                apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
                patterns, first = self.inlinePatterns, self._first
                start = 0
                count = len(patterns)
                present = set(data)
                while patternIndex < count:
                    chars, held = first[patternIndex]
                    if (chars is not None and present.isdisjoint(chars)) or (
                            held and data.find(held, start) < 0):
                        start = 0  # what the call would return: no match, from the start
                        patternIndex += 1
                        continue
                    data, matched, start = apply(patterns[patternIndex], data, patternIndex,
                                                 start)
                    if matched:  # what it put in: a placeholder for what it took out
                        present |= _PLACEHOLDER
                    else:
                        patternIndex += 1
            return data


def _starts(pattern: AnyPattern) -> tuple[frozenset[str] | None, str]:
    """The characters a match of ``pattern`` must start with (None: any), and a run of
    two or more it must hold (``""``: none known)."""
    return _needs(pattern.getCompiledRegExp())


@functools.cache
def _needs(compiled: re.Pattern[str]) -> tuple[frozenset[str] | None, str]:
    chars, held = first_chars(compiled), required_text(compiled)
    return None if chars is None else frozenset(chars), held if len(held) > 1 else ""


#: The characters of the placeholder a match leaves in the text.
_PLACEHOLDER = frozenset(util.INLINE_PLACEHOLDER % "0123456789")
