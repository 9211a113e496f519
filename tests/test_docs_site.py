"""The user guide in ``docs/`` is a sitegen site: it builds strictly, and
every link in it works from a plain folder (it uses relative URLs)."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHAPTERS = ["quickstart", "tutorial", "app", "templates", "build", "content", "blogs", "wikis",
            "markdown-engines", "feeds", "serve", "themes", "deploy", "cli", "config",
            "troubleshooting", "pelican", "api", "changelog"]


def test_the_guide_builds_strictly_with_every_chapter(cli, tmp_path):
    output = tmp_path / "guide"
    result = cli("build", DOCS, "-o", output, "--strict")
    assert result.exit_code == 0, result.output
    for chapter in CHAPTERS:
        assert (output / chapter / "index.html").is_file(), chapter
    assert (output / "index.html").is_file()


def test_the_cli_reference_is_every_commands_own_help(cli, tmp_path):
    from sitegen.cli import main

    output = tmp_path / "guide"
    assert cli("build", DOCS, "-o", output).exit_code == 0
    reference = (output / "cli/reference/index.html").read_text()
    for name in main.commands:
        assert f'<h2 id="{name}"><code>sitegen {name}</code></h2>' in reference
    for option in ("--jobs", "--executor", "--allow-host", "--template"):
        assert option in reference


def test_every_link_in_the_guide_resolves_from_the_file_system(cli, tmp_path):
    output = tmp_path / "guide"
    assert cli("build", DOCS, "-o", output).exit_code == 0
    broken, checked = [], 0
    for file in sorted(output.rglob("*.html")):
        if file.name == "404.html":  # served at any path, so its links stay absolute
            continue
        parser = html5lib.HTMLParser(namespaceHTMLElements=False)
        document = parser.parse(file.read_bytes())
        assert not parser.errors, (file, parser.errors[:3])
        here = file.parent.relative_to(output).as_posix()
        for element in document.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if not value or urlsplit(value).scheme or value.startswith("#"):
                    continue
                checked += 1
                parts = urlsplit(value)
                assert not value.startswith("/"), f"{file}: absolute link {value}"
                target = output / posixpath.normpath(posixpath.join(here, unquote(parts.path)))
                if not target.is_file():
                    broken.append(f"{file.relative_to(output)}: {value}")
                elif parts.fragment:
                    ids = {e.get("id") for e in html5lib.parse(
                        target.read_bytes(), namespaceHTMLElements=False).iter()}
                    if parts.fragment not in ids:
                        broken.append(f"{file.relative_to(output)}: {value} (no such id)")
    assert checked > 100
    assert broken == []


def test_the_api_reference_is_the_public_apis_own_docstrings(cli, tmp_path):
    import inspect

    from markupsafe import escape

    import sitegen

    output = tmp_path / "guide"
    assert cli("build", DOCS, "-o", output).exit_code == 0
    reference = (output / "api/index.html").read_text()
    assert '<h4 id="Site.route"><code>Site.route(rule: str' in reference  # no self
    assert str(escape(inspect.getdoc(sitegen.Site.route).split("``")[0])) in reference
    for name in sitegen.__all__:
        assert f'id="{name}"' in reference, name
    for name in ("Site.pages", "Site.generator", "Pages.by_tag", "Page.backlinks", "atom_feed",
                 "rss_feed", "add_sitemap", "search_index", "build"):
        assert f'id="{name}"' in reference, name
    assert "<pre><code>site = Site(__name__)" in reference  # a docstring's :: example


def test_the_changelog_page_is_the_changelog_file(cli, tmp_path):
    output = tmp_path / "guide"
    assert cli("build", DOCS, "-o", output).exit_code == 0
    page = (output / "changelog/index.html").read_text()
    changelog = (DOCS.parent / "CHANGELOG.md").read_text()
    headings = [line.lstrip("#").strip() for line in changelog.splitlines()
                if line.startswith("## ")]
    assert headings and all(heading in page for heading in headings)
