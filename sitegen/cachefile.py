"""Cache files: written whole or not at all, read back as plain values only.

The build state and the content index live in the site's cache folder as
pickles of plain values.  Writing goes to a temporary file renamed over the
old one, so a killed build leaves the old file or the new one, never half
of one.  Reading accepts no class beyond the few date and time types front
matter holds, so a cache file can never run code; and anything wrong with
it (missing, truncated, damaged, a directory in its place, written by
another version) reads as "no cache", which only makes a build slower.

A file holds one value and then its rows (the records of 100,000 URLs,
say), pickled a few hundred at a time with the pickler's memo cleared
between: a pickler remembers every object it wrote, and one pickle of a
whole large site's rows would hold that memo, and a copy of every row as
a tuple, at the very end of a build, when memory is at its highest.
"""

from __future__ import annotations

import io
import itertools
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: The classes a cache file may hold besides builtins: YAML's and TOML's dates.
DATE_CLASSES = frozenset({
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"),
})


#: Rows pickled together, with one memo.
ROWS_A_PICKLE = 500


def write_cache(path: Path, value: Any, rows: Iterable[Any] = ()) -> bool:
    """Pickle ``value``, then ``rows``, to ``path`` atomically; False (and nothing
    written) on failure."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as f:
            pickler = pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump(value)
            rows = iter(rows)
            while chunk := list(itertools.islice(rows, ROWS_A_PICKLE)):
                pickler.clear_memo()
                pickler.dump(chunk)
            pickler.dump(None)  # the end: a file cut short after a chunk is no cache
        os.replace(temporary, path)
    except OSError:  # a cache that cannot be written makes only a slower next build
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True


def read_cache(path: Path) -> tuple[Any, list[Any]] | None:
    """The value and the rows pickled at ``path``, or None when there are none that can
    be trusted."""
    try:
        stream = io.BytesIO(path.read_bytes())
        value = _PlainUnpickler(stream).load()
        rows: list[Any] = []
        # An unpickler of its own for each chunk: it numbers what it remembers from its
        # first object on, as the pickler did once its memo was cleared.
        while (chunk := _PlainUnpickler(stream).load()) is not None:
            if type(chunk) is not list:
                return None
            rows += chunk
    except Exception:  # missing, truncated, damaged, a folder, foreign classes
        return None
    return value, rows


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in DATE_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a sitegen cache")
