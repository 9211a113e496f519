from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    return "<p>Nothing links to a tag page.</p>"


@site.route("/tags/<tag>/")
def tag(tag):
    return f"<p>{tag}</p>"
