from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    return "<p>Home</p>"


@site.route("/report.json")
def report():
    return "<p>Not JSON at all</p>", {"Content-Type": "text/html; charset=utf-8"}


@site.route("/feed.xml")
def feed():
    body = '<feed xmlns="http://www.w3.org/2005/Atom"></feed>'
    return body, {"Content-Type": "application/atom+xml"}


@site.route("/robots.txt")
def robots():
    return "User-agent: *\n"
