"""JSON as Flask writes it: the bytes of ``jsonify`` and of a returned dict.

A site moved from Flask (or frozen next to it) keeps its ``/api/*.json``
files byte for byte: keys sorted, ASCII only, compact separators, a final
newline; dates as HTTP dates, ``Decimal`` and ``UUID`` as strings,
dataclasses as dicts, ``Markup`` as its text.  ``site.json`` is one of these;
change its attributes (``site.json.sort_keys = False``) as in Flask.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import uuid
from datetime import date
from typing import Any

from werkzeug.http import http_date
from werkzeug.wrappers import Response


def _default(value: Any) -> Any:
    """What ``json`` cannot write by itself, as Flask's provider writes it."""
    if isinstance(value, date):
        return http_date(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class JSONProvider:
    """Dumps, loads and JSON responses with Flask's defaults."""

    ensure_ascii = True
    sort_keys = True
    #: ``False``: indented by two spaces (Flask's debug output); else compact.
    compact: bool | None = None
    mimetype = "application/json"

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", _default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, text: str | bytes, **kwargs: Any) -> Any:
        return json.loads(text, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """``jsonify``: one argument as is, several as a list, keywords as a dict."""
        if args and kwargs:
            raise TypeError("jsonify() takes positional or keyword arguments, not both.")
        obj = args[0] if len(args) == 1 else (list(args) if args else kwargs)
        layout: dict[str, Any] = {"indent": 2} if self.compact is False else \
            {"separators": (",", ":")}
        return Response(f"{self.dumps(obj, **layout)}\n", mimetype=self.mimetype)
