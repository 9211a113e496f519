from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    return '<a href="/notes/a">One</a> <a href="/notes/a.html">Two</a>'


@site.route("/notes/<name>")
def note(name):
    return f"<p>{name}</p>"
