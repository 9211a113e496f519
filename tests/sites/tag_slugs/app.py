"""Tags with spaces and punctuation: URLs use their slugs, pages show their names."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
posts = site.pages("content/posts", endpoint="post")


@site.route("/")
def index():
    return render_template("index.html", posts=posts, tags=posts.by_tag())


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("post.html", post=posts.get_or_404(slug))


@site.route("/tags/<tag>/")
def tag(tag):
    tags = posts.by_tag()
    return render_template("tag.html", tag=tags.resolve(tag), posts=tags[tag])
