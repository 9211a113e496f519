"""Finding and rewriting the URLs in HTML and CSS.

A page's links are its fourth route to discovery (a hard-coded ``<a
href>`` is built too), and ``RELATIVE_URLS`` rewrites the same links.  Both
walk the document with one scanner: tags, their ``href``/``src``/
``srcset``/``poster``/``action`` attributes, inline ``style`` and
``<style>`` blocks for CSS ``url()``.  Comments are skipped, and so is the
text of ``<script>`` elements, where a string like ``'<a href="' + url``
is code, not a link.  Markup shown as text (``&lt;a href=...&gt;`` in a code
block) is escaped and never looks like a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

Rewrite = Callable[[str], "str | None"]

_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<script\b[^>]*>.*?</script\s*>"
    r"|<style\b[^>]*>.*?</style\s*>"
    # Only tags that carry a link attribute: most tags (the <span>s of
    # highlighted code) have none, and skipping them early is most of the speed.
    r"|<[a-zA-Z](?=[^>]*\s(?:href|src|srcset|poster|action|style)\s*=)[^>]*>",
    re.S | re.I,
)
_ATTR = re.compile(
    r"""(\s(href|src|srcset|poster|action|style)\s*=\s*)"""
    r"""(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
    re.I,
)
_CSS_URL = re.compile(
    r"""(url\(\s*)(?:"([^"]*)"|'([^']*)'|([^)\s"']*))(\s*\))"""
    r"""|(@import\s+)(?:"([^"]*)"|'([^']*)')()""",
    re.I,
)


def iter_html_links(text: str) -> Iterator[str]:
    """Every URL an HTML document refers to, as written (entities decoded).

    One loop with no call per tag: a page may hold thousands of links.
    """
    for token in _TOKEN.finditer(text):
        tag = token.group()
        if tag[1] in "!sS":  # a comment, or perhaps a <script> or <style> block
            if tag.startswith("<!--"):
                continue
            tag, inner, _ = _split_token(tag)
            if inner and tag[:6].lower() == "<style":
                yield from iter_css_links(inner)
        for _, name, double, single, bare in _ATTR.findall(tag):
            value = double or single or bare
            if "&" in value:
                value = html.unescape(value)
            name = name.lower()
            if name == "style":
                yield from iter_css_links(value)
            elif name == "srcset":
                yield from _srcset_urls(value)
            elif value:
                yield value


def iter_css_links(text: str) -> Iterator[str]:
    """Every URL in a stylesheet's ``url(...)`` and ``@import``."""
    for match in _CSS_URL.finditer(text):
        value = _css_value(match)
        if value:
            yield value


def rewrite_html_links(text: str, rewrite: Rewrite) -> str:
    """``text`` with each link replaced by ``rewrite(link)`` (``None``: keep)."""

    def tag(token: re.Match[str]) -> str:
        return _rewrite_tag(token.group(), rewrite)

    return _TOKEN.sub(tag, text)


def rewrite_css_links(text: str, rewrite: Rewrite) -> str:
    """``text`` (CSS) with each ``url()``/``@import`` target rewritten."""

    def one(match: re.Match[str]) -> str:
        value = _css_value(match)
        new = rewrite(value) if value else None
        if new is None:
            return match.group()
        if match.group(1):
            return f'{match.group(1)}"{new}"{match.group(5)}'
        return f'{match.group(6)}"{new}"'

    return _CSS_URL.sub(one, text)


def _split_token(token: str) -> tuple[str, str, str]:
    """A token as (opening tag, inner text, rest) for script/style blocks."""
    lower = token[:7].lower()
    if lower.startswith("<script") or lower.startswith("<style"):
        end = token.index(">") + 1
        close = token.lower().rindex("</")
        return token[:end], token[end:close], token[close:]
    return token, "", ""


def _rewrite_tag(token: str, rewrite: Rewrite) -> str:
    if token.startswith("<!--"):
        return token
    opening, inner, rest = _split_token(token)

    def attr(match: re.Match[str]) -> str:
        name = match[2].lower()
        value = _attr_value(match)
        if name == "style":
            new = rewrite_css_links(value, rewrite)
            changed = new != value
        elif name == "srcset":
            new = _rewrite_srcset(value, rewrite)
            changed = new != value
        else:
            replaced = rewrite(value) if value else None
            new = replaced if replaced is not None else value
            changed = replaced is not None
        if not changed:
            return match.group()
        return f'{match.group(1)}"{html.escape(new, quote=True)}"'

    opening = _ATTR.sub(attr, opening)
    if inner and opening[:6].lower() == "<style":
        inner = rewrite_css_links(inner, rewrite)
    return opening + inner + rest


def _attr_value(match: re.Match[str]) -> str:
    raw = match[3] or match[4] or match[5] or ""
    return html.unescape(raw) if "&" in raw else raw


def _css_value(match: re.Match[str]) -> str:
    for group in (2, 3, 4, 7, 8):
        value = match.group(group)
        if value:
            return value
    return ""


def _srcset_urls(value: str) -> Iterator[str]:
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            yield parts[0]


def _rewrite_srcset(value: str, rewrite: Rewrite) -> str:
    out = []
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            new = rewrite(parts[0])
            if new is not None:
                parts[0] = new
        out.append(" ".join(parts))
    return ", ".join(out)
