"""Whatever a user writes, a build either succeeds or says what is wrong.

Hypothesis writes front matter, Markdown bodies, file names and route values
a user could write (and many no one would), and a real build of a real site
folder must end in one of two ways: built, or a :class:`SitegenError` with a
message; never another exception, which would reach the user as a traceback.
"""

from __future__ import annotations

import shutil
import textwrap
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import sitegen
from sitegen.errors import SitegenError

APP = '''
import datetime

from sitegen import Site, render_template_string

nan, inf = float("nan"), float("inf")

site = Site(__name__)
posts = site.pages("content/posts", endpoint="post")

PAGE = """<!doctype html><title>{{ post.title }}</title>
<h1>{{ post.title }}</h1><p>{{ post.date }} {{ post.tags|join(", ") }}</p>
{{ post.summary }}{{ post.html }}"""


@site.route("/")
def index():
    return render_template_string(
        "{% for p in posts %}<a href='{{ url_for('post', slug=p.slug) }}'>{{ p.title }}</a>"
        "{% endfor %}", posts=posts)


@site.route("/posts/<slug>/")
def post(slug):
    return render_template_string(PAGE, post=posts.get_or_404(slug))


@site.route("/n/<int:number>/")
def numbered(number):
    return str(number)


@site.generator("numbered")
def numbers():
    yield from VALUES
'''

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
    st.text(max_size=30), st.dates(min_value=date(1, 1, 1)),
    st.sampled_from(["2024-02-30", "2024-13-01", "0000-00-00", "yes", "~", "[", "{a: 1",
                     "'quoted", "*anchor", "&anchor x", "!!python/object:os.system ls"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)
KEYS = st.sampled_from(["title", "date", "tags", "slug", "draft", "summary", "aliases",
                        "updated", "template", "weight", "x"])


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """A block between ``---`` lines: YAML lines, raw, or text that is no YAML at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=80))
    lines = []
    for key in draw(st.lists(KEYS, max_size=5)):
        value = draw(VALUES)
        raw = draw(st.booleans())
        lines.append(f"{key}: {value!s}" if raw else f"{key}: {value!r}")
    return "\n".join(lines)


MARKDOWN_BITS = st.sampled_from([
    "# Title", "## Heading {#id}", "[[", "]]", "[[Page]]", "![[pic.png]]", "[[a|b]]", "`",
    "```", "```python", "~~~", "<div>", "</div>", "<script>", "|a|b|", "|---|---|",
    "> [!NOTE]", "!!! note", "[^1]", "[^1]: note", "[link](other.md)", "[x](#nowhere)",
    "![img](missing.png)", "- [ ] task", "***", "\t", "\u200b", "\ufeff", "\x00", "\r\n",
    "é", "e\u0301", "*", "_", "<!--", "-->", "{% raw %}", "{{ x }}",
])
BODIES = st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=20)), max_size=25).map(" ".join)
NAMES = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                       blacklist_characters="/\\\x00"),
                min_size=1, max_size=20)
ROUTE_VALUES = st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["number", "n", "slug"]), VALUES, max_size=2),
    st.text(max_size=10), VALUES,
    st.tuples(st.sampled_from(["numbered", "post", "nowhere"]), VALUES)), max_size=3)


def write_site(root: Path, posts: list[tuple[str, str, str]], values: object) -> Path:
    site = root / "site"
    shutil.rmtree(root, ignore_errors=True)
    (site / "content/posts").mkdir(parents=True)
    (site / "app.py").write_text(textwrap.dedent(APP) + f"\nVALUES = {values!r}\n")
    for name, meta, body in posts:
        try:
            (site / "content/posts" / f"{name}.md").write_text(f"---\n{meta}\n---\n{body}\n",
                                                               errors="surrogatepass")
        except OSError:  # a name this file system refuses is not the build's to judge
            continue
    return site


def build_or_explain(site: Path, out: Path) -> str:
    try:
        sitegen.build(str(site), out, jobs=1)
    except SitegenError as error:
        assert error.format().strip()  # a message, not an empty error
        return type(error).__name__
    return "built"


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(posts=st.lists(st.tuples(NAMES, front_matter(), BODIES), min_size=1, max_size=3),
       values=ROUTE_VALUES)
def test_a_build_of_any_content_succeeds_or_says_what_is_wrong(tmp_path_factory, posts,
                                                               values):
    root = tmp_path_factory.mktemp("any")
    event(build_or_explain(write_site(root, posts, values), root / "out"))
