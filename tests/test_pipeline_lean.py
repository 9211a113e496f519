"""A rebuild with nothing to render is lean: it imports neither Python-Markdown nor
Pygments (nor PyYAML, nor Jinja) and opens no Markdown file it read before."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

EXAMPLE = Path(__file__).parent.parent / "example_site"

PROBE = textwrap.dedent('''
    import json, sys
    opened = []
    def hook(event, args):
        if event == "open" and isinstance(args[0], str) and args[0].endswith((".md", ".markdown")):
            opened.append(args[0])
    sys.addaudithook(hook)
    from sitegen.cli import main
    try:
        main(["build", sys.argv[1], "-q", "--report", sys.argv[2]])
    except SystemExit as exit:
        code = exit.code
    libraries = sorted({m.split(".")[0] for m in sys.modules}
                       & {"jinja2", "markdown", "pygments", "yaml"})
    print(json.dumps({"code": code, "opened": opened, "libraries": libraries}))
''')


def example(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE, site, ignore=shutil.ignore_patterns("build", ".sitegen-cache"))
    return site


def probe(site, report):
    proc = subprocess.run([sys.executable, "-c", PROBE, str(site), str(report)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


def test_a_no_change_rebuild_imports_no_markdown_and_reads_no_markdown_file(tmp_path):
    site = example(tmp_path)
    first = probe(site, tmp_path / "first.json")
    assert first["code"] == 0
    assert first["libraries"] == ["jinja2", "markdown", "pygments", "yaml"]  # a cold build
    assert first["opened"]  # and reads every page
    again = probe(site, tmp_path / "again.json")
    assert again == {"code": 0, "opened": [], "libraries": []}
    report = json.loads((tmp_path / "again.json").read_text())
    assert report["totals"]["rendered"] == 0
    assert report["totals"]["reused"] == report["totals"]["urls"] > 40


def test_a_rebuild_reads_only_the_markdown_file_that_changed(tmp_path):
    site = example(tmp_path)
    assert probe(site, tmp_path / "first.json")["code"] == 0
    post = site / "content/posts/2024-01-09-hello-field-notes.md"
    post.write_text(post.read_text() + "\nOne more paragraph.\n")
    again = probe(site, tmp_path / "again.json")
    assert again["code"] == 0
    assert {p.rsplit("/", 1)[-1] for p in again["opened"]} == {post.name}
    # Its front matter is as it was: its fields come from the index, no YAML is parsed.
    assert "yaml" not in again["libraries"]


def test_a_front_matter_edit_is_read_and_parsed(tmp_path):
    site = example(tmp_path)
    assert probe(site, tmp_path / "first.json")["code"] == 0
    post = site / "content/posts/2024-01-09-hello-field-notes.md"
    text = post.read_text()
    assert text.startswith("---\ntitle: ")
    post.write_text(text.replace("---\ntitle: ", "---\ntitle: Renamed, ", 1))
    again = probe(site, tmp_path / "again.json")
    assert again["code"] == 0 and "yaml" in again["libraries"]
    built = (site / "build/blog/hello-field-notes/index.html").read_text()
    assert "Renamed, " in built
