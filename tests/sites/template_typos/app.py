"""Templates with misspelt names: printed ones warn, tested ones stay silent."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
posts = site.pages("content/posts", endpoint="post")


@site.route("/")
def index():
    return render_template("index.html", title="Typos", settings={"theme": "dark"})


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("post.html", post=posts.get_or_404(slug))


@site.route("/tested/")
def tested():
    return render_template("tested.html", post=posts.get_or_404("hello"))
