"""A search index: the text of every page as one JSON file.

A static site has no server to search with, so the browser does it: it
fetches the index once and filters it as the reader types.  One call in a
route publishes it::

    @site.route("/search.json")
    def search_json():
        return search_index(posts, wiki)

The index is a JSON list with one object per page, in the order given::

    {"title": "...", "url": "/blog/hello/", "headings": [{"id": "setup",
     "text": "Setup"}], "text": "the page as plain text"}

``url`` is the page's URL as ``url_for`` gives it (with the base URL's
path); a heading's ``id`` is its anchor in the page, so a result can link
to the section that matched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Response


def search_entries(*collections: Iterable[Any], max_chars: int | None = None,
                   ) -> list[dict[str, Any]]:
    """The index entries for the pages of ``collections``.

    ``max_chars`` cuts each page's text, to keep the index of a large site
    small; titles and headings are always kept whole.
    """
    entries: list[dict[str, Any]] = []
    for pages in collections:
        for page in pages:
            text = " ".join(str(page.text).split())
            if max_chars is not None and len(text) > max_chars:
                text = text[:max_chars].rsplit(" ", 1)[0]
            entries.append({
                "title": str(page.title),
                "url": page.url,
                "headings": [{"id": h.id, "text": h.text} for h in page.headings],
                "text": text,
            })
    return entries


def search_index(*collections: Iterable[Any], max_chars: int | None = None) -> Response:
    """A JSON response holding the search index of ``collections``."""
    entries = search_entries(*collections, max_chars=max_chars)
    body = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    return Response(body, mimetype="application/json")


__all__ = ["search_entries", "search_index"]
