"""The live-reload event stream: what each open page is told after a save."""

from __future__ import annotations

import re
import time

import pytest
from serve_support import edit, running


@pytest.fixture
def site(copy_site):
    return copy_site("serve_blog")


@pytest.fixture
def server(site):
    with running(site) as server:
        yield server


def open_page(server, path, fetch=(), status=200):
    """Load ``path`` as a browser does (with its subresources), then listen."""
    page = server.get(path)
    assert page.status == status
    for resource in fetch:
        assert server.get(resource).status == 200
    stream = server.events(path, page.version)
    assert stream.expect("hello") == {"path": path}
    return stream


def test_a_post_edit_reloads_its_page_at_once(server, site):
    post = open_page(server, "/posts/first/")
    started = time.monotonic()
    edit(site / "posts/first.txt", "First post\nThe first post changed.\n")
    post.expect("reload")
    assert time.monotonic() - started < 2
    assert b"The first post changed." in server.get("/posts/first/").body
    line = server.wait_for_log(lambda line: "posts/first.txt changed" in line)
    assert "1 open page re-rendered, 1 reloaded" in line
    assert line.endswith(" ms)")


def test_a_page_that_did_not_change_is_told_nothing(server, site):
    post = open_page(server, "/posts/first/")
    about = open_page(server, "/about")
    edit(site / "posts/first.txt", "First post\nEdited.\n")
    post.expect("reload")
    # The base template touches both pages: the first event /about gets is
    # this one, so it was told nothing about the post.
    base = site / "templates/base.html"
    edit(base, base.read_text().replace("<nav>", "<nav class=x>"))
    assert about.expect("reload") == {}


def test_a_page_listing_a_folder_reloads_when_a_file_is_added(server, site):
    index = open_page(server, "/")
    edit(site / "posts/third.txt", "Third post\nNew.\n")
    index.expect("reload")
    assert b"Third post" in server.get("/").body


def test_the_same_bytes_after_a_save_mean_no_reload(server, site):
    post = open_page(server, "/posts/first/")
    about = open_page(server, "/about")
    text = (site / "templates/post.html").read_text()
    edit(site / "templates/post.html", text)  # saved unchanged
    edit(site / "templates/about.html", "{% extends 'base.html' %}{% block main %}A{% endblock %}")
    about.expect("reload")
    server.wait_for_log(lambda line: "about.html" in line)
    with pytest.raises(AssertionError, match="no event"):
        post.next(timeout=0.3)


def test_a_stylesheet_edit_swaps_it_without_a_reload(server, site):
    post = open_page(server, "/posts/first/", fetch=["/static/style.css"])
    edit(site / "static/style.css", "h1 { color: rgb(200, 0, 0); }\n")
    assert post.expect("css") == {"urls": ["/static/style.css"]}


def test_an_image_edit_reloads_the_pages_that_show_it(server, site):
    post = open_page(server, "/posts/first/", fetch=["/static/dot.svg"])
    about = open_page(server, "/about")
    edit(site / "static/dot.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    post.expect("reload")
    base = site / "templates/base.html"
    edit(base, base.read_text().replace("<nav>", "<nav class=x>"))
    about.expect("reload")  # and nothing before it


def test_a_stale_page_is_told_to_reload_when_it_reconnects(server, site):
    page = server.get("/posts/second/")
    edit(site / "posts/second.txt", "Second post\nChanged while the tab was hidden.\n")
    server.wait_for_log(lambda line: "second.txt changed" in line)
    stream = server.events("/posts/second/", page.version)
    stream.expect("hello")
    stream.expect("reload")


def test_a_current_page_reconnects_quietly(server, site):
    stream = open_page(server, "/posts/second/")
    stream.close()
    again = open_page(server, "/posts/second/")
    with pytest.raises(AssertionError, match="no event"):
        again.next(timeout=0.3)


def test_a_template_error_is_pushed_as_an_overlay_and_cleared_when_fixed(server, site):
    post = open_page(server, "/posts/first/")
    template = site / "templates/post.html"
    good = template.read_text()
    edit(template, good.replace("{% endblock %}", "{% endblok %}", 1))
    error = post.expect("overlay")
    assert error["title"] == "Template error"
    assert "templates/post.html:2: template syntax error" in error["text"]
    assert "endblok" in error["text"]
    assert server.get("/posts/first/").status == 500
    edit(template, good)  # fixed: the page is as it was
    assert post.expect("clear") == {}


def test_a_page_fixed_into_new_bytes_reloads(server, site):
    post = open_page(server, "/posts/first/")
    template = site / "templates/post.html"
    good = template.read_text()
    edit(template, "{% extends 'base.html' %}{% block main %}{{ post.title(}}{% endblock %}")
    post.expect("overlay")
    edit(template, good.replace("<h1", "<h1 class=fixed"))
    post.expect("reload")


def test_an_error_in_app_py_keeps_the_server_up_and_recovers(server, site):
    post = open_page(server, "/posts/first/")
    app = site / "app.py"
    good = app.read_text()
    edit(app, good.replace("def index():", "def index(:"))
    error = post.expect("overlay")
    assert error["title"] == "App load error"
    assert "app.py:" in error["text"] and "syntax error" in error["text"]
    served = server.get("/about")
    assert served.status == 500 and b"syntax error" in served.body
    assert server.get("/static/style.css").status == 200  # from the last good site
    edit(app, good)
    assert post.expect("clear") == {}
    assert server.get("/about").status == 200


def test_a_python_change_reloads_the_code_on_the_same_socket(server, site):
    port = server.port
    page = open_page(server, "/new/", status=404)
    with open(site / "app.py", "a") as f:
        f.write("\n@site.route('/new/')\ndef new():\n    return '<p>new</p>'\n")
    page.expect("reload")
    assert server.get("/new/").body.startswith(b"<p>new</p>")
    assert server.port == port
    line = server.wait_for_log(lambda line: "app.py changed" in line)
    assert "code reloaded" in line


def test_an_exception_while_loading_names_the_users_line(server, site):
    post = open_page(server, "/posts/first/")
    edit(site / "helpers.py", "VALUE = 1\n")
    app = site / "app.py"
    edit(app, "import helpers\nhelpers.missing()\n" + app.read_text())
    error = post.expect("overlay")
    assert "AttributeError" in error["text"]
    assert "app.py, line 2, in <module>" in error["text"]
    edit(site / "helpers.py", "def missing():\n    pass\n")  # a module of the site
    post.expect("clear")


def test_the_output_and_cache_folders_are_never_watched(server, site):
    post = open_page(server, "/posts/first/")
    for folder in ("build", ".sitegen-cache", ".build.sitegen-new", ".build.sitegen-old"):
        (site / folder / "posts").mkdir(parents=True, exist_ok=True)
        edit(site / folder / "posts/first.txt", "written by a build\n")
        edit(site / folder / "index.html", "<p>built</p>")
    edit(site / ".build.sitegen-lock", "")
    edit(site / "posts/first.txt", "First post\nA real change.\n")
    post.expect("reload")
    changes = [line for line in server.lines if " changed: " in line]
    assert changes == [changes[0]] and changes[0].split(" ")[1] == "posts/first.txt"


def test_a_burst_of_writes_is_one_change(copy_site):
    site = copy_site("serve_blog")
    with running(site, debounce=0.2) as server:
        post = open_page(server, "/posts/first/")
        target = site / "posts/first.txt"
        temporary = site / "posts/.first.txt.swp"
        for n in range(5):  # an editor's save: temp file, rename, rewrite
            edit(temporary, f"First post\nVersion {n}.\n")
            temporary.replace(target)
        post.expect("reload")
        server.wait_for_log(lambda line: " changed: " in line)
        time.sleep(0.4)
        assert len([line for line in server.lines if " changed: " in line]) == 1
        assert b"Version 4." in server.get("/posts/first/").body


def test_every_open_tab_of_a_page_is_told(server, site):
    tabs = [open_page(server, "/posts/first/") for _ in range(3)]
    edit(site / "posts/first.txt", "First post\nOnce for all.\n")
    for tab in tabs:
        tab.expect("reload")
    line = server.wait_for_log(lambda line: "first.txt changed" in line)
    assert "1 open page re-rendered, 3 reloaded" in line


def test_stopping_the_server_ends_the_streams(site):
    with running(site) as server:
        stream = open_page(server, "/about")
    with pytest.raises(AssertionError, match="ended"):
        stream.next(timeout=2)


@pytest.fixture
def markdown(copy_site):
    site = copy_site("serve_markdown")
    with running(site) as server:
        yield site, server


def test_a_markdown_edit_reloads_the_post_and_not_other_pages(markdown):
    site, server = markdown
    post = open_page(server, "/posts/hello/")
    about = open_page(server, "/about/")
    source = site / "content/posts/hello.md"
    edit(source, source.read_text().replace("*hello*", "*hello again*"))
    post.expect("reload")
    assert b"<em>hello again</em>" in server.get("/posts/hello/").body
    base = site / "templates/base.html"
    edit(base, base.read_text().replace("<nav>", "<nav class=x>"))
    about.expect("reload")  # the first event it gets


def test_a_body_edit_re_renders_the_post_but_not_an_open_list_of_titles(markdown):
    """The preview asks what an incremental build asks: did one of the page's facts change?
    The home page lists titles, so a body edit leaves it alone; a title edit does not."""
    site, server = markdown
    post = open_page(server, "/posts/hello/")
    home = open_page(server, "/")
    source = site / "content/posts/hello.md"
    edit(source, source.read_text() + "\nA new closing line.\n")
    post.expect("reload")
    line = server.wait_for_log(lambda line: "content/posts/hello.md changed" in line)
    assert "1 open page re-rendered, 1 reloaded" in line
    edit(source, source.read_text().replace("title: ", "title: Renamed ", 1))
    home.expect("reload")
    assert b"Renamed " in server.get("/").body


def test_bad_front_matter_is_an_overlay_naming_file_and_line(markdown):
    site, server = markdown
    post = open_page(server, "/posts/second/")
    source = site / "content/posts/second.md"
    good = source.read_text()
    edit(source, good.replace("title: Second", "title: [Second"))
    error = post.expect("overlay")
    assert re.match(r"content/posts/second\.md:\d+: invalid front matter", error["text"])
    assert server.get("/posts/second/").status == 500
    edit(source, good)
    post.expect("clear")


def test_tabs_sharing_one_stream_are_told_apart_by_number(server, site):
    stream = server.shared_events("k1")
    assert stream.expect("hello") == {}
    post, about = server.get("/posts/first/"), server.get("/about")
    assert server.post_page({"stream": "k1", "tab": 1, "path": "/posts/first/",
                             "version": post.version}) == 204
    assert server.post_page({"stream": "k1", "tab": 2, "path": "/about",
                             "version": about.version}) == 204
    assert stream.expect("hello") == {"path": "/posts/first/", "tab": 1}
    assert stream.expect("hello") == {"path": "/about", "tab": 2}
    assert server.server.preview.live.hub.streams() == 1
    edit(site / "posts/first.txt", "First post\nShared.\n")
    assert stream.expect("reload") == {"tab": 1}
    assert server.post_page({"stream": "k1", "tab": 1, "closed": True}) == 204
    base = site / "templates/base.html"
    edit(base, base.read_text().replace("<nav>", "<nav class=x>"))
    assert stream.expect("reload") == {"tab": 2}  # tab 1 has closed: nothing for it
    with pytest.raises(AssertionError, match="no event"):
        stream.next(timeout=0.3)


def test_a_stale_tab_registered_on_a_shared_stream_is_told_to_reload(server, site):
    page = server.get("/posts/second/")
    edit(site / "posts/second.txt", "Second post\nChanged before the tab registered.\n")
    server.wait_for_log(lambda line: "second.txt changed" in line)
    stream = server.shared_events("k2")
    stream.expect("hello")
    server.post_page({"stream": "k2", "tab": 7, "path": "/posts/second/",
                      "version": page.version})
    assert stream.expect("hello") == {"path": "/posts/second/", "tab": 7}
    assert stream.expect("reload") == {"tab": 7}


def test_a_page_message_for_no_stream_or_of_bad_form_is_refused(server):
    assert server.post_page({"stream": "nope", "tab": 1, "path": "/", "version": ""}) == 404
    assert server.post_page(b"not json") == 400
    assert server.post_page({"tab": 1}) == 400


def test_a_folder_made_while_serving_is_watched(copy_site):
    site = copy_site("serve_blog")
    with open(site / "app.py", "a") as f:
        f.write("\n@site.route('/note/')\ndef note():\n"
                "    if not (site.root_path / 'data/note.txt').exists():\n        abort(404)\n"
                "    with site.open_resource('data/note.txt', 'r') as f:\n"
                "        return f'<p>{f.read()}</p>'\n")
    with running(site) as server:
        page = open_page(server, "/note/", status=404)
        (site / "data").mkdir()
        edit(site / "data/note.txt", "one")
        page.expect("reload")
        assert server.get("/note/").body.startswith(b"<p>one</p>")
        page = open_page(server, "/note/")
        edit(site / "data/note.txt", "two")
        page.expect("reload")


def test_a_cache_folder_of_the_sites_choosing_is_not_watched(copy_site):
    site = copy_site("serve_blog")
    with open(site / "app.py", "a") as f:
        f.write('site.config["CACHE_DIR"] = "var/cache"\n')
    with running(site) as server:
        post = open_page(server, "/posts/first/")  # the render writes var/cache/jinja/
        assert list((site / "var/cache/jinja").iterdir())
        edit(site / "posts/first.txt", "First post\nCached elsewhere.\n")
        post.expect("reload")
        time.sleep(0.2)
        changes = [line for line in server.lines if " changed: " in line]
        assert len(changes) == 1 and " posts/first.txt changed" in changes[0]


def test_moving_a_folder_away_reloads_the_pages_read_from_it(server, site):
    post = open_page(server, "/posts/first/")
    (site / "posts").rename(site / "drafts")
    post.expect("reload")
    assert server.get("/posts/first/").status == 404
