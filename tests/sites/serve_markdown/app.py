"""A Markdown blog to preview: posts, drafts, a stylesheet."""

from sitegen import Site, render_template

site = Site(__name__)
site.config["SITE_NAME"] = "Markdown Blog"
posts = site.pages("content/posts", endpoint="post")


@site.route("/")
def index():
    return render_template("index.html", posts=posts)


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("post.html", post=posts.get_or_404(slug))


@site.route("/about/")
def about():
    return render_template("about.html")
