"""Themes: a site uses a theme's templates and static files, and overrides them file
by file; a theme can be a package of the site's own (or from PyPI)."""

from __future__ import annotations

from pathlib import Path

APP = """\
from sitegen import Site, render_template

site = Site(__name__, theme={theme!r})
site.config["SITE_NAME"] = "Themed"


@site.route("/")
def index():
    return render_template("page.html", page={{"title": "Hello", "html": "<p>Hi</p>",
                                               "summary": "", "headings": [], "tags": [],
                                               "backlinks": [], "prev": None, "next": None}})


@site.route("/search/")
def search():
    return render_template("search.html")


@site.route("/search.json")
def search_json():
    return []
"""


def write_site(folder: Path, theme: str = "default") -> Path:
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(APP.format(theme=theme))
    return folder


def test_a_site_without_templates_renders_with_the_themes(cli, tmp_path):
    site = write_site(tmp_path / "site")
    result = cli("build", site, "--strict")
    assert result.exit_code == 0, result.output
    home = (site / "build/index.html").read_text()
    assert "<h1>Hello</h1>" in home and 'class="theme-toggle"' in home
    assert sorted(p.name for p in (site / "build/static").iterdir()) == [
        "highlight.css", "theme.css", "theme.js"]


def test_a_site_template_replaces_the_themes_of_that_name_only(cli, tmp_path):
    site = write_site(tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates/base.html").write_text(
        "<!doctype html><title>mine</title><main>{% block main %}{% endblock %}</main>")
    cli("build", site, "--strict")
    home = (site / "build/index.html").read_text()
    assert home.startswith("<!doctype html><title>mine</title>")  # the site's layout
    assert "<h1>Hello</h1>" in home  # inside the theme's page.html


def test_a_site_template_can_extend_the_themes_own_version(cli, tmp_path):
    site = write_site(tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates/base.html").write_text(
        '{% extends "theme/base.html" %}{% block footer %}<p>my footer</p>{% endblock %}')
    cli("build", site, "--strict")
    home = (site / "build/index.html").read_text()
    assert "<p>my footer</p>" in home and 'class="theme-toggle"' in home


def test_a_site_static_file_replaces_the_themes_of_that_name(cli, tmp_path):
    site = write_site(tmp_path / "site")
    (site / "static").mkdir()
    (site / "static/theme.css").write_text("body { color: red }\n")
    cli("build", site, "--strict")
    assert (site / "build/static/theme.css").read_text() == "body { color: red }\n"
    assert "copy-button" in (site / "build/static/theme.js").read_text()


def test_a_theme_can_be_a_package(cli, tmp_path):
    site = write_site(tmp_path / "site", theme="plain_theme")
    theme = site / "plain_theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "__init__.py").write_text('"""A theme: templates/ and static/ beside this file."""\n')
    (theme / "templates/page.html").write_text(
        '<!doctype html><title>plain</title><link rel="stylesheet" '
        "href=\"{{ url_for('static', filename='plain.css') }}\"><h1>plain {{ page.title }}</h1>")
    (theme / "templates/search.html").write_text("<!doctype html><title>search</title>")
    (theme / "static/plain.css").write_text("h1 { font-size: 2em }\n")
    result = cli("build", site, "--strict")
    assert result.exit_code == 0, result.output
    assert "<h1>plain Hello</h1>" in (site / "build/index.html").read_text()
    assert (site / "build/static/plain.css").is_file()


def test_an_unknown_theme_is_an_error_naming_the_built_in_ones(cli, tmp_path):
    site = write_site(tmp_path / "site", theme="no_such_theme")
    result = cli("build", site)
    assert result.exit_code == 1
    assert "There is no theme 'no_such_theme': it is not built in (default)" in result.stderr


def test_a_value_missing_in_a_theme_template_names_the_theme_template(cli, tmp_path):
    site = write_site(tmp_path / "site")
    app = site / "app.py"
    app.write_text(app.read_text().replace('"title": "Hello", ', ""))
    result = cli("build", site)
    assert result.exit_code == 0, result.output
    assert "warning: /: the theme's page.html:4: the dict has no key 'title', so it printed " \
        "as nothing" in result.stderr


def test_a_file_added_over_a_theme_file_is_picked_up_by_the_next_build(cli, tmp_path):
    site = write_site(tmp_path / "site")
    assert cli("build", site, "--strict").exit_code == 0
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text("<!doctype html><title>t</title><p>mine</p>")
    (site / "static").mkdir()
    (site / "static/theme.css").write_text("body { color: red }\n")
    result = cli("build", site, "--strict")
    assert result.exit_code == 0, result.output
    assert (site / "build/index.html").read_text().endswith("<p>mine</p>")
    assert (site / "build/static/theme.css").read_text() == "body { color: red }\n"
    assert "copy-button" in (site / "build/static/theme.js").read_text()  # still the theme's
