"""The Python-Markdown extension behind pages: one parse, every by-product.

A page's HTML, summary, headings, plain text, word count and links all come
from the single tree Python-Markdown builds, so a listing never parses a
page again.  Two pieces do it:

- ``[[Wiki links]]`` become ``<a>`` elements (an inline processor), so they
  are never found inside code; an embed, ``![[pic.png]]``, becomes a
  placeholder element, since what it turns into (an image, a player, a
  link) depends on the file it finds;
- a treeprocessor, run last, collects headings, the first paragraph and the
  prose, and replaces the target of every link that needs the site to
  resolve (``other.md``, ``[[Page]]``, ``images/pic.png``) with a numbered
  reference.

It also reads what vaults and wikis write (see ``syntax.py``): callouts and
GitHub's alerts (``> [!tip] Title``, see ``callouts.py``) as admonitions,
``==highlights==``, ``#tags``, ``^block-ids``, ``$math$``; and it finds fenced
code itself (in blockquotes and list items too, with CommonMark's info
strings), highlighting through ``fenced_code`` behind the highlighter's cache
(``highlighting.py``), so a code block already highlighted once is not handed
to Pygments again.  ``%%comments%%`` are gone before any of it runs.

References keep the parse independent of every other file: the cached HTML
says "link to whatever ``../guide/install.md`` is", and the page fills in
the URL when it is used (see ``links.py``), so moving one page never
invalidates the cache of the pages that link to it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import strip_tags
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX, AtomicString

from .callouts import read_marker
from .highlighting import Highlighter
from .inlines import NarrowInlineProcessor
from .refs import (
    EMBED_TAG,
    REF_ATTR,
    REF_MARK,
    Heading,
    Ref,
    embed_kind,
    link_kind,
    wiki_label,
)
from .syntax import (
    DIAGRAMS,
    DIAGRAMS_INSTALL,
    HIGHLIGHT_RE,
    MATH,
    TAG_RE,
    diagram_html,
    has_diagram_script,
    math_fallback,
    math_html,
    read_info,
    split_block_id,
    tag_at,
    warn_missing,
    with_title,
)

_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_PIPES = ("|", f"{STX}{ord('|')}{ETX}")  # a bare pipe, or one escaped as \| in a table
_NO_TEXT_TAGS = frozenset({"pre", "script", "style"})

_unescape = UnescapeTreeprocessor().unescape
#: Python-Markdown's own placeholders (footnote spaces and the like).
_PLACEHOLDER_RE = re.compile(f"{STX}[^{ETX}]*{ETX}")




class WikiLinkProcessor(InlineProcessor):
    """``[[Target]]``, ``[[Target|label]]``, ``[[Target#Heading]]`` → a reference.

    ``![[Target]]`` and ``![[Target|alt or size]]`` (embeds) → an
    :data:`EMBED_TAG` element holding a reference.  An embed of anything but
    an image, audio or video renders as a link, so its label is kept as the
    element's text: it counts as prose, like a link's text.
    """

    def __init__(self, md: Markdown, extension: SitegenExtension) -> None:
        super().__init__(r"(!?)\[\[([^\[\]]+?)\]\]", md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str  # type: ignore[override]
                    ) -> tuple[etree.Element | None, int | None, int | None]:
        inner = self.unescape(m.group(2))
        target, label = inner, ""
        for pipe in _PIPES:
            if pipe in inner:
                target, label = inner.split(pipe, 1)
                break
        target = " ".join(_unescape(target).split())  # a link may break across lines
        label = " ".join(_unescape(label).split())
        if not target.strip("#"):
            return None, None, None
        if m.group(1):
            element = etree.Element(EMBED_TAG)
            element.set(REF_ATTR, self.extension.add_ref(Ref("embed", target, "", "", label)))
            if embed_kind(target.partition("#")[0]) is None:
                element.text = AtomicString(label or wiki_label(target))
        else:
            element = etree.Element("a")
            element.set(REF_ATTR, self.extension.add_ref(Ref("wiki", target, "href", "")))
            element.text = AtomicString(label or wiki_label(target))
        return element, m.start(0), m.end(0)


class CalloutTreeprocessor(Treeprocessor):
    """A blockquote starting with ``[!type]`` → a callout (see ``callouts.py``).

    Runs before the inline patterns, so the title on the marker's line is still
    Markdown: it is moved into the title element and parsed there like any text.
    """

    def run(self, root: etree.Element) -> None:
        for quote in list(root.iter("blockquote")):
            quote.attrib.pop(_CALLOUT_ATTR, None)
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p" or not (first.text or "").startswith("[!"):
                continue
            read = read_marker(first.text or "")
            if read is None:
                continue
            callout, at = read
            line, _, rest = (first.text or "")[at:].partition("\n")
            if rest.strip() or len(first):
                first.text = rest
            else:
                quote.remove(first)
            quote.tag = callout.tag
            quote.set("class", f"admonition {callout.kind}")
            quote.set("data-callout", callout.name)
            if callout.fold == "+":
                quote.set("open", "open")
            title = etree.Element(callout.title_tag, {"class": "admonition-title"})
            title.text = line.strip() or callout.default_title
            quote.insert(0, title)


class CalloutQuoteProcessor(BlockQuoteProcessor):
    """Python-Markdown's blockquotes, except that a callout is one of its own: two
    callouts apart are two, and a blockquote after a callout is another, where
    two plain blockquotes apart are one."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        match = self.RE.search(blocks[0])
        self._fresh = match is not None and \
            blocks[0][match.start():].lstrip(" >").startswith("[!")
        super().run(parent, blocks)
        if self._fresh:
            parent[-1].set(_CALLOUT_ATTR, "")

    def lastChild(self, parent: etree.Element) -> etree.Element | None:  # noqa: N802
        sibling = super().lastChild(parent)
        if self._fresh or (sibling is not None and _CALLOUT_ATTR in sibling.attrib):
            return None
        return sibling


#: Marks the blockquotes that start with a callout's marker, until they are callouts.
_CALLOUT_ATTR = "data-sitegen-callout"


class FencedBlocks(Preprocessor):
    """Fenced code as CommonMark reads it, in place of ``fenced_code``'s own pass.

    ``fenced_code`` knows fences at the top level only, and no info string
    beyond a language and ``hl_lines``: ```` ```ts title="x.ts" ```` there
    swallows the rest of the page.  This pass finds every fence (backticks or
    tildes, as long as wanted, in blockquotes and callouts, in list items),
    reads its info string (``syntax.read_info``) and stashes the block's HTML:
    the highlighting is still ``fenced_code``'s and ``codehilite``'s, asked
    with a fence they read, so their settings apply, and cached (the key
    is that fence and the renderer's fingerprint) so a block highlighted
    once is never handed to Pygments again.  Under codehilite's default
    settings, a block in a language Pygments knows goes to the highlighter
    itself, which writes the same bytes and keeps its lexers and formatter
    (codehilite makes both afresh for every block, which costs about as much
    as highlighting a short one).  A title makes the block a
    ``<figure>`` captioned by it; a ``mermaid`` fence is a diagram.
    """

    def __init__(self, md: Markdown, extension: SitegenExtension) -> None:
        super().__init__(md)
        self.extension = extension
        self._plain: bool | None = None

    def run(self, lines: list[str]) -> list[str]:
        if not any("```" in line or "~~~" in line for line in lines):
            return lines
        out: list[str] = []
        i, n = 0, len(lines)
        while i < n:
            line = lines[i]
            match = _FENCE_OPEN_RE.match(line) if "```" in line or "~~~" in line else None
            in_list = match is not None and bool(match.group(2)) and _in_list(lines, i)
            if match is None or not _opens(match, in_list):
                out.append(line)
                i += 1
                continue
            quotes, indent, fence, info = match.groups()
            depth = quotes.count(">")
            code: list[str] = []
            i += 1
            while i < n:
                inner = _unquote(lines[i], depth)
                if inner is None:
                    break
                i += 1
                stripped = inner.lstrip(" ")
                if len(inner) - len(stripped) <= len(indent) + 3 and \
                        stripped.startswith(fence) and not stripped.rstrip().strip(fence[0]):
                    break
                code.append(_dedent(inner, len(indent)))
            placeholder = self.extension.stash(self._block(info, code), "")
            prefix = "> " * depth
            if in_list and indent:
                out.append(f"{prefix}{' ' * max(4, -(-len(indent) // 4) * 4)}{placeholder}")
            else:
                out += [prefix.rstrip(), prefix + placeholder, ""]
        return out

    def _block(self, info: str, lines: list[str]) -> str:
        fence = read_info(info)
        code = "\n".join(lines)
        if fence.language.lower() == "mermaid":
            if has_diagram_script():
                self.extension.needs.add(DIAGRAMS)
            else:
                warn_missing(f"has a diagram, but Mermaid's script is not installed: install "
                             f"it with {DIAGRAMS_INSTALL}; the diagram shows as its source")
            return diagram_html(code)
        language = _LANGUAGE_CHARS_RE.sub("", fence.language)
        highlighter = self.extension.highlighter
        if language and self._plain_codehilite() and highlighter.knows(language):
            # What codehilite would write, without a lexer and formatter made per block.
            return with_title(highlighter.highlight(code, language, fence.lines), fence.title)
        ticks = "```"
        while ticks in code:  # a fence longer than any run of backticks in the code
            ticks += "`"
        options = f' hl_lines="{" ".join(map(str, fence.lines))}"' if fence.lines else ""
        block = f"{ticks}{language}{options}\n{code}\n{ticks}"
        html_text = self.extension.highlighter.cached(
            ("markdown", self.extension.salt, block), lambda: self._highlight(block))
        return with_title(html_text or "", fence.title)

    def _plain_codehilite(self) -> bool:
        """Whether ``codehilite`` is on with settings under which its HTML for a block in a
        language Pygments knows is the highlighter's (its ``<div>`` class, no line numbers,
        CSS classes, the HTML formatter, no Pygments options of its own)."""
        if self._plain is None:
            from markdown.extensions.codehilite import CodeHiliteExtension

            configs = next((ext.getConfigs() for ext in self.md.registeredExtensions
                            if isinstance(ext, CodeHiliteExtension)), None)
            # A known language is never guessed: guess_lang may be either.
            self._plain = configs is not None and \
                {key: value for key, value in configs.items() if key != "guess_lang"} == \
                {**_CODEHILITE_PLAIN, "css_class": self.extension.highlighter.css_class}
        return self._plain

    def _highlight(self, block: str) -> str | None:
        """``fenced_code``'s HTML for ``block`` (it stashes it; taken back here)."""
        fenced = self.md.preprocessors["fenced_code_block"]
        stash = self.md.htmlStash
        before = stash.html_counter
        fenced.run(block.split("\n"))
        if stash.html_counter != before + 1:
            return None
        stash.html_counter -= 1
        return stash.rawHtmlBlocks.pop()  # type: ignore[return-value]


#: ``codehilite``'s settings (but its ``css_class`` and ``guess_lang``) under which
#: :class:`Highlighter` writes its HTML for a block in a language Pygments knows.
_CODEHILITE_PLAIN = {"linenums": None, "pygments_style": "default", "noclasses": False,
                     "use_pygments": True, "lang_prefix": "language-", "pygments_formatter": "html"}
_FENCE_OPEN_RE = re.compile(r"^((?:[ ]{0,3}>[ ]?)*)([ ]*)(`{3,}|~{3,})(.*)$")
_QUOTE_RE = re.compile(r"^(?:[ ]{0,3}>[ ]?)*")
_LIST_RE = re.compile(r"^[ ]*(?:[-*+]|\d{1,9}[.)])[ \t]")
_LANGUAGE_CHARS_RE = re.compile(r"[^\w#.+-]")


def _opens(match: re.Match[str], in_list: bool) -> bool:
    """Whether a line that looks like a fence opens one: indented by at most 3
    spaces (more inside a list item), and a backtick fence's info has no backtick."""
    indent, fence, info = match.group(2), match.group(3), match.group(4)
    if len(indent) > 3 and not in_list:
        return False
    return not (fence[0] == "`" and "`" in info)


def _in_list(lines: list[str], at: int) -> bool:
    """Whether the indented fence at ``lines[at]`` belongs to a list item: the line
    before it (past blank ones) is an item or indented."""
    for line in reversed(lines[max(0, at - 50):at]):
        body = _QUOTE_RE.sub("", line)
        if body.strip():
            return bool(_LIST_RE.match(body)) or body[:1] in " \t"
    return False


def _unquote(line: str, depth: int) -> str | None:
    """``line`` without ``depth`` blockquote markers; ``None`` if it has fewer (the
    blockquote, and a fence in it, ends there)."""
    for _ in range(depth):
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) > 3 or not stripped.startswith(">"):
            return None
        line = stripped[2:] if stripped.startswith("> ") else stripped[1:]
    return line


def _dedent(line: str, indent: int) -> str:
    """A code line without the spaces (up to the fence's own) that indent the fence."""
    stripped = line.lstrip(" ")
    return line[min(indent, len(line) - len(stripped)):]


class HighlightProcessor(InlineProcessor):
    """``==text==`` → ``<mark>text</mark>``, as Obsidian highlights."""

    def handleMatch(self, m: re.Match[str], data: str  # type: ignore[override]
                    ) -> tuple[etree.Element, int, int]:
        element = etree.Element("mark")
        element.text = m.group(1)
        return element, m.start(0), m.end(0)


class TagProcessor(InlineProcessor):
    """``#tag``, ``#area/topic`` → a link to the tag's page (a ``tag`` reference)."""

    def __init__(self, md: Markdown, extension: SitegenExtension) -> None:
        super().__init__(TAG_RE.pattern, md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str  # type: ignore[override]
                    ) -> tuple[etree.Element | None, int | None, int | None]:
        name = tag_at(data, m)
        if name is None:
            return None, None, None
        self.extension.tags.append(name)
        element = etree.Element("a")
        element.set(REF_ATTR, self.extension.add_ref(Ref("tag", name, "href", "tag")))
        element.text = AtomicString(f"#{name}")
        return element, m.start(0), m.start(0) + 1 + len(name)


class MathProcessor(InlineProcessor):
    """``$x$`` and ``$$x$$`` → MathML (before escapes, so LaTeX keeps its backslashes)."""

    def __init__(self, md: Markdown, extension: SitegenExtension) -> None:
        super().__init__(_MATH_RE.pattern, md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str  # type: ignore[override]
                    ) -> tuple[str | None, int | None, int | None]:
        if m.start() and data[m.start() - 1] in "\\$":  # \$x$ is a dollar
            return None, None, None
        display = m.group(1) is not None
        latex = m.group(1) if display else m.group(2)
        rendered = math_html(latex, display)
        if rendered is None:
            rendered = math_fallback(latex, display)
        else:
            self.extension.needs.add(MATH)
        return self.extension.stash(rendered, latex), m.start(0), m.end(0)


#: ``$$display$$`` (group 1), or ``$inline$`` (group 2): an opening ``$`` not followed
#: by a space, a closing one not after a space nor before a digit; ``\$`` is a dollar.
#: A literal first, so the search skips from ``$`` to ``$`` (what comes before the
#: first is checked in ``handleMatch``).
_MATH_RE = re.compile(
    r"\$(?:\$((?:[^$\\]|\\.)+?)\$\$"
    r"|(?![\s$])((?:[^$\\\n]|\\.)+?)(?<![\s\\])\$(?![\d$]))"
)


class ContentTreeprocessor(Treeprocessor):
    """Runs after every other treeprocessor and records what the page needs."""

    def __init__(self, md: Markdown, extension: SitegenExtension) -> None:
        super().__init__(md)
        self.extension = extension
        self._blocks: frozenset[str] = frozenset()

    def run(self, root: etree.Element) -> None:
        ext = self.extension
        self._blocks = frozenset(self.md.block_level_elements)
        self._block_ids(root)
        for element in root.iter():
            tag = element.tag
            if tag == "a":
                self._link(element, "href")
            elif tag == "img":
                self._link(element, "src")
            elif tag == EMBED_TAG:
                self._embed_classes(element)
            elif tag in _HEADING_TAGS:
                ext.headings.append(
                    Heading(element.get("id", ""), " ".join(self._text(element).split()),
                            _HEADING_TAGS[tag])
                )
        for child in root:
            if child.tag == "p" and not self._is_block_placeholder(child) and \
                    self._text(child).strip():
                ext.summary_source = self.md.serializer(child).strip()
                break
        ext.prose = self._text(root)

    def _block_ids(self, root: etree.Element) -> None:
        """``^block-id`` ending a paragraph or list item → its ``id`` (the marker
        removed); a paragraph of nothing but the marker gives the block before it
        (a list, a table, a quote) the id, as Obsidian does."""
        marked: list[tuple[etree.Element, str]] = []
        for parent in list(root.iter()):
            previous: etree.Element | None = None
            for child in list(parent):
                if child.tag in ("p", "li"):
                    last = child[-1] if len(child) else None
                    text = (last.tail if last is not None else child.text) or ""
                    found = split_block_id(text) if "^" in text else None
                    if found is not None:
                        kept, name = found
                        if last is not None:
                            last.tail = kept
                        else:
                            child.text = kept
                        target = child
                        if last is None and not kept.strip() and child.tag == "p" and \
                                previous is not None:
                            parent.remove(child)
                            target = previous
                        target.set("id", name)
                        marked.append((target, name))
                previous = child
        if marked:
            order = {element: number for number, element in enumerate(root.iter())}
            marked.sort(key=lambda pair: order.get(pair[0], 0))
            self.extension.blocks += [name for _, name in marked]

    def _link(self, element: etree.Element, attr: str) -> None:
        url = element.get(attr)
        # An e-mail autolink's address is obfuscated into placeholders: never the site's.
        if not url or REF_ATTR in element.attrib or STX in url:
            return
        kind = link_kind(url, attr)
        if kind is None:
            return
        classes = element.attrib.pop("class", "")
        del element.attrib[attr]
        element.set(REF_ATTR, self.extension.add_ref(Ref(kind, url, attr, classes)))

    def _embed_classes(self, element: etree.Element) -> None:
        """Move a ``class`` given to an embed (``{: .wide}``) into its reference."""
        classes = element.attrib.pop("class", "")
        if classes:
            refs = self.extension.refs
            number = int(element.get(REF_ATTR, "")[len(REF_MARK):])
            refs[number] = refs[number]._replace(classes=classes)

    def _is_block_placeholder(self, element: etree.Element) -> bool:
        text = (element.text or "").strip()
        return len(element) == 0 and HTML_PLACEHOLDER_RE.fullmatch(text) is not None

    def _text(self, element: etree.Element) -> str:
        """The prose of ``element``: no markup, code blocks, raw HTML blocks or
        permalinks; its whitespace as written."""
        parts: list[str] = []
        self._collect(element, parts)
        text = "".join(parts)
        if STX in text:
            text = HTML_PLACEHOLDER_RE.sub(self._stashed_text, text)
            text = _PLACEHOLDER_RE.sub(" ", text)
        return html.unescape(text)

    def _collect(self, element: etree.Element, parts: list[str]) -> None:
        if element.text:
            parts.append(element.text)
        blocks = self._blocks  # Markdown.is_block_level, against a set rather than a list
        for child in element:
            tag = child.tag
            block = isinstance(tag, str) and tag.lower().rstrip("/") in blocks
            if block:
                parts.append(" ")
            if not self._skipped(child):
                self._collect(child, parts)
            if block:
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    def _skipped(self, element: etree.Element) -> bool:
        tag = element.tag
        if not isinstance(tag, str) or tag in _NO_TEXT_TAGS:
            return True
        if tag == "p":
            return self._is_block_placeholder(element)
        classes = element.get("class", "")
        if tag == "a":
            return "headerlink" in classes or "footnote-backref" in classes
        if tag == "sup":
            return element.get("id", "").startswith("fnref")
        return tag == "div" and "toc" in classes.split()

    def _stashed_text(self, match: re.Match[str]) -> str:
        blocks = self.md.htmlStash.rawHtmlBlocks
        index = int(match.group(1))
        prose = self.extension.stash_text.get(index)
        if prose is not None:
            return f" {prose} " if prose else " "
        raw = blocks[index] if index < len(blocks) else ""
        return strip_tags(raw) if isinstance(raw, str) else ""


class SitegenExtension(Extension):
    """Adds wiki links, callouts, the vault syntax, fences and the content treeprocessor;
    holds one parse's results.  ``salt`` names the configuration (the
    renderer's fingerprint), for the highlight cache's keys."""

    def __init__(self, highlighter: Highlighter, salt: str) -> None:
        super().__init__()
        self.highlighter = highlighter
        self.salt = salt
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        self.md = md
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, "$", "=", "%"]  # \$5, \==, \%% as written
        md.inlinePatterns.register(MathProcessor(md, self), "sitegen_math", 185)
        md.inlinePatterns.register(WikiLinkProcessor(md, self), "sitegen_wikilink", 175)
        md.inlinePatterns.register(HighlightProcessor(HIGHLIGHT_RE.pattern, md),
                                   "sitegen_highlight", 65)
        md.inlinePatterns.register(TagProcessor(md, self), "sitegen_tag", 45)
        md.treeprocessors.register(CalloutTreeprocessor(md), "sitegen_callouts", 25)
        md.parser.blockprocessors.register(CalloutQuoteProcessor(md.parser), "quote", 20)
        md.treeprocessors.register(ContentTreeprocessor(md, self), "sitegen_content", -10)
        if "inline" in md.treeprocessors and \
                type(md.treeprocessors["inline"]) is InlineTreeprocessor:  # not an extension's
            md.treeprocessors.register(NarrowInlineProcessor(md), "inline", 20)
        if "fenced_code_block" in md.preprocessors:
            md.preprocessors.register(FencedBlocks(md, self), "sitegen_fences", 26)

    def reset(self) -> None:
        self.refs: list[Ref] = []
        self.headings: list[Heading] = []
        self.summary_source = ""
        self.prose = ""
        self.tags: list[str] = []
        self.blocks: list[str] = []
        self.needs: set[str] = set()
        #: The prose of stashed HTML that is not its text: math's source, code's none.
        self.stash_text: dict[int, str] = {}

    def stash(self, html_text: str, prose: str) -> str:
        """Stash ``html_text`` for the output; ``prose`` is what it adds to the text."""
        stash = self.md.htmlStash
        self.stash_text[stash.html_counter] = prose
        return stash.store(html_text)

    def add_ref(self, ref: Ref) -> str:
        """Record ``ref`` and return the attribute value that stands for it."""
        self.refs.append(ref)
        return f"{REF_MARK}{len(self.refs) - 1}"

