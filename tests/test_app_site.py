"""The ``Site`` object from Python: routing, responses, templates, records."""

from __future__ import annotations

import pytest

from sitegen import Site, SitegenError, abort, render_template_string, url_for
from sitegen.errors import RenderError
from sitegen.loading import load_site
from sitegen.pipeline import Renderer
from sitegen.record import CONFIG, FILE, TEMPLATE, Fact


@pytest.fixture
def basic(copy_site):
    return load_site(copy_site("basic"))


@pytest.fixture
def blank(tmp_path):
    (tmp_path / "templates").mkdir()
    return Site("blank", root_path=tmp_path)


def test_url_for_outside_a_request_uses_the_base_url(basic):
    assert basic.url_for("product", id=3) == "/products/3/"
    assert basic.url_for("static", filename="css/site.css") == "/static/css/site.css"
    assert basic.url_for("about", _external=True) == "https://example.org/about/"
    assert basic.url_for("about", _anchor="team") == "/about/#team"
    basic.config["BASE_URL"] = "https://example.org/blog/"
    assert basic.url_for("product", id=3) == "/blog/products/3/"
    assert basic.url_for("about", _external=True) == "https://example.org/blog/about/"


def test_the_test_client_serves_views_and_error_handlers(basic):
    client = basic.test_client()
    assert "<h1>About</h1>" in client.get("/about/").text
    response = client.get("/products/101/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text


def test_the_request_proxy_works_in_views(basic):
    text = basic.test_client().get("/where/", base_url="https://example.org/").text
    assert text == "<p>/where/ https://example.org/where/</p>"


@pytest.mark.parametrize(
    ("rule", "returned", "status", "mimetype", "body"),
    [
        ("/page/", "<p>hi</p>", 200, "text/html", b"<p>hi</p>"),
        ("/feed.xml", "<feed/>", 200, "text/xml", b"<feed/>"),
        ("/robots.txt", "User-agent: *", 200, "text/plain", b"User-agent: *"),
        ("/api.json", {"b": 1, "a": [1, "é"]}, 200, "application/json",
         b'{"a":[1,"\\u00e9"],"b":1}\n'),
        ("/list.json", [1, 2], 200, "application/json", b"[1,2]\n"),
        ("/gone/", ("<p>gone</p>", 410), 410, "text/html", b"<p>gone</p>"),
        ("/typed", ("x", {"Content-Type": "text/plain"}), 200, "text/plain", b"x"),
        ("/bytes.bin", b"\x00\x01", 200, "application/octet-stream", b"\x00\x01"),
    ],
)
def test_views_return_what_flask_views_return(blank, rule, returned, status, mimetype, body):
    blank.add_url_rule(rule, "view", lambda: returned)
    response = blank.test_client().get(rule)
    assert response.status_code == status
    assert response.mimetype == mimetype
    assert response.data == body


def test_a_view_returning_none_is_a_readable_error(blank):
    @blank.route("/")
    def index():
        return None

    with pytest.raises(RenderError, match="The view returned None"):
        Renderer(blank).render("/")


def test_abort_without_a_handler_answers_the_status(blank):
    @blank.route("/")
    def index():
        abort(403)

    assert Renderer(blank).render("/").status == 403


def test_routes_under_the_preview_prefix_are_refused(blank):
    with pytest.raises(SitegenError, match="/__sitegen/"):
        blank.add_url_rule("/__sitegen/mine", "mine", lambda: "x")


def test_two_views_with_one_endpoint_are_refused(blank):
    blank.add_url_rule("/a/", "page", lambda: "a")
    with pytest.raises(SitegenError, match="Two views claim the endpoint 'page'"):
        blank.add_url_rule("/b/", "page", lambda: "b")


def test_templates_autoescape_html_and_not_text(blank, tmp_path):
    (tmp_path / "templates/page.html").write_text("{{ text }}")
    (tmp_path / "templates/notes.txt").write_text("{{ text }}")
    from sitegen import render_template

    blank.add_url_rule("/", "index", lambda: render_template("page.html", text="<b>&"))
    blank.add_url_rule("/notes.txt", "notes",
                       lambda: render_template("notes.txt", text="<b>&"))
    client = blank.test_client()
    assert client.get("/").text == "&lt;b&gt;&amp;"
    assert client.get("/notes.txt").text == "<b>&"


def test_templates_see_config_url_for_request_and_context_processors(blank):
    blank.config["SITE_NAME"] = "Blank"

    @blank.context_processor
    def extra():
        return {"year": 2026}

    @blank.template_filter("shout")
    def shout(text):
        return text.upper()

    @blank.route("/here/")
    def here():
        return render_template_string(
            "{{ config['SITE_NAME'] | shout }} {{ year }} {{ url_for('here') }} "
            "{{ request.path }}"
        )

    assert blank.test_client().get("/here/").text == "BLANK 2026 /here/ /here/"


def test_url_for_in_a_view_builds_from_the_request(blank):
    @blank.route("/a/<slug>/")
    def a(slug):
        return url_for("a", slug=slug + "-next", page=2)

    assert blank.test_client().get("/a/x/").text == "/a/x-next/?page=2"


# -- what a render records ----------------------------------------------------------


def test_a_render_records_templates_config_and_urls(basic):
    record = Renderer(basic).render("/about/").record
    templates = {f.subject for f in record.facts if f.kind == TEMPLATE}
    assert templates == {"templates/page.html", "templates/base.html"}
    assert Fact(CONFIG, "SITE_NAME") in record.facts
    assert {"/about/", "/", "/products/1/", "/static/css/site.css"} <= record.urls
    assert record.endpoint == "about"


def test_a_static_file_render_records_its_source(basic):
    rendered = Renderer(basic).render("/static/img/logo.svg")
    assert rendered.source_file == str(basic.root_path / "static/img/logo.svg")
    assert rendered.record.static_file == rendered.source_file
    assert Fact(FILE, "static/img/logo.svg") in rendered.record.facts


def test_open_resource_records_the_file_read(blank, tmp_path):
    (tmp_path / "data.txt").write_text("42")

    @blank.route("/")
    def index():
        with blank.open_resource("data.txt", "r") as f:
            return f"<p>{f.read()}</p>"

    rendered = Renderer(blank).render("/")
    assert rendered.body == b"<p>42</p>"
    assert rendered.record.facts == {Fact(FILE, "data.txt")}


def test_rendering_a_url_does_not_depend_on_what_rendered_before(copy_site):
    urls = ["/", "/about/", "/products/2/", "/old/", "/feed.xml", "/404.html"]
    first = load_site(copy_site("basic"))
    forward = {u: Renderer(first).render(u) for u in urls}
    backward = {u: Renderer(first).render(u) for u in reversed(urls)}
    for url in urls:
        assert forward[url].body == backward[url].body
        assert forward[url].status == backward[url].status
        assert forward[url].record.links == backward[url].record.links


def test_config_takes_upper_case_names_from_a_file_an_object_and_a_mapping(blank, tmp_path):
    (tmp_path / "settings.py").write_text('SITE_NAME = "From a file"\nhelper = 1\n')
    blank.config.from_pyfile("settings.py")

    class Defaults:
        AUTHOR = "Robin"
        lower = "ignored"

    blank.config.from_object(Defaults)
    blank.config.from_mapping({"PER_PAGE": 10, "quiet": True}, THEME="plain")
    assert blank.config["SITE_NAME"] == "From a file"
    assert blank.config["AUTHOR"] == "Robin"
    assert (blank.config["PER_PAGE"], blank.config["THEME"]) == (10, "plain")
    assert not {"helper", "lower", "quiet"} & set(blank.config)


def test_a_broken_config_file_is_an_error_naming_it_and_its_line(copy_site, cli, tmp_path):
    site = copy_site("basic")
    (site / "settings.py").write_text('SITE_NAME = "ok"\nPER_PAGE = 10 / 0\n')
    app = (site / "app.py").read_text()
    (site / "app.py").write_text(app + '\nsite.config.from_pyfile("settings.py")\n')
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "settings.py:2: ZeroDivisionError: division by zero" in result.output
    assert "Traceback" not in result.output
    (site / "settings.py").unlink()
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "config.from_pyfile: cannot read" in result.output and "settings.py" in result.output
