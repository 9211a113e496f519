from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    return '<a href="/data">All</a> <a href="/data/1/">One</a>'


@site.route("/data")
def data():
    return {"items": [1]}


@site.route("/data/<int:n>/")
def item(n):
    return f"<p>{n}</p>"
