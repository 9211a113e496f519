"""Which ``Host`` headers the preview answers: a guard against DNS rebinding.

A page on another site can point a name it controls at 127.0.0.1 and then
read the preview through it (drafts included), since the browser thinks the
preview is that site.  Such requests carry that name in their ``Host``
header.  So the preview answers only requests addressed to an IP address
(a rebinding needs a name), to ``localhost``, to this machine's own names,
or to the names the user allows (``sitegen serve --allow-host NAME``);
anything else gets a 403 that says how to allow it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wrappers import Response

#: ``localhost`` and its subdomains, which resolve to this machine.
LOCAL_NAMES = ("localhost", ".localhost")


def allowed_names(extra: Iterable[str] = ()) -> list[str]:
    """``localhost`` (and its subdomains), this machine's names, and ``extra``."""
    names = [*LOCAL_NAMES, *extra]
    for name in (socket.gethostname(), socket.getfqdn()):
        if name and name not in names:
            names.append(name.lower())
    return names


class HostGuard:
    """WSGI middleware: ``app`` answers only the hosts :func:`allowed_names` lists,
    and IP addresses."""

    def __init__(self, app: Any, names: list[str]) -> None:
        self.app = app
        self.names = names

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        host = environ.get("HTTP_HOST", "")
        if host and not self.allows(host):
            name = _hostname(host)
            response = Response(
                f"The preview answers requests to this machine only, not to {name!r}.\n"
                f"If that name is yours, start it with: sitegen serve --allow-host {name}\n",
                403, mimetype="text/plain")
            return response(environ, start_response)
        return self.app(environ, start_response)

    def allows(self, host: str) -> bool:
        try:
            ipaddress.ip_address(_hostname(host))
            return True
        except ValueError:
            return host_is_trusted(host, self.names)


def _hostname(host: str) -> str:
    """A ``Host`` header without its port (and an IPv6 address without its brackets)."""
    if host.startswith("[") and "]" in host:
        return host[1:host.index("]")]
    return host.rsplit(":", 1)[0]
