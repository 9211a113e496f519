"""File names as other systems write them: macOS's decomposed (NFD) accents."""

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
