"""Markdown → :class:`Parsed`: the one expensive step, done once per source.

A site has one renderer, chosen by ``config["MARKDOWN_ENGINE"]`` and built
from ``site.config`` on first use (:func:`renderer_for`):

- ``"markdown"`` (the default), a :class:`MarkdownRenderer`: Python-Markdown,
  with its extensions, holding one ``markdown.Markdown`` instance, created on
  the first parse and ``reset()`` between pages (building one costs more
  than parsing a short page);
- ``"commonmark"``, ``commonmark.CommonMarkRenderer``: a compiled
  CommonMark + GFM parser, installed with ``pip install 'sitegen-flask[fast]'``.

Both give the same :class:`Parsed`.  A renderer's ``fingerprint`` names the
engine and its configuration, so the on-disk cache can tell a parse made by
another engine or with other extensions from a current one.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import SitegenError
from ..fingerprint import stable_repr
from .highlighting import Highlighter
from .refs import REF_MARK, Heading, Ref
from .syntax import has_diagram_script, has_math_renderer, strip_comments

if TYPE_CHECKING:
    from markdown import Markdown
    from markdown.extensions import Extension

def slugify_unicode(value: str, separator: str) -> str:
    """Python-Markdown's Unicode slugs for heading ids, imported when first used."""
    from markdown.extensions.toc import slugify_unicode as slugify

    return slugify(value, separator)


#: The extensions used unless ``config["MARKDOWN_EXTENSIONS"]`` says otherwise.
DEFAULT_MARKDOWN_EXTENSIONS: tuple[str, ...] = (
    "fenced_code", "codehilite", "tables", "footnotes", "admonition",
    "attr_list", "def_list", "abbr", "toc",
)
#: Their settings; ``config["MARKDOWN_EXTENSION_CONFIGS"]`` is merged over it.
DEFAULT_EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "codehilite": {"css_class": "highlight", "guess_lang": False},
    "toc": {"permalink": True, "slugify": slugify_unicode},
}

#: The values ``config["MARKDOWN_ENGINE"]`` takes; the first is the default.
ENGINES = ("markdown", "commonmark")


@dataclass(frozen=True)
class Parsed:
    """Everything one parse of a page's body gives.

    ``html`` and ``summary`` still hold references (see ``extension.py``)
    for the links in ``refs``; the page resolves them when it is used.
    """

    html: str
    summary: str
    toc: str
    headings: tuple[Heading, ...]
    #: The prose as plain text, its whitespace as the parse left it (see ``text``).
    prose: str
    refs: tuple[Ref, ...]
    #: Inline ``#tags`` (``area/topic``, without the ``#``), deduplicated, in order.
    tags: tuple[str, ...] = ()
    #: The ids of the blocks marked ``^block-id``, in order.
    blocks: tuple[str, ...] = ()
    #: What the page needs its layout to load: ``"mermaid"`` for a diagram, and
    #: ``"math"`` where it has math (MathML, which browsers draw themselves).
    needs: tuple[str, ...] = ()

    @cached_property
    def text(self) -> str:
        """The prose as plain text, one space between words.  Made on first use: most
        pages never show it, and collapsing a page's whitespace costs as much as a
        sixth of a compiled parse."""
        return " ".join(self.prose.split())

    @cached_property
    def word_count(self) -> int:
        return len(self.prose.split())

    @cached_property
    def title(self) -> str | None:
        """The text of the first level-1 heading, if there is one."""
        return next((h.text for h in self.headings if h.level == 1 and h.text), None)

    def to_data(self) -> dict[str, Any]:
        """The parse as plain strings, numbers, tuples and a dict (what ``marshal``
        writes, the parse cache's format)."""
        return {
            "html": self.html, "summary": self.summary, "toc": self.toc,
            "headings": tuple(map(tuple, self.headings)), "prose": self.prose,
            "refs": tuple(map(tuple, self.refs)), "tags": self.tags,
            "blocks": self.blocks, "needs": self.needs,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Parsed:
        return cls(
            data["html"], data["summary"], data["toc"],
            tuple(Heading(*h) for h in data["headings"]), data["prose"],
            tuple(Ref(*r) for r in data["refs"]), tuple(data["tags"]),
            tuple(data["blocks"]), tuple(data["needs"]),
        )


class Renderer(Protocol):
    """What the site's content asks of an engine."""

    #: Names the engine and everything its output depends on.
    fingerprint: str
    #: Highlights code blocks; the site's content gives it its cache.
    highlighter: Highlighter

    def parse(self, body: str) -> Parsed: ...


def syntax_version() -> list[object]:
    """What both engines' parses depend on beyond their configuration: the shape of
    :class:`Parsed` (bumped when it changes, so no older parse is served) and
    whether math and diagrams render (installing an extra re-parses the pages)."""
    return ["parsed-3", has_math_renderer(), has_diagram_script()]


def renderer_for(config: Mapping[str, Any]) -> Renderer:
    """The renderer ``config["MARKDOWN_ENGINE"]`` names (``"markdown"`` if unset)."""
    engine = dict.get(config, "MARKDOWN_ENGINE")  # type: ignore[arg-type]
    if engine is None or engine == "markdown":
        return MarkdownRenderer.from_config(config)
    if engine == "commonmark":
        from .commonmark import CommonMarkRenderer

        return CommonMarkRenderer()
    raise SitegenError(f"config['MARKDOWN_ENGINE'] is {engine!r}, which is not an engine.",
                       hint="use " + " or ".join(repr(e) for e in ENGINES))


class MarkdownRenderer:
    """Parses Markdown bodies with one reusable, lock-guarded ``Markdown``."""

    def __init__(self, extensions: Sequence[str | Extension],
                 configs: Mapping[str, Mapping[str, Any]]) -> None:
        merged = {name: dict(values) for name, values in DEFAULT_EXTENSION_CONFIGS.items()}
        for name, values in configs.items():
            merged.setdefault(name, {}).update(values)
        names = {e for e in extensions if isinstance(e, str)}
        merged = {name: values for name, values in merged.items() if name in names}
        self._extensions = list(extensions)
        self._configs = merged
        self._extension: Any = None
        self._md: Markdown | None = None
        self._lock = threading.Lock()
        self.fingerprint = stable_repr(["markdown", self._extensions, merged, *syntax_version()])
        self.highlighter = Highlighter()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MarkdownRenderer:
        """The renderer ``MARKDOWN_EXTENSIONS``/``MARKDOWN_EXTENSION_CONFIGS`` ask for."""
        extensions = dict.get(config, "MARKDOWN_EXTENSIONS")  # type: ignore[arg-type]
        configs = dict.get(config, "MARKDOWN_EXTENSION_CONFIGS")  # type: ignore[arg-type]
        return cls(DEFAULT_MARKDOWN_EXTENSIONS if extensions is None else extensions,
                   configs or {})

    def parse(self, body: str) -> Parsed:
        """Parse one page body."""
        if REF_MARK in body:
            body = body.replace(REF_MARK, "")
        body = strip_comments(body)
        with self._lock:
            md = self._markdown().reset()
            ext = self._extension
            html = md.convert(body)
            summary = ext.summary_source
            for processor in md.postprocessors:
                summary = processor.run(summary)
            toc = getattr(md, "toc", "") if getattr(md, "toc_tokens", None) else ""
            return Parsed(html, summary.strip(), toc, tuple(ext.headings), ext.prose,
                          tuple(ext.refs), tuple(dict.fromkeys(ext.tags)), tuple(ext.blocks),
                          tuple(sorted(ext.needs)))


    def _markdown(self) -> Markdown:
        """The ``Markdown`` instance, built on the first parse (a warm build needs none)."""
        if self._md is None:
            from markdown import Markdown

            from .extension import SitegenExtension
            from .inlines import narrow_inlines

            self._extension = SitegenExtension(self.highlighter, self.fingerprint)
            try:
                self._md = Markdown(extensions=[*self._extensions, self._extension],
                                    extension_configs=self._configs, output_format="html")
            except ImportError as error:
                raise _config_error(f"cannot load a Markdown extension: {error}") from error
            except KeyError as error:
                raise _config_error(f"a Markdown extension has no option {error}") from error
            narrow_inlines(self._md)
        return self._md


def _config_error(problem: str) -> SitegenError:
    return SitegenError(
        f"config['MARKDOWN_EXTENSIONS'] / ['MARKDOWN_EXTENSION_CONFIGS']: {problem}.",
        hint="name extensions as Python-Markdown does ('tables', 'toc', or a module path "
             "for third-party ones) and give only the options they document",
    )
