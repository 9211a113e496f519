"""What one render read: the raw material of incremental builds and reloads.

While a URL renders, everything it depends on is noted in a
:class:`RenderRecord`: the templates it used (extended and included ones
too), the content and static files it read, the config keys it looked at,
and the URLs it built or linked to.  The builder uses the URLs to discover
pages; the preview server uses the files to know which open pages a save
touched; an incremental build can compare the whole record between runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatch


@dataclass
class RenderRecord:
    """Dependencies and by-products of rendering one URL."""

    url: str
    endpoint: str | None = None
    templates: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    globs: set[str] = field(default_factory=set)
    config_keys: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    static_file: str | None = None

    def read_file(self, path: str) -> None:
        """Note that the render read the file at ``path`` (absolute)."""
        self.files.add(path)

    def listed_folder(self, pattern: str) -> None:
        """Note that the render listed files matching ``pattern``.

        A new file matching it changes this page even though the page
        never read that file.
        """
        self.globs.add(pattern)

    def warn(self, message: str) -> None:
        """A problem worth telling the user that does not stop the render."""
        if message not in self.warnings:
            self.warnings.append(message)

    def depends_on(self, path: str) -> bool:
        """Whether a change to the file at ``path`` may change this page.

        ``path`` may also be a folder that was moved or deleted whole: the
        page depends on it if it read anything inside.
        """
        if path in self.files or path in self.templates or path == self.static_file:
            return True
        if any(fnmatch(path, pattern) for pattern in self.globs):
            return True
        folder = path + os.sep
        reads = (*self.files, *self.templates, *self.globs, self.static_file or "")
        return any(name.startswith(folder) for name in reads)
