from admin import admin
from blog import blog
from shop import shop

from sitegen import Site, render_template, url_for

site = Site(__name__)
shop.register_blueprint(admin, url_prefix="/admin")
site.register_blueprint(shop)
site.register_blueprint(blog, url_prefix="/blog")
site.register_blueprint(blog, name="news", url_prefix="/news")


@site.context_processor
def everywhere():
    return {"site_name": "Shopfront", "scope": "site"}


@site.route("/")
def index():
    return render_template("index.html", shop=url_for("shop.index"))


@site.route("/missing/")
def missing():
    raise KeyError("missing")


@site.errorhandler(LookupError)
def site_lookup(error):
    return "<p>the site's lookup handler</p>"


@site.errorhandler(404)
def not_found(error):
    return "<p>site 404</p>", 404
