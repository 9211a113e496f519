"""What one render depended on and produced: the raw material of incremental builds.

While a URL renders, everything it reads is noted in its :class:`RenderRecord`
as a :class:`Fact`: a template, a file, a config key, one field of one page, the
result of one query over a collection.  A fact names a thing, never its value;
its value's fingerprint is taken afterwards, by whoever owns that kind of thing
(see :meth:`sitegen.Site.fact_digest`).  A later build takes the fingerprints
again: a URL whose facts all have the same fingerprints renders the same
bytes, because a render is a pure function of the site and the URL, so it is
not rendered at all.  The live preview decides which open pages a save touched
by the same comparison.

Paths in facts are relative to the site's folder, so a record means the same
on another machine or in another checkout.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import NamedTuple

#: A template used, extended, included or imported (``subject``: its path).
TEMPLATE = "template"
#: A file read (``open_resource``, a static file, a page's source).
FILE = "file"
#: The names of the files matching a glob pattern (``subject``).
FOLDER = "folder"
#: A config key read in any way (``subject``: the key; ``*``: the whole config).
CONFIG = "config"
#: One field of one page (``subject``: its source file; ``detail``: the field).
PAGE = "page"
#: The result of a query over a collection (``subject``: the collection's folder;
#: ``detail``: the query, such as ``list`` or ``latest 10`` or ``tag python``).
LISTING = "listing"
#: The list of pages the build wrote, which aggregate pages (the sitemap) show.
MANIFEST = "manifest"

KINDS = (TEMPLATE, FILE, FOLDER, CONFIG, PAGE, LISTING, MANIFEST)
#: The fields of a page that change only with the page's own file (given the site's
#: code and settings, which every record depends on through the state's header).  The
#: others (``neighbours``, ``visible``, ``future``, ``backlinks``) depend on other pages
#: or the clock.
INTRINSIC_FIELDS = frozenset({"title", "slug", "date", "body", "summary", "url", "meta",
                              "tags"})


class Fact(NamedTuple):
    """One thing a render depended on: ``kind`` (one of ``KINDS``), what, and which part."""

    kind: str
    subject: str
    detail: str = ""

    @property
    def is_intrinsic(self) -> bool:
        """Whether this is a field of a page that changes only with the page's own file
        (``subject``), so an unchanged file means an unchanged fact."""
        return self.kind == PAGE and (self.detail in INTRINSIC_FIELDS
                                      or self.detail.startswith("meta."))

    def describe(self) -> str:
        """As reports show it: ``template templates/post.html``, ``page a.md: title``."""
        text = f"{self.kind} {self.subject}" if self.subject else self.kind
        return f"{text}: {self.detail}" if self.detail else text


@dataclass
class RenderRecord:
    """The facts and by-products of rendering one URL.

    ``root`` is the site's folder: file facts are noted relative to it.
    ``urls`` are the URLs ``url_for`` built, ``links`` every site URL the
    response refers to (discovery follows both), ``warnings`` what the user
    should hear about, and ``static_file`` the file a static URL sends.
    """

    url: str
    root: str = ""
    endpoint: str | None = None
    facts: set[Fact] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    _warned: set[str] = field(default_factory=set, repr=False, compare=False)
    static_file: str | None = None

    def depend(self, fact: Fact) -> None:
        """Note that the render depended on ``fact``."""
        self.facts.add(fact)

    def read_file(self, path: str | os.PathLike[str]) -> None:
        """Note that the render read the file at ``path``."""
        self.facts.add(Fact(FILE, self.relative(path)))

    def used_template(self, path: str) -> None:
        """Note that the render used the template file at ``path``."""
        self.facts.add(Fact(TEMPLATE, self.relative(path)))

    def listed_folder(self, pattern: str | os.PathLike[str]) -> None:
        """Note that the render listed the files matching the glob ``pattern``:
        a new file there changes this page even though the page never read it."""
        self.facts.add(Fact(FOLDER, self.relative(pattern)))

    def read_config(self, key: str) -> None:
        """Note that the render read ``config[key]`` (``*``: all of it)."""
        self.facts.add(Fact(CONFIG, key))

    def sent_file(self, path: str) -> None:
        """The render answers with the file at ``path`` (a static or media file)."""
        self.static_file = path
        self.read_file(path)

    def warn(self, message: str) -> None:
        """A problem worth telling the user that does not stop the render (once)."""
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    def merge(self, other: RenderRecord) -> None:
        """Take in what ``other`` (a captured part of this render) noted."""
        self.facts |= other.facts
        self.urls |= other.urls
        self.links |= other.links
        for warning in other.warnings:
            self.warn(warning)

    def relative(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the site's folder (posix); as given when outside it."""
        return relative_path(os.fspath(path), self.root)


def relative_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` in posix form where it lies inside, else as given."""
    if root and path.startswith(root + os.sep):
        path = path[len(root) + 1:]
        return path.replace(os.sep, "/") if os.sep != "/" else path
    return path
