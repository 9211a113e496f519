"""GitHub's alerts, ``> [!NOTE]``, rendered as admonitions on both Markdown engines.

GitHub and Obsidian write a callout as a blockquote whose first line is a
marker::

    > [!WARNING]
    > The cache folder is deleted by ``--clean``.

Both engines render it as Python-Markdown's ``admonition`` extension renders
``!!! warning``, so one stylesheet serves both spellings::

    <div class="admonition warning">
    <p class="admonition-title">Warning</p>
    <p>The cache folder is deleted by <code>--clean</code>.</p>
    </div>

The marker must stand alone on the blockquote's first line, as on GitHub;
its five kinds are the ones below, in any case.
"""

from __future__ import annotations

import re

#: The kinds of alert GitHub knows, and the title each shows.
KINDS: dict[str, str] = {
    "note": "Note", "tip": "Tip", "important": "Important",
    "warning": "Warning", "caution": "Caution",
}
#: The marker at the start of a blockquote's first paragraph, and the line end after it.
MARKER_RE = re.compile(r"\[!(note|tip|important|warning|caution)\][ \t]*(?:\n|$)", re.I)


def opening(kind: str) -> str:
    """The HTML that starts an alert of ``kind`` (a key of :data:`KINDS`)."""
    return f'<div class="admonition {kind}">\n<p class="admonition-title">{KINDS[kind]}</p>\n'
