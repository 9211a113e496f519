"""Bad content stops the build with one message naming the file and line.

Each case builds the blog once, breaks one file, builds again: exit code 1,
the message, and the first build's output left exactly as it was.
"""

from __future__ import annotations

import pytest
from content_support import build, write

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")

BROKEN = {
    "malformed YAML": (
        {"content/posts/bad.md": "---\ntitle: ok\ntags: [a, b\ndate: 2024-01-01\n---\nBody.\n"},
        "content/posts/bad.md:4: invalid front matter: while parsing a flow sequence "
        "(it starts on line 3), did not find expected ',' or ']'",
    ),
    "a colon in a value": (
        {"content/posts/bad.md": "---\ntitle: ok\nsummary: note: this breaks\n---\nBody.\n"},
        "content/posts/bad.md:3: invalid front matter: mapping values are not allowed",
    ),
    "a list for front matter": (
        {"content/posts/bad.md": "---\n- one\n- two\n---\nBody.\n"},
        "content/posts/bad.md:2: the front matter is a list, not a mapping of keys to values",
    ),
    "front matter never closed": (
        {"content/posts/bad.md": "---\ntitle: ok\n\nBody.\n"},
        "content/posts/bad.md:1: the front matter opened on this line is never closed",
    ),
    "not UTF-8": (
        {"content/posts/bad.md": b"---\ntitle: ok\n---\nFine.\n\nCaf\xe9 in Latin-1.\n"},
        "content/posts/bad.md:6: the file is not UTF-8: byte 0xe9 cannot be decoded",
    ),
    "malformed TOML": (
        {"content/posts/bad.md": '+++\ntitle = "ok"\nsummary = "never closed\n+++\nBody.\n'},
        "content/posts/bad.md:3: invalid front matter: Illegal character '\\n'",
    ),
    "TOML never closed": (
        {"content/posts/bad.md": '+++\ntitle = "ok"\n\nBody.\n'},
        "content/posts/bad.md:1: the front matter opened on this line is never closed",
    ),
    "two files for one page": (
        {"content/posts/twice.md": "One.\n", "content/posts/twice.markdown": "Two.\n"},
        "content/posts/twice.md: is the same page as content/posts/twice.markdown (both are twice)",
    ),
    "a date that is not one": (
        {"content/posts/bad.md": "---\ntitle: ok\ndate: next tuesday\n---\nBody.\n"},
        "content/posts/bad.md:3: date: 'next tuesday' is not a date",
    ),
    "a link to a missing page": (
        {"content/posts/bad.md": "---\ntitle: ok\n---\nIntro.\n\nSee [this](../gone/nope.md).\n"},
        "content/posts/bad.md:6: links to ../gone/nope.md, but content/gone/nope.md "
        "does not exist",
    ),
    "a missing image": (
        {"content/posts/bad.md": "Intro.\n\n![x](images/none.png)\n"},
        "content/posts/bad.md:3: shows images/none.png, but "
        "content/posts/images/none.png does not exist",
    ),
    "a link to a Markdown file outside every collection": (
        {"content/posts/bad.md": "See [the readme](../README.md).\n", "content/README.md": "Hi\n"},
        "content/posts/bad.md:1: links to ../README.md, but content/README.md is in no "
        "collection, so it is not published",
    ),
}


@pytest.mark.parametrize("files,message", BROKEN.values(), ids=list(BROKEN))
def test_bad_content_fails_the_build_and_keeps_the_output(
        copy_site, cli, tmp_path, read_tree, files, message):
    site = copy_site("content_blog")
    out = tmp_path / "out"
    build(cli, site, out)
    before = read_tree(out)
    write(site, files)
    result = cli("build", site, "-o", out)
    assert result.exit_code == 1, result.output
    assert f"error: {message}" in result.output
    assert "hint: " in result.output
    assert "Traceback" not in result.output
    assert read_tree(out) == before


@pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)  # Python-Markdown's own
def test_an_unknown_markdown_extension_is_reported(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    with open(site / "app.py", "a") as app:
        app.write('site.config["MARKDOWN_EXTENSIONS"] = ["tabels"]\n')
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "cannot load a Markdown extension: No module named 'tabels'" in result.output
