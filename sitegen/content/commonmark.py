"""The compiled engine, ``MARKDOWN_ENGINE = "commonmark"``: pulldown-cmark via pyromark.

pyromark hands over pulldown-cmark's event stream (``Start``/``End`` of each
element, ``Text``, ``Code``, ``Html``...), parsed in Rust.  One pass over the
events writes the page's HTML and, on the way, everything else a
:class:`Parsed` holds: headings with the ``toc`` extension's ids and
permalinks, the first paragraph as the summary, the prose, and a reference
(see ``refs.py``) for each link the site resolves, so ``links.py`` treats
both engines' parses alike.  Working on events rather than on finished HTML
means nothing is parsed twice, and a ``[[wiki link]]`` written in code stays
code.

The HTML follows Python-Markdown's where both have a feature (footnotes,
admonitions, highlighted code, tables, permalinks), so themes and
``/highlight.css`` serve both engines; ``docs/content/markdown-engines.md``
lists what differs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import metadata
from typing import Any

from ..errors import SitegenError
from ..fingerprint import stable_repr
from .alerts import KINDS, opening
from .highlighting import Highlighter
from .markup import Parsed
from .refs import EMBED_TAG, REF_ATTR, REF_MARK, Heading, Ref, embed_kind, link_kind, wiki_label

#: The distribution's ``fast`` extra brings the parser.
INSTALL = "pip install 'sitegen-flask[fast]'"
#: Block elements that hold others: a paragraph inside one is not the summary.
_CONTAINERS = frozenset({
    "BlockQuote", "List", "Item", "FootnoteDefinition", "Table", "DefinitionList",
    "DefinitionListTitle", "DefinitionListDefinition",
})
_INLINE_START = {"Emphasis": "<em>", "Strong": "<strong>", "Strikethrough": "<del>",
                 "Superscript": "<sup>", "Subscript": "<sub>"}
_INLINE_END = {"Emphasis": "</em>", "Strong": "</strong>", "Strikethrough": "</del>",
               "Superscript": "</sup>", "Subscript": "</sub>"}
_SIMPLE_START = {
    "Paragraph": "<p>", "Item": "<li>", "TableRow": "<tr>\n",
    "DefinitionList": "<dl>\n", "DefinitionListTitle": "<dt>",
    "DefinitionListDefinition": "<dd>", "HtmlBlock": "",
}
_SIMPLE_END = {
    "Paragraph": "</p>\n", "Item": "</li>\n", "TableRow": "</tr>\n", "DefinitionList": "</dl>\n",
    "DefinitionListTitle": "</dt>\n", "DefinitionListDefinition": "</dd>\n", "HtmlBlock": "",
}
_ALIGN = {"Left": ' style="text-align: left;"', "Right": ' style="text-align: right;"',
          "Center": ' style="text-align: center;"'}
_FENCE_LANGUAGE_RE = re.compile(r"\{?\s*\.?([^\s{}.]+)")
_escape = html.escape


class CommonMarkRenderer:
    """Parses Markdown bodies with pulldown-cmark (``pyromark``), GFM extensions on."""

    def __init__(self) -> None:
        try:
            import pyromark
        except ImportError:
            raise SitegenError(
                "config['MARKDOWN_ENGINE'] is 'commonmark', but its parser (pyromark) "
                "is not installed.", hint=f"install it with: {INSTALL}",
            ) from None
        o = pyromark.Options
        options = (o.ENABLE_TABLES | o.ENABLE_FOOTNOTES | o.ENABLE_STRIKETHROUGH
                   | o.ENABLE_TASKLISTS | o.ENABLE_GFM | o.ENABLE_HEADING_ATTRIBUTES
                   | o.ENABLE_WIKILINKS | o.ENABLE_DEFINITION_LIST)
        self._parser = pyromark.Markdown(options=options)  # immutable: threads share it
        self.highlighter = Highlighter()
        self.fingerprint = stable_repr(
            ["commonmark", metadata.version("pyromark"), int(options)])

    def parse(self, body: str) -> Parsed:
        """Parse one page body."""
        if REF_MARK in body:
            body = body.replace(REF_MARK, "")
        return _Writer(self.highlighter).write(self._parser.events(body))


class _Writer:
    """One pass over one page's events."""

    def __init__(self, highlighter: Highlighter) -> None:
        self.highlighter = highlighter
        self.refs: list[Ref] = []
        self.headings: list[Heading] = []
        self.ids: set[str] = set()
        #: Footnote label → its number, and how many times it was referenced.
        self.notes: dict[str, int] = {}
        self.note_refs: dict[str, int] = {}
        self.note_bodies: dict[str, str] = {}

    def add_ref(self, ref: Ref) -> str:
        self.refs.append(ref)
        return f' {REF_ATTR}="{REF_MARK}{len(self.refs) - 1}"'

    def write(self, events: Any) -> Parsed:
        """The page from its events: one loop, the cheap cases first (a post is
        mostly text, table cells and emphasis), since it runs for every event."""
        out: list[str] = []
        emit = out.append
        text: list[str] = []
        say = text.append
        #: What stands outside the current buffer: a heading's or a footnote's.
        saved: list[tuple[list[str], int, Any]] = []
        closers: list[tuple[str, ...]] = []  # what ends each open link or image
        #: Collects text instead of the page: a code block's, an image's alt, a wiki label.
        sink: list[str] | None = None
        language = ""
        depth = 0
        summary = ""
        paragraph = -1  # where the first top-level paragraph starts in ``out``
        paragraph_text = 0
        #: Each column's opening tag, in the table's head and body; which is in use.
        head_cells: list[str] = ["<th>"]
        body_cells: list[str] = ["<td>"]
        cells = body_cells
        cell = 0
        item, item_in = -1, out  # where the last <li> is, for a task list's class

        for event in events:
            if type(event) is str:
                if event == "SoftBreak":
                    emit("\n")
                    say(" ")
                elif event == "HardBreak":
                    emit("<br>\n")
                    say(" ")
                elif event == "Rule":
                    emit("<hr>\n")
                continue
            key = next(iter(event))
            value = event[key]
            if key == "Text":
                if sink is not None:
                    sink.append(value)
                    continue
                say(value)
                if "&" in value or "<" in value or ">" in value:
                    value = _escape(value, False)
                emit(value)
                continue
            if key == "Start":
                start = value
                if type(start) is str:
                    inline = _INLINE_START.get(start)
                    if inline is not None:
                        emit(inline)
                        continue
                    if start == "TableCell":
                        emit(cells[cell] if cell < len(cells) else cells[-1])
                        say(" ")
                        continue
                    if start in _CONTAINERS:
                        depth += 1
                    if start == "Paragraph" and depth == 0 and not summary and not saved:
                        paragraph, paragraph_text = len(out), len(text)
                    elif start == "Item":
                        item, item_in = len(out), out
                    elif start == "TableHead":
                        emit("<thead>\n<tr>\n")
                        cells, cell = head_cells, 0
                        continue
                    elif start == "TableRow":
                        cell = 0
                    say(" ")
                    emit(_SIMPLE_START.get(start, ""))
                    continue
                kind, detail = next(iter(start.items()))
                if kind == "Link" or kind == "Image":
                    sink = self._start_link(kind, detail, emit, closers, sink)
                    continue
                say(" ")
                if kind == "Heading":
                    saved.append((out, len(text), detail))
                    out = []
                    emit = out.append
                elif kind == "CodeBlock":
                    sink = []
                    language = _language(detail)
                elif kind == "List":
                    depth += 1
                    emit("<ul>\n" if detail is None else
                         "<ol>\n" if detail == 1 else f'<ol start="{detail}">\n')
                elif kind == "BlockQuote":
                    depth += 1
                    if detail is None:
                        emit("<blockquote>\n")
                    else:
                        emit(opening(detail.lower()))
                        say(KINDS[detail.lower()])
                        say(" ")
                elif kind == "Table":
                    depth += 1
                    head_cells = [f"<th{_ALIGN.get(align, '')}>" for align in detail] or ["<th>"]
                    body_cells = [f"<td{_ALIGN.get(align, '')}>" for align in detail] or ["<td>"]
                    emit("<table>\n")
                elif kind == "FootnoteDefinition":
                    depth += 1
                    saved.append((out, len(text), detail))
                    out = []
                    emit = out.append
                continue
            if key == "End":
                end = value
                if type(end) is str:
                    inline = _INLINE_END.get(end)
                    if inline is not None:
                        emit(inline)
                        continue
                    if end in _CONTAINERS:
                        depth -= 1
                    if end == "Link" or end == "Image":
                        sink = self._end_link(emit, say, closers, sink)
                        continue
                    if end == "CodeBlock":
                        emit(self.highlighter.highlight("".join(sink or ()), language) or "")
                        sink = None
                    elif end == "TableCell":
                        emit("</th>\n" if cells is head_cells else "</td>\n")
                        cell += 1
                    elif end == "TableHead":
                        emit("</tr>\n</thead>\n<tbody>\n")
                        cells = body_cells
                    elif end == "Table":
                        emit("</tbody>\n</table>\n")
                    elif end == "FootnoteDefinition":
                        parent, _, label = saved.pop()
                        self.note_bodies[label] = "".join(out)
                        out = parent
                        emit = out.append
                    else:
                        emit(_SIMPLE_END.get(end, ""))
                        if end == "Paragraph" and paragraph >= 0:
                            if "".join(text[paragraph_text:]).strip():
                                summary = "".join(out[paragraph:])
                            paragraph = -1
                    say(" ")
                    continue
                kind, detail = next(iter(end.items()))
                say(" ")
                if kind == "Heading":
                    inner = "".join(out)
                    out, first, attrs = saved.pop()
                    emit = out.append
                    self._heading(emit, inner, "".join(text[first:]), attrs)
                elif kind == "List":
                    depth -= 1
                    emit("</ol>\n" if detail else "</ul>\n")
                elif kind == "BlockQuote":
                    depth -= 1
                    emit("</blockquote>\n" if detail is None else "</div>\n")
                continue
            if key == "Code":
                if sink is not None:
                    sink.append(value)
                else:
                    emit(f"<code>{_escape(value, False)}</code>")
                    say(value)
            elif key == "InlineHtml":
                emit(value)
            elif key == "Html":  # a raw HTML block: passed through, not prose
                emit(value)
            elif key == "FootnoteReference":
                emit(self._note_ref(value))
            elif key == "TaskListMarker":
                if item_in is out and out[item] == "<li>":
                    out[item] = '<li class="task-list-item">'
                emit('<input type="checkbox" class="task-list-item-checkbox" disabled'
                     f'{" checked" if value else ""}> ')
        body = ("".join(out) + self._footnotes()).rstrip("\n")
        return Parsed(body, summary.strip(), _toc(self.headings), tuple(self.headings),
                      " ".join("".join(text).split()), tuple(self.refs))

    def _start_link(self, kind: str, detail: dict[str, Any], emit: Any,
                    closers: list[tuple[str, ...]], plain: list[str] | None
                    ) -> list[str] | None:
        """Open a link or image; what collects its text instead of the page, if anything."""
        url = detail["dest_url"]
        link_type = detail["link_type"]
        title = detail["title"]
        title_attr = f' title="{_escape(title)}"' if title else ""
        if type(link_type) is dict:  # [[wiki link]] or ![[embed]]
            target = url.rstrip("\\").strip()  # a pipe escaped in a table leaves a backslash
            piped = link_type["WikiLink"]["has_pothole"]
            if not target.strip("#"):
                emit("![[" if kind == "Image" else "[[")
                closers.append(("]]",))
                return plain
            if kind == "Image":
                closers.append(("embed", target, "piped" if piped else ""))
                return []
            emit(f"<a{self.add_ref(Ref('wiki', target, 'href', ''))}>")
            if piped:
                closers.append(("</a>",))
                return plain
            emit(_escape(wiki_label(target), False))
            closers.append(("wiki", target))
            return []
        if kind == "Image":
            closers.append(("img", url, title_attr))
            return []
        if link_type == "Email":
            url = f"mailto:{url}"
        ref_kind = link_kind(url, "href")
        if ref_kind is not None:
            emit(f"<a{self.add_ref(Ref(ref_kind, url, 'href', ''))}{title_attr}>")
        else:
            emit(f'<a href="{_escape(url)}"{title_attr}>')
        closers.append(("</a>",))
        return plain

    def _end_link(self, emit: Any, say: Any, closers: list[tuple[str, ...]],
                  plain: list[str] | None) -> list[str] | None:
        """Close a link or image; write what its collected text was for."""
        closer = closers.pop()
        if len(closer) == 1:
            emit(closer[0])
            return plain
        what, target, extra = (*closer, "")[:3]
        written = "".join(plain or ())
        if what == "wiki":
            say(wiki_label(target))
            emit("</a>")
        elif what == "embed":
            label = written.strip() if extra else ""
            ref = self.add_ref(Ref("embed", target, "", "", label))
            shown = ""
            if embed_kind(target.partition("#")[0]) is None:
                shown = label or wiki_label(target)
                say(shown)
            emit(f"<{EMBED_TAG}{ref}>{_escape(shown, False)}</{EMBED_TAG}>")
        else:
            ref_kind = link_kind(target, "src")
            where = self.add_ref(Ref(ref_kind, target, "src", "")) if ref_kind is not None \
                else f' src="{_escape(target)}"'
            emit(f'<img alt="{_escape(written)}"{where}{extra}>')
        return None

    def _heading(self, emit: Any, inner: str, words: str, attrs: dict[str, Any]) -> None:
        level = int(attrs["level"][1])
        plain = " ".join(words.split())
        anchor = attrs["id"]
        if not anchor:
            slugify, unique = _toc_tools()
            anchor = unique(slugify(plain, "-"), self.ids)
        self.ids.add(anchor)
        self.headings.append(Heading(anchor, plain, level))
        classes = f' class="{_escape(" ".join(attrs["classes"]))}"' if attrs["classes"] else ""
        link = f'<a class="headerlink" href="#{_escape(anchor)}" title="Permanent link">&para;</a>'
        emit(f'<h{level} id="{_escape(anchor)}"{classes}>{inner}{link}</h{level}>\n')

    def _note_ref(self, label: str) -> str:
        number = self.notes.setdefault(label, len(self.notes) + 1)
        count = self.note_refs[label] = self.note_refs.get(label, 0) + 1
        name = _escape(label)
        back = f"fnref{count if count > 1 else ''}:{name}"
        return (f'<sup id="{back}"><a class="footnote-ref" href="#fn:{name}">{number}</a>'
                "</sup>")

    def _footnotes(self) -> str:
        """The footnotes as Python-Markdown's ``footnotes`` writes them, in order of
        first reference, then any never referenced."""
        if not self.note_bodies:
            return ""
        for label in self.note_bodies:
            self.notes.setdefault(label, len(self.notes) + 1)
        items = []
        for label, number in self.notes.items():
            body = self.note_bodies.get(label)
            if body is None:
                continue
            name = _escape(label)
            backs = "".join(
                f'<a class="footnote-backref" href="#fnref{n if n > 1 else ""}:{name}" '
                f'title="Jump back to footnote {number} in the text">&#8617;</a>'
                for n in range(1, self.note_refs.get(label, 0) + 1))
            if backs and body.endswith("</p>\n"):
                body = f"{body[:-5]}&#160;{backs}</p>\n"
            elif backs:
                body += f"<p>{backs}</p>\n"
            items.append(f'<li id="fn:{name}">\n{body}</li>\n')
        return f'<div class="footnote">\n<hr>\n<ol>\n{"".join(items)}</ol>\n</div>\n'


@cache
def _toc_tools() -> tuple[Callable[[str, str], str], Callable[[str, set[str]], str]]:
    """The ``toc`` extension's slugify and de-duplication, so ids are the same on
    both engines (imported when a heading first needs an id).  Slugs are
    remembered: a site's headings repeat ("Usage", "Examples") and slugifying
    costs more than the rest of a heading."""
    from markdown.extensions.toc import slugify_unicode, unique

    return lru_cache(maxsize=4096)(slugify_unicode), unique


def _language(detail: Any) -> str:
    """The language of a code block: the first word of a fence's info string."""
    if type(detail) is dict:
        match = _FENCE_LANGUAGE_RE.match(detail.get("Fenced", ""))
        return match.group(1) if match else ""
    return ""


def _toc(headings: list[Heading]) -> str:
    """The ``toc`` extension's nested list of the headings (``""`` for none)."""
    if not headings:
        return ""
    parts = ['<div class="toc">\n']
    levels: list[int] = []
    for heading in headings:
        if not levels or heading.level > levels[-1]:
            parts.append("<ul>\n")
            levels.append(heading.level)
        else:
            parts.append("</li>\n")
            while len(levels) > 1 and heading.level < levels[-1]:
                levels.pop()
                parts.append("</ul>\n</li>\n")
        parts.append(f'<li><a href="#{_escape(heading.id)}">{_escape(heading.text, False)}</a>')
    parts.append("</li>\n")
    while levels:
        levels.pop()
        parts.append("</ul>\n</li>\n" if levels else "</ul>\n")
    parts.append("</div>\n")
    return "".join(parts)
