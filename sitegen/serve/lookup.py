"""Which render answers a request: a static host's rules, run backwards.

The build writes each URL to a file (``build/paths.py``), and a static host
answers a request with one of those files.  The preview has no files, so it
reverses both steps: from the request to the files a host would try for
it, and from each file to the URLs whose render lands there.  The first URL
that renders into the expected file answers.  That way ``/a/b/`` and
``/a/b/index.html`` are one page, ``/a/b`` and ``/a/b.html`` another, and
``/a/b`` redirects to ``/a/b/`` when only the folder's index exists, as on
GitHub Pages, Netlify and Cloudflare Pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A URL to render, the file its render must land in to answer."""

    url: str
    file: str
    #: Found as a folder's index: the host redirects here (``/a/b`` → ``/a/b/``).
    redirect: str | None = None


def request_files(url: str) -> list[tuple[str, str | None]]:
    """The files a static host tries for ``url``, in order, each with the
    redirect it answers with instead of the file (or None)."""
    rel = url[1:]
    if rel == "" or rel.endswith("/"):
        return [(rel + "index.html", None)]
    files: list[tuple[str, str | None]] = [(rel, None)]
    if "." not in rel.rsplit("/", 1)[-1]:
        files.append((rel + ".html", None))
        files.append((rel + "/index.html", url + "/"))
    return files


def file_urls(path: str) -> list[str]:
    """The URLs whose render may be written to ``path`` (the most usual first)."""
    urls = ["/" + path]
    if path.endswith(".html"):
        stem = path[:-5]
        urls.append("/" + stem)
        if stem == "index" or stem.endswith("/index"):
            urls.insert(0, "/" + stem[:-5])
    return urls


def candidates(url: str) -> Iterator[Candidate]:
    """Every (URL to render, file it must land in) for a request, in order."""
    for path, redirect in request_files(url):
        for candidate in file_urls(path):
            yield Candidate(candidate, path, redirect)
