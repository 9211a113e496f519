from sitegen import Site, render_template

site = Site(__name__)


@site.route("/")
def index():
    return render_template("index.html", author=None)
