from sitegen import Site, abort, url_for

site = Site(__name__)


@site.route("/")
def index():
    return (
        '<a href="/missing/">Gone</a>'
        f'<a href="{url_for("product", id=101)}">Out of range</a>'
        f'<a href="{url_for("boom")}">Boom</a>'
    )


@site.route("/about/")
def about():
    return '<a href="/missing/">Gone as well</a>'


@site.route("/products/<int:id>/")
def product(id):
    if id > 100:
        abort(404)
    return f"<p>{id}</p>"


@site.route("/boom/")
def boom():
    return "<p>Server error</p>", 500


@site.errorhandler(404)
def not_found(error):
    return "<p>Not here</p>", 404
