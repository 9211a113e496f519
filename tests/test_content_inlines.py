"""Skipping inline patterns that cannot match gives Python-Markdown's own HTML."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from markdown.treeprocessors import InlineProcessor

from sitegen.content.inlines import NarrowInlineProcessor, narrow_inlines
from sitegen.content.markup import DEFAULT_MARKDOWN_EXTENSIONS, MarkdownRenderer
from sitegen.content.regexstart import first_chars, required_text

ROOT = Path(__file__).parent.parent
#: Every inline construct, and the edge cases of each: escapes before the characters
#: patterns start with, code spans holding them, nesting, line breaks, non-ASCII.
SAMPLE = r"""
# Title with `code` and *emphasis* &amp; an entity &#169; &copy;

Plain words only, many of them, with no character any pattern needs
A line ending in two spaces<2 spaces>
then *one*, **two**, ***three***, _under_, __double__, a*b*c, snake_case_name.
Escapes: \*not\*, \[not a link\], \`not code\`, \\ backslash, \<not html\>, \& and \!.
Code: `a [b](c) <d> *e*`, ``double `tick` span``, `unclosed, and ` spaced ` ones.
Links: [text](http://x.org "title"), [ref][r], [r], [r][], [^1], ![alt](i.png),
![ref image][r], <http://auto.link/x?y=1&z=2>, <mail@example.org>, <span class="x">html</span>,
a < b > c, 5 & 6, [unclosed (bracket, !bang, <unclosed, &notanentity; [x]: y.
Smart "quotes" and 'single' ones -- dashes --- and ellipses... <<guillemets>>.
Ünïcödé *émphasis* and [liens](/é/) — with HTML, ABBR and WiKi [[Wiki Link]].
Tabs	inside	text and a trailing backslash \
Term
:   Definition with `code` and *em*.

| a | *b* | `c` |
|---|-----|-----|
| [x](y) | <b>z</b> | &amp; |

!!! note "Admonition"
    With **bold** and [a link](#).

<div markdown="1">*in html*</div>

[r]: http://ref.example "Ref"
[^1]: A footnote with *emphasis* and `code`.
*[HTML]: Hyper Text Markup Language
*[ABBR]: Abbreviation
""".replace("<2 spaces>", "  ")
EXTENSION_SETS = {
    "none": [],
    "sitegen's default": list(DEFAULT_MARKDOWN_EXTENSIONS),
    "many": ["extra", "smarty", "admonition", "nl2br", "wikilinks", "legacy_em", "toc",
             "sane_lists"],
}


def texts() -> list[str]:
    """The sample, and every Markdown page of the example site and of the guide."""
    pages = sorted((*ROOT.glob("example_site/**/*.md"), *ROOT.glob("docs/**/*.md")))
    assert len(pages) > 40
    return [SAMPLE, SAMPLE.upper(), SAMPLE[::-1], ""] + [p.read_text() for p in pages]


@pytest.mark.parametrize("name", sorted(EXTENSION_SETS))
def test_the_html_is_python_markdowns_own(name):
    stock = markdown.Markdown(extensions=EXTENSION_SETS[name])
    narrow = markdown.Markdown(extensions=EXTENSION_SETS[name])
    narrow_inlines(narrow)
    processors = [type(p) for p in narrow.treeprocessors if isinstance(p, InlineProcessor)]
    assert NarrowInlineProcessor in processors
    if name == "many":  # smarty's own inline processor is narrowed too
        assert processors.count(NarrowInlineProcessor) == 2
    for text in texts():
        assert narrow.reset().convert(text) == stock.reset().convert(text)


def test_most_of_python_markdowns_patterns_start_with_a_known_character():
    md = markdown.Markdown(extensions=list(DEFAULT_MARKDOWN_EXTENSIONS))
    starts = {p.__class__.__name__: first_chars(p.getCompiledRegExp())
              for p in md.inlinePatterns}
    assert starts["LinkInlineProcessor"] == "["
    assert starts["AutolinkInlineProcessor"] == "<"
    assert starts["BacktickInlineProcessor"] == "\\`"
    assert sum(chars is not None for chars in starts.values()) >= len(starts) - 1


@pytest.mark.parametrize(("pattern", "chars"), [
    (r"\[", "["),
    (r"(?<!\\)(`+)(.+?)(?<!`)\2(?!`)", "`"),
    (r"a?b", "ab"),
    (r"(?:x|y+|[&#])z", "#&xy"),
    (r"[a-c]{2}", "abc"),
    (r"(?i)[*_]+", "*_"),
    (r"(?=a)b", "b"),         # a lookahead consumes nothing: the next item decides
    (r"^\\", "\\"),
    (r"a*", None),            # it matches the empty string, anywhere
    (r"(a|)", None),
    (r".", None),
    (r"\d", None),
    (r"[^a]", None),
    (r"[a-e]", "abcde"),
    (r"[ -~]", None),         # too many to spell out
    (r"(?i)k", None),         # ignoring case, k matches K and the Kelvin sign
    (r"(a)\1", "a"),
    (r"(a)?\1", None),        # a back reference first: not understood
])
def test_first_chars_names_every_character_a_match_can_start_with(pattern, chars):
    assert first_chars(re.compile(pattern)) == chars


def test_a_bytes_or_ascii_pattern_is_always_tried():
    assert first_chars(re.compile(rb"\[")) is None  # type: ignore[arg-type]
    assert first_chars(re.compile(r"\[", re.ASCII)) is None


def test_an_extensions_own_inline_processor_is_left_as_it_is():
    class Counting(InlineProcessor):
        pass

    md = markdown.Markdown()
    md.treeprocessors.register(Counting(md), "inline", 20)
    narrow_inlines(md)
    assert type(md.treeprocessors["inline"]) is Counting


def test_sitegens_markdown_renderer_narrows_its_inline_patterns():
    renderer = MarkdownRenderer(list(DEFAULT_MARKDOWN_EXTENSIONS), {})
    html = renderer.parse("A [link](/x/) and `code`.").html
    assert ">link</a> and <code>code</code>.</p>" in html
    assert isinstance(renderer._markdown().treeprocessors["inline"], NarrowInlineProcessor)


@pytest.mark.parametrize(("pattern", "text"), [
    (r"  \n", "  \n"),
    (r"(!?)\[\[([^\[\]]+?)\]\]", "[["),
    (r"\!\[", "!["),
    (r"(?<!\!)\[", "["),
    (r"a(bc)d", "abcd"),      # a group matched once is in line
    (r"ab(cd)?e", "ab"),
    (r"ab(?:c|d)efg", "efg"),
    (r"(?i)xyz", ""),          # each letter may be another case
    (r"(?i)x-->", "-->"),
    (r"\d+", ""),
])
def test_required_text_is_a_run_every_match_holds(pattern, text):
    assert required_text(re.compile(pattern)) == text
