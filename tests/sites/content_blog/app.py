"""A small blog: one collection of posts, pagination, tags and an archive."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
posts = site.pages("content/posts", endpoint="post")
pager = posts.paginate(2, endpoint="index")


@site.route("/", defaults={"page": 1})
@site.route("/page/<int:page>/")
def index(page):
    return render_template("index.html", pagination=pager.page(page))


@site.route("/blog/<slug>/")
def post(slug):
    return render_template("post.html", post=posts.get_or_404(slug))


@site.route("/tags/<tag>/")
def tag(tag):
    return render_template("tag.html", tag=tag, posts=posts.by_tag()[tag])


@site.route("/archive/")
def archive():
    return render_template(
        "archive.html",
        tags=posts.by_tag(),
        years=posts.by_year(),
        queries={
            "latest": posts.latest(2),
            "by-title": posts.sorted("title"),
            "by-title-reversed": posts.sorted("title", reverse=True),
            "by-updated": posts.sorted("updated"),
            "python": posts.filter(tags="python"),
            "short": posts.filter(lambda p: p.word_count < 20),
            "custom-meta": posts.filter(series="basics"),
        },
    )
