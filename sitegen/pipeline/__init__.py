"""The build pipeline: discover → render → write.

``discover`` finds URLs, ``render`` turns one URL into bytes and a record,
``paths`` maps URLs to files, ``output`` writes the tree atomically, and
``builder`` runs them in order.
"""

from .builder import BuildResult, build, built_pages, render_all
from .render import Rendered, Renderer

__all__ = ["build", "built_pages", "render_all", "BuildResult", "Renderer", "Rendered"]
