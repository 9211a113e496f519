"""The build pipeline, phase by phase: load → prepare → render → aggregate → write.

``spec`` loads the site, ``discover`` finds URLs, ``render`` turns one URL
into bytes and a record, ``facts`` fingerprints what records name, ``state``
keeps the records between builds, ``paths`` maps URLs to files, ``output``
writes the tree and swaps it in, ``report`` says what happened, and
``builder`` runs them in order.
"""

from .builder import BuildResult, BuiltUrl, build, render_all
from .render import Rendered, Renderer
from .spec import SiteSpec

__all__ = ["BuildResult", "BuiltUrl", "Rendered", "Renderer", "SiteSpec", "build",
           "render_all"]
