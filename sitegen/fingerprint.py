"""Stable fingerprints: of values, of files, of the libraries a build runs on.

Incremental builds compare fingerprints made in different processes, on
different days, perhaps on different machines, so nothing here may depend
on an address, a hash seed or the order of a dict or set.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date, datetime
from functools import cache
from importlib import metadata
from typing import Any

#: The libraries whose versions change what a build writes.
LIBRARIES = ("sitegen", "markdown", "pygments", "pyromark", "jinja2", "werkzeug", "markupsafe")
#: The distributions whose name is not the library's (sitegen's own, on PyPI).
DISTRIBUTIONS = {"sitegen": "sitegen-flask"}
#: Types whose repr is the same in every process.
_PLAIN = frozenset({str, int, bool, float, type(None), bytes})
#: Bytes that stand for "there is no such thing" (a missing file or key).
MISSING = b"\0missing"


def digest(*parts: str | bytes) -> bytes:
    """A 16-byte hash of ``parts`` (strings as UTF-8), unambiguous in their boundaries."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def value_digest(value: Any) -> bytes:
    """The digest of a config or front matter value, by its stable repr."""
    return hashlib.blake2b(stable_repr(value).encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


def file_digest(path: str) -> bytes:
    """The digest of a file's bytes, read in blocks; ``MISSING`` if it cannot be read."""
    hasher = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                hasher.update(block)
    except OSError:
        return MISSING
    return hasher.digest()


def stable_repr(value: Any) -> str:
    """A repr that is the same in every process: functions by name, not address,
    dicts and sets in sorted order."""
    if type(value) in _PLAIN:
        return repr(value)
    if isinstance(value, dict):
        items = sorted((stable_repr(k), stable_repr(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(stable_repr(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    if isinstance(value, (str, bytes, int, float, bool, date, datetime)) or value is None:
        return repr(value)
    if callable(getattr(value, "getConfigs", None)):  # a Python-Markdown Extension
        return f"{_qualified(type(value))}({stable_repr(value.getConfigs())})"
    if callable(value):
        return _qualified(value)
    text = repr(value)
    # An object repr with an address differs per process: its type must do.
    return _qualified(type(value)) if " at 0x" in text else text


def _qualified(value: Any) -> str:
    return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', value)}"


@cache
def library_versions() -> tuple[str, ...]:
    """``name==version`` of Python and each library in ``LIBRARIES``, read from the
    installed metadata (so nothing is imported to learn it)."""
    found = [f"python=={sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"]
    for name in LIBRARIES:
        try:
            found.append(f"{name}=={metadata.version(DISTRIBUTIONS.get(name, name))}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}==?")
    return tuple(found)
