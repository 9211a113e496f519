"""Which URLs the site has: the four routes of discovery.

1. every GET rule without arguments, and every file under ``static/`` (the
   site's and each blueprint's);
2. the registered generators;
3. every ``url_for`` call made while a page renders;
4. every internal link in rendered HTML and CSS;

and the start URLs of ``config["START_URLS"]`` (``--start``, ``--urls FILE``),
from which a WSGI app with no URL map is crawled.

Routes 3 and 4 arrive with each rendered page (its record's ``links``),
so discovery costs one set lookup per link: it grows with the number of
links, not with pages squared.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import BuildError

from ..app import Site
from ..errors import RenderError, SitegenError, raised, user_frames
from ..urls import NOT_FOUND_PAGE, normalize_url


class UrlQueue:
    """URLs still to render, each accepted once, with where it came from."""

    def __init__(self) -> None:
        self.origin: dict[str, str] = {}
        self._pending: deque[str] = deque()

    def add(self, url: str, origin: str) -> None:
        if url not in self.origin:
            self.origin[url] = origin
            self._pending.append(url)

    def add_links(self, urls: Iterable[str], referrer: str) -> None:
        origin = self.origin
        for url in urls:
            if url not in origin:
                origin[url] = referrer
                self._pending.append(url)

    def __iter__(self) -> Iterator[str]:
        while self._pending:
            yield self._pending.popleft()

    def __len__(self) -> int:
        return len(self.origin)


def seed_urls(site: Site) -> Iterator[tuple[str, str]]:
    """The URLs known before anything renders, with a note of their origin."""
    adapter = site.url_adapter()
    for rule in sorted(site.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.arguments or "GET" not in (rule.methods or ()) \
                or rule.endpoint in site.optional_endpoints:
            continue
        url = adapter.build(rule.endpoint, {}, force_external=False)
        yield normalize_url(site.local_path(url)), f"the route {rule.rule}"
    yield from site.static_file_urls()
    for endpoint in sorted(site.generators):
        for function in site.generators[endpoint]:
            name = getattr(function, "__name__", repr(function))
            for url in _generated(site, adapter, endpoint, function):
                yield url, f"the generator {name}()"
    if 404 in site.error_handlers:
        yield NOT_FOUND_PAGE, "the 404 error handler"
    for url in site.config.get("START_URLS") or ():
        yield normalize_url(site.local_path(url)), "a start URL (--start, --urls)"


def _generated(site: Site, adapter: Any, endpoint: str, function: Any) -> Iterator[str]:
    name = getattr(function, "__name__", repr(function))
    try:
        items = list(function())
    except SitegenError:
        raise
    except (Exception, SystemExit) as error:
        raise RenderError(
            f"The generator {name}() raised {raised(error)}",
            details=user_frames(error.__traceback__, site.root_path),
        ) from error
    for item in items:
        if isinstance(item, str):
            parts = urlsplit(item)
            if (parts.scheme or parts.netloc) and not item.startswith(site.base_url):
                raise RenderError(
                    f"The generator {name}() yielded the external URL {item!r}.",
                    hint="yield URLs of this site, such as '/about/'; "
                         "external URLs are never built",
                )
            yield normalize_url(site.local_path(item))
            continue
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) \
                and isinstance(item[1], Mapping):
            target, values = item
        elif isinstance(item, Mapping):
            target, values = endpoint, item
        else:
            raise RenderError(
                f"The generator {name}() yielded {item!r}.",
                hint="yield a dict of values, a URL string or an (endpoint, dict of values) "
                     "pair",
            )
        try:
            url = adapter.build(target, dict(values), force_external=False)
        except BuildError as error:
            raise RenderError(
                f"The generator {name}() yielded values no route of {target!r} accepts: "
                f"{values!r}",
                details=[str(error)],
                hint="check the names of the route's <arguments> and the endpoint",
            ) from error
        except (ValueError, TypeError) as error:  # a converter refused a value
            raise RenderError(
                f"The generator {name}() yielded {values!r} for {target!r}, whose route's "
                f"converters refuse it: {error}",
                hint="give each <converter:argument> a value of its type, e.g. a number "
                     "for <int:...>",
            ) from error
        yield normalize_url(site.local_path(url))
