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

It also renders GitHub's alerts (``> [!NOTE]``, see ``alerts.py``) as
admonitions, and puts the highlighter's cache (``highlighting.py``) in front
of ``fenced_code``, so a code block already highlighted once is not handed
to Pygments again.

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
from markdown.extensions import Extension
from markdown.extensions.toc import strip_tags
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX, AtomicString

from .alerts import KINDS, MARKER_RE
from .highlighting import Highlighter
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
        super().__init__(r"(!?)\[\[([^\[\]\n]+?)\]\]", md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str  # type: ignore[override]
                    ) -> tuple[etree.Element | None, int | None, int | None]:
        inner = self.unescape(m.group(2))
        target, label = inner, ""
        for pipe in _PIPES:
            if pipe in inner:
                target, label = inner.split(pipe, 1)
                break
        target = _unescape(target).strip()
        label = _unescape(label).strip()
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


class AlertTreeprocessor(Treeprocessor):
    """A blockquote starting with ``[!NOTE]`` (or another kind) → an admonition."""

    def run(self, root: etree.Element) -> None:
        for quote in list(root.iter("blockquote")):
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p":
                continue
            match = MARKER_RE.match(first.text or "")
            if match is None:
                continue
            kind = match.group(1).lower()
            rest = (first.text or "")[match.end():]
            if rest.strip() or len(first):
                first.text = rest
            else:
                quote.remove(first)
            quote.tag = "div"
            quote.set("class", f"admonition {kind}")
            title = etree.Element("p", {"class": "admonition-title"})
            title.text = KINDS[kind]
            quote.insert(0, title)


class CachedFencedCode(Preprocessor):
    """Runs just before ``fenced_code``: each fenced block whose highlighted HTML
    is cached is stashed as it is; the others go to ``fenced_code``, one at a
    time, and what it stashes is cached.

    The key is the block as written (fence, language, options, code) and the
    renderer's fingerprint, which holds the ``codehilite`` settings.
    """

    def __init__(self, md: Markdown, highlighter: Highlighter, salt: str) -> None:
        super().__init__(md)
        self.highlighter = highlighter
        self.salt = salt

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "```" not in text and "~~~" not in text:
            return lines
        fenced = self.md.preprocessors["fenced_code_block"]
        pattern = fenced.FENCED_BLOCK_RE  # type: ignore[attr-defined]
        parts: list[str] = []
        end = 0
        for match in pattern.finditer(text):
            parts.append(text[end:match.start()])
            parts.append(self._block(fenced, match.group(0)))
            end = match.end()
        parts.append(text[end:])
        return "".join(parts).split("\n")

    def _block(self, fenced: Preprocessor, block: str) -> str:
        stash = self.md.htmlStash
        replaced = block

        def highlight() -> str | None:
            nonlocal replaced
            before = stash.html_counter
            replaced = "\n".join(fenced.run(block.split("\n")))
            return stash.rawHtmlBlocks[-1] if stash.html_counter == before + 1 else None  # type: ignore[return-value]

        counter = stash.html_counter
        html_text = self.highlighter.cached(("markdown", self.salt, block), highlight)
        if html_text is None or stash.html_counter != counter:
            return replaced
        return f"\n{stash.store(html_text)}\n"


class ContentTreeprocessor(Treeprocessor):
    """Runs after every other treeprocessor and records what the page needs."""

    def __init__(self, md: Markdown, extension: SitegenExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        ext = self.extension
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
                    Heading(element.get("id", ""), self._text(element), _HEADING_TAGS[tag])
                )
        for child in root:
            if child.tag == "p" and not self._is_block_placeholder(child) and \
                    self._text(child):
                ext.summary_source = self.md.serializer(child).strip()
                break
        ext.text = self._text(root)

    def _link(self, element: etree.Element, attr: str) -> None:
        url = element.get(attr)
        if not url or REF_ATTR in element.attrib:
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
        """The prose of ``element``: no markup, code blocks, raw HTML blocks or permalinks."""
        parts: list[str] = []
        self._collect(element, parts)
        text = "".join(parts)
        if STX in text:
            text = HTML_PLACEHOLDER_RE.sub(self._stashed_text, text)
            text = _PLACEHOLDER_RE.sub(" ", text)
        return " ".join(html.unescape(text).split())

    def _collect(self, element: etree.Element, parts: list[str]) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            block = self.md.is_block_level(child.tag)
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
        raw = blocks[index] if index < len(blocks) else ""
        return strip_tags(raw) if isinstance(raw, str) else ""


class SitegenExtension(Extension):
    """Adds wiki links, alerts, the highlight cache and the content treeprocessor;
    holds one parse's results.  ``salt`` names the configuration (the
    renderer's fingerprint), for the highlight cache's keys."""

    def __init__(self, highlighter: Highlighter, salt: str) -> None:
        super().__init__()
        self.highlighter = highlighter
        self.salt = salt
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.inlinePatterns.register(WikiLinkProcessor(md, self), "sitegen_wikilink", 175)
        md.treeprocessors.register(AlertTreeprocessor(md), "sitegen_alerts", 15)
        md.treeprocessors.register(ContentTreeprocessor(md, self), "sitegen_content", -10)
        if "fenced_code_block" in md.preprocessors:
            md.preprocessors.register(CachedFencedCode(md, self.highlighter, self.salt),
                                      "sitegen_fenced_cache", 26)

    def reset(self) -> None:
        self.refs: list[Ref] = []
        self.headings: list[Heading] = []
        self.summary_source = ""
        self.text = ""

    def add_ref(self, ref: Ref) -> str:
        """Record ``ref`` and return the attribute value that stands for it."""
        self.refs.append(ref)
        return f"{REF_MARK}{len(self.refs) - 1}"

