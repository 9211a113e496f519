"""Saying what happened: the summary line, ``--report FILE`` and ``--explain URL``,
through the real CLI on a copy of example_site."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

SITEGEN = Path(sys.executable).with_name("sitegen")
SUMMARY = re.compile(
    r"^Built (?P<pages>\d+) pages?, (?P<static>\d+) static files?, "
    r"(?P<redirects>\d+) redirects?, \d+ removed, \d+ warnings? in \d+\.\d\d s "
    r"\((?P<rendered>\d+) rendered, (?P<reused>\d+) reused; \d+ pages/s\) → .+$"
)
POST = "content/posts/2024-04-02-make-is-still-fine.md"
POST_URL = "/blog/make-is-still-fine/"
POST_PAGE = re.compile(r"^/blog/[^/]+/$")


def summary(result: Result) -> dict[str, int]:
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    match = SUMMARY.match(lines[-1])
    assert match, result.stdout
    return {k: int(v) for k, v in match.groupdict().items()}


def output_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rebuild_report(cli: Callable[..., Result], site: Path, out: Path, *args: str
                   ) -> dict[str, Any]:
    report = out.parent / "report.json"
    result = cli("build", site, "-o", out, "--report", report, *args)
    assert result.exit_code == 0, result.output
    return json.loads(report.read_text(encoding="utf-8"))


def reasons(report: dict[str, Any]) -> dict[str, str | None]:
    """URL → its reason when rendered, None when reused."""
    return {url: entry.get("reason") if entry["action"] == "rendered" else None
            for url, entry in report["urls"].items()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the summary line -----------------------------------------------------------


def test_summary_counts_rendered_and_reused_urls_adding_up_on_both_builds(
        build_example, cli) -> None:
    first = build_example()
    files = output_files(first.output)
    result = cli("build", first.site, "-o", first.output)
    counts = [summary(result)]
    first_line = first.log.splitlines()[-1]
    match = SUMMARY.match(first_line)
    assert match, first.log
    counts.insert(0, {k: int(v) for k, v in match.groupdict().items()})
    for count in counts:
        assert count["pages"] + count["static"] + count["redirects"] == len(files) > 40
        assert count["rendered"] + count["reused"] == len(files)
    assert (counts[0]["rendered"], counts[0]["reused"]) == (len(files), 0)
    assert (counts[1]["rendered"], counts[1]["reused"]) == (0, len(files))


# -- --report FILE --------------------------------------------------------------


def test_report_totals_add_up_and_every_output_file_has_an_entry(build_example, cli) -> None:
    first = build_example()
    edit(first.site / POST, "installed on every machine", "installed on nearly every machine")
    report = rebuild_report(cli, first.site, first.output)
    urls, totals = report["urls"], report["totals"]
    assert totals["urls"] == len(urls) == totals["rendered"] + totals["reused"]
    assert totals["pages"] + totals["static"] + totals["redirects"] == len(urls)
    actions = [e["action"] for e in urls.values()]
    assert totals["rendered"] == actions.count("rendered") > 0
    assert totals["reused"] == actions.count("reused") > 0
    kinds = [e["kind"] for e in urls.values()]
    assert (totals["pages"], totals["static"], totals["redirects"]) == \
        (kinds.count("page"), kinds.count("file"), kinds.count("redirect"))
    for url, entry in urls.items():
        assert (first.output / entry["path"]).is_file(), (url, entry)
        assert isinstance(entry["status"], int), (url, entry)
        assert entry["kind"] in ("page", "file", "redirect"), (url, entry)
        assert entry["action"] in ("rendered", "reused"), (url, entry)
        assert ("reason" in entry) == (entry["action"] == "rendered"), (url, entry)
    assert {e["path"] for e in urls.values()} == output_files(first.output)
    assert Path(report["output"]) == first.output


def test_report_names_the_body_of_the_edited_post_and_reuses_other_pages(
        build_example, cli) -> None:
    first = build_example()
    (first.site / POST).write_text((first.site / POST).read_text(encoding="utf-8")
                                   + "\nOne more paragraph, added later.\n", encoding="utf-8")
    why = reasons(rebuild_report(cli, first.site, first.output))
    assert why[POST_URL] == f"page {POST}: body"
    assert why["/about/"] is None
    assert why["/wiki/"] is None
    assert "One more paragraph" in (first.output / "blog/make-is-still-fine/index.html").read_text()


def test_report_names_the_edited_template_for_every_post_page_only(build_example, cli) -> None:
    first = build_example()
    edit(first.site / "templates/post.html", "<article>", "<article class=\"post\">")
    report = rebuild_report(cli, first.site, first.output)
    why = reasons(report)
    posts = {url for url, e in report["urls"].items()
             if POST_PAGE.match(url) and e["kind"] == "page"}
    assert len(posts) >= 5
    assert {url: why[url] for url in posts} == \
        {url: "template templates/post.html" for url in posts}
    assert why["/about/"] is None
    assert {url for url, reason in why.items() if reason is not None} == posts


def test_report_names_app_py_for_every_url_after_a_config_change(build_example, cli) -> None:
    first = build_example()
    edit(first.site / "app.py", 'SITE_NAME="Field Notes"', 'SITE_NAME="Field Notes, Again"')
    why = reasons(rebuild_report(cli, first.site, first.output))
    assert len(why) > 40
    assert set(why.values()) == {"code app.py"}
    assert "Field Notes, Again" in (first.output / "about/index.html").read_text()


def test_report_says_new_url_for_the_page_of_a_new_post(build_example, cli) -> None:
    first = build_example()
    (first.site / "content/posts/2024-06-01-a-new-post.md").write_text(
        "---\ntitle: A new post\ndate: 2024-06-01\ntags: [tools]\n---\n\nFresh words.\n",
        encoding="utf-8")
    why = reasons(rebuild_report(cli, first.site, first.output))
    assert why["/blog/a-new-post/"] == "new URL"
    assert why["/about/"] is None
    assert (first.output / "blog/a-new-post/index.html").is_file()


# -- --explain URL --------------------------------------------------------------


def test_explain_prints_one_line_per_url_saying_rendered_or_reused_and_why(
        build_example, cli) -> None:
    first = build_example()
    edit(first.site / POST, "installed on every machine", "installed on nearly every machine")
    result = cli("build", first.site, "-o", first.output,
                 "--explain", POST_URL, "--explain", "/about/")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # two explanations, then the summary
    assert SUMMARY.match(lines[2])
    post, about = lines[:2]
    assert post.startswith(f"{POST_URL} → blog/make-is-still-fine/index.html ")
    assert post.endswith(f"rendered: page {POST}: body")
    assert about.startswith("/about/ → about/index.html ")
    assert "; reused" in about and "rendered" not in about


def run_sitegen(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SITEGEN, *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("pending_change", [False, True], ids=["no-change", "pending-change"])
def test_explain_of_an_unknown_url_fails_clearly_and_leaves_the_output_as_it_was(
        build_example, cli, pending_change: bool) -> None:
    first = build_example()
    if pending_change:
        edit(first.site / POST, "installed on every machine", "installed on nearly every machine")
    before = read_tree(first.output)
    proc = run_sitegen("build", first.site, "-o", first.output, "--explain", "/no/such/")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: The build has no URL '/no/such/'."), proc.stderr
    after = read_tree(first.output)
    changed = sorted(path for path in before.keys() | after.keys()
                     if before.get(path) != after.get(path))
    assert changed == [], "the failed build replaced the previous output"
    if pending_change:  # nor did it save its records: the next build renders the edit
        why = reasons(rebuild_report(cli, first.site, first.output))
        assert why[POST_URL] == f"page {POST}: body"


def test_report_into_an_unwritable_place_fails_with_a_clear_message(
        build_example, tmp_path: Path) -> None:
    first = build_example()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    proc = run_sitegen("build", first.site, "-o", first.output,
                       "--report", blocker / "report.json")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"error: Cannot write the report to {blocker / 'report.json'}" in proc.stderr
    assert "--report" in proc.stderr
    assert blocker.read_text() == "not a folder\n"
