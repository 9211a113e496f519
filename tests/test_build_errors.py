"""Build failures a user can cause, each one readable and naming its cause."""

from __future__ import annotations

import textwrap

import pytest


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
