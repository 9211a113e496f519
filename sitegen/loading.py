"""Finding the user's ``Site``: ``SITE_DIR/app.py`` or ``--app``.

As ``flask --app``: ``--app`` names a module or a file, optionally with
``:name`` for the object; without a name, the module's ``site`` (or the one
``Site`` it holds, or what its ``create_app()`` or ``make_app()`` returns) is
used.  The name may be an app factory: ``app:create_app`` is called without
arguments, and ``'app:create_app("docs", debug=False)'`` with the literal
arguments written there.  Worker processes load the site from the same
string, so a factory must build the same site each time it is called.
The site's folder goes first on ``sys.path`` so its own modules import.
Loading again (the preview server does, after a Python change) forgets
every module that came from the site's folder.

Every file under the site's folder that is opened while the app imports (a
``settings.py`` read by ``config.from_pyfile``, a JSON file read at module
level) is noted in ``site.import_files``: like the site's modules, a change
to one of them may change every page.
"""

from __future__ import annotations

import ast
import importlib
import inspect
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
    with _noting_reads() as made:  # a factory reads its settings now
        site = _find_site(module, name, spec, module_dir)
    read |= made
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


def _find_site(module: object, name: str, spec: str, folder: str) -> Site:
    if name:
        return _named_site(module, name, spec, folder)
    for candidate in ("site", "app"):
        site = getattr(module, candidate, None)
        if isinstance(site, Site):
            return site
    found = [v for v in vars(module).values() if isinstance(v, Site)]
    if len(found) == 1:
        return found[0]
    if found:
        raise AppLoadError(f"{spec} defines several Sites.",
                           hint=f"name one: --app {spec}:NAME")
    from .flask import is_flask_app

    for candidate in ("app", "application"):  # a Flask app, found as flask finds it
        value = getattr(module, candidate, None)
        if is_flask_app(value):
            return _site_from(value, f"{spec}:{candidate}", folder)
    flasks = [v for v in vars(module).values() if is_flask_app(v)]
    if len(flasks) == 1:
        return _site_from(flasks[0], spec, folder)
    for factory in ("create_app", "make_app"):
        function = getattr(module, factory, None)
        if callable(function):
            where = f"{spec}:{factory}()"
            return _site_from(_call_factory(function, [], {}, where), where, folder)
    raise AppLoadError(
        f"{spec} defines no Site.",
        hint="create one: site = Site(__name__)",
    )


def _named_site(module: object, name: str, spec: str, folder: str) -> Site:
    """The object ``name`` names in ``module``: a ``Site``, or a factory called
    (with the literal arguments of ``name(...)``, or none) to make one."""
    try:
        expression = ast.parse(name.strip(), mode="eval").body
    except SyntaxError:
        raise AppLoadError(f"{spec}: {name!r} is neither a name nor a call of one.",
                           hint="write --app MODULE:NAME or --app 'MODULE:factory(args)'"
                           ) from None
    args: list[object] = []
    kwargs: dict[str, object] = {}
    called = isinstance(expression, ast.Call)
    if called:
        assert isinstance(expression, ast.Call)
        try:
            args = [ast.literal_eval(a) for a in expression.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in expression.keywords
                      if k.arg is not None}
        except ValueError:
            raise AppLoadError(f"{spec}: the factory's arguments must be literals "
                               "(strings, numbers, lists...).") from None
        expression = expression.func
    if not isinstance(expression, ast.Name):
        raise AppLoadError(f"{spec}: {name!r} is neither a name nor a call of one.",
                           hint="write --app MODULE:NAME or --app 'MODULE:factory(args)'")
    target = getattr(module, expression.id, None)
    if target is None:
        raise AppLoadError(f"{spec}: the module has no {expression.id!r}.")
    if called or _is_factory(target):
        return _site_from(_call_factory(target, args, kwargs, spec), spec, folder)
    return _site_from(target, f"{spec}: {expression.id!r}", folder, expression.id)


def _is_factory(target: object) -> bool:
    """A function callable without arguments (as Flask tells factories apart); one that
    needs two (``environ, start_response``) is a WSGI app."""
    if not inspect.isfunction(target):
        return False
    try:
        inspect.signature(target).bind()
    except TypeError:
        return False
    return True


def _call_factory(factory: object, args: list[object], kwargs: dict[str, object],
                  spec: str) -> object:
    if not callable(factory):
        raise AppLoadError(f"{spec}: {factory!r} is not a function, so it cannot be called.")
    try:
        return factory(*args, **kwargs)
    except SitegenError:
        raise
    except TypeError as error:
        raise AppLoadError(f"{spec}: the factory could not be called: {error}",
                           details=user_frames(error.__traceback__, _folder_of(factory)),
                           hint="give the arguments it needs: --app 'MODULE:factory(...)'"
                           ) from error
    except Exception as error:
        raise AppLoadError(f"{spec}: the factory raised {type(error).__name__}: {error}",
                           details=user_frames(error.__traceback__, _folder_of(factory))) from error


def _folder_of(function: object) -> str:
    """The folder of the file that defines ``function``: its frames are the user's."""
    try:
        return os.path.dirname(inspect.getfile(function))  # type: ignore[arg-type]
    except TypeError:
        return os.getcwd()


def _site_from(value: object, spec: str, folder: str, name: str = "") -> Site:
    """``value`` as the site to build: a ``Site``, a Flask app or a WSGI callable."""
    if isinstance(value, Site):
        return value
    if name and isinstance(value, type):  # a class is callable, and no app
        raise AppLoadError(f"{spec} is not a sitegen Site (it is a class).")
    from .flask import site_for

    site = site_for(value, folder, name or "wsgi")
    if site is None:
        raise AppLoadError(f"{spec} is not a sitegen Site, a Flask app or a WSGI "
                           f"callable (it is {type(value).__name__}).")
    return site


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
