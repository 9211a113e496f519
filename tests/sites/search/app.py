"""A search index over a small collection, whole and cut short."""

from sitegen import Site, render_template
from sitegen.search import search_index

site = Site(__name__)
site.config["BASE_URL"] = "https://example.org/kb/"

articles = site.pages("content", endpoint="article")


@site.route("/a/<path:path>/")
def article(path):
    return render_template("article.html", page=articles.get_or_404(path))


@site.route("/search.json")
def search_json():
    return search_index(articles)


@site.route("/short.json")
def short_json():
    return search_index(articles, max_chars=40)
