"""Jinja set-up and ``render_template``.

Templates load from the site's ``templates/`` folder with autoescaping for
HTML and XML, as in Flask.  The environment records every template a render
uses, including the ones pulled in by ``{% extends %}``, ``{% include %}``
and ``{% import %}``, because those go through ``get_template`` and
``select_template`` at render time, even when Jinja already has them
compiled.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from .context import current_record, current_site, request

if TYPE_CHECKING:
    from .app import Site


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that notes each template a render loads."""

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        template = super().get_template(name, parent, globals)
        _note_template(template)
        return template

    def select_template(self, names: Iterable[str | jinja2.Template], parent: str | None = None,
                        globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        template = super().select_template(names, parent, globals)
        _note_template(template)
        return template


def _note_template(template: jinja2.Template) -> None:
    record = current_record()
    if record is not None and template.filename:
        record.used_template(template.filename)


def create_jinja_env(site: Site) -> RecordingEnvironment:
    """The Jinja environment for ``site``: loader, autoescape, cache, globals."""
    from .helpers import url_for

    cache_dir = site.cache_path("jinja")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode_cache: jinja2.BytecodeCache | None = _BytecodeCache(str(cache_dir))
    except OSError:  # no cache folder: templates compile on each build, no more
        bytecode_cache = None
    env = RecordingEnvironment(
        loader=jinja2.FileSystemLoader(site.template_folder),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        bytecode_cache=bytecode_cache,
        auto_reload=site.auto_reload,
    )
    env.globals.update(url_for=url_for, config=site.config, request=request)
    return env


class _BytecodeCache(FileSystemBytecodeCache):
    """Jinja's compiled templates on disk; a cache that cannot be read or written
    is a miss, never an error."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def render_template(template_name_or_list: str | jinja2.Template | list[str],
                    **context: Any) -> str:
    """Render a template from ``templates/`` with ``context``, as Flask's.

    The site's context processors run first; their values can be
    overridden by ``context``.
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
    values: dict[str, Any] = {}
    for processor in site.context_processors:
        values.update(processor())
    values.update(context)
    return values
