"""``sitegen new``: each starter builds with ``--strict`` at once, and serves."""

from __future__ import annotations

import pytest
from serve_support import running

STARTERS = ["blog", "wiki", "docs"]


@pytest.mark.parametrize("starter", STARTERS)
def test_each_starter_builds_strict_with_no_broken_link_or_anchor(cli, tmp_path, starter):
    site = tmp_path / "mysite"
    created = cli("new", site, "--template", starter)
    assert created.exit_code == 0, created.output
    assert f"Created a {starter} site in {site}" in created.stdout
    built = cli("build", site, "--strict")
    assert built.exit_code == 0, built.output
    assert "0 warnings" in built.stdout
    output = site / "build"
    assert (output / "index.html").is_file() and (output / "404.html").is_file()
    assert (output / "static/theme.css").is_file()


@pytest.mark.parametrize("starter", STARTERS)
def test_each_starter_has_commented_routes_a_gitignore_and_the_theme(cli, tmp_path, starter):
    site = tmp_path / "mysite"
    cli("new", site, "--template", starter)
    app = (site / "app.py").read_text()
    assert 'Site(__name__, theme="default")' in app
    assert app.count("@site.route(") >= 4 and app.count('"""') >= 8  # routes say what they do
    ignored = (site / ".gitignore").read_text().split()
    assert "/build/" in ignored and ".sitegen-cache/" in ignored


def test_the_blog_layout_extends_the_themes_and_overrides_blocks(cli, tmp_path):
    site = tmp_path / "blog"
    cli("new", site)
    layout = (site / "templates/base.html").read_text()
    assert '{% extends "theme/base.html" %}' in layout and "{% block footer %}" in layout
    cli("build", site)
    home = (site / "build/index.html").read_text()
    assert 'href="/feed.xml">Feed</a> · made with sitegen' in home
    assert '<a class="site-name" href="/">My blog</a>' in home


def test_new_refuses_a_folder_that_is_not_empty(cli, tmp_path):
    site = tmp_path / "mysite"
    site.mkdir()
    (site / "notes.txt").write_text("mine")
    result = cli("new", site)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {site} already exists and is not an empty folder")
    assert sorted(p.name for p in site.iterdir()) == ["notes.txt"]


def test_new_fills_an_empty_folder(cli, tmp_path):
    result = cli("new", tmp_path, "--template", "docs")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "app.py").is_file()


def test_an_unknown_starter_is_a_usage_error(cli, tmp_path):
    result = cli("new", tmp_path / "site", "--template", "shop")
    assert result.exit_code == 2
    assert "'shop' is not one of 'blog', 'docs', 'wiki'" in result.stderr


def test_a_new_site_serves_at_once(cli, tmp_path):
    site = tmp_path / "wiki"
    cli("new", site, "--template", "wiki")
    with running(site) as server:
        home = server.get("/")
        assert home.status == 200 and b"<h1>Home</h1>" in home.body
        assert server.get("/static/theme.js").status == 200
        assert server.get("/writing-notes/").status == 200


def test_the_docs_starter_goes_through_its_chapters_in_their_order(cli, tmp_path):
    site = tmp_path / "docs"
    cli("new", site, "--template", "docs")
    cli("build", site, "--strict")
    writing = (site / "build/guide/writing/index.html").read_text()
    assert '<a href="/" rel="prev"><span>Previous</span>Welcome</a>' in writing
    assert '<a href="/guide/publishing/" rel="next"><span>Next</span>Publishing</a>' in writing
