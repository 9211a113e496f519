"""A sitemap of pages found every way: routes, url_for, links, redirects."""

from datetime import date, datetime, timezone

from sitegen import Site, redirect, render_template, url_for
from sitegen.sitemap import add_sitemap

site = Site(__name__)
site.config["BASE_URL"] = "https://example.org/docs/"

MODIFIED = {
    "/about/": date(2024, 1, 2),
    "/people/zoë/": datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc),
}
add_sitemap(site, lastmod=MODIFIED.get)


@site.route("/")
def index():
    return render_template("page.html", title="Home", links=[
        url_for("about"), url_for("plain"), url_for("data"), url_for("moved"),
        "people/ada/", url_for("static", filename="legacy.html"),
    ])


@site.route("/about/")
def about():
    return render_template("page.html", title="About", links=[url_for("person", name="zoë")])


@site.route("/people/<name>/")
def person(name):
    return render_template("page.html", title=name, links=[])


@site.route("/plain")
def plain():
    return render_template("page.html", title="An extension-less page", links=[])


@site.route("/data.json")
def data():
    return {"not": "html"}


@site.route("/moved/")
def moved():
    return redirect(url_for("about"))


@site.errorhandler(404)
def not_found(error):
    return render_template("page.html", title="Not found", links=[]), 404
