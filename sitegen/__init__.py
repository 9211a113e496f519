"""sitegen: a static site generator for people who think in Flask.

::

    from sitegen import Site, render_template

    site = Site(__name__)

    @site.route("/")
    def index():
        return render_template("index.html")

``sitegen build`` renders every URL of the site into a folder of files.
"""

from markupsafe import Markup, escape

from .app import Site
from .blueprints import Blueprint
from .context import current_app, g, request
from .errors import SitegenError
from .helpers import abort, jsonify, make_response, redirect, send_from_directory, url_for
from .pipeline import BuildResult, SiteSpec, build
from .sessions import BuildTimeError, flash, get_flashed_messages, session
from .templating import render_template, render_template_string

__all__ = [
    "Blueprint",
    "BuildResult",
    "BuildTimeError",
    "Markup",
    "Site",
    "SiteSpec",
    "SitegenError",
    "abort",
    "build",
    "current_app",
    "escape",
    "flash",
    "g",
    "get_flashed_messages",
    "jsonify",
    "make_response",
    "redirect",
    "render_template",
    "render_template_string",
    "request",
    "send_from_directory",
    "session",
    "url_for",
]
__version__ = "0.1.0"
