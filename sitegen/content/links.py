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
- ``[[report.pdf]]``, ``![[pic.png]]``, ``![[pic.png|alt|300x200]]``: a
  name with a file extension (not a page's) is a file, found as Obsidian
  finds attachments: a path relative to the page, then the file name (or
  the end of the path) anywhere in the page's collection folder, then in
  every collection's, shortest path first.  An embed shows an image, audio
  or video in the page; any other file, or a page (``![[Page]]``; the page
  is not transcluded), becomes a link.  A missing file renders a
  ``<span class="embed missing">`` and warns.
- ``![alt](images/pic.png)`` and links to other files beside the Markdown:
  published through the collection's media route (or ``static/``).

The index lives for one state of the site's pages (see ``SiteContent``),
which is also what makes backlinks cheap: each page is resolved once.  A
resolution notes the facts it depended on: each target page's URL (and its
body, where an anchor was checked), what each wiki link's name finds (the
page and any other candidates), the files of every collection for embeds
found by name.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote, unquote, urlsplit

from markupsafe import Markup
from werkzeug.routing import BuildError

from ..errors import ContentError, relative_to
from ..fingerprint import digest, value_digest
from ..record import FILE, LISTING, PAGE, Fact, relative_path
from .page import Tag, alias_names
from .refs import (
    EMBED_TAG,
    REF_ATTR,
    REF_ATTR_RE,
    REF_MARK,
    REF_RE,
    Ref,
    embed_kind,
    is_file_name,
    wiki_label,
)
from .source import BodyLines, page_key

if TYPE_CHECKING:
    from .collection import Pages
    from .page import Page
    from .registry import SiteContent


@dataclass(frozen=True)
class Resolution:
    """A page's HTML with its links filled in, and what that involved."""

    html: Markup
    summary: Markup
    #: Each says ``file:line: problem`` when made a string, which reads the source
    #: to find the line: resolving a page for its backlinks alone reads no file.
    warnings: tuple[LinkWarning, ...]
    #: The pages it links to, in order of first appearance.
    targets: tuple[Page, ...]
    #: What the resolution depended on.
    facts: frozenset[Fact]


class _Element(NamedTuple):
    """What an embed turns into: an element, written once its other attributes are known."""

    tag: str
    attributes: str
    content: str = ""
    #: For a transclusion (a block): the link that stands for it in a summary.
    link: _Element | None = None

    def html(self, extra: str) -> str:
        start = f"<{self.tag}{self.attributes}{extra}>"
        return start if self.tag == "img" else f"{start}{self.content}</{self.tag}>"


_ID_RE = re.compile(r'\sid="([^"]+)"')
#: How many resolved pages stay in memory (their HTML is large; targets are kept).
RESOLUTIONS_KEPT = 256
#: Embeds found by name depend on the names of every collection's files.
FILES = Fact(LISTING, "*", "files")


class LinkIndex:
    """Resolves links between the pages of one site, for one state of its pages."""

    def __init__(self, content: SiteContent) -> None:
        self.content = content
        self._resolutions: OrderedDict[Page, Resolution] = OrderedDict()
        self._targets: dict[Page, tuple[Page, ...]] = {}
        self._paths: dict[Pages | None, dict[str, list[Page]]] = {}
        self._titles: dict[Pages | None, dict[str, list[Page]]] = {}
        self._files: dict[Pages | None, dict[str, list[str]]] = {}
        self._backlinks: dict[Page, list[Page]] | None = None
        self._urls: dict[Page, str | None] = {}
        #: The one argument of the tag endpoint's routes ("" for none), found once.
        self._tag_argument: str | None = None

    def resolve(self, page: Page) -> Resolution:
        """``page``'s HTML and summary with every reference resolved."""
        resolution = self._resolutions.get(page)
        if resolution is None:
            resolution = self._resolutions[page] = _PageLinks(self, page).resolve()
            self._targets[page] = resolution.targets
            if len(self._resolutions) > RESOLUTIONS_KEPT:
                self._resolutions.popitem(last=False)
        else:
            self._resolutions.move_to_end(page)
        return resolution

    def url_of(self, page: Page) -> str | None:
        """``page``'s URL, built once for every link to it in this state of the site."""
        if page not in self._urls:
            self._urls[page] = page.collection.url_of(page, record=False)
        return self._urls[page]

    def tag_url(self, tag: str) -> str | None:
        """The URL of ``tag``'s page, through the endpoint ``config["TAG_ENDPOINT"]``
        names (``"tag"``: ``@site.route("/tags/<tag>/")``), given the tag's slug;
        ``None`` where the site has no such route, or one that takes no such value."""
        site = self.content.site
        endpoint = dict.get(site.config, "TAG_ENDPOINT", "tag")
        if self._tag_argument is None:
            rules = list(site.url_map.iter_rules(endpoint)) if \
                endpoint in site.view_functions else []
            names = {name for rule in rules for name in rule.arguments}
            self._tag_argument = names.pop() if len(names) == 1 else ""
        if not self._tag_argument:
            return None
        try:
            return site.build_url(site.url_adapter(), endpoint,
                                  {self._tag_argument: Tag(tag).slug})
        except (BuildError, ValueError, TypeError):
            return None

    def targets(self, page: Page) -> tuple[Page, ...]:
        """The pages ``page`` links to (resolved once, kept small)."""
        found = self._targets.get(page)
        return found if found is not None else self.resolve(page).targets

    def fact(self, detail: str) -> bytes:
        """The fingerprint of the site-wide fact ``files``: every collection's files."""
        if detail == "files":
            root = str(self.content.site.root_path)
            return value_digest([relative_path(path, root) for collection in
                                 self.content.collections
                                 for path, _ in _attachments(str(collection.folder))])
        return digest("unknown links fact", detail)

    def find(self, name: str, origin: Page) -> tuple[Page | None, list[Page]]:
        """The page a wiki link ``name`` means, and all candidates if ambiguous."""
        return self.find_from(name, origin.collection)

    def find_from(self, name: str, collection: Pages) -> tuple[Page | None, list[Page]]:
        """The page a wiki link ``name`` in a page of ``collection`` means: first in
        that collection, then in every one; and all candidates if ambiguous."""
        key = wiki_key(name)
        for scope in (collection, None):
            for table in (self._path_table(scope), self._title_table(scope)):
                found = table.get(key)
                if found:
                    return _choose(found)
        return None, []

    def find_file(self, name: str, origin: Page) -> tuple[str | None, list[str]]:
        """The file (its path) a wiki link ``name`` means, and all candidates if ambiguous.

        As Obsidian finds attachments: a path relative to ``origin`` first,
        then the end of a path in ``origin``'s collection folder, then in
        every collection folder.  Dotfiles and page sources are never found.
        """
        written = name.strip()
        if any(part.startswith(".") and part not in (".", "..") for part in written.split("/")):
            return None, []
        path = os.path.normpath(os.path.join(origin.source_path.parent, written))
        if os.path.isfile(path) and page_key(path) is None and self.file_url(path) is not None:
            return path, []
        key = _key(written.strip("/"))
        for scope in (origin.collection, None):
            found = self._file_table(scope).get(key)
            if found:
                unique = sorted(set(found), key=lambda p: (p.count(os.sep), len(p), p))
                return unique[0], unique if len(unique) > 1 else []
        return None, []

    def backlinks(self, page: Page) -> list[Page]:
        """The visible pages that link to ``page``, by title."""
        if self._backlinks is None:
            table: defaultdict[Page, list[Page]] = defaultdict(list)
            for source in self._visible(None):
                for target in self.targets(source):
                    if target is not source:
                        table[target].append(source)
            for sources in table.values():
                sources.sort(key=lambda p: (_key(p.field("title")), p.path))
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
                for key in _tail_keys(page.path):
                    table[key].append(page)
        return table

    def _file_table(self, scope: Pages | None) -> dict[str, list[str]]:
        table = self._files.get(scope)
        if table is None:
            table = self._files[scope] = defaultdict(list)
            collections = [scope] if scope is not None else self.content.collections
            for collection in collections:
                for path, rel in _attachments(str(collection.folder)):
                    for key in _tail_keys(rel):
                        table[key].append(path)
        return table

    def _title_table(self, scope: Pages | None) -> dict[str, list[Page]]:
        table = self._titles.get(scope)
        if table is None:
            table = self._titles[scope] = defaultdict(list)
            for page in self._visible(scope):
                table[_key(page.field("title"))].append(page)
                for name in alias_names(page._meta):  # Obsidian's aliases: other names
                    table[_key(name)].append(page)
        return table


class _PageLinks:
    """Resolves the references of one page, collecting warnings and targets."""

    def __init__(self, index: LinkIndex, page: Page, chain: tuple[Page, ...] = ()) -> None:
        self.index = index
        self.page = page
        #: The pages whose transclusions led here, outermost first (see ``_transclude``).
        self.chain = chain
        #: Warnings of embeds cut because they would enter a page of the chain again:
        #: the pages that embed this one repeat them.
        self.cycle_warnings: list[LinkWarning] = []
        #: How many notes this page has transcluded so far: each one's ids get a prefix.
        self.embeds = 0
        self.display = page.display_path
        self.warnings: list[LinkWarning] = []
        self.targets: list[Page] = []
        self.facts: set[Fact] = set()
        #: The page's source by line, read when a warning first needs a line, and where
        #: the last line was found: links are looked up in the order they are written.
        self._lines: BodyLines | None = None
        self._cursor = 0

    def resolve(self, part: str = "") -> Resolution:
        """The page resolved; with ``part`` (an anchor), only that section or block,
        cut from the page's own HTML before its embeds are filled in."""
        parsed = self.page.parsed
        html_text, summary = parsed.html, parsed.summary
        if part:
            html_text, summary = _part(html_text, part), ""
            used = {int(m.group(1) or m.group(3)) for m in REF_RE.finditer(html_text)}
            values: list[str | _Element] = [
                self._resolve(ref) if n in used else "" for n, ref in enumerate(parsed.refs)]
        else:
            values = [self._resolve(ref) for ref in parsed.refs]

        def fill(match: re.Match[str], summary: bool = False) -> str:
            value = values[int(match.group(1) or match.group(3))]
            if isinstance(value, _Element):
                if summary and value.link is not None:
                    value = value.link
                return value.html(match.group(2))
            return value

        def unwrap(match: re.Match[str]) -> str:
            """An embed alone in its paragraph that became a block: the block alone."""
            value = values[int(match.group(2))]
            if isinstance(value, _Element) and value.link is not None:
                return value.html(match.group(3)) + "\n"
            return match.group(0)

        if values:
            if any(isinstance(v, _Element) and v.link is not None for v in values):
                html_text = _EMBED_PARAGRAPH_RE.sub(unwrap, html_text)
            refs_re = REF_RE if any(ref.kind == "embed" for ref in parsed.refs) \
                else REF_ATTR_RE
            html_text = refs_re.sub(fill, html_text)
            summary = refs_re.sub(lambda m: fill(m, summary=True), summary)
        return Resolution(Markup(html_text), Markup(summary), tuple(self.warnings),
                          tuple(dict.fromkeys(self.targets)), frozenset(self.facts))

    def _warn(self, where: _Where, problem: str) -> None:
        self.warnings.append(LinkWarning(where, problem))

    def _depend(self, page: Page, field: str) -> None:
        self.facts.add(Fact(PAGE, page.display_path, field))

    def _resolve(self, ref: Ref) -> str | _Element:
        """The attribute text that replaces a link's reference, or an embed's element."""
        if ref.kind == "page":
            return self._page_link(ref)
        if ref.kind == "wiki":
            return self._wiki_link(ref)
        if ref.kind == "embed":
            return self._embed(ref)
        if ref.kind == "note":
            return self._note_link(ref)
        if ref.kind == "tag":
            return self._tag_link(ref)
        return self._file_link(ref)

    def _tag_link(self, ref: Ref) -> str:
        """An inline ``#tag``: a link to the tag's page (see :meth:`LinkIndex.tag_url`)."""
        return _attributes(ref.attr, self.index.tag_url(ref.target), ref.classes)

    def _line(self, *needles: str) -> int | None:
        """The line of the first of ``needles`` found in the page's source: after the
        last link's place (links come in order), else from the top."""
        if self._lines is None:
            self._lines = self.page.source.lines()
        for needle in needles:
            found = self._lines.find(needle, self._cursor) or self._lines.find(needle)
            if found is not None:
                line, self._cursor = found
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
        url = self._published_url(target, ref)
        if url is None:
            return _attributes(ref.attr, None, _join(ref.classes, "missing"))
        fragment = urlsplit(ref.target).fragment
        if fragment:
            self._depend(target, "body")
        if fragment and unquote(fragment) not in _ids(target):
            self._warn(_Where(self, ref.target), f"links to {ref.target}, but "
                       f"{target.display_path} has no id {unquote(fragment)!r}")
        return _attributes(ref.attr, f"{url}#{fragment}" if fragment else url, ref.classes)

    def _note_link(self, ref: Ref) -> str:
        """A link that may name a note without ``.md`` (``./features``, ``Other%20Note``,
        ``/guide/install``): relative to the page's folder, or for a ``/`` path to its
        collection's; a folder means its ``index.md``.  A relative name no file
        matches is looked up as a wiki link's is.  Anything else stays as written:
        ``/about/`` may well be a URL of the site's own routes."""
        parts = urlsplit(ref.target)
        path = unquote(parts.path)
        folder = self.page.collection.folder if path.startswith("/") else \
            self.page.source_path.parent
        base = os.path.normpath(os.path.join(folder, path.strip("/") or "."))
        target = self._page_named(base)
        if target is None and not path.startswith(("/", ".")) and path.strip("/"):
            name = path.strip("/")
            target = self.index.find(name, self.page)[0]
            self.facts.add(Fact(LISTING, self.page.collection.name, f"wiki {wiki_key(name)}"))
        if target is None:
            return _attributes(ref.attr, ref.target, ref.classes)
        url = self._published_url(target, ref)
        if url is None:
            return _attributes(ref.attr, None, _join(ref.classes, "missing"))
        fragment = parts.fragment
        if fragment:
            url += self._anchor(target, unquote(fragment), ref.target,
                                _Where(self, ref.target)) or f"#{fragment}"
        return _attributes(ref.attr, url, ref.classes)

    def _published_url(self, target: Page, ref: Ref) -> str | None:
        """The URL of the page a Markdown link found; ``None`` (warned) for a draft or a
        page dated in the future, which this build leaves out."""
        self._depend(target, "visible")
        if not target.collection.is_visible(target):
            self._warn(_Where(self, ref.target),
                       f"links to {ref.target}, which is a draft or dated in the future and "
                       "left out of this build")
            return None
        self.targets.append(target)
        return self._url_of(target, ref.target)

    def _page_named(self, base: str) -> Page | None:
        """The page of the collection holding ``base`` whose path ``base`` is
        (``Guides`` for ``Guides/index.md`` too), found in the collection's table of
        pages, not on disk: a rebuild checks what it found without opening a file."""
        content = self.index.content
        collection = content.collection_for(base + os.sep)
        if collection is None:
            return None
        rel = os.path.relpath(base, collection.folder).replace(os.sep, "/")
        key = unicodedata.normalize("NFC", "index" if rel == "." else rel)
        self.facts.add(Fact(LISTING, collection.name, f"path {key}"))
        return collection.page_named(key)

    def _url_of(self, target: Page, written: str) -> str:
        self._depend(target, "url")
        url = self.index.url_of(target)
        if url is None:
            raise ContentError(
                self.display, self._line(written),
                f"links to {written}, but {target.display_path} has no URL: its collection "
                "is not bound to an endpoint", hint="pass endpoint=... to site.pages(...)",
            )
        return url

    def _wiki_link(self, ref: Ref) -> str:
        name, _, heading = ref.target.partition("#")
        written = f"[[{ref.target}]]"
        where = _Where(self, written[:-2], ref.target)
        found = self._find(name, written, where, "links to")
        if isinstance(found, str):
            return _attributes("href", _fragment(self._file_url(found), heading), "wikilink")
        url = self._page_url(found, heading, written, where) if found is not None else None
        return _attributes("href", url, _join("wikilink", "missing" if url is None else ""))

    def _embed(self, ref: Ref) -> _Element:
        name, _, heading = ref.target.partition("#")
        written = f"![[{ref.target}]]"
        where = _Where(self, written[:-2], ref.target)
        found = self._find(name, written, where, "embeds")
        if isinstance(found, str):
            return self._file_embed(found, ref, name, heading)
        if found is None and is_file_name(name):
            return _Element("span", _attributes("", None, _join(ref.classes, "embed missing")),
                            html.escape(name.strip()))
        url = self._page_url(found, heading, written, where) if found is not None else None
        classes = _join(ref.classes, "wikilink embed", "missing" if url is None else "")
        link = _Element("a", _attributes("href", url, classes),
                        html.escape(ref.label or wiki_label(ref.target)))
        if found is None or url is None or (found is self.page and not heading.strip()):
            return link
        return self._transclude(found, heading, url, link, ref.classes, written, where)

    def _transclude(self, target: Page, heading: str, url: str, link: _Element,
                    classes: str, written: str, where: _Where) -> _Element:
        """``![[Note]]``, ``![[Note#Heading]]``, ``![[Note#^block]]``: the note's resolved
        HTML (the section under the heading, the block) in this page, with a link to
        where it comes from.

        The note's one parse is reused; its links stay resolved from the note's
        own folder.  An embed that would enter a page of the current chain
        again is shown as its link, and named in a warning, so a page's HTML
        depends on the page alone, never on what was resolved before it.
        """
        chain = (*self.chain, self.page)
        if target in chain:
            names = " → ".join(p.display_path for p in (*chain, target))
            warning = LinkWarning(where, f"{written} would embed {target.display_path} in "
                                         f"itself ({names}); it is shown as a link")
            self.warnings.append(warning)
            self.cycle_warnings.append(warning)
            return link
        self._depend(target, "body")
        part = heading.strip()
        anchor = urlsplit(url).fragment if part else ""
        if part and not anchor:
            return link  # warned: the note has no such heading or block
        inner = _PageLinks(self.index, target, chain)
        resolution = inner.resolve(anchor)
        self.facts |= resolution.facts
        self.warnings.extend(inner.cycle_warnings)
        self.cycle_warnings.extend(inner.cycle_warnings)
        content = str(resolution.html)
        if not content:
            return link
        # Its ids are made its own, so two embeds' footnotes or headings never clash
        # with each other's or the page's, and its "#..." links still reach them.
        self.embeds += 1
        content = _own_ids(content, f"{self.embeds}-" if self.chain else f"embed-{self.embeds}-")
        title = html.escape(target.field("title") + (f" › {part.lstrip('^')}"
                                                     if part and not part.startswith("^") else ""))
        attributes = f' class="{html.escape(_join("transclusion", classes))}"'
        attributes += f' data-source="{html.escape(url)}"'
        if not content.endswith("\n"):
            content += "\n"
        source = f'<p class="transclusion-source"><a href="{html.escape(url)}">{title}</a></p>\n'
        return _Element("div", attributes, f"\n{content}{source}", link)

    def _file_embed(self, path: str, ref: Ref, name: str, heading: str) -> _Element:
        """An image, a player, or a link for the file at ``path``."""
        url = self._file_url(path)
        src = html.escape(url)
        text = _attributes("", None, ref.classes)
        kind = embed_kind(path)
        if kind == "image":
            alt, width, height = _image_options(ref.label, name.strip())
            text += f' src="{src}" alt="{html.escape(alt)}"'
            text += f' width="{width}"' if width else ""
            text += f' height="{height}"' if height else ""
            return _Element("img", text)
        if kind is not None:
            return _Element(kind, f"{text} controls src=\"{src}\"")
        return _Element("a", f'{text} href="{html.escape(_fragment(url, heading))}"',
                        html.escape(ref.label or wiki_label(ref.target)))

    def _find(self, name: str, written: str, where: _Where, verb: str) -> Page | str | None:
        """What a wiki link or embed ``name`` means: a page, a file's path, or ``None``.

        A name with a file extension is a file first, then a page.  Warns
        when nothing matches, or several things do.
        """
        if not name.strip():
            return self.page
        is_file = is_file_name(name)
        if is_file:
            self.facts.add(FILES)
            path, paths = self.index.find_file(name, self.page)
            if path is not None:
                if paths:
                    root = self.index.content.site.root_path
                    self._ambiguous(where, written, [relative_to(p, root) for p in paths], verb)
                return path
        target, candidates = self.index.find(name, self.page)
        self.facts.add(Fact(LISTING, self.page.collection.name, f"wiki {wiki_key(name)}"))
        if target is None:
            what = "file or page" if is_file else "page"
            self._warn(where, f"{written} matches no {what}")
        elif candidates:
            self._ambiguous(where, written, [c.display_path for c in candidates], verb)
        return target

    def _ambiguous(self, where: _Where, written: str, candidates: list[str], verb: str) -> None:
        self._warn(where, f"{written} is ambiguous, it matches {', '.join(candidates)}; it "
                          f"{verb} {candidates[0]} (write more of the path to choose)")

    def _page_url(self, target: Page, heading: str, written: str, where: _Where) -> str | None:
        """The URL of a page a wiki link found, ``None`` (warned) if it has none."""
        anchor = self._anchor(target, heading, written, where) if heading.strip() else ""
        if target is self.page and not self.chain:  # a transcluded page keeps its URL
            return anchor or "#"
        self._depend(target, "url")
        url = self.index.url_of(target)
        if url is None:
            self._warn(where, f"{written} is {target.display_path}, which has no URL (its "
                              "collection has no endpoint)")
            return None
        self.targets.append(target)
        return url + anchor

    def _file_url(self, path: str) -> str:
        url = self.index.file_url(path)
        assert url is not None  # find_file finds published files only
        return url

    def _anchor(self, target: Page, heading: str, written: str, where: _Where) -> str:
        wanted = _key(heading)
        self._depend(target, "body")
        if heading.startswith("^"):  # a block reference, [[Note#^block-id]]
            block = heading[1:].strip()
            if block in _ids(target):
                return f"#{block}"
            self._warn(where, f"{written}: {target.display_path} has no block ^{block}")
            return ""
        for item in target.parsed.headings:
            if item.id and (_key(item.text) == wanted or item.id == heading.strip()):
                return f"#{item.id}"
        self._warn(where, f"{written}: {target.display_path} has no heading {heading!r}")
        return ""

    def _file_link(self, ref: Ref) -> str:
        path = self._local_path(ref.target)
        self.facts.add(Fact(FILE, relative_to(path, self.index.content.site.root_path)))
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


class LinkWarning(NamedTuple):
    """A problem with one link: where it is written, and what is wrong."""

    where: _Where
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


class _Where:
    """``file:line`` of a link, for a warning: found only if a warning needs it,
    since finding the line reads the page's source again."""

    def __init__(self, links: _PageLinks, *needles: str) -> None:
        self._links = links
        self._needles = needles

    def __str__(self) -> str:
        return self._links._where(*self._needles)


def _attachments(folder: str) -> list[tuple[str, str]]:
    """``(path, posix path below folder)`` of every file but pages and dotfiles, sorted."""
    found: list[tuple[str, str]] = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and page_key(name) is None:
                path = os.path.join(parent, name)
                found.append((path, os.path.relpath(path, folder).replace(os.sep, "/")))
    return found


_EMBED_PARAGRAPH_RE = re.compile(
    f'<p>(<{EMBED_TAG} {REF_ATTR}="{REF_MARK}(\\d+)"([^>]*)>.*?</{EMBED_TAG}>)</p>\n?', re.S)
_HEADING_RE = re.compile(r"<h([1-6])\b")
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")


def _part(text: str, anchor: str) -> str:
    """The part of a page's HTML an anchor names: a heading's section (to the next
    heading of its level or above), or the element with that ``id`` (a block)."""
    start = re.search(f'<([a-zA-Z][a-zA-Z0-9]*)\\b[^>]*\\sid="{re.escape(anchor)}"', text)
    if start is None:
        return ""
    tag = start.group(1).lower()
    if tag in _HEADING_LEVELS:
        level = _HEADING_LEVELS[tag]
        for heading in _HEADING_RE.finditer(text, start.end()):
            if int(heading.group(1)) <= level:
                return text[start.start():heading.start()]
        return text[start.start():]
    depth = 0
    for match in _TAG_RE.finditer(text, start.start()):
        if match.group(2).lower() != tag or match.group(3):
            continue
        depth += -1 if match.group(1) else 1
        if depth == 0:
            element = text[start.start():match.end()]
            return f"<ul>\n{element}\n</ul>\n" if tag == "li" else element + "\n"
    return ""


_HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
_OWN_ID_RE = re.compile(r'(\sid="|\shref="#)([^"]+)"')


def _own_ids(text: str, prefix: str) -> str:
    """``text`` with every ``id`` and every link to one of them given ``prefix``."""
    return _OWN_ID_RE.sub(lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', text)


_SIZE_RE = re.compile(r"(?:^|\|)\s*(\d+)(?:\s*x\s*(\d+))?\s*$")


def _image_options(label: str, name: str) -> tuple[str, str | None, str | None]:
    """``(alt, width, height)`` from an image embed's ``alt``, ``300``, ``alt|300x200``."""
    match = _SIZE_RE.search(label)
    if match is None:
        return label or name, None, None
    return label[:match.start()].strip() or name, match.group(1), match.group(2)


def _fragment(url: str, fragment: str) -> str:
    """``url`` with a wiki link's ``#part`` (``doc.pdf#page=3``) kept."""
    fragment = fragment.strip()
    return f"{url}#{quote(fragment, safe='=&')}" if fragment else url


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


def _tail_keys(path: str) -> Iterator[str]:
    """The lookup keys of ``a/b/c``: ``a/b/c``, ``b/c`` and ``c``, as Obsidian matches."""
    segments = path.split("/")
    for start in range(len(segments)):
        yield _key("/".join(segments[start:]))


def wiki_key(name: str) -> str:
    """The form a wiki link's target is looked up in (and its fact names)."""
    key = _key(name.strip().strip("/"))
    return page_key(key) or key


def _key(text: str) -> str:
    """The form names are compared in: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _choose(found: list[Page]) -> tuple[Page, list[Page]]:
    unique = list(dict.fromkeys(found))
    if len(unique) == 1:
        return unique[0], []
    unique.sort(key=lambda p: (p.path.count("/"), len(p.path), p.display_path))
    return unique[0], unique
