"""``build()``: discover every URL, render it, write the tree.

This is the operation behind ``sitegen build``; it is a plain function so
the same build runs from Python (tests, scripts) as from the shell.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .. import mime
from ..app import Site
from ..errors import BrokenLinkError, SitegenError, StrictModeError
from .discover import NOT_FOUND_PAGE, UrlQueue, seed_urls
from .output import WriteStats, check_output_folder, plan_files, write_tree
from .render import Rendered, Renderer

Progress = Callable[[int, int], None]

_cv_built: ContextVar[Mapping[str, Rendered] | None] = ContextVar("sitegen.built",
                                                                 default=None)


@dataclass
class BuildResult:
    """What a build made, for the summary line and for callers."""

    output: Path
    rendered: dict[str, Rendered]
    warnings: list[str]
    stats: WriteStats
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """The one line every build ends with."""
        c = self.counts
        rate = c["pages"] / self.seconds if self.seconds > 0 else 0.0
        parts = [_count(c["pages"], "page"), _count(c["static"], "static file"),
                 _count(c["redirects"], "redirect"), f"{self.stats.removed} removed",
                 _count(len(self.warnings), "warning")]
        return (f"Built {', '.join(parts)} in {self.seconds:.2f} s "
                f"({rate:.0f} pages/s) → {self.output}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def build(site: Site, output: str | Path | None = None, *, strict: bool = False,
          progress: Progress | None = None) -> BuildResult:
    """Build ``site`` into ``output`` (default ``SITE_DIR/build``).

    Raises :class:`SitegenError` for anything the user must fix; the
    previous output is then left untouched.
    """
    started = time.perf_counter()
    out = Path(output) if output is not None else site.root_path / "build"
    if not out.is_absolute():
        out = Path.cwd() / out
    protected = [p for p in (site.template_folder, site.static_folder) if p is not None]
    protected += [Path(p) for p in getattr(site, "source_folders", ())]
    check_output_folder(out, site.root_path, protected)

    site.auto_reload = False
    rendered = render_all(site, progress)
    warnings = _check(site, rendered)
    files = plan_files(rendered.values())
    warnings += _type_warnings(files)
    if strict and warnings:
        raise StrictModeError(
            f"--strict: the build gave {len(warnings)} warning(s):", details=warnings,
            hint="fix them, or build without --strict",
        )
    stats = write_tree(out, files, site.config.get("KEEP_FILES") or ())
    static = sum(1 for r in rendered.values() if r.record.static_file)
    redirects = sum(1 for r in rendered.values() if r.is_redirect)
    counts = {"pages": len(rendered) - static - redirects, "static": static,
              "redirects": redirects}
    return BuildResult(out, rendered, warnings, stats, time.perf_counter() - started, counts)


def render_all(site: Site, progress: Progress | None = None) -> dict[str, Rendered]:
    """Render every URL the site has, following links as they appear.

    The site's late URLs render last, when :func:`built_pages` can list the rest.
    """
    renderer = Renderer(site)
    queue = UrlQueue()
    rendered: dict[str, Rendered] = {}
    with site.app_context():
        for url, origin in seed_urls(site):
            queue.add(url, origin)
        late = _render_queue(renderer, queue, rendered, site.late_urls, progress)
        token = _cv_built.set(MappingProxyType(dict(rendered)))
        try:
            for url in late:
                rendered[url] = result = renderer.render(url)
                queue.add_links(result.record.links, url)
                if progress is not None:
                    progress(len(rendered), len(queue))
        finally:
            _cv_built.reset(token)
        _render_queue(renderer, queue, rendered, (), progress)
    broken = [r for r in rendered.values() if not _ok(r)]
    if broken:
        raise _broken_links(broken, rendered, queue)
    return rendered


def _render_queue(renderer: Renderer, queue: UrlQueue, rendered: dict[str, Rendered],
                  late_urls: Collection[str], progress: Progress | None) -> list[str]:
    """Render the queued URLs, following links; set aside and return the late ones."""
    late: list[str] = []
    for url in queue:
        if url in late_urls:
            late.append(url)
            continue
        result = renderer.render(url)
        rendered[url] = result
        queue.add_links(result.record.links, url)
        if progress is not None:
            progress(len(rendered), len(queue))
    return late


def built_pages() -> Mapping[str, Rendered] | None:
    """Every URL the build rendered, while it renders the late URLs.

    A late URL (:attr:`Site.late_urls`, such as the sitemap) is rendered
    once every other URL is, and may list them; ``None`` anywhere else.
    """
    return _cv_built.get()


def _ok(item: Rendered) -> bool:
    if item.url == NOT_FOUND_PAGE:
        return item.status in (200, 404)
    return item.status == 200 or item.is_redirect


def _broken_links(broken: list[Rendered], rendered: dict[str, Rendered],
                  queue: UrlQueue) -> BrokenLinkError:
    details: list[str] = []
    for item in sorted(broken, key=lambda r: r.url)[:20]:
        endpoint = item.record.endpoint or "no route"
        details.append(f"{item.url} answered {item.status} (endpoint: {endpoint})")
        referrers = sorted(u for u, r in rendered.items() if item.url in r.record.links)
        if referrers:
            details += [f"    linked from {u}" for u in referrers[:10]]
            if len(referrers) > 10:
                details.append(f"    … and {len(referrers) - 10} more pages")
        else:
            details.append(f"    from {queue.origin.get(item.url, '?')}")
    if len(broken) > 20:
        details.append(f"… and {len(broken) - 20} more URLs")
    return BrokenLinkError(
        f"{len(broken)} URL(s) did not answer 200:", details=details,
        hint="fix the links (or the views) named above",
    )


def _check(site: Site, rendered: dict[str, Rendered]) -> list[str]:
    warnings: list[str] = []
    for url in sorted(rendered):
        warnings += [f"{url}: {w}" for w in rendered[url].record.warnings]
    used = {r.record.endpoint for r in rendered.values() if r.status == 200}
    for rule in sorted(site.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.arguments and "GET" in (rule.methods or ()) \
                and rule.endpoint not in site.optional_endpoints and rule.endpoint not in used:
            warnings.append(
                f"the endpoint {rule.endpoint!r} ({rule.rule}) produced no URL: "
                "did you forget a generator?"
            )
    return warnings


def _type_warnings(files: dict[str, Rendered]) -> list[str]:
    warnings = []
    for path, item in sorted(files.items()):
        if item.is_redirect or item.source_file is not None:
            continue
        expected = mime.guess_type(path.rsplit("/", 1)[-1])
        if expected is not None and not mime.types_agree(item.mimetype, expected):
            warnings.append(
                f"{item.url} is served as {item.mimetype} but written to {path}, "
                f"which hosts serve as {expected}"
            )
    return warnings


__all__ = ["build", "render_all", "BuildResult", "SitegenError"]
