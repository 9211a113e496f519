"""Incremental builds are exact: byte-identical to a clean build, and they render
no more than an edit can have changed.

A property test drives random sequences of the edits people make (posts added,
deleted, renamed, retitled, redated, retagged, drafted; bodies, templates,
includes, static files, config and app.py changed; wiki links added) on a real
site with posts, tags, pagination, an alias, a wiki with backlinks, a feed and
a sitemap.  After each edit it builds incrementally and compares:

- the whole tree, byte for byte, with a clean build of the same sources;
- the URLs rendered with what the edit may touch (so over-rendering fails as
  surely as stale output): every URL whose bytes changed must have rendered,
  and nothing outside the edit's reach may have.

Files edited a moment before a build are not trusted by their stat; so the
property runs twice: as edits come, and with every edit's files dated in the
past (a second apart), where the build trusts an unchanged size and mtime.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import Site, SiteSpec, build
from sitegen.record import Fact

SITE = Path(__file__).parent / "sites" / "incremental"
#: One build time for every build, so "future" means the same in all of them.
BUILD_TIME = 1_750_000_000.0
#: The test site's SITE_NAME comes from this environment variable.
NAME_VARIABLE = "INCREMENTAL_SITE_NAME"
#: Where settled edits are dated: a day before BUILD_TIME, one second per edit.
SETTLED_AT = int(BUILD_TIME) - 86_400
LISTINGS = {"/", "/tags/", "/archive/", "/atom.xml", "/sitemap.xml"}
HTML_ROOTS = ("/posts/", "/tags/", "/page/", "/wiki/", "/archive/", "/old/")


@dataclass
class Step:
    kind: str
    pick: int
    word: str


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def url_files(result) -> dict[str, str]:
    return {url: built.path for url, built in result.urls.items()}


class Sandbox:
    """A copy of the test site, built incrementally into ``out`` and cleanly into ``clean``."""

    def __init__(self, root: Path, settled: bool = False) -> None:
        self.site = root / "site"
        shutil.copytree(SITE, self.site, ignore=shutil.ignore_patterns(".sitegen-cache"))
        self.out = root / "out"
        self.clean = root / "clean"
        self.counter = 0
        self.settled = settled
        self.settle()
        self.last = self.build()

    def settle(self) -> None:
        """In settled mode, date every file written since the last build in the past,
        each edit a second later than the one before."""
        if not self.settled:
            return
        recent, stamp = time.time() - 3600, (SETTLED_AT + self.counter) * 10**9
        for path in self.site.rglob("*"):
            if ".sitegen-cache" not in path.parts and path.is_file() \
                    and path.stat().st_mtime > recent:
                os.utime(path, ns=(stamp, stamp))

    def build(self):
        return build(SiteSpec(str(self.site), None, (), BUILD_TIME), self.out)

    def clean_build(self):
        if self.clean.exists():
            shutil.rmtree(self.clean)
        return build(SiteSpec(str(self.site), None, (), BUILD_TIME), self.clean, clean=True)

    def posts(self) -> list[Path]:
        return sorted((self.site / "content/posts").glob("*.md"))

    def post_url(self, path: Path) -> str:
        return f"/posts/{path.stem}/"

    # -- edits -------------------------------------------------------------

    def apply(self, step: Step) -> set[str] | None:
        """Make the edit; return the URLs it may touch beyond those that link to the
        posts it names (None: any URL may render)."""
        self.counter += 1
        posts = self.posts()
        if step.kind in ("delete", "rename"):  # every post links to first.md: keep it
            posts = [p for p in posts if p.name != "first.md"]
        post = posts[step.pick % len(posts)] if posts else None
        text = post.read_text() if post else ""
        kind = step.kind
        if kind == "add" or post is None:
            name = f"new-{self.counter}-{step.word}"
            (self.site / "content/posts" / f"{name}.md").write_text(
                f"---\ntitle: New {step.word}\ndate: 2024-0{1 + step.pick % 9}-2{step.pick % 8}\n"
                f"tags: [{step.word}, alpha]\n---\nA new post about {step.word}.\n")
            self.named = [f"/posts/{name}/"]
            return LISTINGS | {f"/tags/{step.word}/", "/tags/alpha/"} | self.pages()
        self.named = [self.post_url(post)]
        if kind == "delete":
            post.unlink()
            return LISTINGS | self.pages() | self.tag_pages()
        if kind == "rename":
            target = post.with_name(f"renamed-{self.counter}.md")
            post.rename(target)
            self.named.append(self.post_url(target))
            return LISTINGS | self.pages() | self.tag_pages()
        if kind == "body":
            post.write_text(text + f"\nAnd {step.word} {self.counter}.\n")
            return {"/archive/", "/atom.xml"}
        if kind == "title":
            post.write_text(re.sub(r"^title: .*$", f"title: {step.word} {self.counter}", text,
                                   count=1, flags=re.M))
            return {"/atom.xml"}
        if kind == "date":
            day = f"2023-0{1 + step.pick % 9}-1{self.counter % 9}"
            post.write_text(re.sub(r"^date: .*$", f"date: {day}", text, count=1, flags=re.M))
            return LISTINGS | self.pages() | self.tag_pages()
        if kind == "tags":
            post.write_text(re.sub(r"^tags: .*$", f"tags: [{step.word}]", text, count=1,
                                   flags=re.M))
            return {"/tags/", f"/tags/{step.word}/", "/atom.xml", "/sitemap.xml"} | self.tag_pages()
        if kind == "draft":
            if "draft: true" in text:
                post.write_text(text.replace("draft: true\n", ""))
            else:
                post.write_text(text.replace("---\n", "---\ndraft: true\n", 1))
            return LISTINGS | self.pages() | self.tag_pages()
        self.named = []
        if kind == "template":
            path = self.site / "templates/post.html"
            path.write_text(path.read_text() + f"<!-- {step.word} {self.counter} -->\n")
            return {url for url in self.last.urls if url.startswith("/posts/")}
        if kind == "include":
            path = self.site / "templates/_nav.html"
            path.write_text(path.read_text() + f"<!-- {step.word} {self.counter} -->\n")
            return self.html_pages()
        if kind == "static":
            path = self.site / "static/site.css"
            path.write_text(path.read_text() + f"/* {step.word} {self.counter} */\n")
            return {"/static/site.css"}
        if kind == "config":
            os.environ[NAME_VARIABLE] = f"{step.word} {self.counter}"
            return self.html_pages() | {"/atom.xml"}
        if kind == "settings":  # a file app.py reads as it imports: as good as code
            path = self.site / "settings.py"
            path.write_text(path.read_text() + f"# {step.word} {self.counter}\n")
            return None
        if kind == "code":
            path = self.site / "app.py"
            path.write_text(path.read_text() + f"\n# {step.word} {self.counter}\n")
            return None
        if kind == "wiki-text":
            path = self.site / "content/wiki/tools.md"
            path.write_text(path.read_text() + f"\n{step.word} {self.counter}.\n")
            return {"/wiki/tools/"}
        if kind == "wiki-link":
            path = self.site / "content/wiki/tools.md"
            path.write_text(path.read_text() + "\nSee also [[Glossary]].\n")
            return {"/wiki/tools/", "/wiki/glossary/", "/wiki/"}
        raise AssertionError(kind)

    def pages(self) -> set[str]:
        return {u for u in self.last.urls if u.startswith("/page/")} | {"/"}

    def tag_pages(self) -> set[str]:
        return {u for u in self.last.urls if u.startswith("/tags/")}

    def html_pages(self) -> set[str]:
        return {u for u, b in self.last.urls.items() if b.mimetype == "text/html"}

    def linking(self, urls: list[str], *trees: dict[str, bytes],
                files: dict[str, str]) -> set[str]:
        """The URLs whose output (in any of ``trees``) links to one of ``urls``, and
        the pages next to them: whatever shows a post shows its link."""
        found = set(urls)
        for url, path in files.items():
            for output in trees:
                body = output.get(path, b"")
                if any(f'{u}"'.encode() in body for u in urls):
                    found.add(url)
        return found


EDITS = st.sampled_from(["add", "delete", "rename", "body", "title", "date", "tags", "draft",
                         "template", "include", "static", "config", "settings", "code",
                         "wiki-text", "wiki-link"])
STEPS = st.lists(st.builds(Step, EDITS, st.integers(0, 50),
                           st.sampled_from(["alpha", "beta", "delta", "omega"])),
                 min_size=1, max_size=4)


@settings(max_examples=30, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_incremental_builds_equal_clean_builds_and_render_only_what_an_edit_touches(
        tmp_path_factory, steps):
    os.environ.pop(NAME_VARIABLE, None)
    try:
        check_steps(Sandbox(tmp_path_factory.mktemp("incremental")), steps)
    finally:
        os.environ.pop(NAME_VARIABLE, None)


@settings(max_examples=20, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_incremental_builds_stay_exact_when_they_trust_the_stats_of_settled_files(
        tmp_path_factory, steps):
    os.environ.pop(NAME_VARIABLE, None)
    try:
        check_steps(Sandbox(tmp_path_factory.mktemp("settled"), settled=True), steps)
    finally:
        os.environ.pop(NAME_VARIABLE, None)


def check_steps(box: Sandbox, steps: list[Step]) -> None:
    for step in steps:
        before_tree, before_files = tree(box.out), url_files(box.last)
        reach = box.apply(step)
        box.settle()
        result = box.build()
        after_tree, after_files = tree(box.out), url_files(result)
        clean = box.clean_build()
        assert after_tree == tree(box.clean), f"after {step}: stale or different output"
        assert set(result.urls) == set(clean.urls)

        rendered = {u for u, b in result.urls.items() if b.action == "rendered"}
        changed = {u for u, path in after_files.items()
                   if before_files.get(u) != path or before_tree.get(path) != after_tree[path]}
        assert changed <= rendered, f"after {step}: changed but not rendered"
        if reach is not None:
            allowed = reach | box.linking(box.named, before_tree, after_tree,
                                          files={**before_files, **after_files})
            allowed |= set(result.urls) - set(before_files)  # new URLs render
            over = rendered - allowed
            assert not over, f"after {step}: rendered beyond the edit's reach: {sorted(over)}"
        box.last = result


def test_a_rebuild_with_no_change_renders_nothing_and_keeps_every_file(tmp_path):
    box = Sandbox(tmp_path)
    files = {p: p.stat() for p in box.out.rglob("*") if p.is_file()}
    result = box.build()
    assert {b.action for b in result.urls.values()} == {"reused"}
    for path, stat in files.items():
        now = path.stat()
        assert (now.st_ino, now.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns), path


def test_a_rebuild_takes_no_page_field_of_a_settled_page_file_again(tmp_path, monkeypatch):
    box = Sandbox(tmp_path, settled=True)
    box.build()  # the first build's files were read as they settled: now they are trusted
    taken: list[Fact] = []
    fact_digest = Site.fact_digest

    def counting(site: Site, fact: Fact) -> bytes:
        taken.append(fact)
        return fact_digest(site, fact)

    monkeypatch.setattr(Site, "fact_digest", counting)
    result = box.build()
    assert {b.action for b in result.urls.values()} == {"reused"}
    assert taken and not [f for f in taken if f.is_intrinsic]  # listings, neighbours: taken

    post = box.site / "content/posts/third.md"
    post.write_text(post.read_text().replace("title: ", "title: Again ", 1))
    box.counter += 1
    box.settle()
    result = box.build()
    assert result.urls["/posts/third/"].reason == "page content/posts/third.md: title"


def test_a_body_edit_renders_the_post_and_the_pages_showing_its_body(tmp_path):
    box = Sandbox(tmp_path)
    post = box.site / "content/posts/third.md"
    post.write_text(post.read_text() + "\nOne more line.\n")
    result = box.build()
    rendered = {u: b.reason for u, b in result.urls.items() if b.action == "rendered"}
    assert rendered == {
        "/posts/third/": "page content/posts/third.md: body",
        "/archive/": "page content/posts/third.md: summary",  # drawn from the body
        "/atom.xml": "page content/posts/third.md: body",  # full content of the latest
    }


def test_a_new_post_far_down_the_list_leaves_the_feed_of_the_latest_alone(tmp_path):
    box = Sandbox(tmp_path)
    (box.site / "content/posts/ancient.md").write_text(
        "---\ntitle: Ancient\ndate: 2001-01-01\n---\nOld news.\n")
    result = box.build()
    assert result.urls["/posts/ancient/"].reason == "new URL"
    assert result.urls["/atom.xml"].action == "reused"  # posts.latest(3) did not change
    assert result.urls["/sitemap.xml"].action == "rendered"  # lists it (and dates posts)
    assert result.urls["/archive/"].reason == "listing content/posts: list"


def test_build_takes_a_site_folder_and_reuses_its_records(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(SITE, site, ignore=shutil.ignore_patterns(".sitegen-cache"))
    first = build(str(site))
    assert first.output == site / "build"
    assert first.counts["rendered"] == len(first.urls) > 15
    again = build(site)
    assert again.counts == {**first.counts, "rendered": 0, "reused": len(first.urls)}
