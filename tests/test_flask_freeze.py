"""Unmodified Flask apps and plain WSGI apps, built through the CLI; a Flask app's output
compared file by file with Frozen-Flask 1.0.2's."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("flask")

FACTORY = "app:create_app()"
EXAMPLE = Path(__file__).parent.parent / "example_site"


def frozen_flask_build(site_dir, destination):
    """What Frozen-Flask writes for the same app (its generator registered on it)."""
    flask_frozen = pytest.importorskip("flask_frozen")
    sys.path.insert(0, str(site_dir))
    try:
        from app import create_app
        from catalog import product_urls

        app = create_app()
        app.config["FREEZER_DESTINATION"] = str(destination)
        freezer = flask_frozen.Freezer(app)
        freezer.register_generator(product_urls)
        return freezer.freeze()
    finally:
        sys.path.remove(str(site_dir))
        for name in ("app", "catalog", "news"):
            sys.modules.pop(name, None)


def test_a_flask_app_builds_as_frozen_flask_freezes_it_plus_its_404_page(
        copy_site, cli, read_tree, tmp_path):
    site_dir = copy_site("flask_app")
    result = cli("build", site_dir, "--app", FACTORY, "-o", tmp_path / "sitegen", "--strict")
    assert result.exit_code == 0, result.output
    frozen_flask_build(site_dir, tmp_path / "frozen")
    ours, theirs = read_tree(tmp_path / "sitegen"), read_tree(tmp_path / "frozen")
    assert "404.html" in ours and "404.html" not in theirs  # a documented difference
    ours.pop("404.html")
    assert ours == theirs
    assert "catalog/static/catalog.css" in ours and "catalog/3/index.html" in ours


def test_the_examples_flask_shop_builds_as_frozen_flask_freezes_it_plus_its_404_page(
        cli, read_tree, tmp_path):
    """example_site/flask_shop: two static folders, a blueprint's templates, ``url_for('.x')``,
    a generator and a 404 handler, built as the README's ``make build`` builds it."""
    flask_frozen = pytest.importorskip("flask_frozen")
    site_dir = tmp_path / "flask_shop"
    shutil.copytree(EXAMPLE / "flask_shop", site_dir,
                    ignore=shutil.ignore_patterns("build", "__pycache__"))
    result = cli("build", site_dir, "--app", FACTORY, "-o", tmp_path / "sitegen", "--strict")
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(site_dir))
    try:
        from app import create_app

        app = create_app()
        app.config["FREEZER_DESTINATION"] = str(tmp_path / "frozen")
        flask_frozen.Freezer(app).freeze()
    finally:
        sys.path.remove(str(site_dir))
        for name in ("app", "shop"):
            sys.modules.pop(name, None)
    ours, theirs = read_tree(tmp_path / "sitegen"), read_tree(tmp_path / "frozen")
    assert "<h1>Not found</h1>" in ours.pop("404.html").decode()  # a documented difference
    assert ours == theirs
    assert {"shop/static/shop.css", "static/site.css", "shop/mug/index.html"} <= set(ours)


def test_a_flask_apps_404_page_is_its_handlers(copy_site, cli, tmp_path):
    result = cli("build", copy_site("flask_app"), "--app", FACTORY, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "<h1>Not found</h1>" in (tmp_path / "out/404.html").read_text()


def test_a_flask_app_is_found_without_naming_its_factory(copy_site, cli, tmp_path):
    result = cli("build", copy_site("flask_app"), "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/catalog/2/index.html").is_file()


def test_a_flask_app_rebuilds_every_url_and_rewrites_no_unchanged_file(
        copy_site, cli, tmp_path):
    site_dir = copy_site("flask_app")
    args = ("build", site_dir, "--app", FACTORY, "-o", tmp_path / "out")
    assert cli(*args).exit_code == 0
    template = site_dir / "catalog/templates/catalog/product.html"
    template.write_text(template.read_text().replace("<h1>", "<h1 class=p>"))
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "(14 rendered, 0 reused" in result.output
    assert '<h1 class=p>Cup</h1>' in (tmp_path / "out/catalog/3/index.html").read_text()


def test_routes_lists_a_flask_apps_rules_and_static_folders(copy_site, cli):
    result = cli("routes", copy_site("flask_app"), "--app", FACTORY)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[2:]
            if line.strip() and not line.startswith("Built in")}
    assert rows["catalog.product"] == ["GET", "/catalog/<int:id>/", "3"]
    assert rows["catalog.static"][:3] == ["GET", "/catalog/static/<path:filename>", "1"]


def test_a_view_error_in_a_flask_app_names_the_url(copy_site, cli, tmp_path):
    site_dir = copy_site("flask_app")
    news = site_dir / "news/__init__.py"
    news.write_text(news.read_text().replace('return f"<h1>{STORIES[slug]}</h1>"',
                                             'raise RuntimeError("no story")'))
    result = cli("build", site_dir, "--app", FACTORY, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "/news/launch/: RuntimeError: no story" in result.output


def test_a_wsgi_app_is_crawled_from_its_start_urls_and_url_list(copy_site, cli, read_tree):
    site_dir = copy_site("flask_wsgi")
    result = cli("build", site_dir, "--app", "app:application", "--start", "/",
                 "--urls", site_dir / "urls.txt", "-o", site_dir / "out")
    assert result.exit_code == 0, result.output
    assert sorted(read_tree(site_dir / "out")) == [
        "dot.txt", "hidden/index.html", "index.html", "one/index.html", "style.css",
        "two/index.html"]


def test_a_wsgi_app_starts_from_the_root_by_default(copy_site, cli, read_tree):
    site_dir = copy_site("flask_wsgi")
    result = cli("build", site_dir, "--app", "app:application", "-o", site_dir / "out")
    assert result.exit_code == 0, result.output
    assert "hidden/index.html" not in read_tree(site_dir / "out")
    assert "two/index.html" in read_tree(site_dir / "out")


def test_serve_previews_a_flask_app_with_what_the_build_writes(copy_site):
    site_dir = copy_site("flask_app")
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site_dir), "--app", FACTORY,
         "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"(http://\S+/)", line)[1]
        with urllib.request.urlopen(url + "catalog/2/") as response:
            assert "<h1>Teapot</h1>" in response.read().decode()
        with urllib.request.urlopen(url + "catalog/static/catalog.css") as response:
            assert response.read() == b"ul { list-style: square; }\n"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "no/such/page/")
        assert missing.value.code == 404
        assert "<h1>Not found</h1>" in missing.value.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
