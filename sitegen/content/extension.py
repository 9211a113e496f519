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

References keep the parse independent of every other file: the cached HTML
says "link to whatever ``../guide/install.md`` is", and the page fills in
the URL when it is used (see ``links.py``), so moving one page never
invalidates the cache of the pages that link to it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.toc import strip_tags
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX, AtomicString

from .refs import (
    EMBED_TAG,
    REF_ATTR,
    REF_MARK,
    Heading,
    Ref,
    embed_kind,
    wiki_label,
)
from .source import PAGE_SUFFIXES

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
        if not url or REF_ATTR in element.attrib or not _is_relative(url):
            return
        path = urlsplit(url).path
        if attr == "href" and path.lower().endswith(PAGE_SUFFIXES):
            kind = "page"
        elif attr == "src" or _has_file_extension(path):
            kind = "file"
        else:
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
    """Adds wiki links and the content treeprocessor; holds one parse's results."""

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.inlinePatterns.register(WikiLinkProcessor(md, self), "sitegen_wikilink", 175)
        md.treeprocessors.register(ContentTreeprocessor(md, self), "sitegen_content", -10)

    def reset(self) -> None:
        self.refs: list[Ref] = []
        self.headings: list[Heading] = []
        self.summary_source = ""
        self.text = ""

    def add_ref(self, ref: Ref) -> str:
        """Record ``ref`` and return the attribute value that stands for it."""
        self.refs.append(ref)
        return f"{REF_MARK}{len(self.refs) - 1}"


def _is_relative(url: str) -> bool:
    """A link to a file next to the page: no scheme, no leading ``/`` or ``#``."""
    if url.startswith(("/", "#", "?")):
        return False
    return not urlsplit(url).scheme


def _has_file_extension(path: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "." in last.strip(".") and not last.lower().endswith((".html", ".htm"))
