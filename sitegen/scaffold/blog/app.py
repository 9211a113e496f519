"""A blog: posts in content/posts, pages such as About in content/pages.

Preview it with ``sitegen serve`` (it reloads as you save) and build it with
``sitegen build`` (the site lands in build/).  Each function below is a route:
the URL it answers, and the page it renders.
"""

from sitegen import Site, render_template
from sitegen.feeds import atom_feed
from sitegen.search import search_index

# The theme supplies every template this site does not have itself: write a
# file of the same name in templates/ to replace one (templates/base.html
# already does, to show how).
site = Site(__name__, theme="default")
site.config.update(
    SITE_NAME="My blog",
    # Where the site will be published: feeds and the sitemap need whole URLs.
    BASE_URL="https://example.org/",
    # The links in the header: (label, endpoint).
    NAV=[("Posts", "index"), ("Archive", "archive"), ("Tags", "tags"), ("About", "about")],
)

# Every Markdown file under content/posts is a post, published at /posts/<slug>/.
posts = site.pages("content/posts", endpoint="post")
pages = site.pages("content/pages")
pager = posts.paginate(10, endpoint="index")


@site.route("/", defaults={"page": 1})
@site.route("/page/<int:page>/")
def index(page):
    """The newest posts, ten to a page."""
    return render_template("list.html", title="Posts", pagination=pager.page(page))


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("page.html", page=posts.get_or_404(slug))


@site.route("/tags/")
def tags():
    return render_template("tags.html", tags=posts.by_tag())


@site.route("/tags/<tag>/")
def tag(tag):
    """A tag's posts; its URL holds the tag's slug ("Web Dev" is /tags/web-dev/)."""
    tags = posts.by_tag()
    return render_template("tag.html", tag=tags.resolve(tag), pages=tags[tag])


@site.route("/archive/")
def archive():
    return render_template("archive.html", years=posts.by_year())


@site.route("/about/")
def about():
    return render_template("page.html", page=pages.get_or_404("about"))


@site.route("/feed.xml")
def feed():
    return atom_feed(posts.latest(20), title=site.config["SITE_NAME"])


@site.route("/search/")
def search():
    return render_template("search.html")


@site.route("/search.json")
def search_json():
    """Every post's text, which the search box in the header looks through."""
    return search_index(posts)


@site.errorhandler(404)
def not_found(error):
    """Written as 404.html, which static hosts show for a URL the site lacks."""
    return render_template("404.html"), 404
