"""``sitegen serve``: the live preview.

Each request is rendered on demand through the build's own render path
(``preview``), answered by the rules a static host uses (``lookup``);
the site folder is watched (``watcher``) and each save is turned into one
message per open page (``live``) over Server-Sent Events (``events``,
``reload.js``).  ``server`` ties them to Werkzeug's HTTP server.
"""

from .preview import Preview
from .server import PreviewServer, serve

__all__ = ["Preview", "PreviewServer", "serve"]
