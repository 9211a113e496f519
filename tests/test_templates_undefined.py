"""Misspelt names in templates: printed, they warn with file, line and a "did you mean";
tested (``if``, ``default``, ``is defined``), they stay silent; ``--strict`` fails on them."""

from __future__ import annotations

from pathlib import Path

HINT = " (test a value that may be missing with `is defined` or `| default`)"


def warnings_of(result) -> list[str]:
    return [line[len("warning: "):] for line in result.stderr.splitlines()
            if line.startswith("warning: ")]


def test_printing_an_undefined_value_warns_with_file_line_and_the_closest_name(
        copy_site, cli, tmp_path):
    result = cli("build", copy_site("template_typos"), "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert warnings_of(result) == [
        "/: templates/index.html:4: 'titel' is undefined, so it printed as nothing; "
        "did you mean 'title'?" + HINT,
        "/: templates/index.html:5: the dict has no key 'them', so it printed as nothing; "
        "did you mean 'theme'?" + HINT,
        "/posts/hello/: templates/post.html:4: <Page 'hello' of 'content/posts'> has no "
        "attribute 'titel', so it printed as nothing; did you mean 'title'?" + HINT,
        "/posts/hello/: templates/post.html:5: <Page 'hello' of 'content/posts'> has no "
        "attribute 'summary_lin', so it printed as nothing; did you mean 'summary_line'?"
        + HINT,
    ]
    assert "<h1></h1>" in (tmp_path / "out/posts/hello/index.html").read_text()


def test_testing_an_undefined_value_is_silent(copy_site, cli, tmp_path):
    result = cli("build", copy_site("template_typos"), "-o", tmp_path / "out")
    assert not [w for w in warnings_of(result) if w.startswith("/tested/")]
    page = (tmp_path / "out/tested/index.html").read_text()
    assert "<p>no subtitle</p>" in page and "<p>not defined</p>" in page
    assert "<p>Hello</p>" in page


def test_strict_makes_a_printed_undefined_value_an_error(copy_site, cli, tmp_path):
    result = cli("build", copy_site("template_typos"), "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert "--strict: the build gave 4 warning(s):" in result.stderr
    assert "templates/post.html:4: <Page 'hello' of 'content/posts'> has no attribute " \
        "'titel'" in result.stderr


def test_a_missing_item_of_a_list_warns_without_a_suggestion(cli, tmp_path):
    site = write_site(tmp_path / "site", "{% set items = [1, 2] %}<p>{{ items[5] }}</p>")
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert [w for w in warnings_of(result) if w.startswith("/:")] == [
        "/: templates/index.html:1: the list has no item 5, so it printed as nothing" + HINT]


def write_site(folder: Path, template: str, name: str = "index.html") -> Path:
    (folder / "templates").mkdir(parents=True)
    (folder / "templates/layout.html").write_text("<!doctype html><title>x</title>")
    (folder / "templates" / name).write_text(template)
    (folder / "app.py").write_text(
        "from sitegen import Site, render_template\n"
        "site = Site(__name__, static_folder=None)\n"
        "@site.route('/')\n"
        "def index():\n"
        "    return render_template('index.html')\n"
        "@site.route('/post/<slug>/')\n"
        "def post(slug):\n"
        "    return slug\n"
    )
    return folder


def test_a_missing_template_names_the_closest_one(cli, tmp_path):
    site = write_site(tmp_path / "site", '{% extends "layot.html" %}')
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "error: /: TemplateNotFound: no template 'layot.html'; did you mean " \
        "'layout.html'?" in result.stderr


def test_a_missing_view_template_names_the_closest_one(cli, tmp_path):
    site = write_site(tmp_path / "site", "<p>x</p>", name="indx.html")
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "no template 'index.html'; did you mean 'indx.html'?" in result.stderr


def test_an_unknown_endpoint_names_the_closest_one(cli, tmp_path):
    site = write_site(tmp_path / "site", "{{ url_for('pots', slug='a') }}")
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "Could not build url for endpoint 'pots'" in result.stderr
    assert "Did you mean 'post' instead?" in result.stderr
