"""The output tree: atomic, cleaned, mtime-preserving and deterministic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.errors import RenderError
from sitegen.loading import load_site
from sitegen.pipeline import build

OLD = 1_000_000_000  # an mtime in 2001, far from any build


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under ``folder`` with its bytes and mtime."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>",
                                           p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def set_failing_page(site_dir: Path, n: int, failure: str = "RuntimeError") -> None:
    app = site_dir / "app.py"
    source = app.read_text().replace("FAIL_AT = None", f"FAIL_AT = {n}")
    app.write_text(source.replace("FAILURE = RuntimeError", f"FAILURE = {failure}"))


# -- atomicity -------------------------------------------------------------------


def test_a_view_raising_halfway_leaves_the_previous_output_as_it_was(
        copy_site, cli, tmp_path):
    site_dir, out = copy_site("half_fails"), tmp_path / "out"
    assert cli("build", site_dir, "-o", out).exit_code == 0
    (out / ".nojekyll").touch()
    before = snapshot(out)

    set_failing_page(site_dir, 10)
    result = cli("build", site_dir, "-o", out)

    assert result.exit_code == 1
    assert "page 10 cannot be rendered" in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["half_fails", "out"]


def test_an_interrupted_build_leaves_the_previous_output_as_it_was(copy_site, tmp_path):
    site_dir, out = copy_site("half_fails"), tmp_path / "out"
    build(load_site(site_dir), out)
    before = snapshot(out)

    set_failing_page(site_dir, 10, "KeyboardInterrupt")
    with pytest.raises(KeyboardInterrupt):
        build(load_site(site_dir), out)

    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["half_fails", "out"]


def test_a_failed_first_build_creates_no_output(copy_site, tmp_path):
    site_dir, out = copy_site("half_fails"), tmp_path / "out"
    set_failing_page(site_dir, 10)
    with pytest.raises(RenderError):
        build(load_site(site_dir), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["half_fails"]


# -- stale files, kept files ---------------------------------------------------------


def test_files_this_build_did_not_produce_are_removed(copy_site, cli, tmp_path):
    site_dir, out = copy_site("basic"), tmp_path / "out"
    assert cli("build", site_dir, "-o", out).exit_code == 0
    (out / "stale.html").write_text("old")
    (out / "old-section/page").mkdir(parents=True)
    (out / "old-section/page/index.html").write_text("old")
    app = site_dir / "app.py"
    app.write_text(app.read_text().replace('    yield ("product", {"id": 3})\n', ""))

    result = cli("build", site_dir, "-o", out)

    assert result.exit_code == 0
    assert not (out / "stale.html").exists()
    assert not (out / "old-section").exists()
    assert not (out / "products/3").exists()
    assert (out / "products/2/index.html").is_file()
    assert ", 3 removed," in result.stdout


def test_dotfiles_and_keep_files_survive_a_rebuild(copy_site, tmp_path):
    site_dir, out = copy_site("basic"), tmp_path / "out"
    build(load_site(site_dir), out)
    (out / ".nojekyll").touch()
    (out / ".git/objects").mkdir(parents=True)
    (out / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / "CNAME").write_text("example.org\n")
    (out / "downloads").mkdir()
    (out / "downloads/big.zip").write_bytes(b"PK")
    (out / "unwanted.txt").write_text("x")

    site = load_site(site_dir)
    site.config["KEEP_FILES"] = ["CNAME", "downloads/*"]
    result = build(site, out)

    assert (out / ".nojekyll").is_file()
    assert (out / ".git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (out / ".git/objects").is_dir()
    assert (out / "CNAME").read_text() == "example.org\n"
    assert (out / "downloads/big.zip").read_bytes() == b"PK"
    assert not (out / "unwanted.txt").exists()
    assert result.stats.removed == 1


def test_a_keep_files_name_is_removed_without_the_setting(copy_site, tmp_path):
    site_dir, out = copy_site("basic"), tmp_path / "out"
    build(load_site(site_dir), out)
    (out / "CNAME").write_text("example.org\n")
    build(load_site(site_dir), out)
    assert not (out / "CNAME").exists()


# -- mtimes ----------------------------------------------------------------------


def test_unchanged_files_keep_their_mtime(copy_site, tmp_path):
    site_dir, out = copy_site("basic"), tmp_path / "out"
    build(load_site(site_dir), out)
    for path in out.rglob("*"):
        os.utime(path, (OLD, OLD))
    template = site_dir / "templates/index.html"
    template.write_text(template.read_text().replace("<h1>Home</h1>", "<h1>Welcome</h1>"))

    result = build(load_site(site_dir), out)

    changed = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.is_file() and p.stat().st_mtime != OLD)
    assert changed == ["index.html"]
    assert "<h1>Welcome</h1>" in (out / "index.html").read_text()
    assert result.stats.written == 1
    assert result.stats.unchanged == len(result.urls) - 1


def test_a_changed_static_file_is_written_again(copy_site, tmp_path):
    site_dir, out = copy_site("basic"), tmp_path / "out"
    build(load_site(site_dir), out)
    for path in out.rglob("*"):
        os.utime(path, (OLD, OLD))
    (site_dir / "static/img/logo.svg").write_text("<svg/>\n")

    build(load_site(site_dir), out)

    assert (out / "static/img/logo.svg").read_text() == "<svg/>\n"
    assert (out / "static/img/logo.svg").stat().st_mtime != OLD
    assert (out / "static/img/paper.svg").stat().st_mtime == OLD


# -- determinism -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["basic", "discovery"])
def test_two_builds_are_byte_identical(copy_site, tmp_path, read_tree, name):
    site_dir = copy_site(name)
    build(load_site(site_dir), tmp_path / "one")
    shutil.rmtree(site_dir / ".sitegen-cache")
    build(load_site(site_dir), tmp_path / "two")
    assert read_tree(tmp_path / "one") == read_tree(tmp_path / "two")


def test_builds_in_fresh_processes_are_byte_identical(copy_site, tmp_path, read_tree):
    # Another hash seed changes the order of every set, and so the order of work.
    site_dir = copy_site("discovery")
    sitegen = Path(sys.executable).with_name("sitegen")
    for seed in ("1", "2", "3"):
        shutil.rmtree(site_dir / ".sitegen-cache", ignore_errors=True)
        subprocess.run(
            [sitegen, "build", site_dir, "-o", tmp_path / seed, "--quiet"],
            env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
        )
    assert read_tree(tmp_path / "1") == read_tree(tmp_path / "2") == read_tree(tmp_path / "3")
    assert len(read_tree(tmp_path / "1")) > 20


# -- where the output may go -------------------------------------------------------


def test_building_into_the_site_folder_is_refused(copy_site, cli):
    site_dir = copy_site("basic")
    result = cli("build", site_dir, "-o", site_dir)
    assert result.exit_code == 1
    assert "contains the site itself" in result.stderr
    assert (site_dir / "app.py").is_file()


def test_building_into_a_source_folder_is_refused(copy_site, cli):
    site_dir = copy_site("basic")
    result = cli("build", site_dir, "-o", site_dir / "static/out")
    assert result.exit_code == 1
    assert "a source folder" in result.stderr
    assert not (site_dir / "static/out").exists()


def test_output_defaults_to_the_build_folder_of_the_site(copy_site, cli):
    site_dir = copy_site("basic")
    assert cli("build", site_dir).exit_code == 0
    assert (site_dir / "build/index.html").is_file()


def test_a_file_that_cannot_be_written_leaves_the_previous_output_as_it_was(
        copy_site, cli, tmp_path):
    # A file name longer than the file system allows fails while the tree is
    # written, after every page rendered.
    site_dir, out = copy_site("half_fails"), tmp_path / "out"
    assert cli("build", site_dir, "-o", out).exit_code == 0
    before = snapshot(out)
    app = site_dir / "app.py"
    app.write_text(app.read_text() + (
        "\n\n@site.route('/long/<slug>/')\n"
        "def long(slug):\n"
        "    return slug\n\n\n"
        "@site.generator\n"
        "def long():  # noqa: F811\n"
        "    yield {'slug': 'x' * 300}\n"
    ))

    result = cli("build", site_dir, "-o", out)

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert f"long/{'x' * 300}/index.html" in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["half_fails", "out"]
