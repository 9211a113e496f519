"""Cache files: written whole or not at all, read back as plain values only.

The build state and the content index live in the site's cache folder as
pickles of plain values.  Writing goes to a temporary file renamed over the
old one, so a killed build leaves the old file or the new one, never half
of one.  Reading accepts no class beyond the few date and time types front
matter holds, so a cache file can never run code; and anything wrong with
it (missing, truncated, damaged, a directory in its place, written by
another version) reads as "no cache", which only makes a build slower.
"""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path
from typing import Any

#: The classes a cache file may hold besides builtins: YAML's and TOML's dates.
DATE_CLASSES = frozenset({
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"),
})


def write_cache(path: Path, value: Any) -> bool:
    """Pickle ``value`` to ``path`` atomically; False (and nothing written) on failure."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:  # a cache that cannot be written makes only a slower next build
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True


def read_cache(path: Path) -> Any:
    """The value pickled at ``path``, or None when there is none that can be trusted."""
    try:
        data = path.read_bytes()
        return _PlainUnpickler(io.BytesIO(data)).load()
    except Exception:  # missing, truncated, damaged, a folder, foreign classes
        return None


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in DATE_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a sitegen cache")
