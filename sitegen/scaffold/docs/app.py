"""Documentation: chapters in content/, in the order their front matter gives.

Preview it with ``sitegen serve`` (it reloads as you save) and build it with
``sitegen build`` (the site lands in build/).  Each function below is a route:
the URL it answers, and the page it renders.
"""

from sitegen import Site, render_template
from sitegen.search import search_index

# The theme supplies every template this site does not have itself:
# templates/page.html extends the theme's page to add the list of chapters.
site = Site(__name__, theme="default")
site.config.update(
    SITE_NAME="My project",
    # Where the site will be published: the sitemap and feeds need whole URLs.
    BASE_URL="https://example.org/",
    # The links in the header: (label, endpoint) or (label, endpoint, values).
    NAV=[("Guide", "chapter", {"path": "index"}),
         ("Writing", "chapter", {"path": "guide/writing"})],
)

# Every Markdown file under content/ is a chapter: content/guide/writing.md
# is published at /guide/writing/.
chapters = site.pages("content", endpoint="chapter")


@site.context_processor
def table_of_contents():
    """The chapters in reading order (front matter ``order``), for every page."""
    return {"chapters": chapters.sorted(key=lambda page: (page.meta.get("order", 99), page.path))}


# Two rules, one view: content/index.md is the home page, at / (and /index/
# redirects there); every other chapter is at /<its path>/.
@site.route("/", defaults={"path": "index"})
@site.route("/<path:path>/")
def chapter(path):
    return render_template("page.html", page=chapters.get_or_404(path))


@site.route("/search/")
def search():
    return render_template("search.html")


@site.route("/search.json")
def search_json():
    """Every chapter's text, which the search box in the header looks through."""
    return search_index(chapters)


@site.errorhandler(404)
def not_found(error):
    """Written as 404.html, which static hosts show for a URL the site lacks."""
    return render_template("404.html"), 404
