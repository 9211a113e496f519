"""From a URL to the file a static host serves for it.

The rules are the ones GitHub Pages, Netlify, Cloudflare Pages and a plain
nginx agree on: ``/`` is ``index.html``, ``/a/b/`` is ``a/b/index.html``,
an extension-less ``/a/b`` served as HTML is ``a/b.html``, and anything
else is written under its own name.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import OutputError
from ..urls import HTML, normalize_url, request_path

__all__ = ["HTML", "check_safe", "link_path", "normalize_url", "output_path",
           "portability_warnings", "request_path"]


def check_safe(url: str) -> None:
    """Refuse a URL whose file would land outside the output folder."""
    problem = None
    if not url.startswith("/"):
        problem = "it does not start with '/'"
    elif "\\" in url or "\x00" in url:
        problem = "it contains a backslash or a NUL byte"
    else:
        segments = url[1:].split("/")
        if "." in segments or ".." in segments:
            problem = "it contains a '.' or '..' segment"
        elif "//" in url:
            problem = "it contains an empty segment ('//')"
    if problem:
        raise OutputError(
            f"The URL {url!r} cannot be written: {problem}, so its file would land "
            "outside the output folder or collide with another.",
            hint="fix the link, url_for value or generator that produces this URL",
        )


def output_path(url: str, mimetype: str | None) -> str:
    """The output file (posix, relative to the output root) for ``url``."""
    check_safe(url)
    rel = url[1:]
    if rel == "" or rel.endswith("/"):
        return rel + "index.html"
    if mimetype == HTML and "." not in rel.rsplit("/", 1)[-1]:
        return rel + ".html"
    return rel


def link_path(url: str) -> str:
    """The file a link to ``url`` leads to, where its type is not known.

    Used to make links relative: an extension-less URL is taken to be an
    HTML page, as nearly all are.
    """
    return output_path(url, HTML)


#: What Windows (and so many a CDN's storage, and zip files) cannot hold in a file name.
_NOT_ON_WINDOWS = frozenset(':*?|<>"') | frozenset(chr(c) for c in range(32))
#: Names Windows reserves for devices, with any extension (``nul.txt`` too).
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                       *(f"lpt{i}" for i in range(1, 10))})


def portability_warnings(files: Iterable[tuple[str, str]]) -> list[str]:
    """What keeps the output, ``(url, path)`` pairs, from being published everywhere:
    paths that differ only by case (one file on macOS, Windows and most CDNs'
    storage), characters Windows cannot store, names Windows reserves."""
    found: list[str] = []
    by_case: dict[str, list[tuple[str, str]]] = {}
    for url, path in files:
        by_case.setdefault(path.casefold(), []).append((path, url))
        for part in path.split("/"):
            bad = sorted(set(part) & _NOT_ON_WINDOWS)
            if bad:
                shown = " ".join(repr(c) for c in bad)
                found.append(f"{url} is written to {path}, whose name holds {shown}, which "
                             "Windows (and a zip of the site) cannot store")
            elif part.split(".", 1)[0].casefold() in _RESERVED or part.endswith((".", " ")):
                found.append(f"{url} is written to {path}, whose name {part!r} Windows "
                             "reserves or cannot store")
    for same in by_case.values():
        if len(same) > 1:
            (first, url), *others = sorted(same)
            found += [f"{url} and {other_url} are written to {first} and {other}, which differ "
                      "only by case: one file on macOS, Windows and most CDNs' storage"
                      for other, other_url in others]
    return sorted(found)
