"""Field Notes: a blog and a wiki, written as a sitegen site.

``sitegen build example_site`` renders it into ``example_site/build``;
``sitegen serve example_site`` previews it.  Build it twice: the second build
renders nothing and reuses every file.  Edit a post's body and build with
``--report report.json``: only that post and the pages that show its body or
summary are rendered, each with the reason (``page content/posts/...: body``).
``sitegen build example_site --jobs 2`` renders in two worker processes, and
``--executor local`` on a Dask ``LocalCluster``: the same bytes either way.
"""

from sitegen import Site, abort, render_template
from sitegen.feeds import atom_feed, rss_feed
from sitegen.search import search_index
from sitegen.sitemap import add_sitemap

site = Site(__name__)
site.config.update(
    BASE_URL="https://example.org/",
    SITE_NAME="Field Notes",
    SITE_DESCRIPTION="Notes on Python, the web and small tools, by Robin Park.",
    AUTHOR="Robin Park",
)

posts = site.pages("content/posts", endpoint="post")
wiki = site.pages("content/wiki", endpoint="wiki_page")
pages = site.pages("content/pages")
home_pages = posts.paginate(4, endpoint="index")
add_sitemap(site, pages=[posts])

FEED_SIZE = 20


# -- the blog ------------------------------------------------------------------


@site.route("/", defaults={"number": 1})
@site.route("/page/<int:number>/")
def index(number):
    return render_template("index.html", pagination=home_pages.page(number))


@site.route("/blog/<slug>/")
def post(slug):
    return render_template("post.html", post=posts.get_or_404(slug))


@site.route("/tags/")
def tags():
    return render_template("tags.html", tags=posts.by_tag())


@site.route("/tags/<tag>/")
def tag(tag):
    # Tag URLs use the tag's slug ("Web Dev" is /tags/web-dev/); the index finds
    # a tag by its slug or its name, and resolve() gives the name to show.
    tags = posts.by_tag()
    tagged = tags.get(tag) or abort(404)
    return render_template("tag.html", tag=tags.resolve(tag), posts=tagged)


@site.route("/archive/")
def archive():
    return render_template("archive.html", years=posts.by_year())


@site.route("/archive/<int:year>/")
def year(year):
    dated = posts.by_year().get(year) or abort(404)
    return render_template("year.html", year=year, posts=dated)


@site.route("/atom.xml")
def feed_atom():
    return atom_feed(posts.latest(FEED_SIZE), title=site.config["SITE_NAME"],
                     subtitle=site.config["SITE_DESCRIPTION"], author=site.config["AUTHOR"],
                     content="full")


@site.route("/rss.xml")
def feed_rss():
    return rss_feed(posts.latest(FEED_SIZE), title=site.config["SITE_NAME"],
                    subtitle=site.config["SITE_DESCRIPTION"])


# -- the wiki ------------------------------------------------------------------


@site.route("/wiki/")
def wiki_index():
    folders = {}
    for page in wiki.sorted("path"):
        folders.setdefault(page.path.rpartition("/")[0], []).append(page)
    return render_template("wiki_index.html", folders=dict(sorted(folders.items())))


@site.route("/wiki/<path:path>/")
def wiki_page(path):
    return render_template("wiki.html", page=wiki.get_or_404(path))


# -- everything else -----------------------------------------------------------


@site.route("/about/")
def about():
    return render_template("page.html", page=pages.get_or_404("about"))


@site.route("/search/")
def search():
    return render_template("search.html")


@site.route("/search.json")
def search_json():
    return search_index(posts, wiki)


@site.errorhandler(404)
def not_found(error):
    return render_template("404.html"), 404
