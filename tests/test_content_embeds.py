"""Obsidian embeds: ``![[pic.png]]``, ``![[file.pdf]]``, ``![[Note]]``, and ``[[file.pdf]]``."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import unquote

import pytest
from content_support import SITES, build, build_copy, find, parse, text, write

from sitegen.loading import load_site
from sitegen.pipeline import render_all
from sitegen.record import LISTING, Fact

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")

WIKI = SITES / "content_embeds/content/wiki"


@pytest.fixture(scope="module")
def embeds(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_copy(tmp_path_factory, "content_embeds")


def content(page: Path):
    return find(parse(page), ".//div[@class='content']")


def published(out: Path, url: str) -> Path:
    """The output file a site-local ``url`` was written to."""
    file = out / unquote(url).lstrip("/")
    assert file.is_file(), f"{url} was not written"
    return file


def test_the_site_builds_without_warnings(embeds):
    assert "warning:" not in embeds[1]


def test_an_image_embed_shows_the_image_with_alt_text_and_size(embeds):
    images = content(embeds[0] / "wiki/Home/index.html").findall(".//img")
    assert [(i.get("alt"), i.get("width"), i.get("height")) for i in images] == [
        ("How a request flows", "320", "120"),  # ![[flow.svg|How a request flows|320x120]]
        ("photo.png", "200", None),  # ![[photo.png|200]]: the name is the alt text
    ]
    assert images[1].get("src") == "/content/wiki/photo.png"


def test_an_embedded_file_is_found_by_name_in_a_subfolder_and_published(embeds):
    out = embeds[0]
    image = find(content(out / "wiki/Home/index.html"), ".//img")
    # ![[flow.svg]] names content/wiki/Diagrams/Flow.svg: any folder, any case.
    assert image.get("src") == "/content/wiki/Diagrams/Flow.svg"
    assert published(out, image.get("src")).read_bytes() == \
        (WIKI / "Diagrams/Flow.svg").read_bytes()
    # Only what pages embed or link is published, never the Markdown sources.
    assert not (out / "content/wiki/files/shot.png").exists()
    assert not list(out.rglob("*.md"))


def test_a_file_beside_the_page_is_preferred_to_one_elsewhere(embeds):
    image = find(content(embeds[0] / "wiki/guides/setup/index.html"), ".//img")
    assert (image.get("src"), image.get("alt")) == \
        ("/content/wiki/guides/shot.png", "The setup screen")
    assert "shot.png" not in embeds[1]  # no ambiguity: the page's own folder comes first


def test_an_ambiguous_embed_warns_with_the_candidates_and_shows_the_shortest(
        copy_site, cli, tmp_path):
    site = copy_site("content_embeds")
    write(site, {"content/wiki/gallery.md": "# Gallery\n\nOne shot:\n\n![[shot.png]]\n",
                 "content/wiki/a/older/shot.png": (WIKI / "photo.png").read_bytes()})
    result = build(cli, site, tmp_path / "out")
    assert ("warning: /wiki/gallery/: content/wiki/gallery.md:5: ![[shot.png]] is ambiguous, "
            "it matches content/wiki/files/shot.png, content/wiki/guides/shot.png, "
            "content/wiki/a/older/shot.png; it embeds content/wiki/files/shot.png "
            "(write more of the path to choose)") in result.output
    image = find(content(tmp_path / "out/wiki/gallery/index.html"), ".//img")
    assert image.get("src") == "/content/wiki/files/shot.png"


def test_a_longer_path_makes_an_embed_unique(copy_site, cli, tmp_path):
    site = copy_site("content_embeds")
    write(site, {"content/wiki/gallery.md": "![[older/shot.png]]\n",
                 "content/wiki/a/older/shot.png": (WIKI / "photo.png").read_bytes()})
    result = build(cli, site, tmp_path / "out")
    assert "warning:" not in result.output
    image = find(content(tmp_path / "out/wiki/gallery/index.html"), ".//img")
    assert image.get("src") == "/content/wiki/a/older/shot.png"
    assert published(tmp_path / "out", image.get("src")).is_file()


def test_a_missing_embed_warns_and_shows_a_placeholder(copy_site, cli, tmp_path):
    site = copy_site("content_embeds")
    write(site, {"content/wiki/broken.md": "# Broken\n\nSee ![[no-such.png|300]] here.\n"})
    result = build(cli, site, tmp_path / "out")
    assert ("warning: /wiki/broken/: content/wiki/broken.md:3: ![[no-such.png]] matches no "
            "file or page") in result.output
    page = content(tmp_path / "out/wiki/broken/index.html")
    assert page.find(".//img") is None
    placeholder = find(page, ".//span")
    assert (placeholder.get("class"), text(placeholder)) == ("embed missing", "no-such.png")


def test_a_missing_embed_fails_a_strict_build_and_keeps_the_output(
        copy_site, cli, tmp_path, read_tree):
    site = copy_site("content_embeds")
    out = tmp_path / "out"
    build(cli, site, out)
    before = read_tree(out)
    write(site, {"content/wiki/broken.md": "![[no-such.png]]\n"})
    result = cli("build", site, "-o", out, "--strict")
    assert result.exit_code == 1
    assert "--strict" in result.output and "![[no-such.png]] matches no file" in result.output
    assert read_tree(out) == before


def test_a_note_embed_shows_the_section_links_to_it_and_counts_as_a_backlink(embeds):
    out = embeds[0]
    embed = find(content(out / "wiki/Home/index.html"), ".//div[@class='transclusion']")
    assert embed.get("data-source") == "/wiki/Architecture/#layers"
    assert find(embed, "h2").get("id") == "embed-1-layers"
    source = find(embed, ".//p[@class='transclusion-source']/a")
    assert (source.get("href"), text(source)) == ("/wiki/Architecture/#layers",
                                                  "Architecture › Layers")
    backlinks = find(parse(out / "wiki/Architecture/index.html"), ".//ul[@class='backlinks']")
    assert [a.get("href") for a in backlinks.iter("a")] == ["/wiki/Home/"]


def test_a_missing_note_embed_is_a_missing_wiki_link(copy_site, cli, tmp_path):
    site = copy_site("content_embeds")
    write(site, {"content/wiki/broken.md": "![[No Such Note]]\n"})
    result = build(cli, site, tmp_path / "out")
    assert "content/wiki/broken.md:1: ![[No Such Note]] matches no page" in result.output
    link = find(content(tmp_path / "out/wiki/broken/index.html"), ".//a")
    assert (link.get("class"), link.get("href"), text(link)) == \
        ("wikilink embed missing", None, "No Such Note")


def test_a_wiki_link_or_embed_of_another_file_links_to_the_published_file(embeds):
    out = embeds[0]
    page = content(out / "wiki/Home/index.html")
    links = {text(a): (a.get("class"), a.get("href")) for a in page.iter("a")}
    assert links["report.pdf"] == ("wikilink", "/content/wiki/files/Report.pdf")
    assert links["the report"] == (None, "/content/wiki/files/Report.pdf")
    assert published(out, "/content/wiki/files/Report.pdf").read_bytes() == \
        (WIKI / "files/Report.pdf").read_bytes()


def test_audio_and_video_embeds_get_players(embeds):
    out = embeds[0]
    page = content(out / "wiki/Home/index.html")
    audio, video = find(page, ".//audio"), find(page, ".//video")
    assert (audio.get("src"), audio.get("controls")) == ("/content/wiki/media/talk.mp3", "")
    assert (video.get("src"), video.get("controls")) == ("/content/wiki/media/clip.mp4", "")
    assert published(out, audio.get("src")).read_bytes() == \
        (WIKI / "media/talk.mp3").read_bytes()
    assert published(out, video.get("src")).is_file()


def test_a_cached_parse_follows_an_embedded_file_that_moved(copy_site, cli, tmp_path):
    site = copy_site("content_embeds")
    build(cli, site, tmp_path / "cold")
    cache = site / ".sitegen-cache/markdown/parses.sqlite3"
    with closing(sqlite3.connect(cache)) as db:
        entries = set(db.execute("SELECT key FROM parses"))
    (site / "content/wiki/Diagrams/Flow.svg").rename(site / "content/wiki/flow.svg")
    build(cli, site, tmp_path / "warm")
    image = find(content(tmp_path / "warm/wiki/Home/index.html"), ".//img")
    assert image.get("src") == "/content/wiki/flow.svg"
    assert published(tmp_path / "warm", image.get("src")).is_file()
    with closing(sqlite3.connect(cache)) as db:
        assert set(db.execute("SELECT key FROM parses")) == entries  # nothing parsed again


@pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)  # Python-Markdown's own
def test_an_attribute_list_after_an_embed_sets_its_class(copy_site, cli, tmp_path):
    site = copy_site("content_embeds")
    write(site, {"content/wiki/wide.md": "![[photo.png|A photo]]{: .wide }\n"})
    build(cli, site, tmp_path / "out")
    image = find(content(tmp_path / "out/wiki/wide/index.html"), ".//img")
    assert (image.get("class"), image.get("src"), image.get("alt")) == \
        ("wide", "/content/wiki/photo.png", "A photo")


def test_a_page_that_embeds_by_name_depends_on_new_files(copy_site):
    site_dir = copy_site("content_embeds")
    site = load_site(site_dir)
    record = render_all(site)["/wiki/Home/"].record
    # A new flow.svg elsewhere could make ![[flow.svg]] ambiguous: the page renders again.
    assert Fact(LISTING, "*", "files") in record.facts
    before = site.fact_digest(Fact(LISTING, "*", "files"))
    (site_dir / "content/wiki/more").mkdir(exist_ok=True)
    (site_dir / "content/wiki/more/flow.svg").write_text("<svg/>")
    assert site.fact_digest(Fact(LISTING, "*", "files")) != before
