"""Content: Markdown pages with YAML front matter, in collections.

::

    posts = site.pages("content/posts", endpoint="post")

    @site.route("/blog/<slug>/")
    def post(slug):
        return render_template("post.html", post=posts.get_or_404(slug))

The pipeline, one module per step: ``source`` reads a file and its front
matter, ``markup`` parses the Markdown once, with Python-Markdown
(``extension``) or the compiled engine (``commonmark``), ``callouts``, ``syntax`` and
``highlighting`` serving both; ``cache`` keeps parses on disk, ``links``
resolves links between pages, ``page`` and ``collection`` are what views and
templates use, ``routes`` gives pages and their files URLs, ``highlight``
serves the code stylesheet.
"""

from .collection import Pages, PageSet, TagIndex
from .markup import DEFAULT_EXTENSION_CONFIGS, DEFAULT_MARKDOWN_EXTENSIONS
from .page import Page
from .pagination import Pagination, Paginator
from .refs import Heading

__all__ = [
    "DEFAULT_EXTENSION_CONFIGS",
    "DEFAULT_MARKDOWN_EXTENSIONS",
    "Heading",
    "Page",
    "PageSet",
    "Pages",
    "Pagination",
    "Paginator",
    "TagIndex",
]
