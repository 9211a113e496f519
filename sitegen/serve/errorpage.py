"""How the preview shows a user's error: a page, or an overlay on a page.

Both are made from the same :class:`SitegenError` the CLI prints, so the
message is written once (in ``errors.py``) and reads the same in the
terminal, in the error page a request gets, and in the overlay pushed to
pages that are already open.  The text is always escaped: an error message
quotes the user's source.
"""

from __future__ import annotations

import difflib
import html
import re
import traceback
from collections.abc import Iterable
from typing import Any

from ..errors import SitegenError

STYLESHEET = "/__sitegen/overlay.css"


def internal_error(error: BaseException) -> SitegenError:
    """An unexpected exception (a bug in sitegen or a library) as an error to show."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return SitegenError(
        f"Internal error: {type(error).__name__}: {error}",
        details="".join(lines).rstrip().splitlines(),
        hint="this is a bug in sitegen or a library, not in your site; please report it",
    )


def title(error: SitegenError) -> str:
    """``TemplateError`` → ``Template error``."""
    name = type(error).__name__.replace("Sitegen", "")
    words = re.findall(r"[A-Z][a-z]*", name) or ["Error"]
    return " ".join([words[0], *(w.lower() for w in words[1:])])


def overlay_payload(error: SitegenError) -> dict[str, Any]:
    """What the overlay event carries: plain text, set with ``textContent``."""
    return {"title": title(error), "text": error.format()}


def error_page(error: SitegenError) -> str:
    """A whole HTML page for a request whose render failed (sent with 500)."""
    heading = html.escape(title(error))
    text = html.escape(error.format())
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{heading} · sitegen</title>\n"
        f'<link rel="stylesheet" href="{STYLESHEET}">\n'
        "</head>\n<body>\n"
        f'<div class="sitegen-error" role="alert">\n<h1>{heading}</h1>\n<pre>{text}</pre>\n'
        "<p>This page reloads by itself when the file is fixed.</p>\n</div>\n"
        "</body>\n</html>\n"
    )


def message_page(status: str, message: str, link: str | None = None) -> str:
    """A plain page of sitegen's own: a path outside the base URL, an unknown preview file."""
    text = html.escape(message)
    if link is not None:
        href = html.escape(link, quote=True)
        text += f' <a href="{href}">{html.escape(link)}</a>'
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(status)}</title>\n</head>\n<body>\n"
        f"<h1>{html.escape(status)}</h1>\n<p>{text}</p>\n</body>\n</html>\n"
    )


def not_found_page(url: str, known: Iterable[str], root: str = "", count: int = 5) -> str:
    """sitegen's own 404 page, for a site without a 404 handler: the URL asked
    for, and links to the ``count`` known URLs that look most like it (a typo,
    a page that moved), else to the home page."""
    nearest = difflib.get_close_matches(url, sorted(set(known)), n=count, cutoff=0.5)
    items = "".join(
        f'<li><a href="{html.escape(root + u, quote=True)}">{html.escape(u)}</a></li>\n'
        for u in nearest or ["/"]
    )
    lead = "Pages with a URL like it:" if nearest else "No page has a URL like it. Start at"
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>404 Not Found</title>\n"
        f'<link rel="stylesheet" href="{STYLESHEET}">\n'
        "</head>\n<body>\n"
        '<div class="sitegen-error sitegen-not-found">\n<h1>404 Not Found</h1>\n'
        f"<p><code>{html.escape(url)}</code> is not a page of this site.</p>\n"
        f"<p>{lead}</p>\n<ul>\n{items}</ul>\n"
        "<p>The site has no 404 page of its own; with <code>@site.errorhandler(404)</code> "
        "it would show here, and the build would write it as <code>404.html</code>.</p>\n"
        "</div>\n</body>\n</html>\n"
    )
