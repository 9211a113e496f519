"""Helpers for the content tests: build a site, read its pages back with html5lib."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner, Result

from sitegen.cli import main


def build(cli: Callable[..., Result], site: Path, out: Path, *args: str) -> Result:
    """``sitegen build SITE -o OUT ARGS...``, asserting it succeeded."""
    result = cli("build", site, "-o", out, *args)
    assert result.exit_code == 0, result.output
    return result


def parse(path: Path) -> ET.Element:
    """The built HTML file at ``path``; fails on any HTML5 parse error."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    document = parser.parse(path.read_bytes())
    assert not parser.errors, (path, parser.errors)
    return document


def text(element: ET.Element | None) -> str:
    """The text of ``element`` with whitespace collapsed."""
    assert element is not None
    return " ".join("".join(element.itertext()).split())


def find(document: ET.Element, path: str) -> ET.Element:
    """The element at ElementTree ``path``, which must exist."""
    element = document.find(path)
    assert element is not None, f"nothing at {path}"
    return element


def hrefs(element: ET.Element) -> list[str | None]:
    return [a.get("href") for a in element.iter("a")]


def write(site: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (relative path → text or bytes) into ``site``."""
    for name, content in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


SITES = Path(__file__).parent / "sites"


def build_copy(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[Path, str]:
    """Build a copy of ``tests/sites/<name>``: its output folder and the CLI's output."""
    root = tmp_path_factory.mktemp(name)
    shutil.copytree(SITES / name, root / "site")
    result = CliRunner().invoke(main, ["build", str(root / "site"), "-o", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root / "out", result.output
