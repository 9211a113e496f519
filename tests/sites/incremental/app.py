"""A blog and a wiki for the incremental-build property test: every kind of fact."""

import os

from sitegen import Site, abort, render_template
from sitegen.feeds import atom_feed
from sitegen.sitemap import add_sitemap

site = Site(__name__)
site.config.from_pyfile("settings.py")
# Config that is not code: a value the environment gives (CI sets it, say).
site.config["SITE_NAME"] = os.environ.get("INCREMENTAL_SITE_NAME", "Incremental")
posts = site.pages("content/posts", endpoint="post")
wiki = site.pages("content/wiki", endpoint="wiki_page")
pager = posts.paginate(2, endpoint="index")
add_sitemap(site, pages=[posts])


@site.route("/", defaults={"number": 1})
@site.route("/page/<int:number>/")
def index(number):
    return render_template("index.html", pagination=pager.page(number))


@site.route("/posts/<slug>/")
def post(slug):
    return render_template("post.html", post=posts.get_or_404(slug))


@site.route("/tags/")
def tags():
    return render_template("tags.html", tags=posts.by_tag())


@site.route("/tags/<tag>/")
def tag(tag):
    tagged = posts.by_tag().get(tag) or abort(404)
    return render_template("tag.html", tag=tag, posts=tagged)


@site.route("/archive/")
def archive():
    return render_template("archive.html", posts=posts)


@site.route("/atom.xml")
def feed():
    return atom_feed(posts.latest(3), title=site.config["SITE_NAME"], content="full")


@site.route("/wiki/")
def wiki_index():
    return render_template("wiki_index.html", pages=wiki.sorted("path"))


@site.route("/wiki/<path:path>/")
def wiki_page(path):
    return render_template("wiki.html", page=wiki.get_or_404(path))
