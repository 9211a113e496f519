"""URLs in the output: base URL with a subpath, relative URLs, redirects, 404."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest

from sitegen.loading import load_site
from sitegen.pipeline import build

CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def links_in(path: Path) -> list[str]:
    """Every URL an HTML or CSS file refers to, found by a real parser."""
    if path.suffix == ".css":
        return CSS_URL.findall(path.read_text())
    found = []
    for element in parse(path).iter():
        for name in ("href", "src"):
            if element.get(name):
                found.append(element.get(name))
        if element.get("srcset"):
            found += [c.split()[0] for c in element.get("srcset").split(",")]
        if element.tag == "meta" and element.get("http-equiv") == "refresh":
            found.append(element.get("content").split("url=", 1)[1])
    return found


def is_external(link: str) -> bool:
    parts = urlsplit(link)
    return bool(parts.scheme or parts.netloc)


def html_and_css(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.suffix in (".html", ".css"))


# -- base URL with a subpath -------------------------------------------------


@pytest.fixture
def subpath_build(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    result = cli("build", copy_site("basic"), "-o", out,
                 "--base-url", "https://example.org/blog/")
    assert result.exit_code == 0, result.output
    return out, result


def test_files_stay_at_the_output_root_under_a_base_path(subpath_build):
    out, _ = subpath_build
    assert (out / "index.html").is_file()
    assert (out / "about/index.html").is_file()
    assert (out / "404.html").is_file()
    assert not (out / "blog").exists()


def test_url_for_puts_the_base_path_before_every_url(subpath_build):
    out, _ = subpath_build
    links = links_in(out / "index.html")
    internal = [link for link in links if not is_external(link)]
    assert "/blog/static/css/site.css" in internal
    assert "/blog/products/1/" in internal
    assert "/blog/page/I%20l%C3%B8v%C3%AB%20Unicode/" in internal
    hard_coded = {"/page/cafe%CC%81/", "/page/caf%C3%A9/?from=home#top"}
    assert [link for link in internal if not link.startswith("/blog/")
            and link not in hard_coded] == []


def test_external_url_for_is_absolute_under_the_base_url(subpath_build):
    out, _ = subpath_build
    feed = (out / "feed.xml").read_text()
    assert "<id>https://example.org/blog/</id>" in feed
    where = (out / "where/index.html").read_text()
    assert "https://example.org/blog/where/" in where


def test_hard_coded_links_outside_the_base_path_warn(subpath_build):
    _, result = subpath_build
    assert "the link /page/cafe%CC%81/ lies outside the base URL's path /blog/" \
        in result.stderr


def test_redirects_lead_to_the_base_path(subpath_build):
    out, _ = subpath_build
    assert links_in(out / "old/index.html") == ["/blog/about/", "/blog/about/", "/blog/about/"]


@pytest.mark.parametrize("base", ["example.org/blog/", "ftp://example.org/", "https:///x/"])
def test_a_base_url_that_is_not_absolute_http_is_a_clear_error(copy_site, cli, tmp_path,
                                                               read_tree, base):
    site = copy_site("basic")
    out = tmp_path / "out"
    assert cli("build", site, "-o", out).exit_code == 0
    before = read_tree(out)
    result = cli("build", site, "-o", out, "--base-url", base)
    assert result.exit_code == 1
    assert f"The base URL {base!r} is not an absolute http(s) URL." in result.output
    assert "Traceback" not in result.output
    assert read_tree(out) == before


def test_base_url_from_config_works_as_the_option(copy_site, tmp_path):
    site = load_site(copy_site("basic"))
    site.config["BASE_URL"] = "https://example.org/blog/"
    build(site, tmp_path / "out")
    assert "/blog/products/1/" in links_in(tmp_path / "out/index.html")
    assert not (tmp_path / "out/blog").exists()


# -- relative URLs -------------------------------------------------------------


def relative_build(site_dir: Path, out: Path, base_url: str | None = None) -> Path:
    site = load_site(site_dir)
    site.config["RELATIVE_URLS"] = True
    if base_url:
        site.config["BASE_URL"] = base_url
    build(site, out)
    return out


def assert_links_resolve_on_disk(out: Path, off_site: frozenset[str] = frozenset()) -> int:
    """Every internal link must name a file that exists, as ``file://`` needs."""
    checked = 0
    for page in html_and_css(out):
        if page.name == "404.html":
            continue
        for link in links_in(page):
            if is_external(link) or link.startswith("#") or link in off_site:
                continue
            assert not link.startswith("/"), f"{page}: {link} is root-relative"
            target = posixpath.normpath(posixpath.join(
                page.parent.relative_to(out).as_posix(), unquote(urlsplit(link).path)))
            assert not target.startswith(".."), f"{page}: {link} leaves the site"
            assert (out / target).is_file(), f"{page}: {link} → {target} is not a file"
            checked += 1
    return checked


def test_relative_urls_make_every_internal_link_a_file_on_disk(copy_site, tmp_path):
    out = relative_build(copy_site("basic"), tmp_path / "out")
    assert assert_links_resolve_on_disk(out) > 50


def test_relative_urls_point_at_files_not_folders(copy_site, tmp_path):
    out = relative_build(copy_site("basic"), tmp_path / "out")
    links = links_in(out / "products/1/index.html")
    assert "../../static/css/site.css" in links
    assert "../../about/index.html" in links
    assert "../../index.html" in links
    assert "docs/intro.html" in links_in(out / "index.html")
    # /docs/intro is written as docs/intro.html: its links start from docs/.
    assert "../about/index.html" in links_in(out / "docs/intro.html")


def test_decomposed_links_are_rewritten_to_the_nfc_file(copy_site, tmp_path):
    out = relative_build(copy_site("basic"), tmp_path / "out")
    assert "page/caf%C3%A9/index.html" in links_in(out / "index.html")
    assert "page/cafe%CC%81/index.html" not in links_in(out / "index.html")


def test_relative_urls_keep_the_query_and_fragment(copy_site, tmp_path):
    out = relative_build(copy_site("basic"), tmp_path / "out")
    assert "page/caf%C3%A9/index.html?from=home#top" in links_in(out / "index.html")


def test_relative_urls_work_with_a_base_path(copy_site, tmp_path):
    out = relative_build(copy_site("basic"), tmp_path / "out",
                         base_url="https://example.org/blog/")
    # The two hard-coded links lie outside /blog/: they are left alone (and warned of).
    off_site = frozenset({"/page/cafe%CC%81/", "/page/caf%C3%A9/?from=home#top"})
    assert assert_links_resolve_on_disk(out, off_site) > 30
    assert "../about/index.html" in links_in(out / "old/index.html")


def test_relative_urls_leave_external_urls_absolute(copy_site, tmp_path):
    out = relative_build(copy_site("basic"), tmp_path / "out")
    assert "<id>https://example.org/</id>" in (out / "feed.xml").read_text()
    assert links_in(out / "away/index.html")[0] == "https://example.com/elsewhere"


def test_the_404_page_keeps_root_relative_links(copy_site, tmp_path):
    # A host serves 404.html at any depth, where relative links would break.
    out = relative_build(copy_site("basic"), tmp_path / "out")
    assert "/static/css/site.css" in links_in(out / "404.html")


def test_relative_css_urls_stay_relative(copy_site, tmp_path):
    out = relative_build(copy_site("discovery"), tmp_path / "out")
    css = (out / "static/site.css").read_text()
    assert 'url("../fonts/body.woff2")' in css
    assert '@import "../css/imported.css"' in css


# -- redirects and the 404 page ------------------------------------------------


def test_a_redirect_becomes_a_meta_refresh_page(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    assert cli("build", copy_site("basic"), "-o", out).exit_code == 0
    doc = parse(out / "old/index.html")
    refresh = doc.find(".//meta[@http-equiv='refresh']")
    assert refresh.get("content") == "0; url=/about/"
    assert doc.find(".//link[@rel='canonical']").get("href") == "/about/"
    assert doc.find(".//body//a").get("href") == "/about/"


def test_an_external_redirect_leads_off_the_site_without_fetching(copy_site, tmp_path):
    site = load_site(copy_site("basic"))
    result = build(site, tmp_path / "out")
    assert result.urls["/away/"].location == "https://example.com/elsewhere"
    assert links_in(tmp_path / "out/away/index.html") == ["https://example.com/elsewhere"] * 3
    assert result.counts["redirects"] == 2


def test_the_404_handler_becomes_404_html(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    assert cli("build", copy_site("basic"), "-o", out).exit_code == 0
    assert parse(out / "404.html").find(".//h1").text == "Not found"


def test_no_404_handler_no_404_html(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    assert cli("build", copy_site("missing_generator"), "-o", out).exit_code == 0
    assert not (out / "404.html").exists()
