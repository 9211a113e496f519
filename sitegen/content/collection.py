"""``Pages``: the Markdown files of a folder, as an ordered, queryable collection.

``site.pages("content/posts", endpoint="post")`` returns one.  It reads the
folder on first use, not at import, and keeps what it read until a changed
file is forgotten (``site.forget``): a changed file is read again, a new or
deleted one rescans the folder.

Order, everywhere: pages with a date first, newest first; then pages
without a date, by path.  Pages with the same date go by path.  Drafts and
pages dated in the future are left out unless ``config["DRAFTS"]`` /
``config["FUTURE"]`` (``--drafts``/``--future``) are set.

Queries (``filter``, ``sorted``) return page sets with the same methods,
computed lazily from the collection so they follow its changes.  Each use
notes a fact in the render's record: the collection's list, or the result of
the query itself (``latest 10``, ``tag python``, ``get hello``), so adding an
old post does not re-render a home page that shows the ten newest.
"""

from __future__ import annotations

import os
import posixpath
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import NotFound

from ..context import current_record
from ..errors import ContentError, SitegenError
from ..files import escapes
from ..fingerprint import digest, value_digest
from ..helpers import abort
from ..record import LISTING, Fact
from .page import Page, Tag, attribute_or_meta, categories_of, page_tags
from .pagination import Paginator
from .registry import content_of
from .routes import CollectionRoutes
from .source import PAGE_SUFFIXES, page_key

if TYPE_CHECKING:
    from ..app import Site


class GroupIndex(dict):  # type: ignore[type-arg]
    """``key → pages`` (tags, years) that notes what a render looks up in it.

    Looking up one key depends on that group's pages only (``tag python``);
    going through every key depends on the whole index (``tags``).  An index
    of a query (a filtered set) notes nothing itself: the query did.
    """

    def __init__(self, items: Any, owner: str | None, group: str,
                 plural: str | None = None) -> None:
        super().__init__(items)
        self._owner = owner
        self._group = group
        self._plural = plural or f"{group}s"

    def _note(self, detail: str) -> None:
        record = current_record()
        if record is not None and self._owner is not None:
            record.depend(Fact(LISTING, self._owner, detail))

    def __getitem__(self, key: Any) -> list[Page]:
        self._note(f"{self._group} {key}")
        return super().__getitem__(key)  # type: ignore[no-any-return]

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(f"{self._group} {key}")
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(f"{self._group} {key}")
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        self._note(self._plural)
        return super().__iter__()

    def __len__(self) -> int:
        self._note(self._plural)
        return super().__len__()

    def keys(self) -> Any:
        self._note(self._plural)
        return super().keys()

    def values(self) -> Any:
        self._note(self._plural)
        return super().values()

    def items(self) -> Any:
        self._note(self._plural)
        return super().items()


class TagIndex(GroupIndex):
    """``tag → pages``, sorted by tag; an unknown tag is a 404 in a view.

    Keys are :class:`Tag` objects.  A tag is found by its name (``Web Dev``)
    or by its slug (``web-dev``), so a view can take the slug from its URL::

        @site.route("/tags/<tag>/")
        def tag(tag):
            return render_template("tag.html", posts=posts.by_tag()[tag])
    """

    def __init__(self, items: Any, owner: str | None, group: str,
                 plural: str | None = None) -> None:
        super().__init__(items, owner, group, plural)
        self._slugs = {tag.slug: tag for tag in dict.keys(self)}
        self._names = {str(tag): tag for tag in dict.keys(self)}

    def resolve(self, key: Any) -> Any:
        """The tag (a :class:`Tag`, with its ``slug``) whose name or slug is ``key``;
        ``key`` itself if none is."""
        return self._names.get(key) or self._slugs.get(key, key)

    def __getitem__(self, key: Any) -> list[Page]:
        return super().__getitem__(self.resolve(key))

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self.resolve(key), default)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(self.resolve(key))

    def __missing__(self, tag: str) -> list[Page]:
        raise NotFound(f"No page has the {self._group} {tag!r}.")


class PageSet:
    """An ordered set of pages and the queries on it."""

    def __init__(self, root: Pages) -> None:
        self.root = root
        self._paginators: dict[tuple[Any, ...], Paginator] = {}
        self._memo: dict[str, Any] = {}

    def _cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept until the site's pages change."""
        return self.root.content.memo(self._memo, key, compute)

    def _list(self) -> list[Page]:
        """The pages, in order, without recording anything."""
        raise NotImplementedError

    def _pages(self) -> list[Page]:
        self.root.note_listing()
        return self._list()

    def _owner(self) -> str | None:
        """The collection's name where this set is the collection itself, whose
        queries can be asked again from their name alone; None for a query."""
        return None

    def __iter__(self) -> Iterator[Page]:
        return iter(self._pages())

    def __len__(self) -> int:
        return len(self._pages())

    def __contains__(self, page: object) -> bool:
        return page in self._pages()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.root.name!r}>"

    def get(self, key: str, default: Page | None = None) -> Page | None:
        """The page whose ``path`` is ``key``, else whose ``slug`` is; ``default`` if none."""
        paths, slugs = self._cached("lookup", self._lookup)
        if not key.isascii():
            key = unicodedata.normalize("NFC", key)
        page = paths.get(key) or slugs.get(key)
        owner = self._owner()
        record = current_record()
        if record is not None:
            if owner is None:
                self.root.note_listing()
            else:
                record.depend(Fact(LISTING, owner, f"get {key}"))
        return page if page is not None else default

    def get_or_404(self, key: str) -> Page:
        """As :meth:`get`, but a 404 (in a view) when there is no such page."""
        page = self.get(key)
        if page is None:
            abort(404)
        return page  # type: ignore[return-value]

    def _lookup(self) -> tuple[dict[str, Page], dict[str, Page]]:
        paths: dict[str, Page] = {}
        slugs: dict[str, Page] = {}
        for page in self._list():
            paths[page.path] = page
            slugs.setdefault(page.field("slug"), page)
        return paths, slugs

    def sorted(self, key: str | Callable[[Page], Any], reverse: bool = False) -> PageSet:
        """The pages sorted by ``key``: an attribute or front matter name, or a function.

        Pages without a value for a named key come last, in collection order.
        """
        def sort(pages: list[Page]) -> list[Page]:
            if callable(key):
                return sorted(pages, key=key, reverse=reverse)
            valued = [p for p in pages if _value(p, key) is not None]
            rest = [p for p in pages if _value(p, key) is None]
            return sorted(valued, key=lambda p: _sortable(_value(p, key)),
                          reverse=reverse) + rest

        return _DerivedPages(self, sort)

    def filter(self, function: Callable[[Page], Any] | None = None,
               **values: Any) -> PageSet:
        """The pages for which ``function(page)`` is true and every ``name=value`` holds.

        A value matches a list (``tags="python"``) when the list holds it.
        """
        def keep(page: Page) -> bool:
            if function is not None and not function(page):
                return False
            for name, wanted in values.items():
                value = _value(page, name)
                if isinstance(value, (list, tuple)) and not isinstance(wanted, (list, tuple)):
                    if wanted not in value:
                        return False
                elif value != wanted:
                    return False
            return True

        return _DerivedPages(self, lambda pages: [p for p in pages if keep(p)])

    def by_tag(self) -> TagIndex:
        """``tag → pages`` (in this set's order), tags sorted case-insensitively."""
        return self._cached("tags", self._tags)  # type: ignore[no-any-return]

    def _tags(self) -> TagIndex:
        return self._names_index("tag", "tags", page_tags)

    def by_category(self) -> TagIndex:
        """``category → pages``, as :meth:`by_tag` (Jekyll's ``categories``)::

            @site.route("/category/<category>/")
            def category(category):
                return render_template("list.html", posts=posts.by_category()[category])
        """
        return self._cached("categories",  # type: ignore[no-any-return]
                            lambda: self._names_index("category", "categories",
                                                             lambda p: categories_of(p._meta)))

    def _names_index(self, group: str, key: str,
                     names_of: Callable[[Page], list[Tag]]) -> TagIndex:
        """The index of a page's names ``key`` (``tags``, ``categories``)."""
        owner = self._owner()
        table: dict[Tag, list[Page]] = {}
        slugs: dict[str, Tag] = {}
        for page in self._list() if owner is not None else self._pages():
            names = names_of(page) if owner is not None else getattr(page, key)
            for tag in names:
                if tag not in table:
                    _check_slug(tag, slugs, page, table, group)
                table.setdefault(tag, []).append(page)
        ordered = sorted(table.items(), key=lambda item: (item[0].casefold(), item[0]))
        return TagIndex(ordered, owner, group, key)

    def by_year(self) -> GroupIndex:
        """``year → pages`` for the dated pages, newest year first."""
        return self._cached("years", self._years)  # type: ignore[no-any-return]

    def _years(self) -> GroupIndex:
        owner = self._owner()
        years: dict[int, list[Page]] = {}
        for page in self._list() if owner is not None else self._pages():
            when = page.field("date") if owner is not None else page.date
            if when is not None:
                years.setdefault(when.year, []).append(page)
        return GroupIndex(sorted(years.items(), reverse=True), owner, "year")

    def latest(self, count: int) -> list[Page]:
        """The ``count`` newest dated pages."""
        owner = self._owner()
        if owner is None:
            return [p for p in self._pages() if p.date is not None][:count]
        record = current_record()
        if record is not None:
            record.depend(Fact(LISTING, owner, f"latest {count}"))
        return [p for p in self._list() if p.field("date") is not None][:count]

    def paginate(self, per_page: int, endpoint: str | None = None, *,
                 arg: str | None = None, **values: Any) -> Paginator:
        """These pages cut into pages of ``per_page``, with URLs through ``endpoint``.

        ``endpoint``'s route takes the page number as an argument (``arg``,
        found from the route when not given); ``values`` are its other
        arguments.  The paginator is kept, so calling this in a view costs
        nothing after the first time.  Called outside a render (at import
        time) with an endpoint, it also registers a generator for every
        page number, so no link is needed to reach them.
        """
        key = (per_page, endpoint, arg, tuple(sorted(values.items())))
        paginator = self._paginators.get(key)
        if paginator is None:
            paginator = self._paginators[key] = Paginator(self, per_page, endpoint, arg, values)
            if endpoint is not None and current_record() is None:
                self.root.site.generators[endpoint].append(paginator.generate)
        return paginator


class _DerivedPages(PageSet):
    """A query over another page set, recomputed when the collection changes."""

    def __init__(self, parent: PageSet, transform: Callable[[list[Page]], list[Page]]) -> None:
        super().__init__(parent.root)
        self._parent = parent
        self._transform = transform

    def _list(self) -> list[Page]:
        return self._cached(  # type: ignore[no-any-return]
            "list", lambda: self._transform(self._parent._list())
        )


class Pages(PageSet):
    """Every ``*.md`` (or ``*.markdown``) file below ``folder``, recursively, as pages.

    ``endpoint`` names the view that shows one page; the collection then
    gives it a generator and each page a ``url``.  ``media_url`` is where
    files the pages link to are published (default: ``/`` + the folder's
    path in the site, e.g. ``/content/posts/images/pic.png``; ``/media/`` +
    its name for the site's own folder or one outside it).
    """

    def __init__(self, site: Site, folder: str | os.PathLike[str],
                 endpoint: str | None = None, *, media_url: str | None = None) -> None:
        super().__init__(self)
        self.site = site
        self.folder = Path(os.path.realpath(site.root_path / folder))
        if not self.folder.is_dir():
            raise SitegenError(
                f"site.pages({os.fspath(folder)!r}): there is no folder {self.folder}.",
                hint="create it, or fix the path (it is relative to the site's folder)",
            )
        #: The folder relative to the site's, as messages show it.
        self.name = Path(os.path.relpath(self.folder, site.root_path)).as_posix()
        self.endpoint = endpoint
        self.content = content_of(site)
        self.routes = CollectionRoutes(self, endpoint, media_url)
        self._files: dict[str, Page] = {}
        self._stale: set[str] = set()
        self._scanned = False
        self._patterns = [os.path.join(self.folder, f"*{suffix}") for suffix in PAGE_SUFFIXES]
        site.source_folders.append(self.folder)
        self.content.collections.append(self)

    # -- loading -----------------------------------------------------------

    def _load(self) -> dict[str, Page]:
        """Every page of the folder, drafts included, read once and kept.

        After a save, only the files that changed are read again; the folder
        is listed again only when files may have appeared or gone.
        """
        if self._scanned and not self._stale:
            return self._files
        with self.content.lock:
            if not self._scanned:
                found: dict[str, Page] = {}
                for rel, path in _markdown_files(self.folder):
                    if escapes(path, self.folder):  # a link out of the folder: never read
                        self.site.outside_links.add(str(path))
                        continue
                    if rel in found:
                        raise ContentError(
                            self._display(path), None,
                            f"is the same page as {found[rel].display_path} (both are "
                            f"{rel})", hint="keep one of the two files",
                        )
                    page = self._files.get(rel)
                    if page is None or rel in self._stale:
                        page = self._read(rel, path)
                    found[rel] = page
                self._files = found
                self._scanned = True
                self._stale.clear()
            for rel in sorted(self._stale):
                self._files[rel] = self._read(rel, self._files[rel].source_path)
                self._stale.discard(rel)
        return self._files

    def _read(self, rel: str, path: Path) -> Page:
        display = self._display(path)
        return Page(self, self.content.sources.read(path, display), rel, display)

    def _owner(self) -> str | None:
        return self.name

    def _display(self, path: Path) -> str:
        """``path`` as messages show it: relative to the site's folder."""
        name, top = str(path), str(self.folder)
        below = name[len(top) + 1:] if name.startswith(top + os.sep) else \
            os.path.relpath(name, top)
        if os.sep != "/":
            below = below.replace(os.sep, "/")
        return posixpath.normpath(f"{self.name}/{below}")

    def forget(self, paths: set[str]) -> bool:
        """Note which pages ``paths`` changed; whether any path was in the folder.

        A known page that still exists is read again on next use; anything
        else (a new, deleted or moved file, a folder) lists the folder again.
        """
        folder = str(self.folder)
        hit = False
        for path in paths:
            if path == folder or path.startswith(folder + os.sep):
                hit = True
                rel = os.path.relpath(path, folder).replace(os.sep, "/")
                key = page_path(rel)
                if key is not None and key in self._files and os.path.isfile(path):
                    self._stale.add(key)
                else:
                    self._scanned = False
        return hit

    def all_pages(self) -> list[Page]:
        """Every page of the folder, drafts and future pages too (nothing is recorded)."""
        return list(self._load().values())

    def visible(self) -> list[Page]:
        """The pages a build publishes, in order (nothing is recorded)."""
        return self._cached("visible", self._visible)  # type: ignore[no-any-return]

    def _visible(self) -> list[Page]:
        drafts = dict.get(self.site.config, "DRAFTS")
        future = dict.get(self.site.config, "FUTURE")
        pages = [p for p in self._load().values()
                 if (drafts or not p._meta.get("draft")) and (future or not p.field("future"))]
        ordered = _ordered(pages)
        self.routes.register_aliases(ordered)
        self.routes.register_permalinks(ordered)
        return ordered

    def _list(self) -> list[Page]:
        return self.visible()

    def is_visible(self, page: Page) -> bool:
        return page in self._cached("visible-set", lambda: set(self.visible()))

    def page_at(self, path: str) -> Page | None:
        """The page (visible or not) read from the file at ``path``."""
        rel = os.path.relpath(path, self.folder).replace(os.sep, "/")
        key = page_path(rel)
        page = self._load().get(key) if key is not None else None
        return page if page is not None and page.source_path == Path(path) else None

    def page_named(self, path: str) -> Page | None:
        """The page (visible or not) whose ``path`` is ``path``, with nothing recorded:
        a link's resolution notes the fact ``path <path>`` for it."""
        return self._load().get(path)

    # -- used by pages -----------------------------------------------------

    def note_listing(self) -> None:
        """Record that the render depends on the list of pages (which, in which order)."""
        record = current_record()
        if record is not None:
            record.depend(Fact(LISTING, self.name, "list"))

    def query_fact(self, query: str) -> bytes:
        """The fingerprint of the result of ``query`` (a LISTING fact's detail) now."""
        name, _, argument = query.partition(" ")
        pages: Any
        if name == "list":
            pages = self.visible()
        elif name == "latest":
            pages = [p for p in self.visible() if p.field("date") is not None][:int(argument)]
        elif name == "get":
            paths, slugs = self._cached("lookup", self._lookup)
            pages = [paths.get(argument) or slugs.get(argument)]
        elif name in ("tag", "tags", "category", "categories"):
            index = self.by_tag() if name.startswith("tag") else self.by_category()
            tags = dict(dict.items(index))
            pages = tags if name in ("tags", "categories") else \
                tags.get(index.resolve(argument))
        elif name == "path":
            pages = [self._load().get(argument)]
        elif name == "wiki":
            found, candidates = self.content.links().find_from(argument, self)
            pages = [found, *candidates]
        elif name in ("year", "years"):
            years = dict(dict.items(self.by_year()))
            pages = years if name == "years" else years.get(int(argument))
        else:
            return digest("unknown query", query)
        return value_digest(_names(pages))

    def url_of(self, page: Page, *, record: bool = True) -> str | None:
        return self.routes.url_of(page, record=record)

    def media_url(self, path: str) -> str:
        return self.routes.media_url_for(path)

    def neighbour(self, page: Page, step: int) -> Page | None:
        """The page ``step`` places away in reading order (oldest to newest, then by path)."""
        reading, index = self._cached("reading", self._reading_order)
        position = index.get(page)
        if position is None or not 0 <= position + step < len(reading):
            return None
        return reading[position + step]  # type: ignore[no-any-return]

    def _reading_order(self) -> tuple[list[Page], dict[Page, int]]:
        pages = self.visible()
        reading = [p for p in pages if p.field("date") is not None][::-1]
        reading += [p for p in pages if p.field("date") is None]
        return reading, {page: n for n, page in enumerate(reading)}


def _markdown_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """``(page path, file)`` for every content file below ``folder``, sorted.

    The path is NFC-normalised: macOS writes ``café.md`` decomposed (NFD),
    while URLs and links compare in the composed form (see ``normalize_url``).
    """
    top = str(folder)
    for parent, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        below = parent[len(top) + 1:].replace(os.sep, "/")
        prefix = below + "/" if below else ""
        for name in sorted(files):
            if not name.startswith("."):
                key = page_path(prefix + name)
                if key is not None:
                    yield unicodedata.normalize("NFC", key), Path(parent, name)


#: The file names that stand for their folder: Hugo's page bundle (``index.md``)
#: and section page (``_index.md``).
_FOLDER_PAGES = ("index", "_index")


def page_path(rel: str) -> str | None:
    """The page path of the content file at ``rel`` (posix, below the collection's
    folder), or None if it is not a content file.

    ``guide/install.md`` is ``guide/install``; a folder's ``index.md`` or
    ``_index.md`` is the folder's page (``posts/my-post/index.md`` is
    ``posts/my-post``, its images beside it), as Hugo's bundles and sections are.
    The collection's own ``index.md`` (or ``_index.md``) stays ``index``.
    """
    key = page_key(rel)
    if key is None:
        return None
    folder, _, name = key.rpartition("/")
    if name in _FOLDER_PAGES:
        return folder or "index"
    return key


def _ordered(pages: list[Page]) -> list[Page]:
    """Dated pages newest first, then undated ones; ties and the rest by path."""
    by_path = sorted(pages, key=lambda p: p.path)
    dated = [p for p in by_path if p.field("date") is not None]
    dated.sort(key=lambda p: _instant(p.field("date")), reverse=True)
    return dated + [p for p in by_path if p.field("date") is None]


def _check_slug(tag: Tag, slugs: dict[str, Tag], page: Page,
                table: dict[Tag, list[Page]], group: str = "tag") -> None:
    """Note the slug of a tag (or category) seen for the first time; two tags with one
    slug would share one URL, so that is an error naming both."""
    slug = tag.slug
    if not slug:
        raise ContentError(page.display_path, None,
                           f"the {group} {str(tag)!r} has no letter or digit to make its "
                           "URL of", hint=f"give the {group} a name with a letter or digit in it")
    other = slugs.setdefault(slug, tag)
    if other != tag:
        plural = "categories" if group == "category" else f"{group}s"
        raise ContentError(
            page.display_path, None,
            f"the {plural} {str(tag)!r} and {str(other)!r} (in {table[other][0].display_path}) "
            f"both make the URL slug {slug!r}, so they would share one {group} page",
            hint=f"spell the {group} the same way in both pages, or rename one of them",
        )


def _names(value: Any) -> Any:
    """Pages (in lists and dicts) replaced by their source paths: what a query's
    fingerprint is made of."""
    if isinstance(value, dict):
        return {str(key) if isinstance(key, str) else key: _names(pages)
                for key, pages in value.items()}
    if isinstance(value, list):
        return [_names(page) for page in value]
    return value.display_path if value is not None else None


def _instant(value: date | datetime) -> datetime:
    """A naive datetime to compare dates, naive and aware datetimes by."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(timezone.utc).replace(tzinfo=None)
        return value
    return datetime(value.year, value.month, value.day)


def _sortable(value: Any) -> Any:
    """Dates, naive and aware datetimes made comparable with each other."""
    return _instant(value) if isinstance(value, date) else value


def _value(page: Page, name: str) -> Any:
    """An attribute of ``page``, else its front matter value, else ``None``."""
    try:
        return attribute_or_meta(page, name)
    except KeyError:
        return None
