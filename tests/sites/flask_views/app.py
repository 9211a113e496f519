import asyncio
import datetime
import decimal
import uuid

from sitegen import (
    Markup,
    Site,
    escape,
    jsonify,
    make_response,
    render_template_string,
    send_from_directory,
    url_for,
)

site = Site(__name__, static_folder=None)
site.config["BASE_URL"] = "http://example.org/"


class Unfinished(Exception):
    pass


@site.get("/")
def index():
    return render_template_string(
        "{% for n in numbers %}{{ n }}{% if n is even %} even{% endif %};{% endfor %}"
        "{{ title }} <a href='{{ url_for('download', name='notes.txt') }}'>notes</a>"
        "<a href='{{ url_for('api') }}'>api</a><a href='{{ url_for('listed') }}'>list</a>"
        "<a href='{{ url_for('stream') }}'>stream</a><a href='{{ url_for('later') }}'>async</a>"
        "<a href='{{ url_for('made') }}'>made</a><a href='{{ url_for('unfinished') }}'>u</a>"
        "<a href='{{ url_for('by_endpoint') }}'>e</a>",
        numbers=[1, 2, 3], title=Markup("<b>bold</b> ") + escape("<i>"))


@site.template_test("even")
def is_even(number):
    return number % 2 == 0


@site.post("/contact/")
def contact():
    return "never built: a static build only makes GET requests"


@site.route("/urls/")
def urls():
    return "\n".join([
        url_for("index", _external=True, _scheme="https"),
        url_for("index", _anchor="a b/c?"),
        url_for("contact", _method="POST"),
        url_for("index", _external=True),
        url_for("index", page=2),
    ])


@site.route("/api.json")
def api():
    return {"b": [1, "é", decimal.Decimal("1.5")], "a": datetime.date(2024, 1, 2),
            "id": uuid.UUID(int=1), "html": Markup("<p>")}


@site.route("/list.json")
def listed():
    return jsonify(1, 2, 3)


@site.route("/stream.txt")
def stream():
    def chunks():
        yield "one "
        yield url_for("index")
        yield b" two"
    return chunks()


@site.route("/async/")
async def later():
    await asyncio.sleep(0)
    return "<p>awaited</p>"


@site.route("/made.xml")
def made():
    response = make_response("<feed/>", 200, {"X-Kind": "feed"})
    response.mimetype = "application/atom+xml"
    return response


@site.route("/downloads/<name>")
def download(name):
    return send_from_directory("downloads", name)


@site.route("/unfinished/")
def unfinished():
    raise Unfinished("not yet")


@site.errorhandler(Unfinished)
def handle_unfinished(error):
    return f"<p>handled: {error}</p>"


site.add_url_rule("/endpoint/", "by_endpoint")


@site.endpoint("by_endpoint")
def by_endpoint():
    return "<p>by endpoint</p>"
