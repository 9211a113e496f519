"""Saying what a build did: the ``--report`` file and ``--explain``.

For every URL: its output file, its status, whether it was rendered or
reused and, when rendered, why: ``new URL``, or the first fact whose
fingerprint changed (``template templates/post.html``, ``config SITE_NAME``,
``page content/posts/a.md: title``, ``code app.py``), as Make's and Bazel's
"why was this rebuilt" do.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import SitegenError
from ..urls import normalize_url
from .builder import BuildResult, BuiltUrl


def report(result: BuildResult) -> dict[str, Any]:
    """The report as plain data: totals, then every URL in order."""
    urls = {url: _entry(result.urls[url]) for url in sorted(result.urls)}
    return {
        "output": str(result.output),
        "totals": {"urls": len(result.urls), **result.counts,
                   "written": result.stats.written, "unchanged": result.stats.unchanged,
                   "removed": result.stats.removed, "warnings": len(result.warnings),
                   "seconds": round(result.seconds, 3)},
        "urls": urls,
    }


def write_report(result: BuildResult, path: str | Path) -> None:
    """Write :func:`report` as JSON to ``path``."""
    text = json.dumps(report(result), indent=1, ensure_ascii=False) + "\n"
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise SitegenError(f"Cannot write the report to {path}: {error.strerror}.",
                           hint="choose a writable place for --report") from error


def explain(result: BuildResult, url: str) -> str:
    """What the build did with ``url`` (one it has: see ``build(explain=...)``), as one
    line for the terminal."""
    built = result.urls[normalize_url(url)]
    what = f"rendered: {built.reason}" if built.action == "rendered" else \
        "reused: no fact it depends on changed"
    return f"{built.url} → {built.path} ({built.status}, {built.kind}); {what}"


def _entry(built: BuiltUrl) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": built.path, "status": built.status, "kind": built.kind,
                             "action": built.action}
    if built.reason is not None:
        entry["reason"] = built.reason
    return entry
