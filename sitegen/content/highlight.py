"""The stylesheet for highlighted code, served at ``/highlight.css``.

Code blocks are highlighted at build time into Pygments' CSS classes, so
they need Pygments' stylesheet.  sitegen serves one (light, with a dark
variant under ``prefers-color-scheme: dark``) as soon as a site has a
content collection; templates link it with
``url_for('highlight_css')``.  ``config["PYGMENTS_STYLE"]`` and
``config["PYGMENTS_DARK_STYLE"]`` choose the styles (``None`` for no dark
variant).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..context import current_site
from ..errors import SitegenError

if TYPE_CHECKING:
    from ..app import Site

ENDPOINT = "highlight_css"
RULE = "/highlight.css"
LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"


def register(site: Site) -> None:
    """Add the stylesheet route, unless the site has its own ``highlight_css``.

    It is built only where a page links it, so a site that styles code its
    own way gets no stray stylesheet.  Mermaid's script, which pages with a
    diagram load, is served the same way (see ``diagrams.py``).
    """
    from . import diagrams

    if ENDPOINT not in site.view_functions:
        site.add_url_rule(RULE, ENDPOINT, highlight_css)
        site.optional_endpoints.add(ENDPOINT)
    diagrams.register(site)


def highlight_css() -> str:
    """The view: Pygments' rules for ``.highlight`` blocks."""
    config = current_site().config
    light = config.get("PYGMENTS_STYLE", LIGHT_STYLE)
    dark = config.get("PYGMENTS_DARK_STYLE", DARK_STYLE)
    css = _style_defs(light, "PYGMENTS_STYLE")
    if dark:
        rules = _style_defs(dark, "PYGMENTS_DARK_STYLE")
        indented = "\n".join(f"  {line}" if line else line for line in rules.splitlines())
        css += f"\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
    return css


def _style_defs(style: str, key: str) -> str:
    from pygments.formatters import HtmlFormatter
    from pygments.styles import get_all_styles
    from pygments.util import ClassNotFound

    try:
        formatter = HtmlFormatter(style=style)
    except ClassNotFound:
        raise SitegenError(
            f"config[{key!r}] is {style!r}, which is not a Pygments style.",
            hint="choose one of: " + ", ".join(sorted(get_all_styles())),
        ) from None
    return formatter.get_style_defs(".highlight") + "\n"
