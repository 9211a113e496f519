"""A plain Flask app, frozen by sitegen as it is.

It runs under Flask (``flask --app app run``) with no change, and sitegen writes
it out as a static site::

    sitegen build example_site/flask_shop --app 'app:create_app()'

The URLs come from what Frozen-Flask looks at (the rules without arguments, both
static folders, every ``url_for`` call while a page renders, the generator
below), plus every link in the pages and the 404 handler's page, ``404.html``.
"""

from flask import Flask, render_template
from sitegen.flask import generator

from shop import PRODUCTS, shop


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["FREEZER_BASE_URL"] = "http://localhost/"  # read by sitegen as BASE_URL
    app.register_blueprint(shop, url_prefix="/shop")

    @app.route("/")
    def index():
        return render_template("index.html")

    @app.route("/about/")
    def about():
        return render_template("about.html")

    @app.errorhandler(404)
    def not_found(error):
        return render_template("404.html"), 404

    # The catalogue links every product, so the crawl would find them anyway; a
    # generator names the URLs of an endpoint that nothing links to.
    @generator(app, "shop.product")
    def every_product():
        for slug in PRODUCTS:
            yield {"slug": slug}

    return app
