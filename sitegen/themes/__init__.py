"""Themes: templates and static files a site uses unless it has its own.

A theme is a folder with ``templates/`` and ``static/``, like a site's.  A
site that names one (``Site(__name__, theme="default")``) looks up each
template first in its own ``templates/``, then in the theme's, and each
static file first in its own ``static/``, then in the theme's: a site
overrides a theme file by file, by writing a file of the same name.  A
site template can still extend the theme's version of itself under the
``theme/`` prefix (``{% extends "theme/base.html" %}``).

``theme`` names a built-in theme (a folder next to this module), or an
importable package whose folder holds ``templates/`` and ``static/``, so a
theme can be published on PyPI like any package; a :class:`Theme` may also
be given as it is.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import SitegenError

BUILTIN = Path(__file__).parent


@dataclass(frozen=True)
class Theme:
    """A theme's name and folder."""

    name: str
    root: Path

    @property
    def template_folder(self) -> Path:
        return self.root / "templates"

    @property
    def static_folder(self) -> Path:
        return self.root / "static"


def load_theme(spec: str | Theme) -> Theme:
    """The theme ``spec`` names: a :class:`Theme`, a built-in theme or a package."""
    if isinstance(spec, Theme):
        return spec
    builtin = BUILTIN / spec
    if spec.isidentifier() and (builtin / "templates").is_dir():
        return Theme(spec, builtin)
    try:
        module = importlib.import_module(spec)
    except ImportError as error:
        raise SitegenError(
            f"There is no theme {spec!r}: it is not built in ({', '.join(builtin_themes())}) "
            f"and does not import ({error}).",
            hint="name a built-in theme, or install the theme's package",
        ) from None
    root = Path(module.__file__ or "").parent
    if not (root / "templates").is_dir():
        raise SitegenError(f"The theme package {spec!r} has no templates/ folder in {root}.")
    return Theme(spec, root)


def builtin_themes() -> list[str]:
    """The names of the themes that come with sitegen."""
    return sorted(p.name for p in BUILTIN.iterdir() if (p / "templates").is_dir())
