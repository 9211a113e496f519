"""The Jinja environment of a site, created on first use.

Templates load from the site's ``templates/`` folder (then its theme's) with
autoescaping for HTML and XML, as in Flask.  The environment records every
template a render uses, including the ones pulled in by ``{% extends %}``,
``{% include %}`` and ``{% import %}``, because those go through
``get_template`` and ``select_template`` at render time, even when Jinja
already has them compiled.

A value the template prints but that is not there warns
(:mod:`sitegen.undefined`), and a template that is not there is an error
that names the closest one that is.  This module is imported only when a
page renders, so a rebuild with nothing to render never imports Jinja.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from .context import current_record, g, request
from .slugs import slugify
from .undefined import WarningUndefined

if TYPE_CHECKING:
    from .app import Site


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that notes each template a render loads."""

    #: With a theme or blueprints, the site's own template folder: a file written
    #: there later replaces the theme's (or a blueprint's) template of that name,
    #: so a render that used theirs depends on that file's absence too.
    own_templates: str | None = None

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        try:
            template = super().get_template(name, parent, globals)
        except jinja2.TemplateNotFound as error:
            raise self._not_found(error) from None
        self._note(template)
        return template

    def select_template(self, names: Iterable[str | jinja2.Template], parent: str | None = None,
                        globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        try:
            template = super().select_template(names, parent, globals)
        except jinja2.TemplateNotFound as error:
            raise self._not_found(error) from None
        self._note(template)
        return template

    def _note(self, template: jinja2.Template) -> None:
        record = current_record()
        if record is None or not template.filename:
            return
        record.used_template(template.filename)
        own = self.own_templates
        if own is not None and template.name and not template.filename.startswith(own + os.sep):
            record.read_file(os.path.join(own, template.name))

    def _not_found(self, error: jinja2.TemplateNotFound) -> jinja2.TemplateNotFound:
        """``error`` with a message that names the closest template there is."""
        names = [str(n) for n in getattr(error, "templates", [error.name])]
        known = self.list_templates()
        message = f"no template {' or '.join(map(repr, names))}"
        for name in names:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean {close[0]!r}?"
                break
        return jinja2.TemplateNotFound(error.name, message)


def create_jinja_env(site: Site) -> RecordingEnvironment:
    """The Jinja environment for ``site``: loader, autoescape, cache, globals."""
    from .helpers import url_for
    from .sessions import get_flashed_messages, session

    cache_dir = site.cache_path("jinja")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        bytecode_cache: jinja2.BytecodeCache | None = _BytecodeCache(str(cache_dir))
    except OSError:  # no cache folder: templates compile on each build, no more
        bytecode_cache = None
    own = jinja2.FileSystemLoader(site.template_folder)
    loader: jinja2.BaseLoader = own
    # The site's templates first, then each blueprint's (as Flask's), then the theme's.
    loaders: list[jinja2.BaseLoader] = [own] + [
        jinja2.FileSystemLoader(b.template_folder) for b in site.iter_blueprints()
        if b.template_folder is not None]
    if site.theme is not None:
        theme = jinja2.FileSystemLoader(site.theme.template_folder)
        loaders += [theme, jinja2.PrefixLoader({"theme": theme})]
    if len(loaders) > 1:
        loader = jinja2.ChoiceLoader(loaders)
    env = RecordingEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        bytecode_cache=bytecode_cache,
        auto_reload=site.auto_reload,
        undefined=WarningUndefined,
    )
    if len(loaders) > 1:  # a template of the site's own name would come first
        env.own_templates = str(site.template_folder)
    env.globals.update(url_for=url_for, config=site.config, request=request, g=g,
                       session=session, get_flashed_messages=get_flashed_messages)
    env.filters["slugify"] = slugify
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
