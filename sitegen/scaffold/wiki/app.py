"""A wiki: notes in content/notes that link each other with [[wiki links]].

Preview it with ``sitegen serve`` (it reloads as you save) and build it with
``sitegen build`` (the site lands in build/).  Each function below is a route:
the URL it answers, and the page it renders.
"""

from sitegen import Site, render_template
from sitegen.search import search_index

# The theme supplies every template: write a file of the same name in a
# templates/ folder here to replace one (see the note "How the wiki works").
site = Site(__name__, theme="default")
site.config.update(
    SITE_NAME="My wiki",
    # Where the site will be published: the sitemap and feeds need whole URLs.
    BASE_URL="https://example.org/",
    # The links in the header: (label, endpoint) or (label, endpoint, values).
    NAV=[("Home", "note", {"path": "home"}), ("All notes", "all_notes"), ("Tags", "tags")],
)

# Every Markdown file under content/notes is a note; a note's path is its URL,
# so content/notes/ideas/gardens.md is /ideas/gardens/.  [[Gardens]] links to it.
notes = site.pages("content/notes", endpoint="note")


# Two rules, one view: content/notes/home.md is the home page, at / (and
# /home/ redirects there); every other note is at /<its path>/.
@site.route("/", defaults={"path": "home"})
@site.route("/<path:path>/")
def note(path):
    return render_template("page.html", page=notes.get_or_404(path))


@site.route("/notes/")
def all_notes():
    return render_template("list.html", title="All notes", pages=notes.sorted("title"))


@site.route("/tags/")
def tags():
    return render_template("tags.html", tags=notes.by_tag())


@site.route("/tags/<tag>/")
def tag(tag):
    """A tag's notes; its URL holds the tag's slug ("Web Dev" is /tags/web-dev/)."""
    tags = notes.by_tag()
    return render_template("tag.html", tag=tags.resolve(tag), pages=tags[tag])


@site.route("/search/")
def search():
    return render_template("search.html")


@site.route("/search.json")
def search_json():
    """Every note's text, which the search box in the header looks through."""
    return search_index(notes)


@site.errorhandler(404)
def not_found(error):
    """Written as 404.html, which static hosts show for a URL the site lacks."""
    return render_template("404.html"), 404
