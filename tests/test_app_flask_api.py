"""The Flask API on ``Site``, by behaviour, through the real CLI on the ``flask_*`` sites."""

from __future__ import annotations

import pytest


def build(cli, site_dir, *args):
    output = site_dir / "out"
    result = cli("build", site_dir, "-o", output, *args)
    assert result.exit_code == 0, result.output
    return output


def text(output, path):
    return (output / path).read_text(encoding="utf-8")


# -- blueprints ------------------------------------------------------------------


@pytest.fixture
def shop(copy_site, cli):
    return build(cli, copy_site("flask_blueprints"))


def test_blueprint_routes_are_under_their_prefix_and_nest(shop, read_tree):
    assert sorted(read_tree(shop)) == [
        "404.html", "blog/first/index.html", "index.html", "missing/index.html",
        "news/first/index.html", "shop/admin/index.html", "shop/index.html",
        "shop/items/1/index.html", "shop/items/2/index.html", "shop/items/3/index.html",
        "shop/static/shop.css", "static/site.css",
    ]
    assert text(shop, "shop/admin/index.html") == \
        "<p>shop.admin ['shop.admin', 'shop'] /shop/admin/ /shop/</p>"


def test_dot_endpoints_name_the_current_blueprint_even_when_registered_twice(shop):
    assert text(shop, "blog/first/index.html") == "<p>blog: first at /blog/first/</p>"
    assert text(shop, "news/first/index.html") == "<p>news: first at /news/first/</p>"


def test_blueprint_templates_come_after_the_sites_and_its_static_files_are_built(shop):
    page = text(shop, "shop/index.html")
    assert page.startswith("<p>the site's layout: ")  # the site's layout.html wins
    assert '<a href="/shop/">here</a> <a href="/shop/items/2/">item</a>' in page
    assert '<link href="/shop/static/shop.css">' in page
    assert text(shop, "shop/static/shop.css") == ".shop { color: green; }\n"


def test_blueprint_context_processors_apply_to_its_own_pages_only(shop):
    assert "Shopfront shop " in text(shop, "shop/index.html")
    assert text(shop, "shop/items/1/index.html") == "<p>item 1 (shop)</p>"
    assert text(shop, "index.html").startswith("<p>Shopfront site HI! ")  # app filter


def test_error_handlers_are_found_by_class_blueprint_first(shop):
    assert text(shop, "shop/items/3/index.html") == "<p>no item 3 in the shop</p>"
    assert text(shop, "missing/index.html") == "<p>the site's lookup handler</p>"
    assert text(shop, "404.html") == "<p>site 404</p>"


def test_a_blueprint_changed_after_registering_is_an_error(copy_site, cli):
    site_dir = copy_site("flask_blueprints")
    with (site_dir / "app.py").open("a") as app:
        app.write("\n@blog.route('/late/')\ndef late():\n    return ''\n")
    result = cli("build", site_dir, "-o", site_dir / "out")
    assert result.exit_code == 1
    assert "'add_url_rule' can no longer be called on the blueprint 'blog'" in result.output


# -- request hooks, url_defaults, g, current_app ---------------------------------


def test_hooks_run_in_flasks_order_and_url_defaults_fill_the_language(
        copy_site, cli, tmp_path, monkeypatch):
    log = tmp_path / "teardown.log"
    monkeypatch.setenv("TEARDOWN_LOG", str(log))
    out = build(cli, copy_site("flask_hooks"))
    assert text(out, "en/index.html") == \
        '<p>en: <a href="/en/shop/">shop</a> <a href="/fr/">fr</a></p><!-- before pages-after -->'
    assert text(out, "fr/index.html").startswith('<p>fr: <a href="/fr/shop/">shop</a>')
    assert text(out, "en/shop/index.html") == "<p>shop in en</p><!-- before pages-after -->"
    # before_request's value is the answer; after_request still sees it
    assert text(out, "fr/shop/index.html") == "<p>fermé</p><!-- before pages-after -->"
    # current_app is the site; g starts empty on every URL
    assert text(out, "index.html") == \
        '<p>Polyglot <a href="/en/">en</a> g.lang=None</p><!-- before -->'
    assert sorted(log.read_text().splitlines()) == [
        "/ None", "/en/ None", "/en/shop/ None", "/fr/ None", "/fr/shop/ None"]


def test_teardown_sees_the_error_that_fails_the_render(copy_site, cli, tmp_path, monkeypatch):
    log = tmp_path / "teardown.log"
    monkeypatch.setenv("TEARDOWN_LOG", str(log))
    site_dir = copy_site("flask_hooks")
    with (site_dir / "app.py").open("a") as app:
        app.write("\n@site.route('/boom/')\ndef boom():\n    raise RuntimeError('boom')\n")
    result = cli("build", site_dir, "-o", site_dir / "out")
    assert result.exit_code == 1
    assert "/boom/: RuntimeError: boom" in result.output
    assert "/boom/ RuntimeError('boom')" in log.read_text()


# -- what views return and the helpers -----------------------------------------------


@pytest.fixture
def views(copy_site, cli):
    return build(cli, copy_site("flask_views"))


def _flask_bytes(view, path="/x"):
    """What Flask itself answers with ``view`` (the ``flask`` extra of the test tools)."""
    flask = pytest.importorskip("flask")
    app = flask.Flask("compare")
    app.add_url_rule(path, "x", view)
    return app.test_client().get(path).data


def test_a_returned_dict_and_jsonify_give_flasks_bytes(views):
    import datetime
    import decimal
    import uuid

    from markupsafe import Markup

    def api():
        return {"b": [1, "é", decimal.Decimal("1.5")], "a": datetime.date(2024, 1, 2),
                "id": uuid.UUID(int=1), "html": Markup("<p>")}

    assert (views / "api.json").read_bytes() == _flask_bytes(api)
    from flask import jsonify

    assert (views / "list.json").read_bytes() == _flask_bytes(lambda: jsonify(1, 2, 3))


def test_url_for_takes_scheme_anchor_method_and_external_as_flask(views):
    assert text(views, "urls/index.html").splitlines() == [
        "https://example.org/", "/#a%20b/c?", "/contact/", "http://example.org/", "/?page=2",
    ]


def test_post_routes_are_never_built_and_get_routes_are(views):
    assert not (views / "contact").exists()
    assert (views / "index.html").is_file()


def test_generator_and_async_views_render_whole(views):
    assert text(views, "stream.txt") == "one / two"
    assert text(views, "async/index.html") == "<p>awaited</p>"


def test_make_response_send_from_directory_markup_and_template_tests(views):
    assert text(views, "made.xml") == "<feed/>"
    assert text(views, "downloads/notes.txt") == "some notes\n"
    assert text(views, "index.html").startswith("1;2 even;3;<b>bold</b> &lt;i&gt; ")


def test_errorhandler_takes_an_exception_class_and_endpoint_names_a_view(views):
    assert text(views, "unfinished/index.html") == "<p>handled: not yet</p>"
    assert text(views, "endpoint/index.html") == "<p>by endpoint</p>"


# -- sessions --------------------------------------------------------------------------


def test_flashed_messages_are_empty_and_sessions_and_flash_say_why_they_cannot_be(
        copy_site, cli):
    site_dir = copy_site("flask_session")
    result = cli("build", site_dir, "-o", site_dir / "out")
    assert result.exit_code == 1
    assert "/cart/: session makes no sense at build time" in result.output
    (site_dir / "app.py").write_text((site_dir / "app.py").read_text().replace(
        "session.get('items', [])", "[]"))
    result = cli("build", site_dir, "-o", site_dir / "out")
    assert "/saved/: flash() makes no sense at build time" in result.output
    (site_dir / "app.py").write_text((site_dir / "app.py").read_text().replace(
        'flash("Saved!")', "pass"))
    out = build(cli, site_dir)
    assert text(out, "index.html") == "<p>no messages: []</p>"


# -- config ----------------------------------------------------------------------------


def test_config_loads_from_objects_files_and_the_environment(copy_site, cli, monkeypatch):
    monkeypatch.setenv("CONFIG_FILE", "env.cfg")
    monkeypatch.setenv("SITEGEN_PREFIXED", "true")
    monkeypatch.setenv("SITEGEN_NESTED__KEY", "[1, 2]")
    out = build(cli, copy_site("flask_config"))
    assert text(out, "index.html") == (
        "<p>from a class red 3 json env file True {'KEY': [1, 2]} False "
        "missing=False env_file=True</p>")


def test_from_envvar_names_the_unset_variable(copy_site, cli, monkeypatch):
    monkeypatch.delenv("CONFIG_FILE", raising=False)
    site_dir = copy_site("flask_config")
    app = site_dir / "app.py"
    app.write_text(app.read_text().replace('"CONFIG_FILE", silent=True', '"CONFIG_FILE"'))
    result = cli("build", site_dir, "-o", site_dir / "out")
    assert result.exit_code == 1
    assert "The environment variable 'CONFIG_FILE' is not set" in result.output


def test_from_object_names_what_does_not_import(copy_site, cli):
    site_dir = copy_site("flask_config")
    app = site_dir / "app.py"
    app.write_text(app.read_text().replace("classes.Production", "classes.Staging"))
    result = cli("build", site_dir, "-o", site_dir / "out")
    assert result.exit_code == 1
    assert "config.from_object('settings.classes.Staging')" in result.output


# -- app factories and the site's own commands -----------------------------------------


@pytest.mark.parametrize(("spec", "edition"), [
    (None, "default"),  # create_app found by name
    ("app:create_app", "default"),
    ("app:create_app('second')", "second"),
    ('app:create_app(edition="third")', "third"),
])
def test_app_factories_build(copy_site, cli, spec, edition):
    site_dir = copy_site("flask_factory")
    out = build(cli, site_dir, *(["--app", spec] if spec else []))
    assert text(out, "index.html") == f"<p>{edition} edition</p>"


def test_a_factory_whose_arguments_are_not_literals_is_refused(copy_site, cli):
    result = cli("build", copy_site("flask_factory"), "--app", "app:create_app(edition)")
    assert result.exit_code == 1
    assert "arguments must be literals" in result.output


def test_site_commands_run_with_the_site_loaded(copy_site, cli, monkeypatch):
    site_dir = copy_site("flask_factory")
    result = cli("-C", site_dir, "hello", "Ann")
    assert result.exit_code == 0, result.output
    assert result.output == "hello Ann from the default edition at http://localhost/\n"
    result = cli("-C", site_dir, "--app", "app:create_app('x')", "hello", "Bo")
    assert result.output == "hello Bo from the x edition at http://localhost/\n"
    assert cli("-C", site_dir, "bare").output == "no site needed\n"
    listing = cli("-C", site_dir, "--help").output
    assert "hello   Greet NAME with the site's edition." in listing
    monkeypatch.chdir(site_dir)
    assert cli("hello", "Cy").output.startswith("hello Cy from the default edition")


def test_an_unknown_command_says_the_site_did_not_load(tmp_path, cli):
    result = cli("-C", tmp_path, "nope")
    assert result.exit_code == 2
    assert "No such command 'nope'" in result.output
    assert "There is no app.py" in result.output


def test_a_blueprint_templates_change_rebuilds_its_pages_and_a_site_template_overrides_it(
        copy_site, cli):
    site_dir = copy_site("flask_blueprints")
    out = build(cli, site_dir)
    (site_dir / "shop/templates/shop/item.html").write_text("<p>changed {{ number }}</p>")
    assert "(2 rendered, 10 reused" in cli("build", site_dir, "-o", out).output
    assert text(out, "shop/items/1/index.html") == "<p>changed 1</p>"
    (site_dir / "templates/shop").mkdir()
    (site_dir / "templates/shop/item.html").write_text("<p>the site's {{ number }}</p>")
    assert "(2 rendered, 10 reused" in cli("build", site_dir, "-o", out).output
    assert text(out, "shop/items/2/index.html") == "<p>the site's 2</p>"
