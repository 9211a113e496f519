"""Mermaid's script, served by the site itself at ``/mermaid.js``.

A ```` ```mermaid ```` fence becomes ``<pre class="mermaid">`` holding the
diagram's source; Mermaid's script draws it in the browser.  The script is
never fetched from a CDN: the ``diagrams`` extra installs ``mermaidx``
(MIT, like Mermaid), which ships Mermaid's own browser build, and sitegen
serves that file.  Like ``/highlight.css`` the URL is built only where a
page links it, which a layout does for the pages that have a diagram::

    {% if "mermaid" in page.needs %}
    <script src="{{ url_for('mermaid_js') }}" defer></script>
    {% endif %}

The render records the file it sends, so a new Mermaid rebuilds the URL.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING

from werkzeug.exceptions import NotFound

from ..context import current_record
from ..files import send_inside

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from ..app import Site

ENDPOINT = "mermaid_js"
RULE = "/mermaid.js"
#: The distribution that ships the script, and where in it.
DISTRIBUTION = "mermaidx"
SCRIPT = "mermaidx/assets/mermaid.js"


@cache
def script_path() -> str | None:
    """The installed Mermaid script, ``None`` without the ``diagrams`` extra.

    Found through the distribution's metadata, so the package (which also
    brings a JavaScript engine sitegen does not use) is never imported.
    """
    try:
        path = metadata.distribution(DISTRIBUTION).locate_file(SCRIPT)
    except metadata.PackageNotFoundError:
        return None
    return os.fspath(path) if os.path.isfile(path) else None


def register(site: Site) -> None:
    """Add the script's route, unless the site has its own ``mermaid_js``."""
    if ENDPOINT not in site.view_functions:
        site.add_url_rule(RULE, ENDPOINT, mermaid_js)
        site.optional_endpoints.add(ENDPOINT)


def mermaid_js() -> Response:
    """The view: the installed script (404 without the ``diagrams`` extra)."""
    from ..context import request

    path = script_path()
    if path is None:
        raise NotFound()
    folder, name = os.path.split(path)
    response = send_inside(folder, name, request.environ)
    record = current_record()
    if record is not None:
        record.sent_file(path)
    return response
