"""The two Markdown engines: what renders alike, what differs, switching, highlighting once.

``MARKDOWN_ENGINE = "markdown"`` is Python-Markdown, ``"commonmark"`` the
compiled parser (pyromark).  The other content tests run on both; these
prove what ``docs/content/markdown-engines.md`` says about each.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from importlib import metadata
from pathlib import Path

import html5lib
import pytest
from content_support import SITES, build, find, parse, text, write
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content.commonmark import CommonMarkRenderer
from sitegen.content.highlighting import Highlighter
from sitegen.content.markup import (
    DEFAULT_MARKDOWN_EXTENSIONS,
    MarkdownRenderer,
    Parsed,
    renderer_for,
)
from sitegen.content.refs import REF_RE

#: Every test here runs on each Markdown engine unless it says otherwise.
pytestmark = pytest.mark.usefixtures("markdown_engine")
COMMONMARK = pytest.mark.parametrize("markdown_engine", ["commonmark"], indirect=True)
PYTHON_MARKDOWN = pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)

#: Markdown both engines read alike.
PORTABLE = """\
# Ünïcode title

A paragraph with *emphasis*, `code`, [a page](other.md#part) and [[Wiki Page|a label]].

## Twice

## Twice

```python
def hello():
    return "<hi>"
```

| a | b |
|---|--:|
| 1 | 2 |

Text with a footnote.[^1]

> [!TIP]
> Alerts work on both.

![[pic.png|alt|300]] and ![an image](images/pic.png)

[^1]: The note.
"""


def targets(parsed: Parsed, html: str) -> str:
    """``html`` with each reference replaced by what it points at."""
    return REF_RE.sub(lambda m: f"[{parsed.refs[int(m[1] or m[3])].target}]", html)


def content(path: Path):
    return find(parse(path), ".//div[@class='content']")


def post(site: Path, body: str) -> None:
    write(site, {"content/posts/2024-07-01-engine.md": f"---\ntitle: Engine\n---\n{body}"})


def test_both_engines_give_the_same_ids_toc_refs_summary_and_highlighting():
    markdown = MarkdownRenderer(DEFAULT_MARKDOWN_EXTENSIONS, {}).parse(PORTABLE)
    commonmark = CommonMarkRenderer().parse(PORTABLE)
    assert markdown.headings == commonmark.headings
    assert [h.id for h in commonmark.headings] == ["ünïcode-title", "twice", "twice_1"]
    assert markdown.toc == commonmark.toc
    assert sorted(markdown.refs) == sorted(commonmark.refs)  # numbered in another order
    assert targets(markdown, markdown.summary) == targets(commonmark, commonmark.summary)
    assert markdown.word_count == commonmark.word_count

    def highlighted(html: str) -> str:
        start = html.index('<div class="highlight">')
        return html[start:html.index("</div>", start)]

    assert highlighted(markdown.html) == highlighted(commonmark.html)
    for html in (markdown.html, commonmark.html):
        assert ('<div class="admonition tip" data-callout="tip">\n'
                '<p class="admonition-title">Tip</p>') in html


@pytest.mark.parametrize(("source", "markdown", "commonmark"), [
    # Footnotes: numbered as defined, or as first referenced (GitHub's order).
    ("Two[^b] notes[^a].\n\n[^a]: A.\n[^b]: B.\n",
     '<a class="footnote-ref" href="#fn:b">2</a>', '<a class="footnote-ref" href="#fn:b">1</a>'),
    # A sublist indented by its parent's marker width: CommonMark nests it.
    ("- item\n  - nested\n", "<li>item</li>\n<li>nested</li>", "<li>item<ul>\n<li>nested</li>"),
    # Blockquotes apart stay apart in CommonMark.
    ("> one\n\n> two\n", "<p>one</p>\n<p>two</p>", "</blockquote>\n<blockquote>"),
    # A wiki link's label is Markdown in CommonMark.
    ("[[Page|*new*]]\n", ">*new*</a>", "><em>new</em></a>"),
])
def test_the_documented_differences(source, markdown, commonmark):
    python_markdown = MarkdownRenderer(DEFAULT_MARKDOWN_EXTENSIONS, {}).parse(source).html
    compiled = CommonMarkRenderer().parse(source).html
    assert markdown in python_markdown and markdown not in compiled
    assert commonmark in compiled and commonmark not in python_markdown


#: Pieces of Markdown that nest in many ways: the property test joins them at random.
PIECES = [*"ab #*_`[]()!|\\-:>^~{}.\n&=", "[[", "]]", "[^1]", "[^1]: ", "> [!NOTE]\n",
          "```py\n", "\n```\n", "| a | b |\n|---|---|\n", "- [x] ", "    ", "![[p.png|x]]",
          "<div>", "</div>", "# H\n", "Term\n: def\n", "[a](b.md)", "![i](c.png)"]


@PYTHON_MARKDOWN  # the engine under test is made here: run it once
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_the_compiled_engine_parses_any_mix_of_syntax(source):
    parsed = CommonMarkRenderer().parse(source)
    assert len(REF_RE.findall(parsed.html)) <= len(parsed.refs)
    assert all(h.id for h in parsed.headings)


def test_a_task_list_item_that_is_a_setext_heading():
    """Its marker comes inside the heading (found by the property test)."""
    parsed = CommonMarkRenderer().parse(
        "- [x] :a|![[p.png|x]]- [x] &Term\n: def\n    =\n\\[^1]b=`")
    assert parsed.refs[0].target == "p.png"


def test_a_highlight_opened_before_a_heading_is_left_as_written():
    """``==`` then a setext heading on the next line: its ``End`` is no paragraph's
    (found by the property test); both engines leave the signs as text."""
    source = "==# H\n="
    assert CommonMarkRenderer().parse(source).html == renderer_for({}).parse(source).html
    assert "<mark>" not in CommonMarkRenderer().parse(source).html


def test_a_gfm_alert_renders_as_an_admonition(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    post(site, "> [!WARNING]\n> Mind the **gap**.\n\nBetween.\n\n> [!NOTE] not alone on its line\n")
    build(cli, site, tmp_path / "out")
    page = content(tmp_path / "out/blog/engine/index.html")
    alert = find(page, ".//div[@class='admonition warning']")
    assert [text(p) for p in alert.findall("p")] == ["Warning", "Mind the gap."]
    assert find(alert, "p[@class='admonition-title']") is not None
    # Obsidian's callouts take the rest of the marker's line as their title.
    note = find(page, ".//div[@class='admonition note']")
    assert text(find(note, "p[@class='admonition-title']")) == "not alone on its line"


@COMMONMARK
def test_commonmark_renders_strikethrough_and_task_lists(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    post(site, "~~gone~~\n\n- [x] done\n- [ ] to do\n")
    build(cli, site, tmp_path / "out")
    page = content(tmp_path / "out/blog/engine/index.html")
    assert text(find(page, ".//del")) == "gone"
    boxes = page.findall(".//li[@class='task-list-item']/input")
    assert [box.get("checked") is not None for box in boxes] == [True, False]


@PYTHON_MARKDOWN
def test_python_markdown_leaves_strikethrough_and_task_lists_as_text(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    post(site, "~~gone~~\n\n- [x] done\n")
    build(cli, site, tmp_path / "out")
    page = content(tmp_path / "out/blog/engine/index.html")
    assert page.find(".//del") is None and page.find(".//input") is None
    assert text(page) == "~~gone~~ [x] done"


@COMMONMARK
def test_python_markdown_syntax_is_text_to_commonmark(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    post(site, "[TOC]\n\n## Part\n\nA lead.\n{: .lead }\n\n!!! note\n    Body.\n")
    build(cli, site, tmp_path / "out")
    page = content(tmp_path / "out/blog/engine/index.html")
    assert page.find(".//div[@class='toc']") is None
    assert page.find(".//p[@class='lead']") is None
    assert page.find(".//div[@class='admonition note']") is None
    assert "[TOC]" in text(page) and "{: .lead }" in text(page) and "!!! note" in text(page)


@COMMONMARK
def test_commonmark_without_its_parser_installed_says_how_to_install_it(
        copy_site, cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyromark", None)  # as if not installed
    result = cli("build", copy_site("content_blog"), "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "pyromark" in result.output and "pip install 'sitegen-flask[fast]'" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_engine_is_an_error(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    with open(site / "app.py", "a") as app:
        app.write('site.config["MARKDOWN_ENGINE"] = "kramdown"\n')
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "'kramdown', which is not an engine" in result.output
    assert "'markdown' or 'commonmark'" in result.output


@PYTHON_MARKDOWN
def test_switching_the_engine_never_reuses_the_other_engines_parses(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    post(site, "~~gone~~\n")
    build(cli, site, tmp_path / "one")
    assert content(tmp_path / "one/blog/engine/index.html").find(".//del") is None
    with open(site / "app.py", "a") as app:
        app.write('site.config["MARKDOWN_ENGINE"] = "commonmark"\n')
    build(cli, site, tmp_path / "two")
    assert text(find(content(tmp_path / "two/blog/engine/index.html"), ".//del")) == "gone"
    cache = site / ".sitegen-cache/markdown/parses.sqlite3"
    with closing(sqlite3.connect(cache)) as db:
        assert db.execute("SELECT count(*) FROM parses").fetchone() == (12,)  # 6 pages × 2


@pytest.mark.parametrize("settings", [
    {"css_class": "highlight", "guess_lang": False},  # sitegen's: the highlighter writes it
    {"css_class": "highlight", "guess_lang": True},
    {"css_class": "highlight", "linenums": True},  # codehilite's own, asked per block
    {"css_class": "code", "noclasses": True},
])
@pytest.mark.parametrize("fence", [
    "```python\nimport os\nanswer = 42\n```\n",
    '```python hl_lines="2"\nimport os\nanswer = 42\n```\n',
    "```nosuchlanguage\nx <y>\n```\n",
])
def test_python_markdown_code_is_what_fenced_code_and_codehilite_write(settings, fence):
    """However codehilite is set, a block's HTML is Python-Markdown's own for it (sitegen
    highlights a block itself where that gives the same bytes, which is cheaper)."""
    from markdown import Markdown

    extensions = ["fenced_code", "codehilite"]
    configs = {"codehilite": settings}
    own = Markdown(extensions=extensions, extension_configs=configs).convert(fence)
    parsed = MarkdownRenderer(extensions, configs).parse(fence)
    assert parsed.html == own
    assert "<span" in own or "nosuchlanguage" in fence


@PYTHON_MARKDOWN
def test_python_markdowns_inline_patterns_apply_as_in_python_markdown_itself():
    """sitegen reads the inline patterns from a list rather than from the registry (which
    sorts itself on each lookup): the same patterns in the same order, the same HTML."""
    from markdown import Markdown

    source = ("\"q\" -- A *b* **c** ***d*** `e` &amp; &copy; <span>f</span>  \nline\\*g*\n\n"
              "| h | *i* |\n|---|---|\n| `j` | **k** |\n\n> *l* and __m__\n")
    extensions = ["tables", "smarty", "footnotes"]
    own = Markdown(extensions=extensions, output_format="html").convert(source)
    assert MarkdownRenderer(extensions, {}).parse(source).html == own
    assert "<strong><em>d</em></strong>" in own and "&ldquo;q&rdquo; &ndash;" in own


def test_whether_pygments_knows_a_language_is_asked_without_making_a_lexer():
    """A cached block needs no lexer, so asking about its language builds none (the
    first Python lexer compiles its rules: 30 ms of a one-post rebuild)."""
    highlighter = Highlighter()
    assert highlighter.knows("python") and highlighter.knows("Python")
    assert not highlighter.knows("nosuchlanguage")
    assert highlighter._lexers == {}
    assert "<span" in highlighter.highlight("answer = 42", "python")
    assert highlighter.highlight("x <y>", "nosuchlanguage") == \
        highlighter.highlight("x <y>", "text")


def test_a_code_block_is_highlighted_once_across_builds(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    block = "```python\nanswer = 42\n```\n"
    post(site, f"First.\n\n{block}")
    build(cli, site, tmp_path / "one")
    cache = site / ".sitegen-cache/markdown/parses.sqlite3"
    with closing(sqlite3.connect(cache)) as db, db:
        db.execute("UPDATE highlights SET html = replace(html, 'answer', 'cached')")
    post(site, f"Edited, so the page is parsed again.\n\n{block}")
    build(cli, site, tmp_path / "two")
    page = content(tmp_path / "two/blog/engine/index.html")
    assert text(page) == "Edited, so the page is parsed again. cached = 42"
    build(cli, site, tmp_path / "clean", "--clean")  # --clean reads no cache
    assert "answer = 42" in text(content(tmp_path / "clean/blog/engine/index.html"))


@pytest.fixture(scope="session")
def markdown_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``docs/`` folder of the installed Python-Markdown's sdist, downloaded once."""
    folder = tmp_path_factory.mktemp("markdown-sdist")
    version = metadata.version("markdown")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                    ":all:", "-q", "-d", str(folder), f"markdown=={version}"], check=True)
    archive = next(folder.glob("*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    docs = folder / f"{archive.name.removesuffix('.tar.gz')}" / "docs"
    assert (docs / "index.md").is_file()
    return docs


def test_python_markdowns_documentation_builds_strict_with_every_md_link_resolved(
        markdown_docs, cli, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITES / "markdown_docs", site)
    shutil.copytree(markdown_docs, site / "content")
    sources = list((site / "content").rglob("*.md"))
    result = build(cli, site, tmp_path / "out", "--strict")
    assert "0 warnings" in result.output
    pages = list((tmp_path / "out").rglob("index.html"))
    assert len(pages) == len(sources) > 50
    for page in pages:  # its pages show invalid HTML on purpose: read them leniently
        document = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
        for link in document.iter("a"):
            href = link.get("href") or ""
            assert "://" in href or ".md" not in href, (page, href)
