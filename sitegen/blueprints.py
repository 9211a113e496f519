"""Blueprints: a part of a site, registered on it under a name and a URL prefix.

::

    shop = Blueprint("shop", __name__, url_prefix="/shop",
                     template_folder="templates", static_folder="static")

    @shop.route("/")
    def index():
        return render_template("shop/index.html", home=url_for(".index"))

    site.register_blueprint(shop)

As Flask's: endpoints are ``shop.index``; ``url_for(".index")`` names one of
the current blueprint's; its hooks, error handlers and context processors
apply to its own requests, its ``app_*`` ones to every request; blueprints
nest (``shop.register_blueprint(admin)`` gives ``shop.admin.*`` under
``/shop/admin``); its static files are published and its templates found
after the site's own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from .context import current_record
from .files import files_below, send_inside
from .registry import F, Registry, exception_and_code

if TYPE_CHECKING:
    from .app import Site


class Blueprint(Registry):
    """A set of routes, hooks and files registered on a ``Site`` as a unit."""

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        url_defaults: dict[str, Any] | None = None,
        root_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__()
        if not name:
            raise ValueError("A blueprint needs a name.")
        if "." in name:
            raise ValueError("A blueprint's name may not contain a dot: '.' separates "
                             "nested blueprints' names.")
        from .app import _find_root_path

        self.name = name
        self.import_name = import_name
        self.root_path = Path(root_path or _find_root_path(import_name)).resolve()
        self.static_folder = self.root_path / static_folder if static_folder else None
        if static_url_path is None and self.static_folder is not None:
            static_url_path = "/" + self.static_folder.name
        self.static_url_path = static_url_path.rstrip("/") if static_url_path else None
        self.template_folder = self.root_path / template_folder if template_folder else None
        self.url_prefix = url_prefix
        self.url_values_defaults = dict(url_defaults or {})
        #: ``(rule, endpoint, view, options)`` as given; added to a site on registration.
        self.deferred_rules: list[tuple[str, str | None, Callable[..., Any] | None,
                                        dict[str, Any]]] = []
        #: Functions of the site each registration runs (the ``app_*`` decorators).
        self.deferred_site_setup: list[Callable[[Site], None]] = []
        self.generators: dict[str, list[Callable[[], Any]]] = {}
        self.blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        self._registered_on: set[int] = set()

    def __repr__(self) -> str:
        return f"<Blueprint {self.name!r}>"

    def _check_setup(self, method: str) -> None:
        """A blueprint's routes and hooks are copied into the site when it registers;
        one added afterwards would silently do nothing, so it is an error, as in Flask."""
        if self._registered_on:
            raise ValueError(
                f"The setup method {method!r} can no longer be called on the blueprint "
                f"{self.name!r}: it is already registered, and the change would not "
                "apply.  Register the blueprint after setting it up.")

    # -- routes ---------------------------------------------------------------

    def add_url_rule(self, rule: str, endpoint: str | None = None,
                     view_func: Callable[..., Any] | None = None, **options: Any) -> None:
        """Register ``view_func`` for ``rule`` (under the prefix) as ``NAME.endpoint``."""
        self._check_setup("add_url_rule")
        if endpoint and "." in endpoint:
            raise ValueError("A blueprint's endpoint may not contain a dot.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("A blueprint view's name may not contain a dot.")
        self.deferred_rules.append((rule, endpoint, view_func, options))

    def generator(self, endpoint_or_function: str | Callable[[], Any]) -> Any:
        """As ``Site.generator``, for one of this blueprint's endpoints (without the
        blueprint's name)."""
        self._check_setup("generator")
        if callable(endpoint_or_function):
            self.generators.setdefault(endpoint_or_function.__name__, []).append(
                endpoint_or_function)
            return endpoint_or_function
        endpoint = endpoint_or_function

        def decorator(function: F) -> F:
            self.generators.setdefault(endpoint, []).append(function)
            return function

        return decorator

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Nest ``blueprint`` in this one: registered with it, under its name and prefix."""
        self._check_setup("register_blueprint")
        if blueprint is self:
            raise ValueError("A blueprint cannot be registered on itself.")
        self.blueprints.append((blueprint, options))

    # -- hooks on every request of the site -----------------------------------

    def _on_site(self, setup: Callable[[Site], None]) -> None:
        self._check_setup("an app-wide decorator")
        self.deferred_site_setup.append(setup)

    def before_app_request(self, function: F) -> F:
        """``before_request`` for every request of the site, not only this blueprint's."""
        self._on_site(lambda site: site.before_request_funcs[None].append(function))
        return function

    def after_app_request(self, function: F) -> F:
        """``after_request`` for every request of the site."""
        self._on_site(lambda site: site.after_request_funcs[None].append(function))
        return function

    def teardown_app_request(self, function: F) -> F:
        """``teardown_request`` for every request of the site."""
        self._on_site(lambda site: site.teardown_request_funcs[None].append(function))
        return function

    def app_url_defaults(self, function: F) -> F:
        """``url_defaults`` for every endpoint of the site."""
        self._on_site(lambda site: site.url_default_functions[None].append(function))
        return function

    def app_url_value_preprocessor(self, function: F) -> F:
        """``url_value_preprocessor`` for every request of the site."""
        self._on_site(lambda site: site.url_value_preprocessors[None].append(function))
        return function

    def app_context_processor(self, function: F) -> F:
        """A context processor for every template of the site."""
        self._on_site(lambda site: site.template_context_processors[None].append(function))
        return function

    def app_errorhandler(self, code_or_exception: int | type[BaseException]) -> Callable[[F], F]:
        """An error handler for the whole site (a blueprint's own ``errorhandler`` sees
        only errors raised by its views)."""
        exception, code = exception_and_code(code_or_exception)

        def decorator(handler: F) -> F:
            self._on_site(lambda site: site.error_handler_spec[None][code].__setitem__(
                exception, handler))
            return handler

        return decorator

    def app_template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """A Jinja filter for every template of the site."""
        return self._site_decorator("template_filter", name)

    def app_template_global(self, name: str | None = None) -> Callable[[F], F]:
        """A Jinja global for every template of the site."""
        return self._site_decorator("template_global", name)

    def app_template_test(self, name: str | None = None) -> Callable[[F], F]:
        """A Jinja test for every template of the site."""
        return self._site_decorator("template_test", name)

    def _site_decorator(self, method: str, name: str | None) -> Callable[[F], F]:
        def decorator(function: F) -> F:
            self._on_site(lambda site: getattr(site, method)(name)(function))
            return function

        return decorator

    # -- files ----------------------------------------------------------------

    def send_static_file(self, filename: str) -> Response:
        """The view behind the blueprint's ``static`` endpoint."""
        from .context import request

        assert self.static_folder is not None
        response = send_inside(self.static_folder, filename, request.environ)
        record = current_record()
        if record is not None:
            record.sent_file(os.path.join(self.static_folder, filename))
        return response

    def static_files(self, outside_links: set[str]) -> list[str]:
        """Every file of the static folder (posix, relative to it), as ``Site.static_files``."""
        if self.static_folder is None or not self.static_folder.is_dir():
            return []
        return sorted(files_below(self.static_folder, outside_links))

    def open_resource(self, resource: str, mode: str = "rb",
                      encoding: str | None = None) -> Any:
        """Open a file relative to the blueprint's folder, recording the read."""
        path = self.root_path / resource
        record = current_record()
        if record is not None:
            record.read_file(str(path))
        return open(path, mode, encoding=encoding)

    # -- registration ---------------------------------------------------------

    def register(self, site: Site, options: dict[str, Any]) -> None:
        """Add this blueprint's rules, hooks and files to ``site``; called by
        ``site.register_blueprint``.  ``options`` may set ``name``, ``url_prefix``
        and ``url_defaults`` for this registration."""
        prefix = options.get("name_prefix", "")
        name = f"{prefix}.{options.get('name', self.name)}".lstrip(".")
        if "." in options.get("name", ""):
            raise ValueError("The name given to register_blueprint may not contain a dot.")
        known = site.blueprints.get(name)
        if known is not None:
            same = "this blueprint" if known is self else f"the blueprint {known.name!r}"
            raise ValueError(f"The name {name!r} is already registered for {same}; "
                             "pass name='...' to register it again under another name.")
        site.blueprints[name] = self
        first = id(site) not in self._registered_on
        self._registered_on.add(id(site))
        url_prefix = options.get("url_prefix", self.url_prefix)
        defaults = {**self.url_values_defaults, **options.get("url_defaults", {})}
        if self.static_folder is not None and self.static_url_path is not None:
            endpoint = f"{name}.static"
            site.add_url_rule(_join(url_prefix, self.static_url_path) + "/<path:filename>",
                              endpoint, self.send_static_file)
            site.optional_endpoints.add(endpoint)
            site.blueprint_static[endpoint] = self
        for rule, endpoint, view, rule_options in self.deferred_rules:
            endpoint = endpoint or (view.__name__ if view is not None else None)
            if endpoint is None:
                raise TypeError("add_url_rule needs an endpoint or a view function")
            rule_options = dict(rule_options)
            if defaults:
                rule_options["defaults"] = {**defaults, **rule_options.get("defaults", {})}
            site.add_url_rule(_join(url_prefix, rule) if rule or url_prefix else rule,
                              f"{name}.{endpoint}", view, **rule_options)
        for endpoint, view in self.view_functions.items():
            site.view_functions[f"{name}.{endpoint}"] = view
        for endpoint, functions in self.generators.items():
            site.generators[f"{name}.{endpoint}"].extend(functions)
        for own, theirs in (
            (self.before_request_funcs, site.before_request_funcs),
            (self.after_request_funcs, site.after_request_funcs),
            (self.teardown_request_funcs, site.teardown_request_funcs),
            (self.url_default_functions, site.url_default_functions),
            (self.url_value_preprocessors, site.url_value_preprocessors),
            (self.template_context_processors, site.template_context_processors),
        ):
            if own[None]:
                theirs[name].extend(own[None])
        for code, handlers in self.error_handler_spec[None].items():
            site.error_handler_spec[name][code].update(handlers)
        if first:  # app-wide hooks apply once, however often the blueprint registers
            for setup in self.deferred_site_setup:
                setup(site)
        for child, child_options in self.blueprints:
            child_prefix = child_options.get("url_prefix", child.url_prefix)
            nested = {**child_options, "name_prefix": name,
                      "url_prefix": _join(url_prefix, child_prefix)}
            child.register(site, nested)


def _join(prefix: str | None, rule: str | None) -> str:
    """``prefix`` and ``rule`` joined with one slash between them."""
    if not prefix:
        return rule or ""
    if not rule:
        return prefix
    return "/".join((prefix.rstrip("/"), rule.lstrip("/")))
