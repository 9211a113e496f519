"""Resolving the links in a page: ``other.md``, ``[[Wiki links]]``, files, backlinks.

A parse leaves each link that points into the site as a reference (see
``extension.py``).  When a page is used, :class:`LinkIndex` turns the
references into URLs:

- ``[text](../guide/install.md#options)``: the page read from that file, at
  its URL, with the anchor kept.  A file that does not exist is an error.
- ``[[Name]]``, ``[[Name|label]]``, ``[[Name#Heading]]``, ``[[folder/Name]]``:
  matched case-insensitively against the end of page paths (``Name`` is a
  file name, ``folder/Name`` a longer part of the path), then against page
  titles; first in the linking page's own collection, then in every
  collection.  Several matches pick the one with the shortest path and warn
  with the candidates, so writing more of the path makes a link unique, as
  in Obsidian.  No match renders ``<a class="wikilink missing">`` (no href)
  and warns.
- ``![alt](images/pic.png)`` and links to other files beside the Markdown:
  published through the collection's media route (or ``static/``).

The index lives for one state of the site's pages (see ``SiteContent``),
which is also what makes backlinks cheap: each page is resolved once.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from ..errors import ContentError, relative_to
from .extension import REF_RE, Ref

if TYPE_CHECKING:
    from .collection import Pages
    from .page import Page
    from .registry import SiteContent


@dataclass(frozen=True)
class Resolution:
    """A page's HTML with its links filled in, and what that involved."""

    html: Markup
    summary: Markup
    warnings: tuple[str, ...]
    #: The pages it links to, in order of first appearance.
    targets: tuple[Page, ...]
    #: Whether it has wiki links (which depend on every page's name).
    has_wiki_links: bool

_ID_RE = re.compile(r'\sid="([^"]+)"')


class LinkIndex:
    """Resolves links between the pages of one site, for one state of its pages."""

    def __init__(self, content: SiteContent) -> None:
        self.content = content
        self._resolutions: dict[Page, Resolution] = {}
        self._paths: dict[Pages | None, dict[str, list[Page]]] = {}
        self._titles: dict[Pages | None, dict[str, list[Page]]] = {}
        self._backlinks: dict[Page, list[Page]] | None = None

    def resolve(self, page: Page) -> Resolution:
        """``page``'s HTML and summary with every reference resolved."""
        resolution = self._resolutions.get(page)
        if resolution is None:
            resolution = self._resolutions[page] = _PageLinks(self, page).resolve()
        return resolution

    def find(self, name: str, origin: Page) -> tuple[Page | None, list[Page]]:
        """The page a wiki link ``name`` means, and all candidates if ambiguous."""
        key = _key(name.strip().strip("/"))
        if key.endswith(".md"):
            key = key[:-3]
        for scope in (origin.collection, None):
            for table in (self._path_table(scope), self._title_table(scope)):
                found = table.get(key)
                if found:
                    return _choose(found)
        return None, []

    def backlinks(self, page: Page) -> list[Page]:
        """The visible pages that link to ``page``, by title."""
        if self._backlinks is None:
            table: defaultdict[Page, list[Page]] = defaultdict(list)
            for source in self._visible(None):
                for target in self.resolve(source).targets:
                    if target is not source:
                        table[target].append(source)
            for sources in table.values():
                sources.sort(key=lambda p: (_key(p.title), p.path))
            self._backlinks = dict(table)
        return list(self._backlinks.get(page, ()))

    def file_url(self, path: str) -> str | None:
        """The URL that publishes the file at ``path``; ``None`` outside every folder."""
        collection = self.content.collection_for(path)
        if collection is not None:
            return collection.media_url(path)
        site = self.content.site
        if site.static_folder is not None:
            static = os.path.realpath(site.static_folder)
            if path.startswith(static + os.sep):
                filename = os.path.relpath(path, static).replace(os.sep, "/")
                return site.build_url(site.url_adapter(), "static", {"filename": filename})
        return None

    def _visible(self, scope: Pages | None) -> list[Page]:
        collections = [scope] if scope is not None else self.content.collections
        return [page for c in collections for page in c.visible()]

    def _path_table(self, scope: Pages | None) -> dict[str, list[Page]]:
        table = self._paths.get(scope)
        if table is None:
            table = self._paths[scope] = defaultdict(list)
            for page in self._visible(scope):
                segments = page.path.split("/")
                for start in range(len(segments)):
                    table[_key("/".join(segments[start:]))].append(page)
        return table

    def _title_table(self, scope: Pages | None) -> dict[str, list[Page]]:
        table = self._titles.get(scope)
        if table is None:
            table = self._titles[scope] = defaultdict(list)
            for page in self._visible(scope):
                table[_key(page.title)].append(page)
        return table


class _PageLinks:
    """Resolves the references of one page, collecting warnings and targets."""

    def __init__(self, index: LinkIndex, page: Page) -> None:
        self.index = index
        self.page = page
        self.display = page.display_path
        self.warnings: list[str] = []
        self.targets: list[Page] = []
        self.has_wiki_links = False

    def resolve(self) -> Resolution:
        parsed = self.page.parsed
        attributes = [self._attributes(ref) for ref in parsed.refs]

        def fill(match: object) -> str:
            return attributes[int(match.group(1))]  # type: ignore[attr-defined]

        html_text, summary = parsed.html, parsed.summary
        if attributes:
            html_text = REF_RE.sub(fill, html_text)
            summary = REF_RE.sub(fill, summary)
        return Resolution(Markup(html_text), Markup(summary), tuple(self.warnings),
                          tuple(dict.fromkeys(self.targets)), self.has_wiki_links)

    def _attributes(self, ref: Ref) -> str:
        if ref.kind == "page":
            return self._page_link(ref)
        if ref.kind == "wiki":
            return self._wiki_link(ref)
        return self._file_link(ref)

    def _line(self, *needles: str) -> int | None:
        """The line of the first of ``needles`` found in the page's source."""
        for needle in needles:
            line = self.page.source.line_of_text(needle)
            if line is not None:
                return line
        return None

    def _where(self, *needles: str) -> str:
        line = self._line(*needles)
        return f"{self.display}:{line}" if line else self.display

    def _local_path(self, target: str) -> str:
        path = unquote(urlsplit(target).path)
        return os.path.normpath(os.path.join(self.page.source_path.parent, path))

    def _page_link(self, ref: Ref) -> str:
        path = self._local_path(ref.target)
        target = self.index.content.page_at(path)
        if target is None:
            rel = relative_to(path, self.index.content.site.root_path)
            if os.path.isfile(path):
                raise ContentError(
                    self.display, self._line(ref.target),
                    f"links to {ref.target}, but {rel} is in no collection, so it is "
                    "not published", hint="add its folder with site.pages(...), or link to a URL",
                )
            raise ContentError(self.display, self._line(ref.target),
                               f"links to {ref.target}, but {rel} does not exist",
                               hint="fix the link (it is relative to this file) or create the page")
        if not target.collection.is_visible(target):
            self.warnings.append(
                f"{self._where(ref.target)}: links to {ref.target}, which is a draft or "
                "dated in the future and left out of this build"
            )
            return _attributes(ref.attr, None, _join(ref.classes, "missing"))
        self.targets.append(target)
        url = self._url_of(target, ref.target)
        fragment = urlsplit(ref.target).fragment
        if fragment and unquote(fragment) not in _ids(target):
            self.warnings.append(
                f"{self._where(ref.target)}: links to {ref.target}, but "
                f"{target.display_path} has no id {unquote(fragment)!r}"
            )
        return _attributes(ref.attr, f"{url}#{fragment}" if fragment else url, ref.classes)

    def _url_of(self, target: Page, written: str) -> str:
        url = target.collection.url_of(target, record=False)
        if url is None:
            raise ContentError(
                self.display, self._line(written),
                f"links to {written}, but {target.display_path} has no URL: its collection "
                "is not bound to an endpoint", hint="pass endpoint=... to site.pages(...)",
            )
        return url

    def _wiki_link(self, ref: Ref) -> str:
        self.has_wiki_links = True
        name, _, heading = ref.target.partition("#")
        where = self._where(f"[[{ref.target}", ref.target)
        missing = ' class="wikilink missing"'
        target: Page | None = self.page
        if name.strip():
            target, candidates = self.index.find(name, self.page)
            if target is None:
                self.warnings.append(f"{where}: [[{ref.target}]] matches no page")
                return missing
            if candidates:
                names = ", ".join(c.display_path for c in candidates)
                self.warnings.append(
                    f"{where}: [[{ref.target}]] is ambiguous, it matches {names}; it links to "
                    f"{target.display_path} (write more of the path to choose)"
                )
        assert target is not None
        anchor = self._anchor(target, heading, ref, where) if heading.strip() else ""
        if target is self.page:
            return _attributes("href", anchor or "#", "wikilink")
        url = target.collection.url_of(target, record=False)
        if url is None:
            self.warnings.append(f"{where}: [[{ref.target}]] is {target.display_path}, "
                                 "which has no URL (its collection has no endpoint)")
            return missing
        self.targets.append(target)
        return _attributes("href", url + anchor, "wikilink")

    def _anchor(self, target: Page, heading: str, ref: Ref, where: str) -> str:
        wanted = _key(heading)
        for item in target.parsed.headings:
            if item.id and (_key(item.text) == wanted or item.id == heading.strip()):
                return f"#{item.id}"
        self.warnings.append(
            f"{where}: [[{ref.target}]]: {target.display_path} has no heading {heading!r}"
        )
        return ""

    def _file_link(self, ref: Ref) -> str:
        path = self._local_path(ref.target)
        if not os.path.isfile(path):
            if ref.attr == "src":
                rel = relative_to(path, self.index.content.site.root_path)
                raise ContentError(self.display, self._line(ref.target),
                                   f"shows {ref.target}, but {rel} does not exist",
                                   hint="fix the path; it is relative to the Markdown file")
            return _attributes(ref.attr, ref.target, ref.classes)
        url = self.index.file_url(path)
        if url is None:
            rel = relative_to(path, self.index.content.site.root_path)
            raise ContentError(
                self.display, self._line(ref.target),
                f"links to {ref.target}, but {rel} is outside the content and static "
                "folders, so it is not published",
                hint="move the file next to the Markdown files, or into static/",
            )
        parts = urlsplit(ref.target)
        tail = (f"?{parts.query}" if parts.query else "") + \
            (f"#{parts.fragment}" if parts.fragment else "")
        return _attributes(ref.attr, url + tail, ref.classes)


def _ids(page: Page) -> set[str]:
    """Every ``id`` in a page's HTML: headings, footnotes, ``{#custom}`` ids."""
    return set(_ID_RE.findall(page.parsed.html))


def _attributes(attr: str, url: str | None, classes: str) -> str:
    """The attribute text that replaces a reference."""
    text = f' class="{html.escape(classes)}"' if classes else ""
    if url is not None:
        text += f' {attr}="{html.escape(url)}"'
    return text


def _join(*classes: str) -> str:
    return " ".join(c for c in classes if c)


def _key(text: str) -> str:
    """The form names are compared in: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _choose(found: list[Page]) -> tuple[Page, list[Page]]:
    unique = list(dict.fromkeys(found))
    if len(unique) == 1:
        return unique[0], []
    unique.sort(key=lambda p: (p.path.count("/"), len(p.path), p.display_path))
    return unique[0], unique
