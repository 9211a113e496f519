"""Errors as the user sees them: one readable block, exit code 1, no traceback."""

from __future__ import annotations

import pytest


def assert_user_error(result):
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    return result.stderr


def test_a_jinja_syntax_error_names_the_template_file_and_line(copy_site, cli, tmp_path):
    err = assert_user_error(
        cli("build", copy_site("template_syntax_error"), "-o", tmp_path / "out"))
    assert "error: templates/layout.html:4: template syntax error:" in err
    assert "   4 | {% for item in %}<li>{{ item }}</li>{% endfor %}" in err
    assert "while rendering /" in err


def test_a_jinja_error_while_rendering_shows_the_template_line(copy_site, cli, tmp_path):
    err = assert_user_error(
        cli("build", copy_site("template_runtime_error"), "-o", tmp_path / "out"))
    assert "error: /: UndefinedError: 'None' has no attribute 'name'" in err
    assert "endpoint 'index'" in err
    assert "templates/index.html, line 3, in top-level template code" in err
    assert "app.py, line 8, in index" in err


def test_an_exception_in_a_view_names_endpoint_url_and_the_users_frames(
        copy_site, cli, tmp_path):
    err = assert_user_error(cli("build", copy_site("view_error"), "-o", tmp_path / "out"))
    lines = err.splitlines()
    assert lines[0] == "error: /stats/: ZeroDivisionError: division by zero"
    assert lines[1:6] == [
        "  endpoint 'stats'",
        "  app.py, line 17, in stats",
        "      return f\"<p>Mean: {average([])}</p>\"",
        "  app.py, line 7, in average",
        "      return sum(values) / len(values)",
    ]


def test_an_exception_in_a_view_hides_sitegen_and_library_frames(copy_site, cli, tmp_path):
    err = assert_user_error(cli("build", copy_site("view_error"), "-o", tmp_path / "out"))
    for noise in ("sitegen/", "werkzeug", "site-packages", "render.py", "app.py, line 3"):
        assert noise not in err


def test_an_exception_in_a_generator_names_the_generator(cli, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/app.py").write_text(
        "from sitegen import Site\n"
        "site = Site(__name__)\n"
        "@site.route('/p/<n>/')\n"
        "def p(n):\n"
        "    return n\n"
        "@site.generator\n"
        "def p():\n"
        "    yield {'n': 1 / 0}\n"
    )
    err = assert_user_error(cli("build", tmp_path / "site", "-o", tmp_path / "out"))
    assert "The generator p() raised ZeroDivisionError: division by zero" in err
    assert "app.py, line 8, in p" in err


def test_a_missing_app_py_says_so(cli, tmp_path):
    (tmp_path / "site/templates").mkdir(parents=True)
    err = assert_user_error(cli("build", tmp_path / "site"))
    assert "There is no app.py in" in err
    assert "--app" in err


@pytest.mark.parametrize("command", ["build", "routes", "serve"])
def test_a_missing_site_folder_is_a_usage_error(cli, tmp_path, command):
    result = cli(command, tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "nowhere' does not exist." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_syntax_error_in_app_py_names_file_and_line(cli, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/app.py").write_text(
        "from sitegen import Site\n\nsite = Site(__name__\n\n@site.route('/')\ndef index():\n"
        "    return 'x'\n"
    )
    err = assert_user_error(cli("build", tmp_path / "site"))
    assert "app.py:3: syntax error" in err
    assert "hint: fix the Python syntax at that line" in err


def test_an_exception_while_importing_app_py_shows_the_users_frame(cli, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/app.py").write_text(
        "from sitegen import Site\nsite = Site(__name__)\nsite.config['X'] = {}['missing']\n"
    )
    err = assert_user_error(cli("build", tmp_path / "site"))
    assert "app.py raised KeyError while loading: 'missing'" in err
    assert "app.py, line 3, in <module>" in err


def test_an_app_py_importing_a_missing_package_says_which(cli, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/app.py").write_text("import no_such_package_here\n")
    err = assert_user_error(cli("build", tmp_path / "site"))
    assert "No module named 'no_such_package_here'" in err


def test_an_app_py_without_a_site_says_so(cli, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/app.py").write_text("TITLE = 'no site here'\n")
    err = assert_user_error(cli("build", tmp_path / "site"))
    assert "app.py defines no Site" in err
    assert "site = Site(__name__)" in err


# -- --app ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "text", "built_in"),
    [
        ("mysite:blog", "<p>The blog</p>", "build"),
        ("mysite.py:draft", "<p>The draft</p>", "build"),
        ("tools/docs.py", "<p>The docs</p>", "tools/build"),
    ],
)
def test_app_option_names_a_module_or_file_and_a_site(copy_site, cli, spec, text, built_in):
    site_dir = copy_site("named_app")
    result = cli("build", site_dir, "--app", spec)
    assert result.exit_code == 0, result.output
    assert (site_dir / built_in / "index.html").read_text() == text


def test_app_option_with_several_sites_and_no_name_asks_for_one(copy_site, cli):
    err = assert_user_error(cli("build", copy_site("named_app"), "--app", "mysite"))
    assert "mysite defines several Sites" in err
    assert "--app mysite:NAME" in err


def test_app_option_naming_something_else_is_an_error(copy_site, cli):
    err = assert_user_error(cli("build", copy_site("named_app"), "--app", "mysite:Site"))
    assert "'Site' is not a sitegen Site" in err


def test_app_option_naming_a_missing_module_is_an_error(copy_site, cli):
    err = assert_user_error(cli("build", copy_site("named_app"), "--app", "nosuchmodule"))
    assert "No module named 'nosuchmodule'" in err
