"""``/sitemap.xml`` and ``/robots.txt``: every built HTML page, for crawlers.

::

    posts = site.pages("content/posts", endpoint="post")
    add_sitemap(site, pages=[posts])

No single view knows every page of a site: collections generate posts,
tag pages are found through links, pagination through ``url_for``.  Only
the build knows them all, once it has rendered them.  So the sitemap is an
*aggregate URL* (:attr:`Site.aggregate_urls`): the build renders it after
every other URL and hands it the manifest of what it built, which
:func:`~sitegen.context.built_pages` returns (and the sitemap's record then
depends on).  The sitemap lists each HTML page that answered 200, leaving
out redirect pages, the 404 page and HTML files copied from ``static/``.

The preview renders one URL at a time; for an aggregate URL it renders the
whole site first to make the manifest, so the preview shows the very
sitemap the build writes.

``<lastmod>`` comes from the pages passed as ``pages=`` (collections or
any page-like objects with ``url`` and ``date``/``updated``): a page's
``updated`` date, else its ``date``.  ``lastmod=`` (a function of a
site-local URL) dates any other page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from werkzeug.wrappers import Response

from .context import BuiltPage, built_pages
from .errors import SitegenError
from .feeds import warn_without_base_url, xml_document
from .helpers import url_for
from .urls import HTML, NOT_FOUND_PAGE, normalize_url, request_path

if TYPE_CHECKING:
    from .app import Site

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

LastMod = Callable[[str], "date | None"]


def add_sitemap(site: Site, rule: str = "/sitemap.xml", *, robots: str | None = "/robots.txt",
                pages: Iterable[Iterable[Any]] = (), lastmod: LastMod | None = None) -> None:
    """Publish a sitemap of every built HTML page at ``rule``, and a
    ``robots.txt`` that points crawlers to it (``robots=None``: none).

    The pages of the collections in ``pages`` give their URLs a
    ``<lastmod>``; ``lastmod(url)`` may date the others: it gets the
    site-local URL (``/about/``) and returns a date or ``None``.
    """
    collections = list(pages)

    def sitemap() -> Response:
        warn_without_base_url(site, "the sitemap")
        urls = html_pages(site, built_pages())
        dates = dict(_page_dates(site, collections))
        if lastmod is not None:
            dates.update((url, lastmod(url) or dates.get(url)) for url in urls)
        return Response(sitemap_xml(site, urls, dates), mimetype="application/xml")

    site.add_url_rule(rule, "sitemap", sitemap)
    site.aggregate_urls.add(normalize_url(rule))
    if robots is not None:

        def robots_txt() -> Response:
            return Response(robots_text(url_for("sitemap", _external=True)),
                            mimetype="text/plain")

        site.add_url_rule(robots, "robots", robots_txt)


def html_pages(site: Site, manifest: Iterable[BuiltPage] | None) -> list[str]:
    """The site-local URLs of the HTML pages in a build's ``manifest``, sorted."""
    if manifest is None:
        raise SitegenError(
            "The sitemap was rendered without the list of built pages.",
            hint="render it through sitegen's build or preview, which hand it that list",
        )
    return sorted(
        page.url for page in manifest
        if page.status == 200 and page.mimetype == HTML and page.kind == "page"
        and page.url != NOT_FOUND_PAGE and page.url not in site.aggregate_urls
    )


def sitemap_xml(site: Site, urls: Iterable[str],
                dates: Mapping[str, date | None] | None = None) -> bytes:
    """A sitemap document (sitemaps.org 0.9) for the site-local ``urls``,
    with a ``<lastmod>`` for those ``dates`` has."""
    dates = dates or {}
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for url in urls:
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = urljoin(site.base_url, request_path(url[1:]))
        modified = dates.get(url)
        if modified is not None:
            ET.SubElement(entry, "lastmod").text = _w3c_date(modified)
    return xml_document(root)


def robots_text(sitemap_url: str) -> str:
    """A ``robots.txt`` that lets every crawler in and names the sitemap."""
    return f"User-agent: *\nDisallow:\n\nSitemap: {sitemap_url}\n"


def _page_dates(site: Site, collections: list[Iterable[Any]]) -> Iterator[tuple[str, Any]]:
    """Each page's site-local URL and its ``updated`` or ``date``."""
    for pages in collections:
        for page in pages:
            when = page.updated or page.date
            if when is not None:
                yield normalize_url(site.local_path(page.url)), when


def _w3c_date(value: date) -> str:
    """A date as sitemaps want it: ``2024-05-01``, or a full W3C datetime."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat()
