"""Live reload in a real browser: Debian's Chromium driven by Playwright.

A page sets ``window.marker`` after loading; the variable survives only
as long as the page is not reloaded, so it tells a reload from an update
in place.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from serve_support import edit, running

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


def open_tab(context, url: str) -> Page:
    """A tab showing ``url``, connected for live reload, marked."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.__sitegen && window.__sitegen.connected")
    page.evaluate("window.marker = 'not reloaded'")
    return page


def reloaded(page: Page) -> bool:
    return page.evaluate("window.marker") is None


def test_a_markdown_edit_shows_up_and_an_unrelated_tab_stays(context, copy_site):
    site = copy_site("serve_markdown")
    with running(site) as server:
        post = open_tab(context, server.url + "posts/hello/")
        about = open_tab(context, server.url + "about/")
        source = site / "content/posts/hello.md"
        edit(source, source.read_text().replace("says *hello*", "says *good morning*"))
        expect(post.locator("#body em")).to_have_text("good morning")
        assert reloaded(post)
        assert not reloaded(about)
        assert "1 reloaded" in server.lines[0]  # the post's tab, not /about/'s
        # A later change that touches /about/ proves its tab was listening.
        about_template = site / "templates/about.html"
        edit(about_template, about_template.read_text().replace("A Markdown blog.", "Changed."))
        expect(about.locator("#body")).to_have_text("Changed.")


def test_a_template_edit_shows_up_without_a_manual_reload(context, copy_site):
    site = copy_site("serve_blog")
    with running(site) as server:
        page = open_tab(context, server.url + "about")
        template = site / "templates/about.html"
        edit(template, template.read_text().replace("A blog to preview.", "Edited live."))
        expect(page.locator("#body")).to_have_text("Edited live.")


def test_a_stylesheet_edit_is_swapped_in_without_a_reload(context, copy_site):
    site = copy_site("serve_markdown")
    with running(site) as server:
        page = open_tab(context, server.url + "posts/hello/")
        title = page.locator("#title")
        expect(title).to_have_css("color", "rgb(0, 0, 128)")
        edit(site / "static/style.css", "h1 { color: rgb(200, 10, 10); }\n")
        expect(title).to_have_css("color", "rgb(200, 10, 10)")
        assert not reloaded(page)
        assert page.evaluate("window.__sitegen.swapped") == 1
        hrefs = page.eval_on_selector_all('link[rel="stylesheet"]', "ls => ls.map(l => l.href)")
        assert len(hrefs) == 1 and "/static/style.css?sitegen=" in hrefs[0]


def test_a_template_syntax_error_shows_an_overlay_and_recovers(context, copy_site):
    site = copy_site("serve_markdown")
    with running(site) as server:
        page = open_tab(context, server.url + "posts/hello/")
        template = site / "templates/post.html"
        good = template.read_text()
        edit(template, good.replace("{% endif %}", "{% endiff %}"))
        overlay = page.locator("#__sitegen-overlay")
        expect(overlay.locator("h1")).to_have_text("Template error")
        expect(overlay.locator("pre")).to_contain_text(
            "templates/post.html:5: template syntax error")
        assert not reloaded(page)
        edit(template, good.replace("<article>", "<article class=fixed>"))
        expect(page.locator("article.fixed #title")).to_be_visible()
        expect(overlay).to_have_count(0)


def test_an_error_in_app_py_does_not_stop_the_server(context, copy_site):
    site = copy_site("serve_markdown")
    with running(site) as server:
        page = open_tab(context, server.url + "posts/hello/")
        app = site / "app.py"
        good = app.read_text()
        edit(app, good.replace("def about():", "def about(:"))
        expect(page.locator("#__sitegen-overlay h1")).to_have_text("App load error")
        # A page opened now gets the error page, with status 500.
        fresh = context.new_page()
        response = fresh.goto(server.url + "about/")
        assert response is not None and response.status == 500
        expect(fresh.locator(".sitegen-error pre")).to_contain_text("syntax error")
        fresh.wait_for_function("window.__sitegen && window.__sitegen.connected")
        edit(app, good.replace('"Markdown Blog"', '"Fixed Blog"'))
        # The error page turns into the page; the post, whose bytes are as
        # before, just drops its overlay.
        expect(fresh).to_have_title("Fixed Blog")
        expect(fresh.locator("#title")).to_have_text("About")
        expect(page.locator("#__sitegen-overlay")).to_have_count(0)
        assert not reloaded(page)


def test_many_tabs_share_one_connection(context, copy_site):
    site = copy_site("serve_blog")
    with running(site) as server:
        tabs = [open_tab(context, server.url + ("posts/first/" if n % 2 else "about"))
                for n in range(8)]
        assert all(tab.evaluate("window.__sitegen.shared") for tab in tabs)
        assert server.server.preview.live.hub.streams() == 1
        edit(site / "posts/first.txt", "First post\nEight tabs, one stream.\n")
        for tab in tabs[1::2]:
            expect(tab.locator("#body")).to_have_text("Eight tabs, one stream.")
            assert reloaded(tab)
        assert not any(reloaded(tab) for tab in tabs[::2])
        assert server.server.preview.live.hub.streams() == 1


def test_without_shared_workers_each_tab_has_its_own_stream(context, copy_site):
    context.add_init_script("delete window.SharedWorker;")
    site = copy_site("serve_blog")
    with running(site) as server:
        post = open_tab(context, server.url + "posts/first/")
        about = open_tab(context, server.url + "about")
        assert post.evaluate("window.__sitegen.shared") is False
        assert server.server.preview.live.hub.streams() == 2
        edit(site / "posts/first.txt", "First post\nOwn stream.\n")
        expect(post.locator("#body")).to_have_text("Own stream.")
        assert not reloaded(about)
