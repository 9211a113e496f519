"""The search index (``search_index``) and the example site's search page."""

from __future__ import annotations

import json
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import html5lib
import pytest


@pytest.fixture
def search_build(copy_site, cli, tmp_path):
    out = tmp_path / "out"
    result = cli("build", copy_site("search"), "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_each_page_has_a_title_url_headings_and_plain_text(search_build):
    index = json.loads((search_build / "search.json").read_text(encoding="utf-8"))
    assert index == [
        {
            "title": 'Tom & Jerry <3 "quotes"',
            "url": "/kb/a/ampersands/",
            "headings": [{"id": "first-section", "text": "First section"},
                         {"id": "second-section", "text": "Second section"}],
            "text": "Cats & mice, compared with a < b and a non-ASCII word: naïve café. "
                    "First section Some words here. Second section More words, and a link.",
        },
        {
            "title": "A page in a folder",
            "url": "/kb/a/other/deep/",
            "headings": [{"id": "a-page-in-a-folder", "text": "A page in a folder"}],
            "text": "A page in a folder Its title comes from its heading, and its text is "
                    "plain: bold and emphasis lose their markup.",
        },
    ]


def test_the_index_is_served_as_utf8_json(copy_site):
    from sitegen.loading import load_site

    response = load_site(copy_site("search")).test_client().get(
        "/search.json", base_url="https://example.org/kb/")
    assert response.headers["Content-Type"] == "application/json"
    assert "naïve café" in response.get_data().decode("utf-8")


def test_max_chars_cuts_the_text_at_a_word(search_build):
    index = json.loads((search_build / "short.json").read_text(encoding="utf-8"))
    assert [entry["text"] for entry in index] == [
        "Cats & mice, compared with a < b and a",
        "A page in a folder Its title comes from",
    ]
    assert len(index[0]["headings"]) == 2


def test_the_example_index_covers_every_published_page(example_build):
    output = example_build.output
    index = json.loads((output / "search.json").read_text(encoding="utf-8"))
    assert all(set(entry) == {"title", "url", "headings", "text"} for entry in index)
    urls = [entry["url"] for entry in index]
    assert len(urls) == len(set(urls)) == 10 + 10  # the posts and the wiki pages
    assert "/blog/notes-on-type-hints/" not in urls  # the draft
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    for entry in index:
        file = output / entry["url"].lstrip("/") / "index.html"
        assert file.is_file(), entry["url"]
        ids = {e.get("id") for e in parser.parse(file.read_bytes()).iter() if e.get("id")}
        assert {h["id"] for h in entry["headings"]} <= ids, entry["url"]
        assert "<p>" not in entry["text"]


@pytest.mark.browser
def test_the_search_page_filters_as_you_type(example_build):
    from playwright.sync_api import sync_playwright

    handler = partial(SimpleHTTPRequestHandler, directory=str(example_build.output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/search/")
            page.fill("#search-input", "sqlite")
            page.wait_for_selector("#search-results li")
            titles = page.locator("#search-results li a").all_text_contents()
            assert titles[0] == "SQLite for small tools"
            page.fill("#search-input", "sqlite wal pragma")
            page.wait_for_function(
                "document.querySelectorAll('#search-results li').length === 1")
            assert page.text_content("#search-status") == "1 page found"
            page.fill("#search-input", "no such words anywhere")
            page.wait_for_function(
                "document.getElementById('search-status').textContent === '0 pages found'")
            assert page.locator("#search-results li").count() == 0
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
