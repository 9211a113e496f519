"""The sitegen user guide, built by sitegen: ``sitegen build docs``."""

from sitegen import Site, redirect, render_template, url_for

site = Site(__name__)
site.config["SITE_NAME"] = "sitegen"
site.config["RELATIVE_URLS"] = True

guide = site.pages("content", endpoint="chapter")


def chapters():
    """The guide's pages in reading order (front matter ``order``)."""
    return guide.sorted(key=lambda page: (page.meta.get("order", 99), page.path))


@site.context_processor
def navigation():
    return {"chapters": chapters()}


@site.route("/")
def index():
    return render_template("chapter.html", page=guide.get_or_404("index"))


@site.route("/<path:path>/")
def chapter(path):
    if path == "index":
        return redirect(url_for("index"))
    return render_template("chapter.html", page=guide.get_or_404(path))


@site.errorhandler(404)
def not_found(error):
    return render_template("404.html"), 404
