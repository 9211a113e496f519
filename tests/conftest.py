"""Fixtures shared by the tests: site folders, the CLI, output trees."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitegen.cli import main
from sitegen.config import DEFAULTS
from sitegen.content.markup import ENGINES

SITES = Path(__file__).parent / "sites"


@pytest.fixture
def copy_site(tmp_path: Path) -> Callable[[str], Path]:
    """Copy ``tests/sites/<name>`` into a temporary folder and return it.

    Builds write a cache into the site folder, and some tests edit the
    site between builds, so tests never build the checked-in folders.
    """

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target)
        return target

    return copy


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run ``sitegen ARGS...`` in-process with click's runner."""
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def _read_tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def read_tree() -> Callable[[Path], dict[str, bytes]]:
    """``read_tree(folder)``: every file under it as ``{posix path: bytes}``."""
    return _read_tree


EXAMPLE_SITE = Path(__file__).parent.parent / "example_site"


@dataclass
class SiteBuild:
    """A finished build: the site folder it came from, its output, what it printed."""

    site: Path
    output: Path
    log: str


def build_example_site(target: Path, *args: str) -> SiteBuild:
    """Copy ``example_site`` (without its build and cache) and build the copy."""
    site = target / "example_site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns(
        "build", ".sitegen-cache", "__pycache__"))
    output = target / "out"
    result = CliRunner().invoke(main, ["build", str(site), "-o", str(output), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return SiteBuild(site, output, result.output)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """``example_site`` built once per test session; tests only read it."""
    return build_example_site(tmp_path_factory.mktemp("example"))


@pytest.fixture
def build_example(tmp_path: Path) -> Callable[..., SiteBuild]:
    """``build_example(*options)``: a fresh build of ``example_site`` with options."""
    return lambda *args: build_example_site(tmp_path, *args)


@pytest.fixture(scope="module", params=ENGINES)
def markdown_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each Markdown engine in turn, as the default of ``config["MARKDOWN_ENGINE"]``.

    The content tests use it for every test (``pytestmark``), so each runs on
    both engines; a test of one engine's own behaviour narrows it with
    ``@pytest.mark.parametrize("markdown_engine", ["markdown"], indirect=True)``.
    Module-scoped, so a site built once per module is built once per engine.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(DEFAULTS, "MARKDOWN_ENGINE", request.param)
        yield request.param
