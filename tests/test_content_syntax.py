"""Content as vaults and wikis write it: fences with info strings, callouts, highlights,
comments, tags, math, diagrams, block references and wiki-link details (issue 9).

The fixture, ``tests/sites/content_syntax``, is a small Obsidian-style vault,
built once per engine with the real CLI; each case the issue names is a page
of it, read back with an HTML parser.
"""

from __future__ import annotations

import marshal
from pathlib import Path

import markdown
import pytest
from content_support import build, build_copy, find, parse, text, write

from sitegen.content.callouts import FAMILIES
from sitegen.content.markup import Parsed
from sitegen.content.refs import Heading, Ref

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")
PYTHON_MARKDOWN = pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)


@pytest.fixture(scope="module")
def vault(markdown_engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_copy(tmp_path_factory, "content_syntax")


def note(vault: tuple[Path, str], name: str):
    return parse(vault[0] / f"notes/{name}/index.html")


def content(vault: tuple[Path, str], name: str):
    return find(note(vault, name), ".//div[@class='content']")


def facts(vault: tuple[Path, str], name: str) -> dict[str, str]:
    return dict(find(note(vault, name), ".//p[@id='facts']").attrib)


def test_the_vault_builds_without_warnings(vault):
    assert "warning:" not in vault[1]


# -- fences -------------------------------------------------------------------


@PYTHON_MARKDOWN
def test_python_markdowns_fenced_code_swallows_the_page_after_a_fence_with_a_title():
    """The bug as it was: ``fenced_code`` alone reads no info string past the language."""
    source = '```ts title="a.ts"\nx\n```\n\n## After\n\n```py\ny\n```\n'
    html = markdown.markdown(source, extensions=["fenced_code"])
    assert "<h2>" not in html and "## After" in html  # in a code block


def test_a_fence_with_a_title_is_a_captioned_figure_and_the_page_goes_on(vault):
    page = content(vault, "Fences")
    figure = find(page, ".//figure[@class='code-block']")
    assert text(find(figure, "figcaption")) == "quartz.config.ts"
    assert "pageTitle" in text(find(figure, ".//pre"))
    headings = [text(h).rstrip("¶") for h in page.iter("h2")]
    assert headings == ["After the titled fence", "The end of the page"]


def test_line_highlights_in_braces_and_hl_lines(vault):
    blocks = content(vault, "Fences").findall(".//div[@class='highlight']")
    marked = [[text(span) for span in block.iter("span") if span.get("class") == "hll"]
              for block in blocks]
    assert marked[1] == ["const b = 2"]  # ```js {2}
    assert marked[2] == ["two = 2", "four = 4"]  # ```py hl_lines="2 4"
    assert marked[3] == ["a = 1", "c = 3", "d = 4"]  # ```python {1,3-4} title="x.py"
    assert marked[4] == []  # unknown metadata is ignored
    figures = content(vault, "Fences").findall(".//figure")
    assert [text(f.find("figcaption")) for f in figures] == ["quartz.config.ts", "x.py"]


def test_tilde_and_longer_fences_hold_shorter_ones_and_backticks_in_info_are_no_fence(vault):
    codes = [text(pre) for pre in content(vault, "Fences").iter("pre")]
    assert any(code.startswith("A tilde fence holds backticks: ``` not a fence here ```")
               for code in codes)
    assert any(code.startswith("A longer fence holds a shorter one: ``` still code ```")
               for code in codes)
    inline = [text(c) for c in content(vault, "Fences").iter("code")]
    assert "not`a`fence" in inline  # ``` not`a`fence ``` is a code span


def test_fences_in_a_callout_and_in_a_list_item(vault):
    page = content(vault, "Fences")
    callout = find(page, ".//div[@data-callout='example']")
    assert 'print("inside")' in text(find(callout, ".//div[@class='highlight']"))
    item = page.find(".//li")
    assert text(find(item, ".//div[@class='highlight']")) == "make build"
    assert len(page.findall(".//ul/li")) == 2


# -- callouts -----------------------------------------------------------------


def test_callouts_have_a_title_a_type_and_github_alert_classes(vault):
    page = content(vault, "Callouts")
    plain = find(page, "div[@data-callout='note']")
    assert plain.get("class") == "admonition note"
    assert text(find(plain, "p[@class='admonition-title']")) == "Note"
    tip = find(page, "div[@data-callout='tip']")
    title = find(tip, "p[@class='admonition-title']")
    assert text(title) == "A custom title with code"
    assert title.find("em") is not None and title.find("code") is not None
    assert [text(p) for p in tip.findall("p")] == ["A custom title with code", "The body."]
    github = find(page, "div[@data-callout='important']")
    assert github.get("class") == "admonition important"
    assert text(find(page, "blockquote")) == "Just a quote."


def test_foldable_callouts_are_details_closed_or_open(vault):
    page = content(vault, "Callouts")
    closed = find(page, "details[@data-callout='faq']")
    assert closed.get("open") is None
    assert text(find(closed, "summary[@class='admonition-title']")) == "Folded by default"
    opened = find(page, "details[@data-callout='question']")
    assert opened.get("open") is not None


def test_nested_title_only_and_unknown_callouts(vault):
    page = content(vault, "Callouts")
    outer = find(page, "div[@data-callout='warning']")
    inner = find(outer, "div[@data-callout='danger']")
    assert text(find(inner, "p[@class='admonition-title']")) == "Inner"
    only = find(page, "div[@data-callout='success']")
    assert [text(p) for p in only] == ["Only a title"]
    unknown = find(page, "div[@data-callout='recipe']")
    assert unknown.get("class") == "admonition note"
    assert text(find(unknown, "p[@class='admonition-title']")) == \
        "A type Obsidian does not know"


def test_every_obsidian_type_and_alias_is_its_own_class(vault):
    callouts = content(vault, "Types").findall("div")
    names = [name for family in FAMILIES for name in family]
    assert [c.get("data-callout") for c in callouts] == names
    assert [c.get("class") for c in callouts] == [f"admonition {n}" for n in names]


# -- inline syntax ------------------------------------------------------------


def test_highlights_are_marks(vault):
    mark = find(content(vault, "Inline"), ".//mark")
    assert text(mark) == "highlighted words" and mark.find("em") is not None


def test_comments_are_never_published(vault):
    out = vault[0] / "notes/Inline/index.html"
    html = out.read_text()
    assert "never published" not in html and "block comment" not in html
    assert "%% not a comment in code %%" in text(content(vault, "Inline"))
    assert "100%." in text(find(note(vault, "Inline"), ".//pre[@id='text']"))


def test_inline_tags_link_to_their_page_and_are_collected_in_order(vault):
    page = content(vault, "Inline")
    tags = [a for a in page.iter("a") if a.get("class") == "tag"]
    assert [text(a) for a in tags] == ["#obsidian", "#area/topic", "#obsidian", "#Ünïcode-tag"]
    assert facts(vault, "Inline")["data-tags"] == "obsidian area/topic Ünïcode-tag"
    shown = text(page)
    for not_a_tag in ("not #123", "not page#x", "not #code"):
        assert not_a_tag in shown


def test_math_is_mathml_and_dollar_amounts_escapes_and_code_are_not(vault):
    page = content(vault, "Inline")
    maths = page.findall(".//{http://www.w3.org/1998/Math/MathML}math") or \
        page.findall(".//math")
    assert [m.get("display") for m in maths] == ["inline", "block", "block"]
    shown = text(page)
    assert "It costs $5 and $10, and an escaped $ sign is a dollar." in shown
    assert "$x$" in [text(c) for c in page.iter("code")]
    assert facts(vault, "Inline")["data-needs"] == "math"


def test_a_diagram_loads_mermaid_from_the_site_and_other_pages_do_not(vault):
    out = vault[0]
    document = note(vault, "Diagram")
    diagram = find(document, ".//pre[@class='mermaid']")
    assert "A[Write] --> B{Build}" in text(diagram)
    assert [s.get("src") for s in document.iter("script")] == ["/mermaid.js"]
    assert (out / "mermaid.js").read_bytes().startswith(b'"use strict";')
    assert not list(note(vault, "Inline").iter("script"))


# -- links and blocks ---------------------------------------------------------


def test_wiki_links_with_spaces_around_the_pipe_same_page_headings_and_emoji_ids(vault):
    page = content(vault, "Links")
    assert [h.get("id") for h in page.iter("h2")] == ["launch"]
    links = {text(a): a.get("href") for a in page.iter("a") if a.get("class") == "wikilink"}
    assert links["Table of Contents"] == "/notes/notes/Table%20of%20contents/"
    assert links["🚀 Launch"] == "#launch"


def test_block_references_give_blocks_ids(vault):
    page = content(vault, "Links")
    assert find(page, "p[@id='para-one']").text.strip() == "A paragraph to reference."
    assert text(find(page, ".//li[@id='item-one']")) == "an item"
    assert find(page, "table[@id='table-one']") is not None
    assert "^" not in text(find(note(vault, "Links"), ".//pre[@id='text']")).replace("^intro", "")
    assert facts(vault, "Links")["data-blocks"] == "para-one item-one table-one"
    links = {text(a): a.get("href") for a in page.iter("a")}
    assert links["Blocks > ^intro"] == "/notes/Blocks/#intro"


def test_a_wiki_link_split_across_lines_is_one_link(vault):
    links = {text(a): a.get("href") for a in content(vault, "Links").iter("a")}
    assert links["the contents"] == "/notes/notes/Table%20of%20contents/"


# -- what the parse keeps -----------------------------------------------------


def test_a_parse_with_tags_blocks_and_needs_round_trips_through_marshal():
    parsed = Parsed("<p>x</p>", "", "", (Heading("a", "A", 1),), "x",
                    (Ref("tag", "area/topic", "href", "tag"),), ("area/topic",), ("b",),
                    ("math",))
    assert Parsed.from_data(marshal.loads(marshal.dumps(parsed.to_data()))) == parsed
    old = {k: v for k, v in parsed.to_data().items() if k not in ("tags", "blocks", "needs")}
    with pytest.raises(KeyError):  # an older cache entry is a miss, never a wrong parse
        Parsed.from_data(old)


def test_without_latex2mathml_math_shows_as_source_with_a_warning(
        copy_site, cli, tmp_path, monkeypatch):
    from sitegen.content import markup, syntax

    monkeypatch.setattr(syntax, "_converter", lambda: None)
    monkeypatch.setattr(markup, "has_math_renderer", lambda: False)
    site = copy_site("content_syntax")
    write(site, {"content/vault/Inline.md": "# Math\n\nIt is $x^2$.\n"})
    result = build(cli, site, tmp_path / "out")
    assert "/notes/Inline/" in result.output and "latex2mathml" in result.output
    assert "pip install 'sitegen-flask[math]'" in result.output
    page = parse(tmp_path / "out/notes/Inline/index.html")
    assert "$x^2$" in [text(c) for c in page.iter("code")]


def test_without_mermaidx_a_diagram_shows_as_source_with_a_warning_and_no_script(
        copy_site, cli, tmp_path, monkeypatch):
    from sitegen.content import commonmark, extension, markup

    for module in (extension, commonmark, markup):
        monkeypatch.setattr(module, "has_diagram_script", lambda: False, raising=False)
    site = copy_site("content_syntax")
    result = build(cli, site, tmp_path / "out")
    assert "/notes/Diagram/" in result.output
    assert "pip install 'sitegen-flask[diagrams]'" in result.output
    document = parse(tmp_path / "out/notes/Diagram/index.html")
    assert find(document, ".//pre[@class='mermaid']") is not None
    assert not list(document.iter("script"))
    assert not (tmp_path / "out/mermaid.js").exists()


def test_the_served_script_is_a_recorded_file_a_rebuild_reuses(copy_site, cli, tmp_path):
    site = copy_site("content_syntax")
    build(cli, site, tmp_path / "out")
    again = build(cli, site, tmp_path / "out")
    assert "0 rendered" in again.output
    assert (tmp_path / "out/mermaid.js").is_file()
