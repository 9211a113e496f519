"""The benchmark blog as a sitegen site: the same site as the peers'.

A home page listing every post (newest first) and one page per post at
``/posts/<slug>/``, from ``content/posts/post-NNNNN.md`` (copied in by
``bench/run.py``).  ``sitegen build`` writes it into ``build/``.
"""

from sitegen import Site, render_template

site = Site(__name__)
site.config.update(
    # The Python peers' Markdown set, so the Markdown work is the same code
    # as theirs.  sitegen's default set is larger (it adds footnotes,
    # admonition, attr_list, def_list, abbr and toc with permalinks).
    # guess_lang is Python-Markdown's default, as for the peers (sitegen's
    # own default turns it off); every block here names its language anyway.
    MARKDOWN_EXTENSIONS=["fenced_code", "tables", "codehilite"],
    MARKDOWN_EXTENSION_CONFIGS={"codehilite": {"css_class": "highlight", "guess_lang": True}},
)


posts = site.pages("content/posts", endpoint="post")


@site.route("/")
def index():
    return render_template("index.html", posts=posts)


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("post.html", page=posts.get_or_404(slug))
