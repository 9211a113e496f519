"""Content types from file names, the same on every machine.

Python's ``mimetypes`` module reads the system's ``/etc/mime.types``, so two
machines can disagree.  A private table built from Python's defaults keeps
the build deterministic.
"""

from __future__ import annotations

import functools
import mimetypes

#: Types hosts serve that Python's defaults lack or name otherwise.
_EXTRA_TYPES = [
    ("application/manifest+json", ".webmanifest"),
    ("text/markdown", ".md"),
    ("application/atom+xml", ".atom"),
    ("application/rss+xml", ".rss"),
    ("image/webp", ".webp"),
    ("image/avif", ".avif"),
    ("font/woff2", ".woff2"),
    ("font/woff", ".woff"),
    ("text/javascript", ".mjs"),
]


@functools.cache
def _table() -> mimetypes.MimeTypes:
    """The table, built on first use: making one reads the system's files into
    ``mimetypes``' own table, which a rebuild with nothing to render never needs."""
    table = mimetypes.MimeTypes(filenames=())
    for mimetype, extension in _EXTRA_TYPES:
        table.add_type(mimetype, extension)
    return table


def guess_type(path: str) -> str | None:
    """The content type a static host would serve ``path`` with.

    A host goes by the name's extensions only, so they are looked up once: once for
    all of a site's ``index.html``.
    """
    name = path.rpartition("/")[2]
    dot = name.find(".", 1)  # a leading dot starts a name, not an extension
    return _by_extensions(name[dot:]) if dot > 0 else _table().guess_type(name, strict=False)[0]


@functools.lru_cache(maxsize=256)
def _by_extensions(extensions: str) -> str | None:
    return _table().guess_type("x" + extensions, strict=False)[0]


def _family(mimetype: str) -> str:
    main, _, sub = mimetype.partition("/")
    if sub == "xml" or sub.endswith("+xml"):
        return "xml"
    if sub == "json" or sub.endswith("+json"):
        return "json"
    if sub in ("javascript", "x-javascript", "ecmascript"):
        return "javascript"
    return mimetype


def types_agree(served: str, expected: str) -> bool:
    """Whether a response of type ``served`` may be written to a file whose
    extension a host would serve as ``expected``.

    Types of one family agree: an Atom feed (``application/atom+xml``) in
    ``feed.xml`` is fine.
    """
    return _family(served) == _family(expected)
