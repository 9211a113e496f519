"""Sessions and flashed messages: Flask names that mean nothing at build time.

A session belongs to one visitor's cookie and a flashed message to their next
request; a static file is written once for every visitor.  Using either is an
error that says so, rather than a page that quietly shows one build's state.
``get_flashed_messages()`` is the exception: layouts ported from Flask call
it on every page, and at build time the true answer is that nothing was
flashed.
"""

from __future__ import annotations

from typing import Any

from .errors import SitegenError


class BuildTimeError(SitegenError):
    """Flask behaviour that needs a visitor (sessions, flashing) used in a static build."""


def _refuse(what: str) -> BuildTimeError:
    from .context import _cv_request

    request = _cv_request.get(None)
    where = f"{request.path}: " if request is not None else ""
    return BuildTimeError(
        f"{where}{what} makes no sense at build time: a static page is written once, for "
        "every visitor, so there is no visitor's session to read or write.",
        hint="keep per-visitor state in the browser (JavaScript, localStorage), or serve "
             "that part of the site with a live Flask app",
    )


class _NoSession:
    """``session``: any use raises :class:`BuildTimeError`."""

    def __getattr__(self, name: str) -> Any:
        raise _refuse("session")

    def __getitem__(self, key: str) -> Any:
        raise _refuse("session")

    def __setitem__(self, key: str, value: Any) -> None:
        raise _refuse("session")

    def __delitem__(self, key: str) -> None:
        raise _refuse("session")

    def __contains__(self, key: object) -> bool:
        raise _refuse("session")

    def __iter__(self) -> Any:
        raise _refuse("session")

    def __bool__(self) -> bool:
        raise _refuse("session")


session: Any = _NoSession()


def flash(message: str, category: str = "message") -> None:
    """Raises :class:`BuildTimeError`: no next request exists to show the message on."""
    raise _refuse("flash()")


def get_flashed_messages(with_categories: bool = False,
                         category_filter: Any = ()) -> list[Any]:
    """Always empty: nothing is flashed in a static build (``flash`` refuses)."""
    return []
