"""An Obsidian vault built as it is: aliases as names, links without ``.md``, folder
pages, attachments under the pages' own prefix, headings and transclusions."""

from __future__ import annotations

from pathlib import Path

import pytest
from content_support import build, build_copy, find, parse, text, write

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")


@pytest.fixture(scope="module")
def vault(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_copy(tmp_path_factory, "vault")


def content(out: Path, url: str):
    return find(parse(out / url.strip("/") / "index.html"), ".//div[@class='content']")


def links(out: Path, url: str) -> dict[str, str | None]:
    """Each link of a page's content: its text → its ``href``."""
    return {text(a): a.get("href") for a in content(out, url).iter("a")
            if "headerlink" not in (a.get("class") or "")}


def test_the_vault_builds_without_a_warning(vault):
    assert "0 warnings" in vault[1]


def test_an_alias_that_is_not_a_url_is_another_name_of_the_note(vault):
    # aliases: [setting up your GitHub repository, /old/setup/]
    assert links(vault[0], "/notes/index/")["setting up your GitHub repository"] == \
        "/notes/Guides/Setup/"


def test_an_alias_that_is_a_url_is_still_a_redirect(vault):
    page = (vault[0] / "old/setup/index.html").read_text()
    assert 'content="0; url=/notes/Guides/Setup/"' in page


def test_spaces_around_the_pipe_of_a_wiki_link_are_not_part_of_its_target(vault):
    # [[table of contents | Table of Contents]]
    assert links(vault[0], "/notes/index/")["Table of Contents"] == "/notes/table%20of%20contents/"


def test_markdown_links_without_md_find_the_note_they_name(vault):
    found = links(vault[0], "/notes/index/")
    assert found["features"] == "/notes/Features/"  # ./Features
    assert found["the same, from the vault's root"] == "/notes/Features/"  # /Features
    assert found["a name with spaces"] == "/notes/Release%20Notes/"  # Release%20Notes
    assert found["a folder's page"] == "/notes/Guides/"  # Guides → Guides/index.md
    assert found["a deeper one"] == "/notes/Guides/Setup/#install"  # the heading's id


def test_a_site_url_that_names_no_note_is_left_as_written(vault):
    assert links(vault[0], "/notes/index/")["the tags"] == "/tags/vault/"


def test_attachments_are_served_beside_pages_under_the_same_prefix(vault):
    out = vault[0]
    image = find(content(out, "/notes/index/"), ".//img")
    assert (image.get("src"), image.get("width")) == ("/notes/attachments/diagram.png", "400")
    assert (out / "notes/attachments/diagram.png").read_bytes().startswith(b"\x89PNG")
    # ...and the pages under /notes/ are pages, not "not found" answers of the media route.
    assert text(find(parse(out / "notes/Features/index.html"), ".//h1")) == "Features"


def test_same_page_links_find_headings_with_emoji(vault):
    found = links(vault[0], "/notes/Features/")
    launch = find(content(vault[0], "/notes/Features/"), ".//h2")
    assert found["🚀 Launch"] == f"#{launch.get('id')}" and launch.get("id")
    assert found["Limits"] == "#limits"


def test_an_embedded_note_is_shown_whole_with_a_link_to_it(vault):
    embeds = content(vault[0], "/notes/Overview/").findall("div[@class='transclusion']")
    whole = embeds[0]
    assert whole.get("data-source") == "/notes/Features/"
    assert [h.get("id") for h in whole.iter("h2")][1] == "embed-1-limits"
    source = find(whole, "p[@class='transclusion-source']/a")
    assert (source.get("href"), text(source)) == ("/notes/Features/", "Features")


def test_an_embedded_heading_shows_its_section_only(vault):
    section = content(vault[0], "/notes/Overview/").findall("div[@class='transclusion']")[1]
    assert section.get("data-source") == "/notes/Guides/Setup/#install"
    heading = find(section, "h2")
    assert (heading.text, heading.get("id")) == ("Install", "embed-2-install")
    assert find(heading, "a").get("href") == "#embed-2-install"  # its permalink, in here
    assert [text(e) for e in section if e.tag == "p"] == ["Run the installer.", "Setup › Install"]


def test_an_embedding_page_is_a_backlink_of_the_embedded_note(vault):
    backlinks = find(parse(vault[0] / "notes/Features/index.html"), ".//ul[@class='backlinks']")
    assert "Overview" in [text(a) for a in backlinks.iter("a")]


def test_links_inside_an_embedded_note_point_where_they_do_in_the_note(vault):
    # Features' [[#Limits]] is a link to Features' own heading, also inside Overview.
    embedded = content(vault[0], "/notes/Overview/").find("div[@class='transclusion']")
    hrefs = [a.get("href") for a in embedded.iter("a") if text(a) == "Limits"]
    assert hrefs == ["/notes/Features/#limits"]


def test_embeds_that_form_a_cycle_are_cut_with_a_warning(copy_site, cli, tmp_path):
    site = copy_site("vault")
    write(site, {"notes/Loop A.md": "# Loop A\n\n![[Loop B]]\n",
                 "notes/Loop B.md": "# Loop B\n\nB embeds A:\n\n![[Loop A]]\n"})
    result = build(cli, site, tmp_path / "out")
    assert "notes/Loop B.md:5: ![[Loop A]] would embed notes/Loop A.md in itself " \
           "(notes/Loop A.md → notes/Loop B.md → notes/Loop A.md)" in result.output
    page = content(tmp_path / "out", "/notes/Loop A/")
    inner = find(page, "div[@class='transclusion']")
    assert inner.get("data-source") == "/notes/Loop%20B/"
    # Inside B, the embed of A again is a link to A.
    assert [a.get("href") for a in inner.iter("a") if "embed" in (a.get("class") or "")] == \
        ["/notes/Loop%20A/"]


def test_editing_an_embedded_note_rebuilds_the_pages_that_embed_it(copy_site, cli, tmp_path):
    site, out = copy_site("vault"), tmp_path / "out"
    build(cli, site, out)
    setup = site / "notes/Guides/Setup/index.md"
    setup.write_text(setup.read_text().replace("Run the installer.", "Run the new installer."))
    build(cli, site, out)
    section = content(out, "/notes/Overview/").findall("div[@class='transclusion']")[1]
    assert "Run the new installer." in text(section)


def test_inline_tags_are_tags_of_the_page_and_link_to_their_pages(vault):
    out = vault[0]
    listed = find(parse(out / "notes/Features/index.html"), ".//ul[@class='tags']")
    assert [text(li) for li in listed] == ["vault", "obsidian", "area/topic"]
    tags = {text(a): a.get("href") for a in content(out, "/notes/Features/").iter("a")
            if a.get("class") == "tag"}
    assert tags == {"#obsidian": "/tags/obsidian/", "#area/topic": "/tags/area-topic/"}
    # by_tag() lists the page under an inline tag, found by its slug.
    tagged = find(parse(out / "tags/area-topic/index.html"), ".//ul[@class='pages']")
    assert [text(a) for a in tagged.iter("a")] == ["Features"]


def test_a_block_reference_links_to_the_block_and_an_embed_shows_it(vault):
    assert links(vault[0], "/notes/index/")["one block"] == "/notes/Release%20Notes/#v1"
    block = content(vault[0], "/notes/Overview/").findall("div[@class='transclusion']")[2]
    assert [text(p) for p in block.iter("p")] == ["Version one.", "Release Notes"]
    assert find(parse(vault[0] / "notes/Release Notes/index.html"),
                ".//p[@id='v1']").text == "Version one."


def test_an_inline_tag_added_in_a_rebuild_lists_the_page_under_it(copy_site, cli, tmp_path):
    site, out = copy_site("vault"), tmp_path / "out"
    build(cli, site, out)
    notes = site / "notes/Release Notes.md"
    notes.write_text(notes.read_text() + "\nAlso #obsidian.\n")
    build(cli, site, out)
    tagged = find(parse(out / "tags/obsidian/index.html"), ".//ul[@class='pages']")
    assert [text(a) for a in tagged.iter("a")] == ["Features", "Release Notes"]
