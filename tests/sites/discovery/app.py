from collections import Counter

from sitegen import Site, redirect, render_template

site = Site(__name__)
#: How often each URL was rendered: every URL must be fetched once.
site.calls = Counter()


def counted(view):
    def wrapper(**values):
        from sitegen import request

        site.calls[request.path] += 1
        return view(**values)

    wrapper.__name__ = view.__name__
    return wrapper


@site.route("/")
@counted
def index():
    return render_template("index.html")


@site.route("/unlinked/")
@counted
def unlinked():
    return "<p>No page links here.</p>"


@site.route("/form/", methods=["POST"])
def form():
    return "<p>POST only: never built.</p>"


@site.route("/hidden/<slug>/")
@counted
def hidden(slug):
    return render_template("hidden.html", slug=slug)


@site.route("/url-for/<slug>/")
@counted
def via_url_for(slug):
    return f"<p>{slug}</p>"


@site.route("/img/<name>")
@counted
def image(name):
    return b"\x89PNG\r\n\x1a\n"


@site.route("/js/<name>")
@counted
def script(name):
    return "document.title = '<a href=\"/hidden/in-js-file/\">';"


@site.route("/fonts/<name>")
@counted
def font(name):
    return b"wOF2"


@site.route("/css/<name>")
@counted
def stylesheet(name):
    return "body { background: url(../img/from-imported-css.png); }"


@site.route("/g/<name>/")
@counted
def generated(name):
    return f"<p>{name}</p>"


@site.generator("generated")
def generated_urls():
    yield {"name": "from-dict"}
    yield "/g/from-string/"
    yield ("generated", {"name": "from-tuple"})


@site.route("/bare/<int:n>/")
@counted
def bare(n):
    return f"<p>{n}</p>"


@site.generator
def bare():  # noqa: F811 - the generator is named after its endpoint
    yield {"n": 7}


@site.route("/moved/")
@counted
def moved():
    return redirect("/hidden/via-redirect/", 301)
