"""Content as other systems and other people write it: macOS's decomposed (NFD) file
names, and pages of thousands of links."""

from __future__ import annotations

import unicodedata


def test_a_page_file_named_in_nfd_builds_at_its_composed_url(cli, copy_site, tmp_path):
    site, out = copy_site("content_blog"), tmp_path / "out"
    name = unicodedata.normalize("NFD", "café")
    assert name != "café"
    (site / "content/posts" / f"{name}.md").write_text(
        "---\ntitle: Café\ndate: 2024-01-01\n---\nAu lait.\n")
    result = cli("build", site, "-o", out)
    assert result.exit_code == 0, result.output
    page = out / "blog" / "café" / "index.html"  # composed (NFC), as URLs compare
    assert "Au lait." in page.read_text()
    listed = "".join(p.read_text() for p in (out / "page").rglob("index.html"))
    assert 'href="/blog/caf%C3%A9/"' in listed  # the composed form's link


def test_a_page_of_many_broken_wiki_links_is_read_once_for_their_lines(copy_site, tmp_path):
    """Each warning names its link's line, and finding them reads the page once, not once
    a link (which made a page of thousands of links quadratic)."""
    import sys

    import sitegen

    site = copy_site("content_wiki")
    page = site / "content/wiki/Many.md"
    page.write_text("---\ntitle: Many\n---\n"
                    + "".join(f"Line {n}: see [[Missing {n}]].\n" for n in range(300)))
    opened: list[str] = []
    target = str(page)

    def note(event: str, args: tuple) -> None:
        if event == "open" and args and args[0] == target:
            opened.append(target)

    sys.addaudithook(note)
    result = sitegen.build(str(site), tmp_path / "out", jobs=1)
    warnings = [w for w in result.warnings if "content/wiki/Many.md" in w]
    assert len(warnings) == 300
    lines = {int(w.split("content/wiki/Many.md:")[1].split(":")[0]) for w in warnings}
    assert lines == set(range(4, 304))  # every link's own line
    assert len(opened) <= 3  # front matter, the parse, the lines: not one a link


def test_a_page_that_takes_long_to_parse_is_named_with_what_helps(copy_site, tmp_path,
                                                                   monkeypatch):
    import sitegen
    from sitegen.content import registry

    site = copy_site("content_wiki")
    monkeypatch.setattr(registry, "SLOW_PARSE", -1.0)  # every parse is "slow"
    result = sitegen.build(str(site), tmp_path / "out", jobs=1)
    slow = [w for w in result.warnings if "to parse: split it into smaller pages" in w]
    assert slow and all("MARKDOWN_ENGINE" in w and " MB) took " in w for w in slow)
    assert any("content/wiki/Home.md" in w for w in slow)

    monkeypatch.setattr(registry, "SLOW_PARSE", 10.0)
    again = sitegen.build(str(site), tmp_path / "again", jobs=1, clean=True)
    assert not [w for w in again.warnings if "to parse" in w]
