"""Frozen-Flask 1.0.2's own test suite, run against ``sitegen.flask.freezer``.

The suite is the ``tests/`` folder of Frozen-Flask's source distribution on PyPI,
downloaded here with pip (never kept in this repository).  A one-line
``flask_frozen`` package placed first on the path re-exports sitegen's module, so
the suite's ``from flask_frozen import Freezer`` gets sitegen's.  Every test of it
must pass; a deliberate difference would be deselected here by name and listed in
the migration guide.  ``SITEGEN_OFFLINE=1`` skips it where PyPI cannot be reached.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytest.importorskip("flask")

VERSION = "1.0.2"
SHIM = '''"""Frozen-Flask's name for sitegen's Freezer (for running Frozen-Flask's tests)."""
from sitegen.flask.freezer import *  # noqa: F403
from sitegen.flask.freezer import __all__  # noqa: F401

VERSION = "{version}"
'''


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> tuple[Path, Path]:
    """Frozen-Flask's ``tests/`` folder from its sdist, and the folder of the shim."""
    if os.environ.get("SITEGEN_OFFLINE"):
        pytest.skip("SITEGEN_OFFLINE is set: Frozen-Flask's sdist is not downloaded")
    folder = tmp_path_factory.mktemp("frozen-flask")
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                    "--no-binary", ":all:", "--disable-pip-version-check",
                    f"frozen-flask=={VERSION}", "-d", str(folder)],
                   check=True, capture_output=True)
    (sdist,) = folder.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if "/tests/" in m.name]
        archive.extractall(folder, members=members, filter="data")
    (tests,) = folder.glob("*/tests")
    shim = folder / "shim/flask_frozen"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text(SHIM.format(version=VERSION))
    return tests, shim.parent


def test_frozen_flasks_own_suite_passes_against_sitegens_freezer(suite):
    tests, shim = suite
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(tests)])}
    probe = subprocess.run([sys.executable, "-c", "import flask_frozen as f; print(f.Freezer)"],
                           env=env, capture_output=True, text=True, check=True)
    assert "sitegen.flask.freezer.Freezer" in probe.stdout  # sitegen's, not Frozen-Flask's
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tests)], cwd=tests, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout
