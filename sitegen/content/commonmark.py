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
from .callouts import Callout, read_marker
from .highlighting import Highlighter
from .markup import Parsed, syntax_version
from .refs import EMBED_TAG, REF_ATTR, REF_MARK, Heading, Ref, embed_kind, link_kind, wiki_label
from .syntax import (
    DIAGRAMS,
    DIAGRAMS_INSTALL,
    MATH,
    TAG_RE,
    FenceInfo,
    diagram_html,
    has_diagram_script,
    math_fallback,
    math_html,
    read_info,
    split_block_id,
    strip_comments,
    tag_at,
    warn_missing,
    with_title,
)

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
_START_PARAGRAPH = {"Start": "Paragraph"}
_END_PARAGRAPH = {"End": "Paragraph"}
#: The blocks a highlight cannot cross.
_MARKED = frozenset({"Paragraph", "Item", "TableCell", "DefinitionListTitle",
                     "DefinitionListDefinition"})
_HIGHLIGHT_SPLIT_RE = re.compile(r"(==)")
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
        # Not ENABLE_GFM: its alerts know GitHub's five types only; callouts are read here.
        options = (o.ENABLE_TABLES | o.ENABLE_FOOTNOTES | o.ENABLE_STRIKETHROUGH
                   | o.ENABLE_TASKLISTS | o.ENABLE_HEADING_ATTRIBUTES | o.ENABLE_MATH
                   | o.ENABLE_WIKILINKS | o.ENABLE_DEFINITION_LIST)
        self._parser = pyromark.Markdown(options=options)  # immutable: threads share it
        self.highlighter = Highlighter()
        self.fingerprint = stable_repr(
            ["commonmark", metadata.version("pyromark"), int(options), *syntax_version()])

    def parse(self, body: str) -> Parsed:
        """Parse one page body."""
        if REF_MARK in body:
            body = body.replace(REF_MARK, "")
        return _Writer(self.highlighter).write(list(self._parser.events(strip_comments(body))))


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
        self.tags: list[str] = []
        self.blocks: list[str] = []
        self.needs: set[str] = set()
        #: In a wiki link's label: ``True`` before its first text (whose leading spaces
        #: go), ``None`` after it; ``False`` outside labels.
        self.label_start: bool | None = False

    def add_ref(self, ref: Ref) -> str:
        self.refs.append(ref)
        return f' {REF_ATTR}="{REF_MARK}{len(self.refs) - 1}"'

    def write(self, events: list[Any]) -> Parsed:
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
        fence = FenceInfo("", "", ())
        #: What closes each open blockquote: a plain one, or a callout.
        quotes: list[Callout | None] = []
        #: An open callout title: its end tag, and where its text starts in ``out``.
        title: tuple[str, int, str] | None = None
        marking = False  # inside ==highlight==
        bare = False  # a paragraph of display math alone: no <p> around it
        #: Where the open paragraph's tag is, and a ``^block-id`` its last text ended with.
        para_at = -1
        block_id: tuple[list[str], int, int, str, str] | None = None
        #: The opening tag of the block that ended last, for a ``^block-id`` of its own.
        opens: list[int] = []
        last_block = -1
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

        for index, event in enumerate(events):
            if type(event) is str:
                if event == "SoftBreak":
                    if title is not None:
                        self._end_title(out, title, say)
                        para_at = len(out)
                        emit("<p>")
                        say(" ")
                        title = None
                        continue
                    emit("\n" if self.label_start is False else " ")
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
                if self.label_start:
                    value = value.lstrip()
                    self.label_start = None
                if "^" in value:
                    found = split_block_id(value)
                    if found is not None:
                        block_id = (out, len(out), len(text), *found)
                if "=" in value or "#" in value:
                    marking = self._text(value, emit, say, events, index, marking)
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
                    if start == "Paragraph":
                        if index + 2 < len(events) and "DisplayMath" in events[index + 1] \
                                and events[index + 2] == _END_PARAGRAPH:
                            bare = True
                            continue
                        if title is not None:
                            continue  # a callout's first line: its title
                        para_at = len(out)
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
                    fence = read_info(detail.get("Fenced", "") if type(detail) is dict else "")
                elif kind == "List":
                    depth += 1
                    opens.append(len(out))
                    emit("<ul>\n" if detail is None else
                         "<ol>\n" if detail == 1 else f'<ol start="{detail}">\n')
                elif kind == "BlockQuote":
                    depth += 1
                    opens.append(len(out))
                    callout = _callout(events, index)
                    quotes.append(callout[0] if callout else None)
                    if callout is None:
                        emit("<blockquote>\n")
                    else:
                        emit(callout[0].start())
                        events[index + 2] = {"Text": callout[1]}
                        title = (f"</{callout[0].title_tag}>\n", len(out),
                                 callout[0].default_title)
                elif kind == "Table":
                    depth += 1
                    opens.append(len(out))
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
                        emit(self._code("".join(sink or ()), fence))
                        sink = None
                        last_block = -1
                    elif end == "TableCell":
                        emit("</th>\n" if cells is head_cells else "</td>\n")
                        cell += 1
                    elif end == "TableHead":
                        emit("</tr>\n</thead>\n<tbody>\n")
                        cells = body_cells
                    elif end == "Table":
                        emit("</tbody>\n</table>\n")
                        last_block = opens.pop()
                    elif end == "FootnoteDefinition":
                        parent, _, label = saved.pop()
                        self.note_bodies[label] = "".join(out)
                        out = parent
                        emit = out.append
                    elif end == "Paragraph" and (bare or title is not None):
                        if title is not None:
                            self._end_title(out, title, say)
                            title = None
                        else:
                            emit("\n")
                        bare = False
                    else:
                        if marking and end in _MARKED:
                            emit("</mark>")
                            marking = False
                        if block_id is not None and end in ("Paragraph", "Item"):
                            last_block = self._block_id(block_id, out, text, para_at, item,
                                                        item_in, end, last_block)
                        block_id = None
                        dropped = end == "Paragraph" and para_at >= 0 and not out[para_at]
                        if end == "Paragraph":
                            if para_at >= 0 and not dropped:
                                last_block = para_at
                            para_at = -1
                        if not dropped:
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
                    if marking:
                        inner += "</mark>"
                        marking = False
                    self._heading(emit, inner, "".join(text[first:]), attrs)
                    last_block = -1
                elif kind == "List":
                    depth -= 1
                    emit("</ol>\n" if detail else "</ul>\n")
                    last_block = opens.pop()
                elif kind == "BlockQuote":
                    depth -= 1
                    callout = quotes.pop()
                    emit("</blockquote>\n" if callout is None else f"</{callout.tag}>\n")
                    last_block = opens.pop()
                continue
            if key == "Code":
                if sink is not None:
                    sink.append(value)
                else:
                    emit(f"<code>{_escape(value, False)}</code>")
                    say(value)
            elif key == "InlineMath" or key == "DisplayMath":
                display = key == "DisplayMath"
                rendered = math_html(value, display)
                if rendered is None:
                    rendered = math_fallback(value, display)
                else:
                    self.needs.add(MATH)
                emit(rendered)
                if not bare:
                    say(f" {value} ")
            elif key == "InlineHtml":
                emit(value)
            elif key == "Html":  # a raw HTML block: passed through, not prose
                emit(value)
                last_block = -1
            elif key == "FootnoteReference":
                emit(self._note_ref(value))
            elif key == "TaskListMarker":
                if item_in is out and out[item] == "<li>":
                    out[item] = '<li class="task-list-item">'
                emit('<input type="checkbox" class="task-list-item-checkbox" disabled'
                     f'{" checked" if value else ""}> ')
        body = ("".join(out) + self._footnotes()).rstrip("\n")
        return Parsed(body, summary.strip(), _toc(self.headings), tuple(self.headings),
                      "".join(text), tuple(self.refs),
                      tuple(dict.fromkeys(self.tags)), tuple(self.blocks),
                      tuple(sorted(self.needs)))

    def _end_title(self, out: list[str], title: tuple[str, int, str], say: Any) -> None:
        """Close a callout's title, with the type's name if the marker had none."""
        end, start, default = title
        if not "".join(out[start:]).strip():
            del out[start:]
            out.append(_escape(default, False))
            say(f" {default} ")
        out.append(end)

    def _text(self, value: str, emit: Any, say: Any, events: list[Any], index: int,
              marking: bool) -> bool:
        """Text with ``==highlights==`` and ``#tags`` in it; whether a highlight is
        open at its end."""
        parts = _HIGHLIGHT_SPLIT_RE.split(value) if "==" in value else [value]
        for number, part in enumerate(parts):
            if number % 2:  # an == sign
                before = parts[number - 1][-1:] if parts[number - 1] else ""
                after = parts[number + 1][:1] if number + 1 < len(parts) else ""
                if marking and (not before.isspace() if before else
                                number == 1 and _glued(events, index)):
                    emit("</mark>")
                    marking = False
                    continue
                if not marking and after and not after.isspace() and \
                        _closes(parts, number, events, index):
                    emit("<mark>")
                    marking = True
                    continue
                emit(part)
                say(part)
                continue
            if part:
                self._tags(part, emit, say, number == 0 and _glued(events, index))
        return marking

    def _tags(self, value: str, emit: Any, say: Any, glued: bool) -> None:
        """Text with inline ``#tags``: each a link to its tag's page."""
        say(value)
        end = 0
        for match in TAG_RE.finditer(value):
            name = tag_at(value, match)
            if name is None or (glued and match.start() == 0):
                continue
            emit(_escape(value[end:match.start()], False))
            self.tags.append(name)
            emit(f"<a{self.add_ref(Ref('tag', name, 'href', 'tag'))}>"
                 f"#{_escape(name, False)}</a>")
            end = match.start() + 1 + len(name)
        emit(_escape(value[end:], False))

    def _block_id(self, found: tuple[list[str], int, int, str, str], out: list[str],
                  text: list[str], para_at: int, item: int, item_in: list[str], end: str,
                  last_block: int) -> int:
        """Give the paragraph or item whose text ended with ``^block-id`` that id (or,
        for a paragraph of the marker alone, the block before it); where the tag with
        the id is."""
        where, at, said, kept, name = found
        if where is not out or at != len(out) - 1:
            return last_block
        out[at] = _escape(kept, False)
        text[said] = kept
        self.blocks.append(name)
        if end == "Paragraph":
            if not kept.strip() and at == para_at + 1 and last_block >= 0:
                out[para_at] = out[at] = ""  # the marker's paragraph goes
                target = last_block
            else:
                target = para_at
        elif item_in is out and item >= 0:
            target = item
        else:
            return last_block
        out[target] = out[target].replace(">", f' id="{_escape(name)}">', 1)
        return target

    def _code(self, code: str, fence: FenceInfo) -> str:
        """A fenced block: highlighted, captioned by its title; or a diagram."""
        if fence.language.lower() == "mermaid":
            if has_diagram_script():
                self.needs.add(DIAGRAMS)
            else:
                warn_missing(f"has a diagram, but Mermaid's script is not installed: install "
                             f"it with {DIAGRAMS_INSTALL}; the diagram shows as its source")
            return diagram_html(code) + "\n"
        block = self.highlighter.highlight(code, fence.language, fence.lines)
        return with_title(block, fence.title) + "\n" if fence.title else block

    def _start_link(self, kind: str, detail: dict[str, Any], emit: Any,
                    closers: list[tuple[str, ...]], plain: list[str] | None
                    ) -> list[str] | None:
        """Open a link or image; what collects its text instead of the page, if anything."""
        url = detail["dest_url"]
        link_type = detail["link_type"]
        title = detail["title"]
        title_attr = f' title="{_escape(title)}"' if title else ""
        if type(link_type) is dict:  # [[wiki link]] or ![[embed]]
            # A pipe escaped in a table leaves a backslash; a link may break across lines.
            target = " ".join(url.rstrip("\\").split())
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
                self.label_start = True
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
        self.label_start = False
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


def _callout(events: list[Any], index: int) -> tuple[Callout, str] | None:
    """The callout a blockquote opening at ``events[index]`` is, and its first text
    without the marker; ``None`` for a plain blockquote."""
    if index + 2 >= len(events) or events[index + 1] != _START_PARAGRAPH:
        return None
    first = events[index + 2]
    if type(first) is not dict or "Text" not in first or not first["Text"].startswith("[!"):
        return None
    read = read_marker(first["Text"])
    return None if read is None else (read[0], first["Text"][read[1]:])


def _closes(parts: list[str], number: int, events: list[Any], index: int) -> bool:
    """Whether the ``==`` at ``parts[number]`` is closed later in its paragraph."""
    if number + 2 < len(parts):
        return True
    for event in events[index + 1:index + 200]:  # a highlight closes near where it opens
        if type(event) is dict:
            end = event.get("End")
            if end is not None and (type(end) is not str or end in _MARKED):
                return False  # a paragraph, or a heading, list or quote, ended first
            if "Text" in event and "==" in event["Text"]:
                return True
    return False


def _glued(events: list[Any], index: int) -> bool:
    """Whether the text at ``events[index]`` follows other text with no space between
    (a ``#`` there is no tag: ``**x**#y``)."""
    if index == 0:
        return False
    previous = events[index - 1]
    if type(previous) is str:
        return False
    if "Text" in previous:
        return not previous["Text"][-1:].isspace()
    return "End" in previous or "Code" in previous or "InlineMath" in previous


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
