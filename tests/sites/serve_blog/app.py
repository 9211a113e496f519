"""A small blog without the content layer: posts are text files a view reads."""

from sitegen import Site, abort, redirect, render_template, url_for
from sitegen.context import current_record

site = Site(__name__)
site.config["SITE_NAME"] = "Serve Blog"
site.config["BASE_URL"] = "https://example.org/"


def read_post(slug):
    path = site.root_path / "posts" / f"{slug}.txt"
    if not path.is_file():
        abort(404)
    with site.open_resource(f"posts/{slug}.txt", "r", encoding="utf-8") as f:
        title, _, body = f.read().partition("\n")
    return {"slug": slug, "title": title, "body": body.strip()}


def post_slugs():
    record = current_record()
    if record is not None:
        record.listed_folder(str(site.root_path / "posts" / "*.txt"))
    return sorted(p.stem for p in (site.root_path / "posts").glob("*.txt"))


@site.route("/")
def index():
    return render_template("index.html", posts=[read_post(s) for s in post_slugs()])


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("post.html", post=read_post(slug))


@site.generator("post")
def post_urls():
    for slug in post_slugs():
        yield {"slug": slug}


@site.route("/about")
def about():
    return render_template("about.html")


@site.route("/feed.xml")
def feed():
    return render_template("feed.xml", posts=[read_post(s) for s in post_slugs()])


@site.route("/old/")
def old():
    return redirect(url_for("about"))


@site.errorhandler(404)
def not_found(error):
    return render_template("404.html"), 404
