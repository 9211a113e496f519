"""What a parse leaves for the page to resolve: references, headings, embed kinds.

These are plain data, shared by the Markdown extension that makes them and by
the link resolution that fills them in; they live apart from the extension so
that using a cached parse never imports Python-Markdown.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from .source import PAGE_SUFFIXES, page_key

#: The attribute that stands for a link target until the page resolves it.
REF_ATTR = "data-sitegen-ref"
#: Marks reference numbers; removed from sources, so text never forges one.
REF_MARK = "\x1a"
#: The element that stands for an embed until the page replaces it whole.
EMBED_TAG = "sitegen-embed"
#: A reference in parsed HTML: an embed element (groups 1 and 2: its number
#: and any other attributes), or the attribute of a link (group 3).
REF_RE = re.compile(
    f'<{EMBED_TAG} {REF_ATTR}="{REF_MARK}(\\d+)"([^>]*)>.*?</{EMBED_TAG}>'
    f'| {REF_ATTR}="{REF_MARK}(\\d+)"',
    re.S,
)
#: :data:`REF_RE` for a text that holds no embed (no ``embed`` reference): the same
#: groups, found a few times faster (a pattern that opens with a literal is searched for
#: as a string).
REF_ATTR_RE = re.compile(f' {REF_ATTR}="{REF_MARK}()()(\\d+)"')

_SUFFIX_RE = re.compile(r"\.([A-Za-z0-9]{1,10})$")
#: What an embed of a file shows, by the file's extension (as Obsidian has them).
_MEDIA_KINDS = {
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "svg", "webp", "avif"), "image"),
    **dict.fromkeys(("mp3", "wav", "m4a", "ogg", "oga", "flac", "opus"), "audio"),
    **dict.fromkeys(("mp4", "webm", "ogv", "mov", "mkv"), "video"),
}

class Ref(NamedTuple):
    """A link target to resolve: ``kind`` is ``page``, ``wiki``, ``file`` or ``embed``."""

    kind: str
    target: str
    #: The attribute the resolved value goes in: ``href`` or ``src`` (none for an embed).
    attr: str
    #: The element's own ``class`` attribute, kept around the resolution.
    classes: str
    #: What an embed says after its ``|``: alt text, a size, a label.
    label: str = ""


class Heading(NamedTuple):
    """A heading of a page: its anchor ``id``, plain ``text`` and ``level`` (1–6)."""

    id: str
    text: str
    level: int


def wiki_label(target: str) -> str:
    """The text of a wiki link without a label: ``Page``, ``Page > Heading``, ``Heading``."""
    name, _, heading = target.partition("#")
    return f"{name} > {heading}" if name and heading else name or heading


def embed_kind(name: str) -> str | None:
    """``image``, ``audio`` or ``video``: what an embed of the file ``name`` shows."""
    match = _SUFFIX_RE.search(name.strip())
    return _MEDIA_KINDS.get(match[1].lower()) if match else None


def is_file_name(name: str) -> bool:
    """Whether a wiki link's ``name`` names a file: it has an extension, not a page's."""
    name = name.strip()
    return _SUFFIX_RE.search(name) is not None and page_key(name.casefold()) is None


def link_kind(url: str, attr: str) -> str | None:
    """The kind of reference a link's ``href`` (or an image's ``src``) becomes:

    - ``page``: a relative link to a page's source (``../guide/install.md``);
    - ``file``: a relative link to another file, or any image (``pic.png``);
    - ``note``: a link that may name a note without its ending, as Obsidian and
      Quartz write them (``./features``, ``Other%20Note``, ``/guide/install``),
      or a site URL (``/about/``): a page if one matches, else left as written;
    - ``None`` for a URL the site does not resolve (``#top``, ``https://...``,
      ``other.html``).

    Both Markdown engines ask this."""
    if not url or url.startswith(("#", "?")):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path
    if attr == "href" and (path.startswith("/") or not _has_file_extension(path)):
        return "note" if path.strip("/.") or path.startswith(".") else None
    if path.startswith("/"):
        return None
    if attr == "href" and path.lower().endswith(PAGE_SUFFIXES):
        return "page"
    if attr == "src" or _has_file_extension(path):
        return "file"
    return None


def _has_file_extension(path: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "." in last.strip(".") and not last.lower().endswith((".html", ".htm"))
