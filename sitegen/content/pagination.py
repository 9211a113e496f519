"""Splitting a list of pages over numbered URLs.

``posts.paginate(10, endpoint="index")`` cuts the collection into pages of
ten; each :class:`Pagination` knows its items and the URLs of its
neighbours, built through a route with an ``<int:page>`` argument.  Page 1
may live at a route without the argument, the Flask way::

    @site.route("/", defaults={"page": 1})
    @site.route("/page/<int:page>/")
    def index(page):
        return render_template("index.html", pagination=posts.paginate(10, "index").page(page))

The page number's argument is the one argument of the route that is not
given in ``values`` (``page`` if that is unclear).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..helpers import abort

if TYPE_CHECKING:
    from .collection import PageSet
    from .page import Page


class Paginator:
    """A page set cut into pages of ``per_page``; a sequence of :class:`Pagination`."""

    def __init__(self, pages: PageSet, per_page: int, endpoint: str | None = None,
                 arg: str | None = None, values: dict[str, Any] | None = None) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.pages = pages
        self.per_page = per_page
        self.endpoint = endpoint
        self.arg = arg
        self.values = dict(values or {})

    def __len__(self) -> int:
        """The number of pages: at least one, which may be empty."""
        return max(1, math.ceil(len(self.pages) / self.per_page))

    def __iter__(self) -> Iterator[Pagination]:
        return (Pagination(self, number) for number in range(1, len(self) + 1))

    def __getitem__(self, index: int) -> Pagination:
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(f"page index {index} out of range ({count} pages)")
        return Pagination(self, index + 1)

    def page(self, number: int) -> Pagination:
        """Page ``number`` (1-based); a 404 (in a view) when there is no such page."""
        if not 1 <= number <= len(self):
            abort(404)
        return Pagination(self, number)

    def url_for(self, number: int) -> str | None:
        """The URL of page ``number``; ``None`` without an endpoint."""
        if self.endpoint is None:
            return None
        site = self.pages.root.site
        return site.url_for(self.endpoint, **self._values(number))

    def generate(self) -> Iterator[dict[str, Any]]:
        """URL values for every page: a generator for the endpoint."""
        for number in range(1, len(self) + 1):
            yield self._values(number)

    def _values(self, number: int) -> dict[str, Any]:
        if self.arg is None:
            self.arg = self._number_argument()
        return {**self.values, self.arg: number}

    def _number_argument(self) -> str:
        site = self.pages.root.site
        names: set[str] = set()
        for rule in site.url_map.iter_rules(self.endpoint):
            names |= set(rule.arguments)
        names -= set(self.values)
        return names.pop() if len(names) == 1 else "page"


@dataclass(frozen=True)
class Pagination:
    """One page of a :class:`Paginator`: ``number`` (1-based) and its ``items``."""

    paginator: Paginator
    number: int

    @property
    def items(self) -> list[Page]:
        per_page = self.paginator.per_page
        start = (self.number - 1) * per_page
        return list(self.paginator.pages)[start:start + per_page]

    @property
    def per_page(self) -> int:
        return self.paginator.per_page

    @property
    def total(self) -> int:
        """The number of items on all pages."""
        return len(self.paginator.pages)

    @property
    def pages(self) -> int:
        """The number of pages."""
        return len(self.paginator)

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < len(self.paginator)

    @property
    def prev_num(self) -> int | None:
        return self.number - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.number + 1 if self.has_next else None

    @property
    def url(self) -> str | None:
        return self.paginator.url_for(self.number)

    @property
    def prev_url(self) -> str | None:
        return self.paginator.url_for(self.number - 1) if self.has_prev else None

    @property
    def next_url(self) -> str | None:
        return self.paginator.url_for(self.number + 1) if self.has_next else None
