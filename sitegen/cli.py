"""The ``sitegen`` command: a thin shell over the library.

Each command loads the site, calls one library function, and prints its
result.  Errors the user can fix arrive as :class:`SitegenError` and are
printed here, in one place, as one block, with exit code 1.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import SitegenError
from .scaffold import starters

F = TypeVar("F", bound=Callable[..., Any])


def start_options(function: F) -> F:
    """Where a crawl starts, besides the site's routes: all there is of a WSGI app."""
    function = click.option(
        "--urls", "url_file", type=click.File(encoding="utf-8"), metavar="FILE",
        help="Start from each URL in FILE too (one a line; # starts a comment).",
    )(function)
    return click.option(
        "--start", "start_urls", metavar="URL", multiple=True,
        help="Start the crawl from URL too (repeatable; a WSGI app's default: /).",
    )(function)


def _start_urls(start: tuple[str, ...], url_file: Any) -> tuple[str, ...]:
    listed = [] if url_file is None else [
        line.split("#", 1)[0].strip() for line in url_file]
    return tuple(start) + tuple(url for url in listed if url)


def site_options(function: F) -> F:
    """The arguments every command that loads a site takes."""
    function = click.option(
        "--app", "app_spec", metavar="MODULE_OR_FILE[:NAME]",
        help="The module or file that holds the Site (default: app.py).",
    )(function)
    return click.argument(
        "site_dir", default=".",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
    )(function)


@contextmanager
def user_errors() -> Iterator[None]:
    """Print a SitegenError as a readable block and exit with 1."""
    try:
        yield
    except SitegenError as error:
        click.secho("error: ", fg="red", bold=True, err=True, nl=False)
        click.echo(error.format(), err=True)
        sys.exit(1)


class SitegenGroup(click.Group):
    """sitegen's commands, then the site's own (``site.cli``), as ``flask`` finds an
    app's: ``sitegen [--app SPEC] [-C SITE_DIR] COMMAND`` loads the site for a command
    that is not sitegen's."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        from .loading import load_site

        try:
            site = load_site(ctx.params.get("site_dir") or ".", ctx.params.get("site_app"))
        except SitegenError as error:
            raise click.UsageError(f"No such command {cmd_name!r} (and the site, whose own "
                                   f"commands it might be, did not load: {error.message})",
                                   ctx) from None
        return site.cli.get_command(ctx, cmd_name) if site._cli is not None else None

    def list_commands(self, ctx: click.Context) -> list[str]:
        """sitegen's commands, and the site's where one loads in the folder (``--help``)."""
        from .loading import load_site

        names = list(super().list_commands(ctx))
        try:
            site = load_site(ctx.params.get("site_dir") or ".", ctx.params.get("site_app"))
        except SitegenError:
            return names
        if site._cli is not None:
            names += [n for n in site.cli.list_commands(ctx) if n not in names]
        return names


@click.group(cls=SitegenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="sitegen")
# Eager, so that ``sitegen -C SITE --help`` lists that site's commands.
@click.option("--app", "site_app", metavar="MODULE_OR_FILE[:NAME]", envvar="SITEGEN_APP",
              is_eager=True,
              help="The app whose own commands (site.cli) to offer (default: app.py).")
@click.option("-C", "--site-dir", type=click.Path(exists=True, file_okay=False),
              is_eager=True,
              help="The site folder whose own commands to offer (default: .).")
@click.pass_context
def main(context: click.Context, site_app: str | None, site_dir: str | None) -> None:
    """Build Flask-style sites into static files."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any value but empty
        context.color = False


def run() -> None:
    """The ``sitegen`` console script: :func:`main`, in a process that ends with it.

    The garbage collector is set for a process that runs one command and
    exits.  What is loaded by now (sitegen, Click, the libraries) lives as
    long as the process, so it is frozen out of every collection, and young
    objects are collected a tenth as often.  At the end everything is frozen
    again: the interpreter's own collections at exit then have nothing to
    walk (a rebuild with nothing to do spent a sixth of its time there).
    ``main`` itself, as tests and other programs call it, leaves the
    collector alone.
    """
    gc.freeze()
    gc.set_threshold(7000, 10, 10)
    try:
        main(prog_name="sitegen")
    finally:
        gc.freeze()


@main.command(short_help="Render every URL of the site into static files.")
@site_options
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the site (default: SITE_DIR/build).")
@click.option("--base-url", metavar="URL",
              help="The URL the site is published at, e.g. https://example.org/blog/.")
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("--drafts", is_flag=True, help="Include pages marked draft: true.")
@click.option("--future", is_flag=True, help="Include pages dated in the future.")
@click.option("--clean", is_flag=True,
              help="Render every URL, ignoring the records of earlier builds.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON report: every URL, rendered or reused, and why.")
@click.option("--explain", "explain_urls", metavar="URL", multiple=True,
              help="Say why URL was rendered or reused (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes that render (default: one per CPU, when enough "
                   "pages are due; 1: none).")
@click.option("--executor", metavar="ADDRESS", envvar="SITEGEN_EXECUTOR",
              help="Render on Dask: 'local' for a LocalCluster, or a scheduler's address "
                   "(tcp://host:8786).")
@start_options
def build(site_dir: Path, app_spec: str | None, output: Path | None, base_url: str | None,
          strict: bool, quiet: bool, drafts: bool, future: bool, clean: bool,
          report_file: Path | None, explain_urls: tuple[str, ...], jobs: int | None,
          executor: str | None, start_urls: tuple[str, ...], url_file: Any) -> None:
    """Render every URL of the site into OUTPUT; only what changed since the last build."""
    from .pipeline import SiteSpec
    from .pipeline import build as build_site
    from .pipeline.report import explain, write_report

    with user_errors(), _interruptible():
        spec = SiteSpec.for_build(site_dir, app_spec, base_url=base_url, drafts=drafts,
                                  future=future, start_urls=_start_urls(start_urls, url_file))
        progress = None if quiet or not sys.stderr.isatty() else _Progress()
        result = build_site(spec, output, strict=strict, clean=clean, progress=progress,
                            on_wait=None if quiet else _waiting, explain=explain_urls,
                            jobs=jobs, executor=executor)
        if progress is not None:
            progress.done()
        if report_file is not None:
            write_report(result, report_file)
        explained = [explain(result, url) for url in explain_urls]
    if not quiet:
        for warning in result.warnings:
            click.secho("warning: ", fg="yellow", err=True, nl=False)
            click.echo(warning, err=True)
    for line in explained:
        click.echo(line)
    if not quiet:
        click.echo(result.summary())


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C, or SIGTERM, stops the build (and its workers) with exit code 130; the
    previous output is left as it was."""
    import signal

    def terminate(number: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except KeyboardInterrupt:
        click.echo("\ninterrupted: nothing was published; the previous output is as it was",
                   err=True)
        sys.exit(130)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _waiting(lock: Path) -> None:
    click.echo(f"waiting for the build that holds {lock} to finish", err=True)


@main.command(short_help="Create a new site that builds and serves at once.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("-t", "--template", "starter", default="blog", show_default=True,
              type=click.Choice(starters()),
              help="The kind of site to start from.")
def new(folder: Path, starter: str) -> None:
    """Create a new site in FOLDER (new, or empty) that builds and serves at once."""
    from .scaffold import create_site

    with user_errors():
        written = create_site(folder, starter)
    click.echo(f"Created a {starter} site in {folder} ({len(written)} files). Next:")
    click.echo(f"  cd {folder}")
    click.echo("  sitegen serve      # preview at http://127.0.0.1:8000/, reloading as you save")
    click.echo("  sitegen build      # write the site into build/")


@main.command(short_help="List the endpoints, their rules and the URLs each produced.")
@site_options
@start_options
def routes(site_dir: Path, app_spec: str | None, start_urls: tuple[str, ...],
           url_file: Any) -> None:
    """List every endpoint with its rules and how many URLs it produced; then the
    routes sitegen adds by itself (static files, content media, aliases)."""
    from .loading import load_site
    from .pipeline import render_all

    with user_errors():
        site = load_site(site_dir, app_spec)
        start = _start_urls(start_urls, url_file)
        if start:
            site.config["START_URLS"] = start
        rendered = render_all(site)
    produced: dict[str, int] = {}
    for item in rendered.values():
        endpoint = item.record.endpoint or "-"
        produced[endpoint] = produced.get(endpoint, 0) + 1
    rules = sorted(site.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))
    builtin = site.builtin_endpoints
    own = [r for r in rules if r.endpoint not in builtin]
    added = [r for r in rules if r.endpoint in builtin]
    rows = [("Endpoint", "Methods", "Rule", "URLs", "")]
    rows += _route_rows(own, produced, {})
    if added:
        rows += [("", "", "", "", ""), ("Built in:", "", "", "", "")]
        rows += _route_rows(added, produced, builtin)
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for n, row in enumerate(rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths[:4]))


def _route_rows(rules: list[Any], produced: dict[str, int],
                notes: dict[str, str]) -> list[tuple[str, str, str, str, str]]:
    """One row per rule; an endpoint's name, URL count and note on its first row only."""
    rows = []
    previous = None
    for rule in rules:
        methods = ", ".join(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}))
        if rule.endpoint == previous:
            rows.append(("", methods, rule.rule, "", ""))
        else:
            rows.append((rule.endpoint, methods, rule.rule,
                         str(produced.get(rule.endpoint, 0)), notes.get(rule.endpoint, "")))
        previous = rule.endpoint
    return rows


@main.command()
@site_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The interface to listen on; anything but loopback prints a warning.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on (0: any free port).")
@click.option("--drafts/--no-drafts", default=True, show_default=True,
              help="Show drafts and future posts.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("-v", "--verbose", is_flag=True, help="Print a line per request.")
@click.option("--allow-host", "allow_hosts", metavar="NAME", multiple=True,
              help="Answer requests addressed to NAME too (repeatable); others than this "
                   "machine's names and IP addresses get a 403.")
def serve(site_dir: Path, app_spec: str | None, host: str, port: int, drafts: bool,
          open_browser: bool, verbose: bool, allow_hosts: tuple[str, ...]) -> None:
    """Preview the site, reloading open pages as files change."""
    from .serve import serve as run

    with user_errors():
        run(site_dir, app_spec, host=host, port=port, drafts=drafts,
            open_browser=open_browser, verbose=verbose, echo=click.echo,
            allow_hosts=allow_hosts)


class _Progress:
    """A one-line progress bar on the terminal; the total grows as links appear."""

    def __init__(self) -> None:
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and done != total:
            return
        self._last = now
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total} URLs", nl=False, err=True)

    def done(self) -> None:
        click.echo("\r\033[K", nl=False, err=True)


if __name__ == "__main__":
    main()
