"""``sitegen build`` and ``sitegen routes`` as commands: output and exit codes."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

SITEGEN = Path(sys.executable).with_name("sitegen")
SUMMARY = re.compile(
    r"^Built 13 pages, 3 static files, 2 redirects, 0 removed, 0 warnings in \d+\.\d\d s "
    r"\(\d+ rendered, \d+ reused; \d+ pages/s\) → (?P<out>.+)$"
)


def run_sitegen(*args, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SITEGEN, *map(str, args)], capture_output=True, text=True,
                          **kwargs)


def test_build_prints_a_one_line_summary(copy_site, cli, tmp_path):
    result = cli("build", copy_site("basic"), "-o", tmp_path / "out")
    assert result.exit_code == 0
    match = SUMMARY.match(result.stdout)
    assert match, result.stdout
    assert match["out"] == str(tmp_path / "out")
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_warnings_are_printed_before_the_summary(copy_site, cli, tmp_path):
    result = cli("build", copy_site("mime_mismatch"), "-o", tmp_path / "out")
    assert result.stderr.startswith("warning: /report.json is served as text/html")
    assert "1 warning in" in result.stdout


def test_quiet_prints_nothing_on_success(copy_site, cli, tmp_path):
    result = cli("build", copy_site("mime_mismatch"), "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0
    assert result.output == ""
    assert (tmp_path / "out/index.html").is_file()


def test_quiet_still_prints_errors(copy_site, cli, tmp_path):
    result = cli("build", copy_site("broken_link"), "-o", tmp_path / "out", "-q")
    assert result.exit_code == 1
    assert "did not answer 200" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--no-such-option"],
        ["no-such-command"],
        ["build", "one", "two"],
        ["build", "--base-url"],
    ],
)
def test_usage_errors_exit_with_2(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert "Error:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_given_as_site_folder_is_a_usage_error(copy_site, cli):
    result = cli("build", copy_site("basic") / "app.py")
    assert result.exit_code == 2
    assert "is a file" in result.stderr


def test_the_installed_command_builds_and_exits_0(copy_site, tmp_path):
    proc = run_sitegen("build", copy_site("basic"), "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert SUMMARY.match(proc.stdout)
    assert (tmp_path / "out/index.html").is_file()


def test_the_installed_command_exits_1_on_a_user_error_without_a_traceback(
        copy_site, tmp_path):
    proc = run_sitegen("build", copy_site("view_error"), "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: /stats/: ZeroDivisionError")
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_the_installed_command_exits_2_on_a_usage_error():
    proc = run_sitegen("build", "--frobnicate")
    assert proc.returncode == 2
    assert "No such option" in proc.stderr


def test_the_installed_command_builds_the_current_folder_by_default(copy_site):
    site_dir = copy_site("basic")
    proc = run_sitegen("build", cwd=site_dir)
    assert proc.returncode == 0, proc.stderr
    assert (site_dir / "build/index.html").is_file()


def test_a_progress_bar_is_drawn_on_a_terminal_only(copy_site, tmp_path):
    site_dir = copy_site("half_fails")
    main, secondary = pty.openpty()
    try:
        proc = subprocess.run([SITEGEN, "build", site_dir, "-o", tmp_path / "out"],
                              stdout=subprocess.PIPE, stderr=secondary, text=True)
        os.close(secondary)
        terminal = os.read(main, 65536).decode()
    finally:
        os.close(main)
    assert proc.returncode == 0
    assert "[##############################] 21/21 URLs" in terminal
    assert "\x1b[K" in terminal  # the bar is cleared before the summary
    assert "URLs" not in proc.stdout

    piped = run_sitegen("build", site_dir, "-o", tmp_path / "out")
    assert "URLs" not in piped.stderr


def test_version_option(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert re.search(r"\d+\.\d+\.\d+", result.stdout)


# -- sitegen routes ----------------------------------------------------------------


def test_routes_lists_endpoints_rules_methods_and_url_counts(copy_site, cli):
    result = cli("routes", copy_site("basic"))
    assert result.exit_code == 0, result.output
    own, builtin = result.stdout.split("\n\nBuilt in:\n")
    rows = [line.split() for line in own.splitlines()]
    assert rows[0] == ["Endpoint", "Methods", "Rule", "URLs"]
    assert set(rows[1][0]) == {"-"}
    table = {row[0]: row[1:] for row in rows[2:]}
    assert table["index"] == ["GET", "/", "1"]
    assert table["product"] == ["GET", "/products/<int:id>/", "3"]
    assert table["named"] == ["GET", "/page/<name>/", "3"]
    assert table["doc"] == ["GET", "/docs/<slug>", "1"]
    assert table["old"] == ["GET", "/old/", "1"]
    assert list(table) == sorted(table)
    assert builtin.split() == ["static", "GET", "/static/<path:filename>", "3", "the", "files",
                               "in", "static/"]


def test_routes_counts_an_endpoints_urls_once_and_sets_sitegens_own_apart(copy_site, cli):
    result = cli("routes", copy_site("content_blog"))
    assert result.exit_code == 0, result.output
    own, builtin = result.stdout.split("\n\nBuilt in:\n")
    lines = own.splitlines()
    index = lines.index(next(line for line in lines if line.startswith("index ")))
    assert lines[index].split() == ["index", "GET", "/", "3"]
    assert lines[index + 1].split() == ["GET", "/page/<int:page>/"]  # no second count
    assert ".media" not in own and ".alias" not in own
    assert [line.split() for line in builtin.splitlines()] == [
        ["post.alias", "GET", "/2024/hello.html", "2", "aliases", "of", "pages", "in",
         "content/posts"],
        ["GET", "/old/hello/"],
        ["post.media", "GET", "/content/posts/<file:filename>", "2", "files", "linked", "from",
         "content/posts"],
    ]
    assert "files linked from content/posts" in builtin


def test_the_command_list_shows_each_help_line_whole(cli):
    result = cli("--help")
    for line in result.stdout.split("Commands:\n")[1].splitlines():
        assert not line.endswith("..."), line


def test_routes_counts_zero_for_an_endpoint_that_produced_nothing(copy_site, cli):
    result = cli("routes", copy_site("missing_generator"))
    assert result.exit_code == 0
    table = {row.split()[0]: row.split()[1:] for row in result.stdout.splitlines()[2:]
             if row.strip()}
    assert table["tag"] == ["GET", "/tags/<tag>/", "0"]


def test_routes_lists_methods_other_than_get(copy_site, cli):
    result = cli("routes", copy_site("discovery"))
    table = {row.split()[0]: row.split()[1:] for row in result.stdout.splitlines()[2:]
             if row.strip()}
    assert table["form"] == ["POST", "/form/", "0"]


def test_routes_reports_a_broken_site_as_an_error(copy_site, cli):
    result = cli("routes", copy_site("view_error"))
    assert result.exit_code == 1
    assert "ZeroDivisionError" in result.stderr


def on_a_terminal(*args, env=None) -> str:
    """What ``sitegen ARGS`` writes to stderr when stderr is a terminal."""
    main, secondary = pty.openpty()
    try:
        subprocess.run([SITEGEN, *map(str, args)], stdout=subprocess.PIPE, stderr=secondary,
                       env=env, check=False)
        os.close(secondary)
        return os.read(main, 65536).decode()
    finally:
        os.close(main)


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
def test_warnings_are_coloured_on_a_terminal_unless_no_color_is_set(
        copy_site, tmp_path, no_color, coloured):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color is not None:
        env["NO_COLOR"] = no_color
    terminal = on_a_terminal("build", copy_site("broken_link"), "-o", tmp_path / "out",
                             env=env)
    assert "warning: " in terminal or "error: " in terminal, terminal
    assert ("\x1b[3" in terminal) is coloured, terminal


def test_source_date_epoch_is_the_build_date_that_decides_future_posts(copy_site, tmp_path):
    site, out = copy_site("content_blog"), tmp_path / "out"

    def build_at(day: str) -> subprocess.CompletedProcess[str]:
        epoch = int(datetime.fromisoformat(f"{day}T00:00:00+00:00").timestamp())
        return subprocess.run([str(SITEGEN), "build", str(site), "-o", str(out), "-q"],
                              env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
                              capture_output=True, text=True, timeout=120)

    assert build_at("2998-12-31").returncode == 0
    assert not (out / "blog/future-post").exists()  # dated 2999-01-01
    assert build_at("2999-01-02").returncode == 0
    assert (out / "blog/future-post/index.html").exists()
    assert build_at("2998-12-31").returncode == 0  # the record depends on the date
    assert not (out / "blog/future-post").exists()
