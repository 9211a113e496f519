import os

from sitegen import Blueprint, Site, current_app, g, render_template, request, url_for

site = Site(__name__, static_folder=None)
site.config["SITE_NAME"] = "Polyglot"
LANGUAGES = ("en", "fr")
pages = Blueprint("pages", __name__, url_prefix="/<lang>")


@pages.url_defaults
def add_language(endpoint, values):
    if "lang" in values or not g.get("lang"):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.lang


@pages.url_value_preprocessor
def pull_language(endpoint, values):
    g.lang = values.pop("lang")


@pages.before_request
def closed_in_french():
    if g.lang == "fr" and request.endpoint == "pages.shop":
        return "<p>fermé</p>"


@pages.route("/")
def home():
    return render_template("home.html")


@pages.route("/shop/")
def shop():
    return f"<p>shop in {g.lang}</p>"


@pages.generator("home")
def languages():
    for lang in LANGUAGES:
        yield {"lang": lang}


@site.before_request
def start():
    g.seen = ["before"]


@site.after_request
def sign(response):
    if response.mimetype == "text/html":
        response.set_data(response.get_data() + f"<!-- {' '.join(g.seen)} -->".encode())
    return response


@pages.after_request
def inner_first(response):
    g.seen.append("pages-after")
    return response


site.register_blueprint(pages)


@site.teardown_request
def note_end(error):
    log = os.environ.get("TEARDOWN_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{request.path} {error!r}\n")


@site.route("/")
def index():
    return (f"<p>{current_app.config['SITE_NAME']} "
            f"<a href=\"{url_for('pages.home', lang='en')}\">en</a> g.lang={g.get('lang')}</p>")
