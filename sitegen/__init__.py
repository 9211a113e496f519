"""sitegen: a static site generator for people who think in Flask.

::

    from sitegen import Site, render_template

    site = Site(__name__)

    @site.route("/")
    def index():
        return render_template("index.html")

``sitegen build`` renders every URL of the site into a folder of files.
"""

from .app import Site
from .context import request
from .errors import SitegenError
from .helpers import abort, redirect, url_for
from .pipeline import BuildResult, SiteSpec, build
from .templating import render_template, render_template_string

__all__ = [
    "BuildResult",
    "Site",
    "SiteSpec",
    "SitegenError",
    "abort",
    "build",
    "redirect",
    "render_template",
    "render_template_string",
    "request",
    "url_for",
]
__version__ = "0.1.0"
