"""URL discovery: the four routes by which a URL gets built, each URL once."""

from __future__ import annotations

import pytest

from sitegen.loading import load_site
from sitegen.pipeline import build
from sitegen.urls import is_absolute


@pytest.fixture
def built(copy_site, tmp_path):
    site = load_site(copy_site("discovery"))
    result = build(site, tmp_path / "out")
    return site, result, tmp_path / "out"


def test_rules_without_arguments_and_static_files_are_built_unlinked(built):
    _, result, out = built
    assert "/unlinked/" in result.urls
    assert (out / "unlinked/index.html").read_text() == "<p>No page links here.</p>"
    assert (out / "static/unlinked.txt").read_text() == "nobody links here\n"


def test_post_only_rules_are_not_built(built):
    _, result, out = built
    assert "/form/" not in result.urls
    assert not (out / "form").exists()


@pytest.mark.parametrize("name", ["from-dict", "from-string", "from-tuple"])
def test_generators_yield_dicts_strings_and_tuples(built, name):
    _, result, out = built
    assert f"/g/{name}/" in result.urls
    assert (out / f"g/{name}/index.html").read_text() == f"<p>{name}</p>"


def test_bare_generator_is_named_after_its_endpoint(built):
    _, result, out = built
    assert (out / "bare/7/index.html").read_text() == "<p>7</p>"


def test_url_for_during_a_render_is_built_though_no_link_shows_it(built):
    _, result, out = built
    assert "/url-for/only/" in result.urls
    assert (out / "url-for/only/index.html").read_text() == "<p>only</p>"


@pytest.mark.parametrize(
    "url",
    [
        "/hidden/by-link/",
        "/hidden/single-quoted/",
        "/hidden/unquoted/",
        "/hidden/entity/",
        "/hidden/relative/",
        "/hidden/upper-case/",
    ],
)
def test_a_page_reachable_only_by_a_hard_coded_link_is_built(built, url):
    _, result, out = built
    assert url in result.urls
    assert (out / url.strip("/") / "index.html").is_file()


@pytest.mark.parametrize(
    "url",
    [
        "/img/small.png",  # srcset
        "/img/large.png",  # srcset, second candidate
        "/img/fallback.png",  # src
        "/img/inline-style.png",  # style="... url()"
        "/img/style-block.png",  # <style> block
        "/css/imported.css",  # @import in a served stylesheet
        "/fonts/body.woff2",  # url() in a served stylesheet
        "/img/from-imported-css.png",  # url() relative to the imported stylesheet
        "/img/source.png",  # <source srcset>
        "/img/picture.png",
        "/js/app.js",  # <script src>
    ],
)
def test_src_srcset_style_and_css_urls_are_followed(built, url):
    _, result, out = built
    assert url in result.urls
    assert (out / url.lstrip("/")).is_file()


@pytest.mark.parametrize(
    "slug", ["in-script", "in-upper-script", "in-pre", "in-comment", "in-js-file"]
)
def test_links_in_scripts_escaped_code_and_comments_are_not_followed(built, slug):
    _, result, out = built
    assert f"/hidden/{slug}/" not in result.urls
    assert not (out / "hidden" / slug).exists()


@pytest.mark.parametrize("slug", ["external", "protocol-relative"])
def test_external_urls_are_never_fetched(built, slug):
    site, result, _ = built
    assert f"/hidden/{slug}/" not in result.urls
    assert f"/hidden/{slug}/" not in site.calls


def test_non_http_links_are_ignored(built):
    _, result, _ = built
    assert all(url.startswith("/") for url in result.urls)
    assert not [u for u in result.urls if ":" in u]


def test_every_url_is_fetched_once(built):
    site, result, _ = built
    assert site.calls["/hidden/by-link/"] == 1
    assert set(site.calls.values()) == {1}
    rendered_views = {u for u in result.urls if not u.startswith("/static/")}
    assert set(site.calls) == rendered_views


def test_pages_found_only_through_links_do_not_warn_of_a_missing_generator(built):
    _, result, _ = built
    assert result.warnings == []


def test_an_endpoint_with_arguments_that_produced_no_url_warns(copy_site, cli, tmp_path):
    site_dir = copy_site("missing_generator")
    result = cli("build", site_dir, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "'tag' (/tags/<tag>/) produced no URL: did you forget a generator?" in result.stderr
    assert "'index'" not in result.stderr
    assert "1 warning" in result.stdout


def test_strict_turns_the_missing_generator_warning_into_an_error(copy_site, cli, tmp_path):
    site_dir = copy_site("missing_generator")
    result = cli("build", site_dir, "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 1
    assert "did you forget a generator?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_target_of_a_redirect_is_built(built):
    _, result, out = built
    assert result.urls["/moved/"].location == "/hidden/via-redirect/"
    assert (out / "hidden/via-redirect/index.html").is_file()


def test_a_relative_link_with_a_colon_after_the_path_is_still_followed(tmp_path, cli):
    site = tmp_path / "site"
    (site / "templates").mkdir(parents=True)
    (site / "app.py").write_text(
        "from sitegen import Site\n\nsite = Site(__name__)\n\n\n"
        '@site.route("/")\ndef index():\n'
        "    return '<a href=\"notes#step:2\">x</a> <a href=\"tips?q=a:b\">y</a>'\n\n\n"
        '@site.route("/<name>")\ndef page(name):\n    return f"<p>{name}</p>"\n'
    )
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/notes.html").read_text() == "<p>notes</p>"
    assert (tmp_path / "out/tips.html").read_text() == "<p>tips</p>"


@pytest.mark.parametrize(("link", "absolute"), [
    ("https://example.org/", True), ("mailto:a@b.c", True), ("//cdn.example/x.js", True),
    ("page#a:b", False), ("page?q=a:b", False), ("/a:b/", False), ("../up/", False),
])
def test_only_a_scheme_or_host_makes_a_link_absolute(link, absolute):
    assert is_absolute(link) is absolute
