"""How a collection's pages and files get URLs without the user writing any.

A collection bound to an endpoint:

- gives that endpoint a generator: one set of URL values per page, each
  rule argument taken from the page (``slug``, ``path``, any other
  attribute or front matter key of that name);
- builds ``page.url`` with the same values;
- publishes a page with a ``permalink:`` (Jekyll's) at that URL instead, by
  the same view with the same values: one route per permalink, added when
  the collection is read, as aliases are;
- publishes each page's ``aliases`` as redirects to the page (one route per
  alias, added when the collection is read: a route loader of the site, so
  an alias requested first thing in the preview is found too);
- serves the files its Markdown links to (``![](images/pic.png)``) from a
  media route.  Only linked files are published: the build discovers them
  through the links, so the route may rightly produce no URL.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from werkzeug.routing import BuildError, PathConverter
from werkzeug.wrappers import Response

from ..context import current_record, request
from ..errors import ContentError, SitegenError
from ..files import send_inside
from ..helpers import abort, redirect
from ..slugs import slugify
from .page import url_aliases, url_value
from .source import PAGE_SUFFIXES

if TYPE_CHECKING:
    from .collection import Pages
    from .page import Page


class FileNameConverter(PathConverter):
    """A path whose last segment has an extension (``img/pic.png``): what the media
    route serves.  Tried before plain paths, it leaves every other URL under the
    same prefix to the pages (``/notes/<path:path>/`` for ``site.pages("notes")``)."""

    regex = r"[^/].*\.[^/.]+"
    weight = 150


class CollectionRoutes:
    """The URL side of one collection: values, generator, aliases, media."""

    def __init__(self, pages: Pages, endpoint: str | None, media_url: str | None) -> None:
        self.pages = pages
        self.site = pages.site
        self.endpoint = endpoint
        name = endpoint or pages.name
        self.alias_endpoint = f"{name}.alias"
        self.media_endpoint = f"{name}.media"
        if media_url is None:
            outside = pages.name == "." or pages.name.startswith("../")
            media_url = "/media/" + pages.folder.name if outside else "/" + pages.name
        self.media_url = media_url.rstrip("/")
        self._aliases: dict[str, Page] = {}
        self._alias_rules: set[str] = set()
        # Stored once: add_url_rule compares view functions by identity.
        self._alias_view = self.redirect_alias
        self.permalink_endpoint = f"{name}.permalink"
        self._permalinks: dict[str, Page] = {}
        self._permalink_rules: set[str] = set()
        self._permalink_view = self.render_permalink
        self.site.url_map.converters.setdefault("file", FileNameConverter)
        self.site.add_url_rule(f"{self.media_url}/<file:filename>",
                               self.media_endpoint, self.send_media)
        self.site.optional_endpoints.add(self.media_endpoint)
        self.site.builtin_endpoints[self.media_endpoint] = f"files linked from {pages.name}"
        self.site.builtin_endpoints[self.alias_endpoint] = f"aliases of pages in {pages.name}"
        self.site.optional_endpoints.add(self.permalink_endpoint)  # a blog may have none
        self.site.builtin_endpoints[self.permalink_endpoint] = \
            f"permalinks of pages in {pages.name}"
        if endpoint is not None:
            self.site.generators[endpoint].append(self._generator())
            self.site.route_loaders.append(pages.visible)

    # -- page URLs ---------------------------------------------------------

    def arguments(self) -> list[str]:
        """The arguments the endpoint's routes need from each page."""
        assert self.endpoint is not None
        try:
            rules = list(self.site.url_map.iter_rules(self.endpoint))
        except KeyError:
            raise SitegenError(
                f"site.pages({self.pages.name!r}, endpoint={self.endpoint!r}): no route has "
                f"the endpoint {self.endpoint!r}.",
                hint="add a view with @site.route(...) of that name, or pass endpoint='...'",
            ) from None
        needed: set[str] = set()
        for rule in rules:
            needed |= set(rule.arguments) - set(rule.defaults or ())
        return sorted(needed)

    def values(self, page: Page) -> dict[str, Any]:
        """The URL values of ``page`` for the endpoint's route."""
        values: dict[str, Any] = {}
        for name in self.arguments():
            try:
                values[name] = url_value(page, name)
            except KeyError:
                raise ContentError(
                    page.display_path, None,
                    f"the route of {self.endpoint!r} needs <{name}>, which this page has "
                    "neither as an attribute nor as a front matter key",
                    hint=f"add `{name}: ...` to its front matter, or change the route"
                    + (" (a dated route takes it from `date:` or a YYYY-MM-DD- file name)"
                       if name in ("year", "month", "day") else ""),
                ) from None
        return values

    def url_of(self, page: Page, *, record: bool = True) -> str | None:
        """``url_for(endpoint, **values)``; ``None`` when the collection has no endpoint.

        ``record=False`` builds it without noting it in the current render.
        """
        if self.endpoint is None:
            return None
        permalink = permalink_of(page)
        endpoint, values = ((self.endpoint, self.values(page)) if permalink is None else
                            (self.permalink_endpoint, {"permalink": permalink}))
        if record:
            return self.site.url_for(endpoint, **values)
        return self._build(page, values, endpoint)

    def _build(self, page: Page, values: dict[str, Any], endpoint: str | None = None) -> str:
        try:
            return self.site.build_url(self.site.url_adapter(), endpoint or self.endpoint or "",
                                       values)
        except (BuildError, ValueError, TypeError) as error:
            raise ContentError(
                page.display_path, None,
                f"no route of {self.endpoint!r} accepts this page's values {values!r} "
                f"({type(error).__name__}: {error})",
                hint="check the route's <converters> against the page's front matter",
            ) from None

    def _generator(self) -> Any:
        def generate() -> Iterator[str]:
            """Each page's URL (built once: discovery takes it as it is), then the aliases."""
            seen: dict[str, Page] = {}
            for page in self.pages.visible():
                url = self.url_of(page, record=False) or ""
                other = seen.setdefault(url, page)
                if other is not page:
                    raise ContentError(
                        page.display_path, None,
                        f"has the same URL as {other.display_path}: {url}",
                        hint="rename one of the files, or give one a `slug:` in its front matter",
                    )
                yield url
            yield from sorted(self._aliases)

        generate.__name__ = generate.__qualname__ = f"pages:{self.pages.name}"
        return generate

    # -- permalinks --------------------------------------------------------

    def register_permalinks(self, pages: list[Page]) -> None:
        """Add a route for each ``permalink`` of ``pages`` (the visible ones).

        A route stays once added (Werkzeug removes none): the view answers 404
        for a URL that is no longer any page's permalink, and no URL is built
        to it, so an edit in the preview leaves nothing behind.
        """
        if self.endpoint is None:
            return
        permalinks: dict[str, Page] = {}
        for page in pages:
            permalink = permalink_of(page)
            if permalink is None:
                continue
            permalinks[permalink] = page
            if permalink not in self._permalink_rules:
                self.site.add_url_rule(permalink, self.permalink_endpoint,
                                       self._permalink_view, defaults={"permalink": permalink})
                self._permalink_rules.add(permalink)
        self._permalinks = permalinks

    def render_permalink(self, permalink: str) -> Any:
        """The view of every permalink: the collection's own view, with the page's values."""
        self.pages.visible()
        page = self._permalinks.get(permalink)
        if page is None or permalink_of(page) != permalink:
            abort(404)
        assert self.endpoint is not None
        return self.site.view_functions[self.endpoint](**self.values(page))

    # -- aliases -----------------------------------------------------------

    def register_aliases(self, pages: list[Page]) -> None:
        """Publish the ``aliases`` of ``pages`` (the visible ones) as redirects."""
        if self.endpoint is None:
            return
        aliases: dict[str, Page] = {}
        for page in pages:
            for alias in url_aliases(page._meta):
                other = aliases.setdefault(alias, page)
                if other is not page:
                    raise ContentError(
                        page.display_path, page.source.line_of_key("aliases")
                        or page.source.line_of_key("redirect_from"),
                        f"the alias {alias} is also an alias of {other.display_path}",
                        hint="keep it on one page only",
                    )
                if alias not in self._alias_rules:
                    self.site.add_url_rule(alias, self.alias_endpoint, self._alias_view)
                    self._alias_rules.add(alias)
        self._aliases = aliases

    def redirect_alias(self) -> Response:
        """The view of every alias: a permanent redirect to the page."""
        self.pages.visible()
        page = self._aliases.get(request.path)
        if page is None or request.path not in page.aliases:  # notes the page's aliases
            abort(404)
        return redirect(page.url, 301)

    # -- media -------------------------------------------------------------

    def media_url_for(self, path: str) -> str:
        """The URL of the file at ``path`` (under the folder)."""
        filename = os.path.relpath(path, self.pages.folder).replace(os.sep, "/")
        return self.site.build_url(self.site.url_adapter(), self.media_endpoint,
                                   {"filename": filename})

    def send_media(self, filename: str) -> Response:
        """The media view: a file below the folder, never a page source or dotfile."""
        parts = filename.split("/")
        if filename.lower().endswith(PAGE_SUFFIXES) or any(p.startswith(".") for p in parts):
            abort(404)
        response = send_inside(self.pages.folder, filename, request.environ)
        record = current_record()
        if record is not None:
            record.sent_file(os.path.join(self.pages.folder, filename))
        return response


#: Jekyll's permalink placeholders that a page can fill: ``/:year/:month/:title/``.
_PLACEHOLDER = re.compile(r":([a-z_]+)")


def permalink_of(page: Page) -> str | None:
    """The URL front matter ``permalink`` gives ``page``, placeholders filled; None
    without one.

    Jekyll's ``:year``, ``:month``, ``:day``, ``:i_month``, ``:i_day``,
    ``:short_year``, ``:title``/``:slug`` and ``:categories`` come from the
    page; another placeholder is an error naming it.
    """
    permalink = page._meta.get("permalink")
    if permalink is None:
        return None
    line = page.source.line_of_key("permalink")
    if not isinstance(permalink, str) or not permalink.startswith("/") or "<" in permalink:
        raise ContentError(page.display_path, line,
                           f"the permalink {permalink!r} is not a URL of the site",
                           hint="write it as a path starting with /, e.g. permalink: /about/")

    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name in ("title", "slug"):
            return str(page.field("slug"))
        if name == "categories":
            return "/".join(slugify(c) for c in page._meta.get("categories") or ())
        when = page.field("date")
        if name in _DATE_FORMATS and when is not None:
            return _DATE_FORMATS[name](when)
        raise ContentError(
            page.display_path, line,
            f"the permalink {permalink} has :{name}, which sitegen cannot fill"
            + (" (the page has no date)" if name in _DATE_FORMATS else ""),
            hint="use :year, :month, :day, :i_month, :i_day, :short_year, :title, :slug "
                 "or :categories, or write the URL out; a dated page needs a date",
        )

    url = _PLACEHOLDER.sub(fill, permalink)
    # A page without categories leaves ``/:categories/:title/`` with an empty segment.
    return re.sub("/{2,}", "/", url)


_DATE_FORMATS: dict[str, Callable[[date], str]] = {
    "year": lambda d: f"{d.year:04d}", "month": lambda d: f"{d.month:02d}",
    "day": lambda d: f"{d.day:02d}", "short_year": lambda d: f"{d.year % 100:02d}",
    "i_month": lambda d: str(d.month), "i_day": lambda d: str(d.day),
}
