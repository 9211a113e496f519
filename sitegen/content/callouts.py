"""Callouts, ``> [!tip] A title``: Obsidian's and GitHub's, alike on both Markdown engines.

GitHub and Obsidian write a callout as a blockquote whose first line is a
marker, optionally followed by a title (Markdown) and, for Obsidian, a ``-``
(folded) or ``+`` (foldable, open)::

    > [!WARNING]
    > The cache folder is deleted by ``--clean``.

    > [!faq]- Why is it *slow*?
    > It is not.

Both engines render it as Python-Markdown's ``admonition`` extension renders
``!!! warning``, so one stylesheet serves every spelling; ``data-callout``
keeps the type as written, and a foldable callout is a ``<details>``::

    <div class="admonition warning" data-callout="warning">
    <p class="admonition-title">Warning</p>
    <p>The cache folder is deleted by <code>--clean</code>.</p>
    </div>

    <details class="admonition question" data-callout="faq">
    <summary class="admonition-title">Why is it <em>slow</em>?</summary>
    ...

The class is the type when it is one of Obsidian's (aliases included, as
MkDocs-Material's admonition styles have them) and ``note`` otherwise: an
unknown type looks like a note but keeps its name, as in Obsidian.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: Obsidian's types, each with its aliases: the first name is the family.
FAMILIES: tuple[tuple[str, ...], ...] = (
    ("note",), ("abstract", "summary", "tldr"), ("info",), ("todo",),
    ("tip", "hint", "important"), ("success", "check", "done"),
    ("question", "help", "faq"), ("warning", "caution", "attention"),
    ("failure", "fail", "missing"), ("danger", "error"), ("bug",), ("example",),
    ("quote", "cite"),
)
#: Each type or alias → its family.
FAMILY: dict[str, str] = {name: names[0] for names in FAMILIES for name in names}
#: The marker at the start of a blockquote's first paragraph: the type, the fold
#: sign, then the title up to the end of the line.
MARKER_RE = re.compile(r"\[!([^\]\s]+)\]([+-]?)[ \t]*")


class Callout(NamedTuple):
    """A callout's opening line, read: how it renders, its title as written."""

    #: The type as written, lower case (``faq``): ``data-callout``.
    name: str
    #: The CSS class: the type if Obsidian knows it, else ``note``.
    kind: str
    #: ``""`` (not foldable), ``"-"`` (folded) or ``"+"`` (open).
    fold: str

    @property
    def default_title(self) -> str:
        """The title shown when the marker has none: the type, capitalised."""
        return self.name[:1].upper() + self.name[1:]

    def start(self) -> str:
        """The HTML that opens the callout, up to its title's text."""
        attrs = f'class="admonition {self.kind}" data-callout="{_attr(self.name)}"'
        if not self.fold:
            return f'<div {attrs}>\n<p class="admonition-title">'
        return f'<details {attrs}{" open" if self.fold == "+" else ""}>\n' \
               '<summary class="admonition-title">'

    @property
    def tag(self) -> str:
        """The callout's element: ``div``, or ``details`` for a foldable one."""
        return "details" if self.fold else "div"

    @property
    def title_tag(self) -> str:
        return "summary" if self.fold else "p"


def read_marker(text: str) -> tuple[Callout, int] | None:
    """The callout ``text`` (a blockquote's first line) opens, and where its title
    starts; ``None`` if it opens none."""
    match = MARKER_RE.match(text)
    if match is None:
        return None
    name = match.group(1).lower()
    return Callout(name, name if name in FAMILY else "note", match.group(2)), match.end()


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
