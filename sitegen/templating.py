"""``render_template`` and ``render_template_string``, as in Flask.

They render with the site's Jinja environment (``jinja_env.py``), which is
created, and Jinja imported, the first time a page renders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import current_site

if TYPE_CHECKING:
    import jinja2

    from .app import Site


def render_template(template_name_or_list: str | jinja2.Template | list[str],
                    **context: Any) -> str:
    """Render a template from ``templates/`` with ``context``, as Flask's.

    The context processors run first (the site's, then the blueprint's);
    their values can be overridden by ``context``.  Templates are looked up
    in the site's folder, then each blueprint's, then the theme's.
    """
    site = current_site()
    template = site.jinja_env.get_or_select_template(template_name_or_list)
    return template.render(_context(site, context))


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string, with the same globals and
    context processors as ``render_template``."""
    site = current_site()
    return site.jinja_env.from_string(source).render(_context(site, context))


def _context(site: Site, context: dict[str, Any]) -> dict[str, Any]:
    """``context`` over the context processors' values: the site's, then those of the
    request's blueprint and its parents (outermost first), as Flask's."""
    from .context import _cv_request

    request = _cv_request.get(None)
    scopes = (None, *reversed(request.blueprints)) if request is not None else (None,)
    values: dict[str, Any] = {}
    for scope in scopes:
        for processor in site.template_context_processors.get(scope, ()):
            values.update(processor())
    values.update(context)
    return values
