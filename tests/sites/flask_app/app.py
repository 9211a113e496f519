"""An unmodified Flask app (an app factory, two blueprints), built by sitegen and by
Frozen-Flask alike."""

from catalog import catalog, product_urls
from flask import Flask, render_template, url_for
from news import news


def create_app():
    app = Flask(__name__)
    app.register_blueprint(catalog, url_prefix="/catalog")
    app.register_blueprint(news, url_prefix="/news")

    @app.route("/")
    def index():
        return render_template("index.html", about=url_for("about"))

    @app.route("/about/")
    def about():
        return render_template("page.html", title="About",
                               links=[url_for("news.story", slug="launch")])

    @app.errorhandler(404)
    def not_found(error):
        return render_template("page.html", title="Not found", links=[]), 404

    try:  # sitegen's generators; under Flask alone the app runs without them
        from sitegen.flask import generator
    except ImportError:
        pass
    else:
        generator(app, "catalog.product")(product_urls)
    return app
