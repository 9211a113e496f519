"""``/sitemap.xml`` and ``/robots.txt`` from ``add_sitemap``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from sitegen.loading import load_site
from sitegen.pipeline import Renderer

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def read_sitemap(path: Path) -> dict[str, str | None]:
    """``{loc: lastmod}`` of a sitemap file, parsed as XML."""
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    entries = {}
    for url in root.findall("sm:url", NS):
        lastmod = url.find("sm:lastmod", NS)
        entries[url.findtext("sm:loc", namespaces=NS)] = \
            lastmod.text if lastmod is not None else None
    return entries


def test_the_sitemap_lists_every_built_html_page_and_nothing_else(copy_site, cli, tmp_path):
    site = copy_site("sitemap")
    out = tmp_path / "out"
    result = cli("build", site, "-o", out)
    assert result.exit_code == 0, result.output

    # Pages found through a route, url_for only, a relative link, and an
    # extension-less route; not the redirect, the 404 page, the JSON file,
    # the static HTML file or the sitemap itself.
    assert read_sitemap(out / "sitemap.xml") == {
        "https://example.org/docs/": None,
        "https://example.org/docs/about/": "2024-01-02",
        "https://example.org/docs/people/ada/": None,
        "https://example.org/docs/people/zo%C3%AB/": "2024-03-04T05:06:07+00:00",
        "https://example.org/docs/plain": None,
    }
    for built in ("moved/index.html", "404.html", "data.json", "static/legacy.html"):
        assert (out / built).is_file()


def test_robots_txt_points_crawlers_at_the_sitemap(copy_site, cli, tmp_path):
    site = copy_site("sitemap")
    out = tmp_path / "out"
    assert cli("build", site, "-o", out).exit_code == 0
    assert (out / "robots.txt").read_text() == (
        "User-agent: *\nDisallow:\n\nSitemap: https://example.org/docs/sitemap.xml\n"
    )


def test_the_base_url_option_moves_every_sitemap_url(copy_site, cli, tmp_path):
    site = copy_site("sitemap")
    out = tmp_path / "out"
    result = cli("build", site, "-o", out, "--base-url", "https://docs.example.net/")
    assert result.exit_code == 0, result.output
    assert sorted(read_sitemap(out / "sitemap.xml")) == [
        "https://docs.example.net/",
        "https://docs.example.net/about/",
        "https://docs.example.net/people/ada/",
        "https://docs.example.net/people/zo%C3%AB/",
        "https://docs.example.net/plain",
    ]
    assert "Sitemap: https://docs.example.net/sitemap.xml" in (out / "robots.txt").read_text()


def test_rendering_the_sitemap_alone_gives_the_built_sitemap(copy_site, cli, tmp_path):
    """The preview server renders one URL at a time: its sitemap is the build's."""
    site_dir = copy_site("sitemap")
    out = tmp_path / "out"
    assert cli("build", site_dir, "-o", out).exit_code == 0
    rendered = Renderer(load_site(site_dir)).render("/sitemap.xml")
    assert rendered.status == 200
    assert rendered.mimetype == "application/xml"
    assert rendered.body == (out / "sitemap.xml").read_bytes()


def test_a_page_added_to_the_site_appears_in_the_next_sitemap(copy_site, cli, tmp_path):
    site = copy_site("sitemap")
    out = tmp_path / "out"
    assert cli("build", site, "-o", out).exit_code == 0
    page = site / "templates" / "page.html"
    page.write_text(page.read_text().replace("</ul>", '</ul><a href="/docs/people/new/">new</a>'))
    assert cli("build", site, "-o", out).exit_code == 0
    assert "https://example.org/docs/people/new/" in read_sitemap(out / "sitemap.xml")


def test_the_example_sitemap_lists_exactly_its_html_pages(example_build):
    output = example_build.output
    expected = set()
    for file in output.rglob("*.html"):
        rel = file.relative_to(output).as_posix()
        if rel == "404.html" or 'http-equiv="refresh"' in file.read_text():
            continue
        assert rel == "index.html" or rel.endswith("/index.html"), rel
        expected.add("https://example.org/" + rel[: -len("index.html")])
    entries = read_sitemap(output / "sitemap.xml")
    assert set(entries) == expected
    assert len(entries) > 30
    assert "https://example.org/page/3/" in entries  # found through pagination links
    assert entries["https://example.org/blog/make-is-still-fine/"] == "2024-11-18"  # updated
    assert entries["https://example.org/blog/hello-field-notes/"] == "2024-01-09"  # date
    assert entries["https://example.org/wiki/glossary/"] is None
    assert (output / "robots.txt").read_text().endswith(
        "Sitemap: https://example.org/sitemap.xml\n")
