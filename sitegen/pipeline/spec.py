"""Phase 1, load: the site from a small, picklable spec.

A spec names the site's folder and app, and carries the build's overrides
(``--base-url``, ``--drafts``, ``--future``) and the build's time, frozen
when the spec is made.  Loading it gives the same site in any process, so a
worker process (or a machine of a cluster) that loads the spec renders the
very bytes the coordinator would: nothing is applied to a loaded site from
outside afterwards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..app import Site, build_time_now
from ..loading import load_site


@dataclass(frozen=True)
class SiteSpec:
    """Where a site is and how this build sees it.

    ::

        spec = SiteSpec.for_build("mysite", base_url="https://example.org/")
        site = spec.load()
    """

    site_dir: str
    app: str | None = None
    #: Config values the build sets over the site's own (``BASE_URL``, ``DRAFTS``...).
    overrides: tuple[tuple[str, Any], ...] = ()
    #: The build's time, POSIX seconds: which posts are in the future.
    build_time: float = field(default_factory=lambda: build_time_now().timestamp())
    #: ``--clean``: the site reads none of its caches (parses, front matter, templates).
    clean: bool = False

    @classmethod
    def for_build(cls, site_dir: str | os.PathLike[str], app: str | None = None, *,
                  base_url: str | None = None, drafts: bool = False,
                  future: bool = False, start_urls: tuple[str, ...] = ()) -> SiteSpec:
        """The spec of a build with the CLI's options; the build's time is now
        (or ``SOURCE_DATE_EPOCH``).  ``start_urls`` are crawled from, besides what
        the site's routes give (all there is of a plain WSGI app)."""
        overrides: list[tuple[str, Any]] = []
        if start_urls:
            overrides.append(("START_URLS", tuple(start_urls)))
        if base_url:
            overrides.append(("BASE_URL", base_url))
        if drafts:
            overrides.append(("DRAFTS", True))
        if future:
            overrides.append(("FUTURE", True))
        return cls(str(Path(site_dir).resolve()), app, tuple(overrides))

    def load(self) -> Site:
        """Import the site's app and apply this build's overrides and time."""
        site = load_site(self.site_dir, self.app)
        self.apply(site)
        return site

    def apply(self, site: Site) -> None:
        """Give an already loaded ``site`` this spec's overrides and time."""
        for key, value in self.overrides:
            site.config[key] = value
        site.build_time = datetime.fromtimestamp(self.build_time, timezone.utc)
        if self.clean:
            site.ignore_caches()
