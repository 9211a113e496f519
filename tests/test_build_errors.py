"""Build failures a user can cause, each one readable and naming its cause."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SITEGEN = Path(sys.executable).parent / "sitegen"


def test_broken_link_names_url_status_endpoint_and_every_referrer(copy_site, cli, tmp_path):
    result = cli("build", copy_site("broken_link"), "-o", tmp_path / "out")
    assert result.exit_code == 1
    err = result.stderr
    assert "3 URL(s) did not answer 200" in err
    missing = err[err.index("/missing/ answered 404"):]
    assert missing.splitlines()[1:3] == ["      linked from /", "      linked from /about/"]
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_broken_link_names_the_endpoint_that_answered(copy_site, cli, tmp_path):
    result = cli("build", copy_site("broken_link"), "-o", tmp_path / "out")
    assert "/products/101/ answered 404 (endpoint: product)" in result.stderr
    assert "/boom/ answered 500 (endpoint: boom)" in result.stderr


def test_two_urls_on_one_file_is_an_error_naming_both(copy_site, cli, tmp_path):
    result = cli("build", copy_site("duplicate_file"), "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "/notes/a and /notes/a.html both write notes/a.html" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_url_on_a_file_and_another_on_a_folder_of_that_name_is_an_error(
        copy_site, cli, tmp_path):
    result = cli("build", copy_site("file_vs_folder"), "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "/data writes the file data, but /data/1/ needs a folder of that name" \
        in result.stderr


ESCAPE_APP = '''
from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    return {link!r}


@site.route("/files/<path:rest>")
def files(rest):
    return "<p>secret</p>"


@site.generator("files")
def file_urls():
    yield from {generated!r}
'''


def write_escape_site(folder, link="", generated=()):
    folder.mkdir()
    (folder / "app.py").write_text(
        textwrap.dedent(ESCAPE_APP).format(link=link, generated=list(generated))
    )
    return folder


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ('<a href="/files/%2e%2e/%2e%2e/secret">', "/files/../../secret"),
        ('<a href="/files/%2E%2E/x">', "/files/../x"),
        ('<a href="/files/a%5C..%5C..%5Csecret">', "/files/a\\\\..\\\\..\\\\secret"),
        ('<a href="/files/a\\..\\..\\secret">', "/files/a\\\\..\\\\..\\\\secret"),
        ('<a href="/files/a%00b">', "/files/a\\x00b"),
    ],
)
def test_a_link_whose_file_would_escape_the_output_is_an_error(cli, tmp_path, link, url):
    site_dir = write_escape_site(tmp_path / "site", link=link)
    result = cli("build", site_dir, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"The URL '{url}' cannot be written" in result.stderr
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("secret"))


@pytest.mark.parametrize(
    "generated",
    [
        ["/files/../../secret"],
        [{"rest": "../../secret"}],
        ["/files//secret"],
    ],
)
def test_a_generated_url_whose_file_would_escape_the_output_is_an_error(
        cli, tmp_path, generated):
    site_dir = write_escape_site(tmp_path / "site", generated=generated)
    result = cli("build", site_dir, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "cannot be written" in result.stderr
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("secret"))


def test_a_generator_yielding_an_external_url_is_an_error(cli, tmp_path):
    site_dir = write_escape_site(
        tmp_path / "site", generated=["https://example.com/files/elsewhere"]
    )
    result = cli("build", site_dir, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "file_urls()" in result.stderr
    assert "https://example.com/files/elsewhere" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_generator_yielding_values_no_rule_accepts_is_an_error(cli, tmp_path):
    site_dir = write_escape_site(tmp_path / "site", generated=[{"wrong": "x"}])
    result = cli("build", site_dir, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "The generator file_urls() yielded values no route of 'files' accepts" \
        in result.stderr


def test_a_content_type_that_disagrees_with_the_extension_warns(copy_site, cli, tmp_path):
    result = cli("build", copy_site("mime_mismatch"), "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: /report.json is served as text/html but written to report.json, "
        "which hosts serve as application/json"
    ]
    assert (tmp_path / "out/report.json").read_text() == "<p>Not JSON at all</p>"


def test_strict_fails_on_a_content_type_mismatch_and_writes_nothing(
        copy_site, cli, tmp_path):
    result = cli("build", copy_site("mime_mismatch"), "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert "--strict: the build gave 1 warning(s)" in result.stderr
    assert "/report.json is served as text/html but written to report.json" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("generated", "message"),
    [
        ([("files", "notadict")], "The generator file_urls() yielded ('files', 'notadict')."),
        ([42], "The generator file_urls() yielded 42."),
    ],
)
def test_a_generator_yielding_something_that_is_no_url_is_an_error(cli, tmp_path, generated,
                                                                   message):
    site_dir = write_escape_site(tmp_path / "site", generated=generated)
    result = cli("build", site_dir, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert message in result.stderr
    assert "(endpoint, dict of values) pair" in result.stderr
    assert "Traceback" not in result.stderr


CONVERTER_APP = '''
import os
import sys

from sitegen import Site, render_template_string

site = Site(__name__)
MODE = os.environ.get("SITE_MODE", "")


@site.route("/")
def index():
    return '<a href="/n/1/">one</a> <a href="/stop/">stop</a>'


@site.route("/n/<int:number>/")
def numbered(number):
    return str(number)


@site.generator("numbered")
def numbers():
    if MODE == "generator-exit":
        sys.exit(3)
    yield {"number": "abc" if MODE == "bad-int" else 1}


@site.route("/stop/")
def stop():
    if MODE == "view-exit":
        sys.exit(0)
    if MODE == "recursion":
        return stop()
    if MODE == "include-itself":
        return render_template_string('{% include "loop.html" %}')
    return "stopped"
'''


@pytest.fixture
def converter_site(tmp_path):
    site = tmp_path / "site"
    (site / "templates").mkdir(parents=True)
    (site / "app.py").write_text(CONVERTER_APP)
    (site / "templates/loop.html").write_text('{% include "loop.html" %}\n')
    return site


def build_in_mode(site, out, mode):
    return subprocess.run([str(SITEGEN), "build", str(site), "-o", str(out), "--jobs", "1"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SITE_MODE": mode})


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("bad-int", "The generator numbers() yielded {'number': 'abc'} for 'numbered', whose "
                    "route's converters refuse it: invalid literal for int()"),
        ("generator-exit", "The generator numbers() raised SystemExit(3): sys.exit() cannot "
                           "end a build"),
        ("view-exit", "/stop/: SystemExit(0): sys.exit() cannot end a build"),
    ],
)
def test_converter_values_and_sys_exit_are_errors_with_the_users_line(converter_site,
                                                                      tmp_path, mode, message):
    out = tmp_path / "out"
    assert build_in_mode(converter_site, out, "").returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (converter_site / "app.py").write_text(CONVERTER_APP + "\n")  # so nothing is reused
    result = build_in_mode(converter_site, out, mode)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "app.py, line" in result.stderr or mode == "bad-int"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("mode", "frame"), [
    ("recursion", "app.py, line 33, in stop"),
    ("include-itself", "templates/loop.html, line 1, in top-level template code"),
])
def test_a_view_or_template_that_calls_itself_shows_the_cycle_once(converter_site, tmp_path,
                                                                   mode, frame):
    result = build_in_mode(converter_site, tmp_path / "out", mode)
    assert result.returncode == 1
    assert "RecursionError" in result.stderr
    assert result.stderr.count(frame) == 1
    assert "more times: a cycle (a view or template that calls or includes itself)" \
        in result.stderr
    assert len(result.stderr.splitlines()) < 20


PORTABILITY_APP = '''
from sitegen import Site

site = Site(__name__)


@site.route("/")
def index():
    return ('<a href="/blog/Case/">A</a> <a href="/blog/case/">a</a> '
            '<a href="/wiki/Category:Tools/">c</a> <a href="/files/nul.txt">n</a>')


@site.route("/blog/<name>/")
def blog(name):
    return name


@site.route("/wiki/<name>/")
def wiki(name):
    return name


@site.route("/files/<name>")
def files(name):
    return name
'''


def test_output_paths_that_not_every_host_can_store_warn(cli, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "app.py").write_text(PORTABILITY_APP)
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 0
    err = result.stderr
    assert ("/blog/Case/ and /blog/case/ are written to blog/Case/index.html and "
            "blog/case/index.html, which differ only by case") in err
    assert "/wiki/Category:Tools/ is written to wiki/Category:Tools/index.html, whose name " \
           "holds ':', which Windows" in err
    assert "/files/nul.txt is written to files/nul.txt, whose name 'nul.txt' Windows " \
           "reserves" in err
    strict = cli("build", site, "-o", tmp_path / "strict", "--strict")
    assert strict.exit_code == 1
    assert not (tmp_path / "strict").exists()
