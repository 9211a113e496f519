"""``make build`` installs what building needs, quietly; ``make test`` adds the test tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(target: str) -> list[str]:
    """The commands ``make TARGET`` would run on a bare machine (``-n -B``: none runs)."""
    result = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), target],
                            capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


def installs(target: str) -> list[str]:
    return [line for line in planned(target) if " install " in line]


def test_make_build_installs_sitegen_without_the_test_tools():
    lines = installs("build")
    assert any(line.endswith(" -e '.[math,diagrams,flask]'") for line in lines), lines
    assert not any("[test]" in line for line in lines)


def test_make_build_builds_the_example_site_and_its_flask_app():
    builds = [line for line in planned("build") if "sitegen build" in line]
    assert builds == [".venv/bin/sitegen build example_site",
                      ".venv/bin/sitegen build example_site/flask_shop --app 'app:create_app()'"]


def test_make_build_installs_quietly_without_setuptools_editable_note():
    for line in installs("build"):
        assert " -q " in line
        assert line.startswith('PYTHONWARNINGS="ignore:Editable installation" ')


def test_make_test_installs_the_test_extra():
    assert any(line.endswith(" -e '.[test]'") for line in installs("test"))
