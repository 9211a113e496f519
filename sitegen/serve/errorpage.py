"""How the preview shows a user's error: a page, or an overlay on a page.

Both are made from the same :class:`SitegenError` the CLI prints, so the
message is written once (in ``errors.py``) and reads the same in the
terminal, in the error page a request gets, and in the overlay pushed to
pages that are already open.  The text is always escaped: an error message
quotes the user's source.
"""

from __future__ import annotations

import html
import re
import traceback
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
    """A plain page of sitegen's own: a 404 where the site has no 404 page."""
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
