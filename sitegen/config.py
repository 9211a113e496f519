"""Site configuration: a plain dict that notes which keys a render read."""

from __future__ import annotations

import errno
import json
import os
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .context import current_record
from .errors import SitegenError
from .fingerprint import value_digest

#: The fact of a render that saw every key (it iterated the config).
WHOLE = "*"
_MISSING = "\0missing"

DEFAULTS: dict[str, Any] = {
    "BASE_URL": None,
    "RELATIVE_URLS": False,
    "KEEP_FILES": [],
    "DRAFTS": False,
    "FUTURE": False,
    "CACHE_DIR": ".sitegen-cache",
    "MARKDOWN_ENGINE": "markdown",
}


class Config(dict):  # type: ignore[type-arg]
    """``site.config``: a ``dict`` (as Flask's) whose reads are recorded.

    A page that reads ``config["SITE_NAME"]`` depends on it; recording the
    read lets incremental builds and the preview server know which pages a
    config change touches.
    """

    def __init__(self, defaults: Mapping[str, Any] | None = None,
                 root_path: str | os.PathLike[str] = ".") -> None:
        super().__init__(defaults or {})
        #: Where ``from_pyfile`` looks for relative file names: the site's folder.
        self.root_path = root_path

    def __getitem__(self, key: str) -> Any:
        _note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        _note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        _note(str(key))
        return super().__contains__(key)

    # Every way of seeing more than one key depends on the whole config.

    def __iter__(self) -> Iterator[str]:
        _note(WHOLE)
        return super().__iter__()

    def keys(self) -> Any:
        _note(WHOLE)
        return super().keys()

    def values(self) -> Any:
        _note(WHOLE)
        return super().values()

    def items(self) -> Any:
        _note(WHOLE)
        return super().items()

    def __len__(self) -> int:
        _note(WHOLE)
        return super().__len__()

    def copy(self) -> dict[str, Any]:
        _note(WHOLE)
        return dict(super().items())

    def digest_of(self, key: str) -> bytes:
        """The fingerprint of ``config[key]`` (``*``: the whole config), unrecorded."""
        if key == WHOLE:
            return value_digest(dict(super().items()))
        return value_digest(super().get(key, _MISSING))

    def from_mapping(self, mapping: Mapping[str, Any] | None = None, **values: Any) -> bool:
        """Take the upper-case keys of ``mapping`` and ``values``, as Flask's."""
        for key, value in {**(mapping or {}), **values}.items():
            if key.isupper():
                self[key] = value
        return True

    def from_object(self, obj: object | str) -> None:
        """Take the upper-case attributes of ``obj``, or of what the string names: a
        module (``"settings"``) or an object in one (``"pkg.config.Production"`` or
        ``"pkg.config:Production"``), as Flask's."""
        if isinstance(obj, str):
            from werkzeug.utils import ImportStringError, import_string

            try:
                obj = import_string(obj)
            except ImportStringError as error:
                raise SitegenError(f"config.from_object({obj!r}): {error.exception}",
                                   hint="name a module, or a class or object in one, "
                                        "that imports") from None
        self.from_mapping({key: getattr(obj, key) for key in dir(obj) if key.isupper()})

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """``from_pyfile`` of the file the environment variable names; with ``silent``,
        an unset variable or missing file is ``False`` rather than an error."""
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise SitegenError(
                f"The environment variable {variable_name!r} is not set, so no "
                "configuration file could be read.",
                hint=f"set {variable_name} to the path of a config file, or pass "
                     "silent=True",
            )
        return self.from_pyfile(filename, silent=silent)

    def from_file(self, filename: str | os.PathLike[str], load: Callable[[Any], Any],
                  silent: bool = False, text: bool = True) -> bool:
        """Take the upper-case keys of a file ``load`` reads (``json.load``,
        ``tomllib.load`` with ``text=False``), relative to the site's folder."""
        path = Path(self.root_path, filename)
        try:
            with open(path, "r" if text else "rb") as file:
                data = load(file)
        except OSError as error:
            if silent and error.errno in (errno.ENOENT, errno.EISDIR):
                return False
            raise SitegenError(f"config.from_file: cannot read {path}: {error.strerror}.",
                               hint="create the file, or fix its name") from None
        except Exception as error:
            raise SitegenError(f"{path}: {type(error).__name__}: {error}",
                               hint="fix the config file") from None
        return self.from_mapping(data)

    def from_prefixed_env(self, prefix: str = "SITEGEN", *,
                          loads: Callable[[str], Any] = json.loads) -> bool:
        """Take every environment variable ``PREFIX_KEY`` as ``config["KEY"]``, its
        value parsed by ``loads`` where it parses (``"true"`` is ``True``); ``A__B``
        sets ``config["A"]["B"]``.  Flask's, with sitegen's prefix."""
        prefix = f"{prefix}_"
        for name in sorted(os.environ):
            if not name.startswith(prefix):
                continue
            value: Any = os.environ[name]
            try:
                value = loads(value)
            except Exception:
                pass  # kept as the string it is
            key = name[len(prefix):]
            if "__" not in key:
                self[key] = value
                continue
            current: dict[str, Any] = self
            *parents, last = key.split("__")
            for part in parents:
                if not dict.__contains__(current, part):
                    current[part] = {}
                current = dict.__getitem__(current, part)
            current[last] = value
        return True

    def get_namespace(self, namespace: str, lowercase: bool = True,
                      trim_namespace: bool = True) -> dict[str, Any]:
        """The keys that start with ``namespace`` (``"FEED_"``) as a dict, as Flask's."""
        found: dict[str, Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            key = key[len(namespace):] if trim_namespace else key
            found[key.lower() if lowercase else key] = value
        return found

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Run a Python file and take its upper-case names; relative to the site's folder.

        A file that is missing or fails to run is a :class:`SitegenError`
        naming it, as a broken template would be; with ``silent``, a missing
        file is ``False`` instead.
        """
        path = Path(self.root_path, filename)
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as error:
            if silent and error.errno in (errno.ENOENT, errno.EISDIR, errno.ENOTDIR):
                return False
            raise SitegenError(f"config.from_pyfile: cannot read {path}: {error.strerror}.",
                               hint="create the file, or fix its name") from None
        namespace: dict[str, Any] = {"__file__": str(path)}
        try:
            exec(compile(source, str(path), "exec"), namespace)
        except Exception as error:
            line = getattr(error, "lineno", None) or _line_in(error, str(path))
            where = f"{path}:{line}" if line else str(path)
            raise SitegenError(f"{where}: {type(error).__name__}: {error}",
                               hint="fix the config file") from None
        return self.from_mapping(namespace)


def _note(key: str) -> None:
    record = current_record()
    if record is not None:
        record.read_config(key)


def _line_in(error: BaseException, filename: str) -> int | None:
    """The line of ``filename`` on which ``error`` was raised, if it was there."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == filename:
            return frame.lineno
    return None
