"""``site.cli``: a site's own Click commands, run as ``sitegen COMMAND``.

As ``flask COMMAND``: the command runs with the site loaded and current
(``current_app``, ``url_for`` at the base URL), so a command that lists the
posts, checks links against the live site or exports data uses the same
objects as the views.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from .app import Site


class SiteCommands(click.Group):
    """A Click group whose commands run inside ``site.app_context()``.

    ``with_appcontext=False`` on ``command`` opts out, as in Flask.
    """

    def __init__(self, site: Site, **options: Any) -> None:
        super().__init__(**options)
        self.site = site

    def command(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """``@site.cli.command()`` (or bare ``@site.cli.command``): a command."""
        in_site = kwargs.pop("with_appcontext", True)

        def decorator(function: Callable[..., Any]) -> click.Command:
            callback = self._in_site(function) if in_site else function
            return click.Group.command(self, *args, **kwargs)(callback)

        if len(args) == 1 and not kwargs and callable(args[0]):
            function, args = args[0], ()
            return decorator(function)
        return decorator

    def group(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """A group of commands below this one, whose commands run in the site too."""
        kwargs.setdefault("cls", functools.partial(SiteCommands, self.site))
        return click.Group.group(self, *args, **kwargs)

    def _in_site(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self.site.app_context():
                return function(*args, **kwargs)

        return run
