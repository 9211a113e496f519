"""``sitegen serve`` over HTTP: the same bytes as the build, by a static host's rules."""

from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest
from serve_support import SCRIPT, running

from sitegen.loading import load_site
from sitegen.pipeline import build

EXAMPLE_SITE = Path(__file__).parent.parent / "example_site"


def built_urls(site_dir: Path, out: Path, drafts: bool) -> dict[str, str]:
    """Build the site; map each URL it rendered to the file it wrote."""
    site = load_site(site_dir)
    site.config["DRAFTS"] = site.config["FUTURE"] = drafts  # --drafts --future
    result = build(site, out)
    return {url: item.path for url, item in result.urls.items()}


def assert_serves_the_build(site_dir: Path, out: Path, read_tree, prefix: str = "",
                            drafts: bool = False) -> int:
    urls = built_urls(site_dir, out, drafts)
    files = read_tree(out)
    with running(site_dir, drafts=drafts) as server:
        for url, path in sorted(urls.items()):
            # Each URL, and each file by its own name, as a host is asked for it.
            for request in {prefix + url, f"{prefix}/{path}"}:
                served = server.get(request)
                expected = 404 if path == "404.html" else 200
                assert served.status == expected, (request, served.status)
                assert served.unscripted == files[path], request
                if served.headers.get_content_type() == "text/html":
                    assert len(SCRIPT.findall(served.body)) == 1
                else:
                    assert served.body == files[path]
    return len(urls)


def test_every_url_is_served_with_the_bytes_the_build_writes(copy_site, tmp_path, read_tree):
    assert assert_serves_the_build(copy_site("serve_blog"), tmp_path / "out", read_tree) == 9


def test_relative_urls_are_served_as_the_build_writes_them(copy_site, tmp_path, read_tree):
    site = copy_site("serve_blog")
    with open(site / "app.py", "a") as f:
        f.write('site.config["RELATIVE_URLS"] = True\n')
    assert_serves_the_build(site, tmp_path / "out", read_tree)
    built = (tmp_path / "out/posts/first/index.html").read_bytes()
    assert b'href="../../static/style.css"' in built


def test_a_base_url_subpath_is_honoured(copy_site, tmp_path, read_tree):
    site = copy_site("serve_blog")
    with open(site / "app.py", "a") as f:
        f.write('site.config["BASE_URL"] = "https://example.org/blog/"\n')
    assert_serves_the_build(site, tmp_path / "out", read_tree, prefix="/blog")
    with running(site) as server:
        assert server.url.endswith("/blog/")
        outside = server.get("/posts/first/")
        assert outside.status == 404
        assert b"published under /blog/" in outside.body
        bare = server.get("/blog")
        assert (bare.status, bare.headers["Location"]) == (302, "/blog/")


def test_markdown_pages_and_drafts_are_served_as_built_with_drafts(copy_site, tmp_path,
                                                                   read_tree):
    site = copy_site("serve_markdown")
    # Home, about, three posts (the draft too) and a stylesheet; nothing links
    # /highlight.css, so it is not built.
    assert assert_serves_the_build(site, tmp_path / "out", read_tree, drafts=True) == 6
    assert b'Unfinished <em class="draft">draft</em>' in \
        (tmp_path / "out/posts/draft/index.html").read_bytes()


def test_example_site_is_served_with_the_bytes_the_build_writes(tmp_path, read_tree):
    import shutil

    site = tmp_path / "example_site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("build", ".sitegen-cache"))
    assert assert_serves_the_build(site, tmp_path / "out", read_tree) > 20


@pytest.mark.parametrize("first", ["/2025/09/tools/", "/content/posts/images/request-flow.svg"])
def test_an_alias_or_a_pages_image_answers_as_the_first_request(tmp_path, first):
    import shutil

    site = tmp_path / "example_site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("build", ".sitegen-cache"))
    with running(site) as server:
        served = server.get(first)
    assert served.status == 200, served.body[:200]
    assert served.body.strip()


@pytest.fixture
def blog(copy_site):
    with running(copy_site("serve_blog")) as server:
        yield server


@pytest.mark.parametrize(("same", "other"), [
    ("/posts/first/", "/posts/first/index.html"),
    ("/about", "/about.html"),
    ("/", "/index.html"),
])
def test_a_page_answers_at_each_of_its_static_host_names(blog, same, other):
    first, second = blog.get(same), blog.get(other)
    assert first.status == second.status == 200
    assert first.body == second.body


def test_a_folder_without_its_slash_redirects_to_it(blog):
    served = blog.get("/posts/first?x=1")
    assert served.status == 302
    assert served.headers["Location"] == "/posts/first/?x=1"


def test_an_unknown_url_gets_the_sites_404_page(blog, tmp_path):
    served = blog.get("/no/such/page/")
    assert served.status == 404
    assert b'<h1 id="title">Not found</h1>' in served.body
    assert served.unscripted == blog.get("/404.html").unscripted


def test_an_unknown_url_gets_a_plain_404_without_a_404_page(copy_site):
    site = copy_site("serve_blog")
    text = (site / "app.py").read_text().replace("@site.errorhandler(404)", "")
    (site / "app.py").write_text(text.replace("def not_found(error):", "def _unused(error):"))
    with running(site) as server:
        served = server.get("/nothing.html")
        assert served.status == 404
        assert b"<code>/nothing.html</code> is not a page of this site." in served.body
        assert SCRIPT.search(served.body)  # it reloads once the page exists


def test_a_plain_404_links_to_the_pages_with_the_closest_urls(copy_site):
    site = copy_site("serve_blog")
    text = (site / "app.py").read_text().replace("@site.errorhandler(404)", "")
    (site / "app.py").write_text(text.replace("def not_found(error):", "def _unused(error):"))
    with running(site) as server:
        served = server.get("/posts/frist/")
        assert served.status == 404
        links = re.findall(rb'<li><a href="([^"]*)">', served.body)
        assert links[0] == b"/posts/first/"
        assert b"/about" not in links
        nowhere = server.get("/zzzzzzzzzzzzzzzzzzzz/")
        assert re.findall(rb'<li><a href="([^"]*)">', nowhere.body) == [b"/"]


def test_a_redirect_is_served_as_the_builds_redirect_page(blog):
    served = blog.get("/old/")
    assert served.status == 200
    assert b'<meta http-equiv="refresh" content="0; url=/about">' in served.unscripted


def test_a_static_file_is_sent_from_the_source_folder(blog):
    served = blog.get("/static/dot.svg")
    assert served.status == 200
    assert served.headers.get_content_type() == "image/svg+xml"
    site = blog.server.preview.root
    assert served.body == (site / "static/dot.svg").read_bytes()


def test_a_non_html_response_gets_no_script(blog):
    served = blog.get("/feed.xml")
    assert served.status == 200
    assert b"<entry><title>First post</title></entry>" in served.body
    assert b"__sitegen" not in served.body


def test_nothing_is_cached_by_the_browser(blog):
    for path in ("/", "/static/style.css", "/__sitegen/reload.js", "/nope"):
        assert blog.get(path).headers["Cache-Control"] == "no-store"


def test_the_reserved_prefix_serves_the_preview_files(blog):
    script = blog.get("/__sitegen/reload.js")
    assert script.status == 200
    assert script.headers.get_content_type() == "text/javascript"
    assert b"new EventSource(" in script.body
    assert blog.get("/__sitegen/overlay.css").status == 200
    assert blog.get("/__sitegen/secret").status == 404


def test_only_get_and_head_are_answered(blog):
    assert blog.get("/", method="POST").status == 405
    head = blog.get("/about", method="HEAD")
    assert (head.status, head.body) == (200, b"")


def test_the_first_page_is_served_without_building_the_site(copy_site):
    site = copy_site("serve_blog")
    with running(site) as server:
        assert server.get("/").status == 200
    assert not (site / "build").exists()


def test_a_draft_is_shown_by_default_and_hidden_with_no_drafts(copy_site):
    site = copy_site("serve_markdown")
    with running(site) as server:
        draft = server.get("/posts/draft/")
        assert draft.status == 200
        assert b'<em class="draft">draft</em>' in draft.body
    with running(site, drafts=False) as server:
        assert server.get("/posts/draft/").status == 404
        assert b"Unfinished" not in server.get("/").body


def test_drafts_and_future_posts_are_shown_unless_turned_off(copy_site):
    site = copy_site("serve_blog")
    with open(site / "app.py", "a") as f:
        f.write("\n@site.route('/flags.txt')\n"
                "def flags():\n"
                "    return f\"{site.config['DRAFTS']} {site.config['FUTURE']}\"\n")
    with running(site) as server:
        assert server.get("/flags.txt").body == b"True True"
    with running(site, drafts=False) as server:
        assert server.get("/flags.txt").body == b"False False"


def test_a_broken_template_is_an_error_page_naming_file_and_line(copy_site):
    site = copy_site("serve_blog")
    (site / "templates/about.html").write_text("{% extends 'base.html' %}\n{% block main %}\n")
    with running(site) as server:
        served = server.get("/about")
        assert served.status == 500
        assert b"templates/about.html:2: template syntax error" in served.body
        assert SCRIPT.search(served.body)
        assert server.get("/posts/first/").status == 200  # other pages still render


def test_an_exception_in_a_view_shows_the_users_frames(copy_site):
    site = copy_site("serve_blog")
    with open(site / "app.py", "a") as f:
        f.write("\n@site.route('/boom/')\ndef boom():\n    return 1 / 0\n")
    with running(site) as server:
        served = server.get("/boom/")
        assert served.status == 500
        assert b"ZeroDivisionError" in served.body
        assert b"app.py, line " in served.body and b"return 1 / 0" in served.body
        assert b"Traceback" not in served.body  # the user's frames, not sitegen's


def test_an_app_that_does_not_load_is_shown_not_raised(copy_site):
    site = copy_site("serve_blog")
    (site / "app.py").write_text("from sitegen import Site\nsite = Site(__name__\n")
    with running(site) as server:
        served = server.get("/")
        assert served.status == 500
        assert b"app.py:2: syntax error" in served.body or b"app.py:3: syntax error" \
            in served.body
        assert any(line.startswith("error: ") for line in server.lines)


def test_a_view_calling_sys_exit_does_not_stop_the_server(copy_site):
    site = copy_site("serve_blog")
    with open(site / "app.py", "a") as f:
        f.write("\nimport sys\n\n@site.route('/quit/')\ndef quit():\n    sys.exit(3)\n")
    with running(site) as server:
        served = server.get("/quit/")
        assert served.status == 500
        assert b"/quit/: SystemExit(3): sys.exit() cannot end a build" in served.body
        assert b"app.py, line " in served.body
        assert server.get("/about").status == 200


def get_with_host(server, path: str, host: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_the_preview_answers_its_own_names_and_addresses_not_a_rebinding_name(copy_site):
    with running(copy_site("serve_blog")) as server:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost",
                     f"[::1]:{port}", f"10.1.2.3:{port}", f"app.localhost:{port}"):
            assert get_with_host(server, "/about", host)[0] == 200, host
        status, body = get_with_host(server, "/about", f"attacker.example:{port}")
        assert status == 403
        assert b"sitegen serve --allow-host attacker.example" in body
        assert get_with_host(server, "/__sitegen/events", "attacker.example")[0] == 403


def test_allow_host_lets_a_name_the_user_chose_through(copy_site):
    with running(copy_site("serve_blog"), allow_hosts=["preview.test"]) as server:
        assert get_with_host(server, "/about", f"preview.test:{server.port}")[0] == 200
        assert get_with_host(server, "/about", "other.test")[0] == 403


def test_the_page_registry_refuses_large_and_deeply_nested_messages(copy_site):
    with running(copy_site("serve_blog")) as server:
        assert server.post_page(b"[" * 100_000 + b"]" * 100_000) == 413
        assert server.post_page(b"[" * 5_000 + b"]" * 5_000) == 400
        assert server.get("/about").status == 200  # still serving


def test_the_event_stream_opens_for_get_only(copy_site):
    with running(copy_site("serve_blog")) as server:
        answer = server.get("/__sitegen/events?path=/", method="POST")
        assert answer.status == 405
        assert server.server.preview.live.hub.streams() == 0
