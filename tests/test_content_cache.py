"""Parsing once: the on-disk parse cache, and forgetting changed files.

The cache is proved used by editing an entry by hand: a build that shows
the edit did not parse the page again.  A damaged cache file is no error.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from content_support import build, find, hrefs, parse, text, write

from sitegen.loading import load_site
from sitegen.pipeline import build as build_site

#: Every test here runs on each Markdown engine (see conftest.py).
pytestmark = pytest.mark.usefixtures("markdown_engine")


def cache_entries(site: Path) -> dict[str, dict]:
    """``key → cached parse`` from the site's parse cache."""
    with closing(sqlite3.connect(site / ".sitegen-cache/markdown/parses.sqlite3")) as db:
        rows = db.execute("SELECT key, data FROM parses")
        return {key: marshal.loads(data) for key, data in rows}


def tamper(site: Path, needle: str, replacement: str) -> None:
    """Edit the cached HTML of the page whose HTML holds ``needle``."""
    matches = [(k, e) for k, e in cache_entries(site).items() if needle in e["html"]]
    assert len(matches) == 1
    key, entry = matches[0]
    entry["html"] = entry["html"].replace(needle, replacement)
    with closing(sqlite3.connect(site / ".sitegen-cache/markdown/parses.sqlite3")) as db, db:
        db.execute("UPDATE parses SET data = ? WHERE key = ?", (marshal.dumps(entry), key))


def content_text(out: Path) -> str:
    return text(find(parse(out / "blog/hello-world/index.html"), ".//div[@class='content']"))


def test_an_unchanged_page_is_never_parsed_again(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    build(cli, site, tmp_path / "cold")
    # One entry per published page; drafts and future posts were never parsed.
    assert len(cache_entries(site)) == 5
    tamper(site, "Its definition.", "From the cache.")
    build(cli, site, tmp_path / "warm")
    assert "From the cache." in content_text(tmp_path / "warm")


@pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)  # Python-Markdown's own
def test_a_new_markdown_configuration_parses_again(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    build(cli, site, tmp_path / "cold")
    tamper(site, "Its definition.", "From the cache.")
    with open(site / "app.py", "a") as app:
        app.write('site.config["MARKDOWN_EXTENSION_CONFIGS"] = {"toc": {"permalink": "#"}}\n')
    build(cli, site, tmp_path / "warm")
    assert "Its definition." in content_text(tmp_path / "warm")


def test_front_matter_changes_keep_the_cached_body(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    build(cli, site, tmp_path / "cold")
    entries = set(cache_entries(site))
    post = site / "content/posts/second-post.md"
    post.write_text(post.read_text().replace("title: Second post", "title: Renamed"))
    build(cli, site, tmp_path / "warm")
    assert set(cache_entries(site)) == entries
    assert text(find(parse(tmp_path / "warm/blog/second-post/index.html"), ".//h1")) == \
        "Renamed"


def test_cached_links_follow_a_target_that_moved(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    build(cli, site, tmp_path / "cold")
    post = site / "content/posts/second-post.md"
    post.write_text(post.read_text().replace("title: Second post", "title: x\nslug: moved"))
    build(cli, site, tmp_path / "warm")
    content = find(parse(tmp_path / "warm/blog/hello-world/index.html"),
                   ".//div[@class='content']")
    assert "/blog/moved/#details" in hrefs(content)


def test_forget_rereads_changed_new_and_deleted_files(copy_site, tmp_path):
    site_dir = copy_site("content_blog")
    posts = site_dir / "content/posts"
    site = load_site(site_dir)
    build_site(site, tmp_path / "one")

    (posts / "second-post.md").write_text("---\ntitle: Edited\ndate: 2024-05-01\n---\nNew.\n")
    write(site_dir, {"content/posts/2024-07-01-brand-new.md": "# Brand new\n\nHello.\n"})
    (posts / "untitled-note.md").unlink()
    # Until the site forgets them, the collection keeps what it read.
    build_site(site, tmp_path / "two")
    assert (tmp_path / "two/blog/untitled-note/index.html").is_file()
    assert not (tmp_path / "two/blog/brand-new").exists()

    site.forget([posts / "second-post.md", posts / "2024-07-01-brand-new.md",
                 posts / "untitled-note.md"])
    build_site(site, tmp_path / "three")
    assert not (tmp_path / "three/blog/untitled-note").exists()
    assert text(find(parse(tmp_path / "three/blog/brand-new/index.html"), ".//h1")) == \
        "Brand new"
    assert text(find(parse(tmp_path / "three/blog/second-post/index.html"), ".//h1")) == \
        "Edited"
    first = parse(tmp_path / "three/index.html")
    assert [text(a) for a in first.iterfind(".//a[@class='post']")] == ["Brand new", "Edited"]


def test_a_damaged_cache_file_is_started_afresh(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    cache = site / ".sitegen-cache/markdown/parses.sqlite3"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"this is not a database" * 100)
    build(cli, site, tmp_path / "out")
    assert len(cache_entries(site)) == 5


def test_an_entry_that_does_not_read_back_is_parsed_again(copy_site, cli, tmp_path):
    site = copy_site("content_blog")
    build(cli, site, tmp_path / "cold")
    expected = content_text(tmp_path / "cold")
    with closing(sqlite3.connect(site / ".sitegen-cache/markdown/parses.sqlite3")) as db, db:
        [(key, data)] = [(k, d) for k, d in db.execute("SELECT key, data FROM parses")
                         if b"Its definition." in d]
        db.execute("UPDATE parses SET data = ? WHERE key = ?", (data[: len(data) // 2], key))
    build(cli, site, tmp_path / "warm")
    assert content_text(tmp_path / "warm") == expected
    assert "Its definition." in cache_entries(site)[key]["html"]  # parsed and stored anew


def test_a_forked_process_opens_its_own_cache_connection(copy_site, tmp_path):
    """A worker forked from a process that used the parse cache must not share its
    SQLite connection (sharing one across processes corrupts it)."""
    import os

    from sitegen.content.cache import ParseCache
    from sitegen.content.markup import MarkdownRenderer

    renderer = MarkdownRenderer.from_config({})
    cache = ParseCache(tmp_path / "markdown", lambda: renderer.fingerprint)
    parsed = renderer.parse("# Title\n\nBody.\n")
    cache.store(cache.key(b"body-one"), parsed)
    cache.flush()
    parent = cache._database()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own connection, which sees the parent's entry
        try:
            ok = cache._database() is not parent and cache.load(cache.key(b"body-one")) == parsed
            cache.store(cache.key(b"body-two"), parsed)
            cache.flush()
            os.write(writer, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(reader, 1) == b"1"
    assert cache._database() is parent
    assert cache.load(cache.key(b"body-two")) == parsed  # the child's write arrived


def test_entries_are_written_in_batches_and_found_before_they_are(tmp_path):
    """A cold build stores two entries a page: one transaction each would cost more
    than the highlighting they save, so they are held and written together."""
    import sqlite3

    from sitegen.content.cache import BATCH, ParseCache
    from sitegen.content.markup import MarkdownRenderer

    renderer = MarkdownRenderer.from_config({})
    cache = ParseCache(tmp_path / "markdown", lambda: renderer.fingerprint)
    parsed = renderer.parse("# Title\n\nBody.\n")

    def written() -> int:
        with sqlite3.connect(tmp_path / "markdown" / "parses.sqlite3") as db:
            return db.execute("SELECT count(*) FROM parses").fetchone()[0]

    for n in range(BATCH - 1):
        cache.store(cache.key(b"body-%d" % n), parsed)
    assert written() == 0
    assert cache.load(cache.key(b"body-0")) == parsed  # held, and found
    cache.store(cache.key(b"body-last"), parsed)
    assert written() == BATCH
    cache.store(cache.key(b"one-more"), parsed)
    cache.flush()
    assert written() == BATCH + 1


def test_workers_forked_before_the_cache_file_exists_each_start_it_fresh(tmp_path):
    """On a cold build the cache file is made by whichever worker parses first: the
    others, forked when there was none, still ask only for what they wrote (one of
    two workers used to query the file for every page and block)."""
    from sitegen.content.cache import ParseCache, share_caches
    from sitegen.content.markup import MarkdownRenderer

    renderer = MarkdownRenderer.from_config({})
    parsed = renderer.parse("# Title\n\nBody.\n")
    cache = ParseCache(tmp_path / "markdown", lambda: renderer.fingerprint)
    share_caches()  # as the build does, before it forks its workers
    first_worker = ParseCache(tmp_path / "markdown", lambda: renderer.fingerprint)
    first_worker.store(first_worker.key(b"theirs"), parsed)
    first_worker.flush()
    assert cache.path.exists()

    pid = os.fork()
    if pid == 0:  # the second worker: fresh, though the file is there now
        queries: list[str] = []
        database = cache._database()
        assert database is not None
        database.set_trace_callback(queries.append)
        missed = cache.load(cache.key(b"theirs")) is None
        cache.store(cache.key(b"mine"), parsed)
        cache.flush()
        found = cache.load(cache.key(b"mine")) == parsed
        asked = [q for q in queries if q.startswith("SELECT")]
        os._exit(0 if missed and found and len(asked) == 1 else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # the coordinator itself asks for every key: its workers write there
    assert cache.load(cache.key(b"theirs")) == parsed
    assert cache.load(cache.key(b"mine")) == parsed


def test_a_cache_this_build_made_looks_up_only_what_it_wrote(tmp_path):
    """A cold build's cache file holds only what the build wrote: a key it did not
    write is a miss without a query, until a worker is forked (whose writes it
    must then look up); a cache file found on disk is always asked."""
    from sitegen.content.cache import ParseCache
    from sitegen.content.markup import MarkdownRenderer

    renderer = MarkdownRenderer.from_config({})
    parsed = renderer.parse("# Title\n\nBody.\n")
    cache = ParseCache(tmp_path / "markdown", lambda: renderer.fingerprint)
    queries: list[str] = []
    cache._database().set_trace_callback(queries.append)
    assert cache.load(cache.key(b"never-written")) is None
    assert not [q for q in queries if q.startswith("SELECT")]
    cache.store(cache.key(b"written"), parsed)
    cache.flush()
    assert cache.load(cache.key(b"written")) == parsed  # from the file, asked
    assert [q for q in queries if q.startswith("SELECT")]

    # another process (a previous build) wrote this file: every key is asked
    other = ParseCache(tmp_path / "markdown", lambda: renderer.fingerprint)
    assert other.load(cache.key(b"written")) == parsed
    other.store(other.key(b"from-the-other"), parsed)
    other.flush()
    assert cache.load(cache.key(b"from-the-other")) is None  # not looked up: no worker
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    assert cache.load(cache.key(b"from-the-other")) == parsed  # a worker may write now

    # workers that are not forked (Dask's, a spawned pool's) are announced
    from sitegen.content.cache import share_caches

    third = ParseCache(tmp_path / "elsewhere", lambda: renderer.fingerprint)
    other = ParseCache(tmp_path / "elsewhere", lambda: renderer.fingerprint)
    assert third.load(third.key(b"x")) is None  # made the file: fresh
    other.store(other.key(b"x"), parsed)
    other.flush()
    assert third.load(third.key(b"x")) is None
    share_caches()
    assert third.load(third.key(b"x")) == parsed

    # as the build announces them, when it starts its executor
    from sitegen.pipeline import workers

    fourth = ParseCache(tmp_path / "fourth", lambda: renderer.fingerprint)
    other = ParseCache(tmp_path / "fourth", lambda: renderer.fingerprint)
    assert fourth.load(fourth.key(b"y")) is None
    other.store(other.key(b"y"), parsed)
    other.flush()
    workers._share_caches()
    assert fourth.load(fourth.key(b"y")) == parsed
