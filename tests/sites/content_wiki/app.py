"""A wiki with [[links]] between its pages and into a second collection."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
wiki = site.pages("content/wiki", endpoint="wiki_page")
notes = site.pages("content/notes", endpoint="note")


@site.route("/")
def index():
    return render_template("page.html", page=wiki.get_or_404("Home"))


@site.route("/wiki/<path:path>/")
def wiki_page(path):
    return render_template("page.html", page=wiki.get_or_404(path))


@site.route("/notes/<slug>/")
def note(slug):
    return render_template("page.html", page=notes.get_or_404(slug))
