"""The canonical form of a site-local URL.

Links arrive written in many ways (``/caf%C3%A9/``, ``/café/?x=1#top``);
discovery, the output rules and ``url_for`` all need one spelling per page,
so that a page linked ten ways is rendered once.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

#: Where the 404 handler's page is written; static hosts serve it for missing URLs.
NOT_FOUND_PAGE = "/404.html"
#: The media type of pages.
HTML = "text/html"


def normalize_url(url: str) -> str:
    """The canonical form of a site-local URL: no query or fragment,
    percent-decoded, NFC-normalised.  Two links to one page compare equal."""
    path = urlsplit(url).path or "/"
    if "%" in path:
        path = unquote(path)
    if not path.isascii():
        path = unicodedata.normalize("NFC", path)
    return path


def request_path(url: str) -> str:
    """A canonical URL quoted again for a request line."""
    return quote(url, safe="/:@!$&'()*+,;=-._~")


def is_absolute(link: str) -> bool:
    """Whether ``link`` names a scheme or a host (``https:``, ``mailto:``,
    ``//cdn.example``), rather than a path relative to the site.

    A colon only counts before the first ``/``, ``?`` or ``#``, so
    ``page#a:b`` is still relative.
    """
    if link.startswith("//"):
        return True
    head = link.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" in head
