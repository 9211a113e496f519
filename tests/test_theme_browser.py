"""The built-in theme in a real browser (Debian's Chromium, driven by Playwright):
phone and desktop widths, light and dark, no sideways scrolling; the toggle,
copy buttons and the header's search work.  Screenshots go to a temporary folder."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect, sync_playwright
from serve_support import running

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT_MS = 10_000
PAGES = {"home": "", "post": "posts/hello-world/", "tags": "tags/", "archive": "archive/"}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from click.testing import CliRunner

    from sitegen.cli import main

    site = tmp_path_factory.mktemp("theme") / "blog"
    result = CliRunner().invoke(main, ["new", str(site)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with running(site) as preview:
        yield preview


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_theme_fits_the_width_in_light_and_dark(browser, server, tmp_path_factory,
                                                     width, scheme):
    shots = tmp_path_factory.mktemp(f"screenshots-{width}-{scheme}")
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme)
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow} px too wide at {width} px"
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (background == "rgb(13, 17, 23)") is (scheme == "dark"), background
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    finally:
        context.close()
    print(f"screenshots in {shots}")
    assert len(list(shots.glob("*.png"))) == len(PAGES)


def test_the_toggle_switches_light_and_dark_and_remembers(browser, server):
    context = browser.new_context(color_scheme="light")
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        page.goto(server.url)
        toggle = page.locator(".theme-toggle")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.click()
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        expect(toggle).to_have_attribute("aria-pressed", "true")
        page.goto(server.url + "tags/")
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    finally:
        context.close()


def test_code_blocks_get_a_copy_button_and_the_header_searches(browser, server):
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        page.goto(server.url + "posts/hello-world/")
        expect(page.locator(".highlight .copy-button")).to_have_text("Copy")
        page.locator("#site-search-input").fill("publishing")
        result = page.locator("#site-search-results a").first
        expect(result).to_have_text("How this site works › Publishing")
        page.keyboard.press("ArrowDown")
        expect(result).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url("**/posts/how-this-site-works/#publishing")
    finally:
        context.close()


CONTRAST = """() => {
  function rgb(color) { return color.match(/[\\d.]+/g).slice(0, 3).map(Number); }
  function luminance(color) {
    const [r, g, b] = rgb(color).map(function (c) {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function ratio(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort(function (x, y) { return y - x; });
    return (hi + 0.05) / (lo + 0.05);
  }
  const background = getComputedStyle(document.body).backgroundColor;
  const found = {};
  for (const selector of ["body", ".meta", "time", "main a", ".site-nav a", "footer"]) {
    const element = document.querySelector(selector);
    if (element) found[selector] = ratio(getComputedStyle(element).color, background);
  }
  return found;
}"""

OUTLINE = """() => {
  const levels = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"))
    .map(function (h) { return Number(h.tagName[1]); });
  return {
    lang: document.documentElement.lang,
    levels: levels,
    imagesWithoutAlt: document.querySelectorAll("img:not([alt])").length,
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_theme_is_readable_and_its_headings_in_order(browser, server, scheme):
    context = browser.new_context(color_scheme=scheme)
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        for path in PAGES.values():
            page.goto(server.url + path)
            ratios = page.evaluate(CONTRAST)
            assert {"body", "main a", ".site-nav a", "footer"} <= set(ratios), ratios
            assert min(ratios.values()) >= 4.5, (path, ratios)  # WCAG AA for text
            outline = page.evaluate(OUTLINE)
            assert outline["lang"] == "en" and outline["imagesWithoutAlt"] == 0
            levels = outline["levels"]
            assert levels[0] == 1 and levels.count(1) == 1, (path, levels)
            assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), \
                (path, levels)
    finally:
        context.close()


def test_the_keyboard_reaches_the_skip_link_first_and_focus_shows(browser, server):
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    try:
        page = context.new_page()
        page.goto(server.url)
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
    finally:
        context.close()
