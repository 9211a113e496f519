"""Which file each URL is written to: the rules static hosts agree on."""

from __future__ import annotations

import json
import os
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from sitegen.loading import load_site
from sitegen.pipeline import build
from sitegen.pipeline.paths import normalize_url, output_path

BASIC_FILES = {
    "404.html",
    "about/index.html",
    "away/index.html",
    "data.json",
    "docs/intro.html",
    "feed.xml",
    "index.html",
    "old/index.html",
    "page/I løvë Unicode/index.html",
    "page/café/index.html",
    "page/space here/index.html",
    "products/1/index.html",
    "products/2/index.html",
    "products/3/index.html",
    "static/css/site.css",
    "static/img/logo.svg",
    "static/img/paper.svg",
    "where/index.html",
}


@pytest.fixture
def basic_build(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    result = cli("build", copy_site("basic"), "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_every_url_lands_in_the_file_a_static_host_serves_for_it(basic_build, read_tree):
    assert set(read_tree(basic_build)) == BASIC_FILES


def test_root_and_slash_urls_become_index_files(basic_build):
    assert "<h1>Home</h1>" in (basic_build / "index.html").read_text()
    assert "<h1>About</h1>" in (basic_build / "about/index.html").read_text()
    assert "<h1>Product 2</h1>" in (basic_build / "products/2/index.html").read_text()


def test_extensionless_html_url_is_written_with_an_html_suffix(basic_build):
    assert "<h1>Doc intro</h1>" in (basic_build / "docs/intro.html").read_text()
    assert not (basic_build / "docs/intro").exists()


def test_urls_with_an_extension_keep_their_name(basic_build):
    feed = ET.parse(basic_build / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert json.loads((basic_build / "data.json").read_text()) == {
        "name": "Basic", "pages": [1, 2],
    }


def test_file_names_are_percent_decoded_and_nfc(basic_build):
    names = os.listdir(basic_build / "page")
    assert sorted(names) == sorted(["I løvë Unicode", "café", "space here"])
    for name in names:
        assert unicodedata.is_normalized("NFC", name)
        assert "%" not in name


def test_decomposed_and_composed_links_build_one_page(copy_site, tmp_path):
    site = load_site(copy_site("basic"))
    result = build(site, tmp_path / "out")
    cafes = [u for u in result.urls if u.startswith("/page/caf")]
    assert cafes == ["/page/café/"]
    assert "<h1>café</h1>" in (tmp_path / "out/page/café/index.html").read_text()


def test_query_string_and_fragment_are_ignored(copy_site, tmp_path):
    site = load_site(copy_site("basic"))
    result = build(site, tmp_path / "out")
    assert not [u for u in result.urls if "?" in u or "#" in u]
    assert not [p for p in (tmp_path / "out").rglob("*") if "?" in p.name or "#" in p.name]


@pytest.mark.parametrize(
    ("url", "mimetype", "path"),
    [
        ("/", "text/html", "index.html"),
        ("/a/b/", "text/html", "a/b/index.html"),
        ("/feed.xml", "application/atom+xml", "feed.xml"),
        ("/a/b", "text/html", "a/b.html"),
        ("/a/b", "text/plain", "a/b"),
        ("/a/b.txt", "text/plain", "a/b.txt"),
        ("/v1.2/notes", "text/html", "v1.2/notes.html"),
    ],
)
def test_output_path_rules(url, mimetype, path):
    assert output_path(url, mimetype) == path


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("/a/b/?page=2", "/a/b/"),
        ("/a/b/#top", "/a/b/"),
        ("/caf%C3%A9/", "/café/"),
        ("/cafe%CC%81/", "/café/"),
        ("/cafe\u0301/", "/café/"),
        ("", "/"),
    ],
)
def test_links_to_one_page_normalize_to_one_url(link, url):
    assert normalize_url(link) == url
