"""Finding the user's ``Site``: ``SITE_DIR/app.py`` or ``--app``.

As ``flask --app``: ``--app`` names a module or a file, optionally with
``:name`` for the object; without a name, the module's ``site`` (or the one
``Site`` it holds) is used.  The site's folder goes first on ``sys.path``
so its own modules import.  Loading again (the preview server does, after
a Python change) forgets every module that came from the site's folder.

Every file under the site's folder that is opened while the app imports (a
``settings.py`` read by ``config.from_pyfile``, a JSON file read at module
level) is noted in ``site.import_files``: like the site's modules, a change
to one of them may change every page.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .app import Site
from .errors import AppLoadError, SitegenError, raised, user_frames

_site_paths: list[str] = []
_reads = threading.local()
_hooked = False


def load_site(site_dir: str | os.PathLike[str] = ".", app: str | None = None) -> Site:
    """Import the site's app module and return its ``Site``."""
    root = Path(site_dir).resolve()
    if not root.is_dir():
        raise AppLoadError(f"The site folder {root} does not exist.")
    spec = app or "app.py"
    target, _, name = spec.partition(":")
    if target.endswith(".py") or "/" in target or os.sep in target:
        path = (root / target).resolve()
        if not path.is_file():
            raise AppLoadError(
                f"There is no {target} in {root}.",
                hint="run sitegen in your site's folder, pass the folder, or name the "
                     "app with --app MODULE_OR_FILE[:NAME]",
            )
        module_dir, module_name = str(path.parent), path.stem
    else:
        module_dir, module_name = str(root), target
    _forget_site_modules()
    sys.path.insert(0, module_dir)
    _site_paths.append(module_dir)
    try:
        with _noting_reads() as read:
            module = importlib.import_module(module_name)
    except SitegenError:
        raise
    except SyntaxError as error:
        raise AppLoadError(
            f"{error.filename}:{error.lineno}: syntax error: {error.msg}",
            details=[line for line in (error.text or "").rstrip("\n").splitlines()],
            hint="fix the Python syntax at that line",
        ) from error
    except ModuleNotFoundError as error:
        if error.name == module_name:
            raise AppLoadError(f"No module named {module_name!r} in {root}.") from error
        raise AppLoadError(
            f"{spec}: {error}", details=user_frames(error.__traceback__, module_dir),
            hint="install the missing package, or fix the import",
        ) from error
    except SystemExit as error:  # it would end the build without a word
        raise AppLoadError(f"{spec} raised {raised(error)}",
                           details=user_frames(error.__traceback__, module_dir)) from error
    except Exception as error:
        raise AppLoadError(
            f"{spec} raised {type(error).__name__} while loading: {error}",
            details=user_frames(error.__traceback__, module_dir),
        ) from error
    site = _find_site(module, name, spec)
    site.import_files = sorted(p for p in read if p.startswith(str(site.root_path) + os.sep))
    return site


@contextmanager
def _noting_reads() -> Iterator[set[str]]:
    """The files this thread opens inside the block (through Python's audit hook)."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    read: set[str] = set()
    _reads.found = read
    try:
        yield read
    finally:
        _reads.found = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    found = getattr(_reads, "found", None)
    if found is not None and event == "open" and isinstance(args[0], str) \
            and not args[0].endswith((".pyc", ".pyi")):
        found.add(os.path.realpath(args[0]))


def _find_site(module: object, name: str, spec: str) -> Site:
    if name:
        site = getattr(module, name, None)
        if not isinstance(site, Site):
            raise AppLoadError(f"{spec}: {name!r} is not a sitegen Site.")
        return site
    for candidate in ("site", "app"):
        site = getattr(module, candidate, None)
        if isinstance(site, Site):
            return site
    found = [v for v in vars(module).values() if isinstance(v, Site)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise AppLoadError(
            f"{spec} defines no Site.",
            hint="create one: site = Site(__name__)",
        )
    raise AppLoadError(f"{spec} defines several Sites.", hint=f"name one: --app {spec}:NAME")


def _forget_site_modules() -> None:
    """Drop modules imported from earlier site folders, so they load afresh."""
    folders = tuple(os.path.realpath(p) + os.sep for p in _site_paths)
    if not folders:
        return
    for key, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if filename and os.path.realpath(filename).startswith(folders):
            del sys.modules[key]
    for path in _site_paths:
        while path in sys.path:
            sys.path.remove(path)
    _site_paths.clear()
    importlib.invalidate_caches()
