"""Highlighting code with Pygments, each distinct block once.

Pygments costs more than parsing: about half a millisecond a block, where a
compiled parser reads a whole post in a twentieth of that.  So both Markdown
engines ask a :class:`Highlighter`, which keeps what Pygments wrote in the
site's cache (beside the parses, see ``cache.py``) under a key made of the
lexer, the options and the code: a block that appears in many pages, or in
a page edited elsewhere, is highlighted once, even across builds.  Lexers
and the formatter are built once per highlighter, not once per block.

The HTML is the ``codehilite`` extension's, byte for byte (a ``<div
class="highlight">`` around Pygments' ``<pre><code>``), so ``/highlight.css``
styles both engines' code.

A language's lexer that has highlighted ``NARROW_AFTER`` blocks is switched to
the narrowing loop of ``regexlexer.py`` (the same tokens, two to four times
faster): working out which rules can start where costs a few milliseconds a
language, which only a site with many blocks wins back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..fingerprint import stable_repr
from . import regexlexer

if TYPE_CHECKING:
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer


#: Blocks of one language highlighted before its lexer is narrowed.
NARROW_AFTER = 32


class HighlightStore(Protocol):
    """Where highlighted blocks persist between builds (``cache.HighlightCache``)."""

    def load(self, key: str) -> str | None: ...

    def store(self, key: str, html: str) -> None: ...


class Highlighter:
    """Pygments with its lexers and formatter kept, and its output cached.

    ``css_class`` is the class of the ``<div>`` around each block, ``highlight``
    as sitegen's ``codehilite`` settings have it.
    """

    def __init__(self, css_class: str = "highlight") -> None:
        self.css_class = css_class
        #: Set by the site's content once its cache folder is known; ``None``: no cache.
        self.store: HighlightStore | None = None
        self._lexers: dict[str, Lexer] = {}
        self._formatters: dict[tuple[int, ...], HtmlFormatter] = {}
        self._known: dict[str, bool] = {}
        #: Blocks each lexer has highlighted, until it is narrowed.
        self._uses: dict[str, int] = {}

    def highlight(self, code: str, language: str, lines: tuple[int, ...] = ()) -> str:
        """``code`` in ``language`` (a Pygments alias; unknown or empty: plain text),
        with ``lines`` (counted from 1) highlighted as ``codehilite``'s ``hl_lines``."""
        parts = ("pygments", language, self.css_class, code, *((lines,) if lines else ()))
        found = self.cached(parts, lambda: self._pygments(code, language, lines))
        assert found is not None  # Pygments always writes a block
        return found

    def cached(self, parts: Any, compute: Callable[[], str | None]) -> str | None:
        """The HTML stored under ``parts``, else ``compute()``'s (then stored).

        ``parts`` must name everything the HTML depends on but the library
        versions, which the store's own key adds.  ``None`` from ``compute``
        (nothing to highlight) is not stored.
        """
        key = hashlib.sha256(stable_repr(parts).encode()).hexdigest()
        store = self.store
        found = store.load(key) if store is not None else None
        if found is None:
            found = compute()
            if found is not None and store is not None:
                store.store(key, found)
        return found

    def _pygments(self, code: str, language: str, lines: tuple[int, ...]) -> str:
        from pygments import highlight

        return highlight(code.strip("\n"), self._lexer(language), self._html_formatter(lines))

    def knows(self, language: str) -> bool:
        """Whether Pygments has a lexer for ``language`` (else its code is plain text).

        Asked of the lexer's class, not of a lexer: making the first one compiles
        its rules (30 ms for Python), which a block found in the cache never needs.
        """
        known = self._known.get(language)
        if known is None:
            from pygments.lexers import find_lexer_class_by_name
            from pygments.util import ClassNotFound

            try:
                find_lexer_class_by_name(language)
            except ClassNotFound:
                known = False
            else:
                known = True
            self._known[language] = known
        return known

    def _lexer(self, language: str) -> Lexer:
        lexer = self._lexers.get(language)
        if lexer is None:
            from pygments.lexers import get_lexer_by_name
            from pygments.util import ClassNotFound

            try:
                lexer = get_lexer_by_name(language)
            except ClassNotFound:
                lexer = get_lexer_by_name("text")
            self._lexers[language] = lexer
            self._uses[language] = 0
        uses = self._uses.get(language)
        if uses is not None:
            if uses + 1 < NARROW_AFTER:
                self._uses[language] = uses + 1
            else:
                regexlexer.install(lexer)
                del self._uses[language]
        return lexer

    def _html_formatter(self, lines: tuple[int, ...]) -> HtmlFormatter:
        formatter = self._formatters.get(lines)
        if formatter is None:
            from pygments.formatters import HtmlFormatter

            formatter = self._formatters[lines] = HtmlFormatter(
                cssclass=self.css_class, wrapcode=True, hl_lines=list(lines))
        return formatter
