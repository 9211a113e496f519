"""What a ``Site`` and a ``Blueprint`` both register: views, hooks, handlers.

Flask's names and semantics: each hook is kept per *scope*, ``None`` for the
object's own and a blueprint's dotted name (``"shop.admin"``) once a
blueprint is registered on a site.  A blueprint fills its ``None`` scope;
registering it copies those hooks into the site under its name, so a
request to one of its endpoints runs the site's hooks and its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from werkzeug.exceptions import HTTPException, default_exceptions

F = TypeVar("F", bound=Callable[..., Any])
Scope = str | None
#: ``{scope: {code or None: {exception class: handler}}}``, as Flask's.
ErrorHandlerSpec = defaultdict[Scope, defaultdict[int | None, dict[type, Callable[..., Any]]]]


class Registry:
    """The decorators shared by ``Site`` and ``Blueprint``."""

    def __init__(self) -> None:
        self.view_functions: dict[str, Callable[..., Any]] = {}
        self.before_request_funcs: defaultdict[Scope, list[Callable[[], Any]]] = \
            defaultdict(list)
        self.after_request_funcs: defaultdict[Scope, list[Callable[[Any], Any]]] = \
            defaultdict(list)
        self.teardown_request_funcs: defaultdict[Scope, list[Callable[[Any], Any]]] = \
            defaultdict(list)
        self.url_default_functions: defaultdict[Scope, list[Callable[[str, dict], None]]] = \
            defaultdict(list)
        self.url_value_preprocessors: defaultdict[
            Scope, list[Callable[[str | None, dict | None], None]]] = defaultdict(list)
        self.template_context_processors: defaultdict[
            Scope, list[Callable[[], dict[str, Any]]]] = defaultdict(list)
        self.error_handler_spec: ErrorHandlerSpec = defaultdict(lambda: defaultdict(dict))

    # -- routes (add_url_rule is the subclass's) ------------------------------

    def add_url_rule(self, rule: str, endpoint: str | None = None,
                     view_func: Callable[..., Any] | None = None, **options: Any) -> None:
        raise NotImplementedError

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Register the decorated view for the URL ``rule`` (Werkzeug syntax)."""

        def decorator(view: F) -> F:
            self.add_url_rule(rule, options.pop("endpoint", None), view, **options)
            return view

        return decorator

    def get(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["GET"])``: the only method a build requests."""
        return self._method_route("GET", rule, options)

    def post(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["POST"])``.  A static build never requests it; the
        route is kept so that ``url_for`` can still name it (a form's action)."""
        return self._method_route("POST", rule, options)

    def put(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["PUT"])``; never built, as ``post``."""
        return self._method_route("PUT", rule, options)

    def delete(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["DELETE"])``; never built, as ``post``."""
        return self._method_route("DELETE", rule, options)

    def patch(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["PATCH"])``; never built, as ``post``."""
        return self._method_route("PATCH", rule, options)

    def _method_route(self, method: str, rule: str, options: dict[str, Any]) -> Callable[[F], F]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    def endpoint(self, endpoint: str) -> Callable[[F], F]:
        """Make the decorated function the view of ``endpoint`` (a rule added with
        ``add_url_rule(rule, endpoint)`` and no view)."""

        def decorator(view: F) -> F:
            self._check_setup("endpoint")
            self.view_functions[endpoint] = view
            return view

        return decorator

    # -- request hooks --------------------------------------------------------

    def before_request(self, function: F) -> F:
        """Run ``function()`` before each view; a value it returns is the answer."""
        self._check_setup("before_request")
        self.before_request_funcs[None].append(function)
        return function

    def after_request(self, function: F) -> F:
        """Run ``function(response)`` after each view; it returns the response to use."""
        self._check_setup("after_request")
        self.after_request_funcs[None].append(function)
        return function

    def teardown_request(self, function: F) -> F:
        """Run ``function(error or None)`` when each request ends, even one that failed."""
        self._check_setup("teardown_request")
        self.teardown_request_funcs[None].append(function)
        return function

    def url_defaults(self, function: F) -> F:
        """Run ``function(endpoint, values)`` in each ``url_for``, to fill in values
        (the ``lang`` of a ``/<lang>/`` site)."""
        self._check_setup("url_defaults")
        self.url_default_functions[None].append(function)
        return function

    def url_value_preprocessor(self, function: F) -> F:
        """Run ``function(endpoint, view_args)`` before the view, to take values out of
        the URL's arguments (and put them on ``g``)."""
        self._check_setup("url_value_preprocessor")
        self.url_value_preprocessors[None].append(function)
        return function

    def context_processor(self, function: F) -> F:
        """Register a function whose dict is added to every template's context."""
        self._check_setup("context_processor")
        self.template_context_processors[None].append(function)
        return function

    # -- errors ---------------------------------------------------------------

    def errorhandler(self, code_or_exception: int | type[BaseException]) -> Callable[[F], F]:
        """Register a view for an HTTP status or an exception class (and its subclasses).

        A 404 handler on the site becomes the build's ``404.html``.
        """

        def decorator(handler: F) -> F:
            self.register_error_handler(code_or_exception, handler)
            return handler

        return decorator

    def register_error_handler(self, code_or_exception: int | type[BaseException],
                               handler: Callable[..., Any]) -> None:
        """``errorhandler`` without the decorator."""
        self._check_setup("errorhandler")
        exception, code = exception_and_code(code_or_exception)
        self.error_handler_spec[None][code][exception] = handler

    def _check_setup(self, method: str) -> None:
        """Refuse setup that would come too late to take effect (see ``Blueprint``)."""


def exception_and_code(key: int | type[BaseException]) -> tuple[type[BaseException], int | None]:
    """The exception class and HTTP status a handler is registered for, as Flask
    files them: ``404`` and ``NotFound`` alike are ``(NotFound, 404)``."""
    if isinstance(key, int):
        if key not in default_exceptions:
            raise ValueError(f"{key!r} is not a recognized HTTP error code; use a subclass "
                             "of HTTPException with that code instead.")
        key = default_exceptions[key]
    if isinstance(key, BaseException):
        raise TypeError(f"{key!r} is an instance, not a class: pass the class.")
    if not (isinstance(key, type) and issubclass(key, Exception)):
        raise ValueError(f"{key!r} is not a subclass of Exception.")
    return key, key.code if issubclass(key, HTTPException) else None
