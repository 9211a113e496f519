"""The narrowing lexer loop gives Pygments' own tokens, for every lexer it takes."""

from __future__ import annotations

import re

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import RegexLexer
from pygments.lexers import get_all_lexers, get_lexer_by_name

from sitegen.content import highlighting, regexlexer, regexstart
from sitegen.content.highlighting import Highlighter

#: Text that exercises many languages' rules: keywords, strings with escapes,
#: comments of every family, numbers, operators, markup, tabs, CRLF, non-ASCII.
SAMPLE = (
    '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Doc string."""\n'
    "import os, sys\nfrom x import (a as b)\n@decorator(1)\n"
    "def f(x: int = 0x1F, *args, **kw) -> 'str':\n"
    "\tif x >= 1e-3 and not y or z is None: return f'{x!r:>10} \\n {{}}'\n"
    "    else:\n        raise ValueError(r'\\d+' % (x,))  # comment ünïcödé\n"
    "class C(Base, metaclass=M):\n    pass\n\n"
    "/* C comment */ int main(void) { char *s = \"a\\\"b\"; return s[0] == 'x' ? 1 : -2; }\r\n"
    "// line comment\n#include <stdio.h>\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\n"
    "function g(a, b) { const r = /ab+c/gi; let t = `t ${a + b}`; return a => a ** 2; }\n"
    "<html><!-- note --><body class=\"x\" id='y'>Text &amp; more<br/></body></html>\n"
    "<?php echo $x; ?> <% code %> {{ jinja }} {% block b %}\n"
    "SELECT a, COUNT(*) FROM t WHERE b = 'q''s' AND c IN (1, 2.5) -- note\n"
    "key: value\nlist:\n  - item  # comment\n---\n"
    "$ echo \"$HOME\" | grep -v '^#' > out.txt && ls -la ${PATH:-/bin} 2>&1\n"
    "(define (sq x) (* x x)) ; lisp\n{-# LANGUAGE X #-} -- haskell\n"
    "\\begin{document} % tex \\end{document}\n@@ -1,2 +1,2 @@\n-old\n+new\n"
    "end\nEND;\n'unterminated\n\"also\n"
)


def regex_lexer_classes() -> list[type]:
    """Every Pygments lexer class that runs ``RegexLexer``'s own loop."""
    from pygments.lexers import find_lexer_class_by_name

    found = {}
    for _name, aliases, _patterns, _mimetypes in get_all_lexers():
        if not aliases:
            continue
        cls = find_lexer_class_by_name(aliases[0])
        if cls.get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed:
            found[cls.__name__] = cls
    return [found[name] for name in sorted(found)]


def test_every_regex_lexer_gives_pygments_own_tokens():
    classes = regex_lexer_classes()
    assert len(classes) > 300  # Pygments' RegexLexers, not a handful
    for cls in classes:
        stock, narrowed = cls(), cls()
        assert regexlexer.install(narrowed), cls.__name__
        for text in (SAMPLE, SAMPLE[::-1], SAMPLE.upper(), ""):
            assert list(narrowed.get_tokens(text)) == list(stock.get_tokens(text)), cls.__name__


def test_a_lexer_with_its_own_loop_is_left_as_it_is():
    lexer = get_lexer_by_name("c")  # CLexer post-processes RegexLexer's tokens itself
    assert type(lexer).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed
    assert not regexlexer.install(lexer)
    assert "get_tokens_unprocessed" not in vars(lexer)


def test_the_rules_tried_are_those_that_can_start_with_the_next_character():
    lexer = get_lexer_by_name("python")
    states = regexlexer._States(lexer._tokens)
    root = states["root"]
    at_space, at_quote = root.at(" "), root.at('"')
    assert len(at_space) < len(root.rules) and len(at_quote) < len(root.rules)
    # in the order Pygments tries them, the ones that could match included
    assert list(at_space) == [rule for rule in root.rules if rule in at_space]
    assert all(rule in at_space for rule in root.rules if rule[0](" x", 0))
    assert all(rule in at_quote for rule in root.rules if rule[0]('"x"', 0))


def test_rules_that_ignore_case_are_narrowed_by_re_own_case_folding():
    lexer = get_lexer_by_name("python")  # (?i)(rb|br|r)(""") and the like: raw strings
    root = regexlexer._States(lexer._tokens)["root"]
    ignoring = [rule for rule in root.rules if rule[0].__self__.flags & re.IGNORECASE]
    assert ignoring
    assert not any(rule in root.at(" ") for rule in ignoring)
    assert all(rule in root.at("R") for rule in ignoring if rule[0]('R"x"', 0))
    # the Kelvin sign is a "k" to re when it ignores case: never ruled out
    kelvin = regexstart.parse(re.compile(r"(?i)k[a-c]"))
    assert regexstart.can_start(kelvin[0], "\u212a", 0x212A, kelvin[1]) is not False
    assert regexstart.can_start(kelvin[0], "x", ord("x"), kelvin[1]) is False
    for pattern in (r"(?i)[^k]", r"(?i)[\d_]", r"(?i)[a-f\W]", r"(?i)\u212a"):
        items, folded = regexstart.parse(re.compile(pattern))
        for char in "kK\u212a0_ -zZ":
            found = regexstart.can_start(items, char, ord(char), folded)
            assert found is not False or re.match(pattern, char) is None, (pattern, char)


def test_stacks_and_states_pass_through_as_in_pygments():
    stock, narrowed = get_lexer_by_name("html"), get_lexer_by_name("html")
    regexlexer.install(narrowed)
    text = "<script>var a = '<b>';</script><style>p { color: red }</style>"
    assert list(narrowed.get_tokens_unprocessed(text, ("root",))) == \
        list(stock.get_tokens_unprocessed(text, ("root",)))
    assert list(narrowed.get_tokens_unprocessed("a { b: c }", ("style-content",))) == \
        list(stock.get_tokens_unprocessed("a { b: c }", ("style-content",)))


@pytest.mark.parametrize("language", ["python", "javascript", "rust", "bash", "html"])
def test_the_highlighter_narrows_a_lexer_after_many_blocks_with_the_same_html(language):
    highlighter = Highlighter()
    formatter = HtmlFormatter(cssclass="highlight", wrapcode=True)
    stock = get_lexer_by_name(language)
    for number in range(highlighting.NARROW_AFTER + 3):
        code = f"{SAMPLE}\nx = {number}  # block {number}\n"
        expected = highlight(code.strip("\n"), stock, formatter)
        assert highlighter.highlight(code, language) == expected
    lexer = highlighter._lexers[language]
    assert "get_tokens_unprocessed" in vars(lexer)  # narrowed by now
