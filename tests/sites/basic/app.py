from sitegen import Site, abort, redirect, render_template, request, url_for

site = Site(__name__)
site.config["SITE_NAME"] = "Basic"
site.config["BASE_URL"] = "https://example.org/"


@site.route("/")
def index():
    return render_template("index.html")


@site.route("/about/")
def about():
    return render_template("page.html", title="About")


@site.route("/products/<int:id>/")
def product(id):
    if id > 100:
        abort(404)
    return render_template("page.html", title=f"Product {id}")


@site.generator("product")
def product_urls():
    yield {"id": 1}
    yield "/products/2/"
    yield ("product", {"id": 3})


@site.route("/docs/<slug>")
def doc(slug):
    return render_template("page.html", title=f"Doc {slug}")


@site.generator
def doc():  # noqa: F811 - bare @site.generator: the function's name is the endpoint
    yield {"slug": "intro"}


@site.route("/page/<name>/")
def named(name):
    return render_template("page.html", title=name)


@site.route("/feed.xml")
def feed():
    return render_template("feed.xml")


@site.route("/data.json")
def data():
    return {"name": site.config["SITE_NAME"], "pages": [1, 2]}


@site.route("/where/")
def where():
    return f"<p>{request.path} {request.url}</p>"


@site.route("/old/")
def old():
    return redirect(url_for("about"))


@site.route("/away/")
def away():
    return redirect("https://example.com/elsewhere")


@site.errorhandler(404)
def not_found(error):
    return render_template("page.html", title="Not found"), 404
