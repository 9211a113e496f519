"""A Jekyll blog moved as it is: dated posts in _posts/, dated URLs, categories."""

from sitegen import Site, render_template
from sitegen.feeds import atom_feed, rss_feed

site = Site(__name__, static_folder=None)
site.config["BASE_URL"] = "https://blog.example.org/"
posts = site.pages("_posts", endpoint="post")


@site.route("/")
def index():
    return render_template("index.html", posts=posts, categories=posts.by_category())


@site.route("/<int:year>/<month>/<day>/<slug>/")
def post(year, month, day, slug):
    return render_template("post.html", post=posts.get_or_404(slug))


@site.route("/category/<category>/")
def category(category):
    return render_template("index.html", posts=posts.by_category()[category], categories={})


@site.route("/feed.atom")
def feed_atom():
    return atom_feed(posts.latest(10), title="A moved blog")


@site.route("/feed.rss")
def feed_rss():
    return rss_feed(posts.latest(10), title="A moved blog")
