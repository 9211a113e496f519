"""Tags in URLs: ``Web Dev`` lives at ``/tags/web-dev/`` and still reads ``Web Dev``;
two tags that would share a URL are an error naming both."""

from __future__ import annotations

import re

import pytest

from sitegen.slugs import slugify


@pytest.mark.parametrize(("text", "slug"), [
    ("Web Dev", "web-dev"), ("C++", "c"), ("Café au lait", "cafe-au-lait"),
    ("under_score", "under-score"), ("  --Python--  ", "python"),
    ("日本語 テスト", "日本語-テスト"), ("++", ""),
])
def test_slugify_makes_lower_case_words_joined_by_hyphens(text, slug):
    assert slugify(text) == slug


@pytest.fixture
def built(copy_site, cli, tmp_path):
    result = cli("build", copy_site("tag_slugs"), "-o", tmp_path / "out", "--strict")
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


def test_tag_pages_are_written_under_their_slugs(built):
    tags = sorted(p.parent.name for p in (built / "tags").glob("*/index.html"))
    assert tags == ["c", "cafe", "web-dev"]


def test_links_use_the_slug_and_show_the_name(built):
    index = (built / "index.html").read_text()
    assert re.findall(r'<a href="(/tags/[^"]*)">([^<]*)</a>', index) == [
        ("/tags/c/", "C++"), ("/tags/cafe/", "Café"), ("/tags/web-dev/", "Web Dev")]
    post = (built / "posts/first/index.html").read_text()
    assert '<a href="/tags/web-dev/">Web Dev</a>' in post  # through the slugify filter
    assert '<p id="filter">web-dev-c</p>' in index


def test_a_tag_page_finds_its_pages_by_slug_and_shows_the_name(built):
    page = (built / "tags/web-dev/index.html").read_text()
    assert "<h1>Tagged “Web Dev”</h1>" in page
    assert re.findall(r'<li><a href="[^"]*">([^<]*)</a></li>', page) == ["First", "Second"]


def test_two_tags_with_one_slug_are_an_error_naming_both(copy_site, cli, tmp_path):
    site = copy_site("tag_slugs")
    (site / "content/posts/third.md").write_text("---\ntitle: Third\ntags: [web-dev]\n---\n")
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: content/posts/third.md: the tags 'web-dev' and 'Web Dev' (in "
        "content/posts/first.md) both make the URL slug 'web-dev', so they would share "
        "one tag page\nhint: spell the tag the same way in both pages, or rename one of them")


def test_a_tag_without_letters_or_digits_is_an_error(copy_site, cli, tmp_path):
    site = copy_site("tag_slugs")
    (site / "content/posts/third.md").write_text("---\ntitle: Third\ntags: ['++']\n---\n")
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "error: content/posts/third.md: the tag '++' has no letter or digit" in result.stderr


def test_a_tag_resolved_by_its_name_or_its_slug_is_the_tag_with_its_slug(copy_site):
    from sitegen.loading import load_site

    site = load_site(copy_site("tag_slugs"))
    posts = next(iter(site.extensions["content"].collections))
    tags = posts.by_tag()
    for key in ("Web Dev", "web-dev"):
        tag = tags.resolve(key)
        assert (str(tag), tag.slug) == ("Web Dev", "web-dev")
    assert tags.resolve("no-such-tag") == "no-such-tag"
