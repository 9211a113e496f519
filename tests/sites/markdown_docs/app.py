"""Python-Markdown's own documentation (its sdist's ``docs/``) as a sitegen site.

The test copies the folder into ``content/``; every page is published at its
path, so each ``.md`` link in it must resolve.
"""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
docs = site.pages("content", endpoint="doc")


@site.route("/<path:path>/")
def doc(path):
    return render_template("doc.html", page=docs.get_or_404(path))
