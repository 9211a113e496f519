"""Links out of the site are never published: a symlink under ``static/`` or a content
folder that points elsewhere is left out of the build (with a warning) and answers 404 in
the preview, while a content folder that is itself a link (a vault) is the user's choice."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from serve_support import running

SECRET = b"the secret outside the site"


@pytest.fixture
def linked(copy_site, tmp_path) -> Path:
    """The embeds wiki with links out: a static file, a static folder, a page, an
    attachment."""
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_bytes(SECRET)
    (outside / "folder/also.txt").write_bytes(SECRET)
    (outside / "Secret.md").write_text("---\ntitle: Secret\n---\n" + SECRET.decode() + "\n")
    site = copy_site("content_embeds")
    (site / "app.py").write_text((site / "app.py").read_text().replace(
        "Site(__name__, static_folder=None)", "Site(__name__)"))
    (site / "static").mkdir()
    (site / "static/site.css").write_text("body { margin: 0 }\n")
    (site / "static/x.txt").symlink_to(outside / "secret.txt")
    (site / "static/linked").symlink_to(outside / "folder", target_is_directory=True)
    (site / "content/wiki/Secret.md").symlink_to(outside / "Secret.md")
    (site / "content/wiki/files/leak.pdf").symlink_to(outside / "secret.txt")
    return site


def published(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file() and SECRET in p.read_bytes()]


def test_a_build_publishes_nothing_from_outside_and_names_each_link(cli, linked, tmp_path):
    out = tmp_path / "out"
    result = cli("build", linked, "-o", out)
    assert result.exit_code == 0, result.output
    assert published(out) == []
    assert (out / "static/site.css").exists()
    assert not (out / "static/x.txt").exists()
    assert not (out / "wiki/Secret").exists()
    for name in ("static/x.txt", "content/wiki/Secret.md"):
        assert f"{name} links to {os.path.realpath(linked / name)}, outside the folder it " \
               "would be published from: it is not published" in result.stderr
    assert cli("build", linked, "-o", tmp_path / "strict", "--strict").exit_code == 1


def test_the_preview_serves_nothing_from_outside(linked):
    with running(linked) as server:
        assert server.get("/static/site.css").status == 200
        assert server.get("/content/wiki/files/shot.png").status == 200  # attachments
        for path in ("/static/x.txt", "/static/linked/also.txt", "/wiki/Secret/",
                     "/content/wiki/files/leak.pdf"):
            answer = server.get(path)
            assert answer.status == 404, path
            assert SECRET not in answer.body, path


def test_a_content_folder_that_is_itself_a_link_is_the_users_choice(cli, copy_site,
                                                                   tmp_path):
    site = copy_site("content_embeds")
    vault = tmp_path / "vault"
    (site / "content/wiki").rename(vault)
    (site / "content/wiki").symlink_to(vault, target_is_directory=True)
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/wiki/Home/index.html").exists()
    assert "links to" not in result.stderr
