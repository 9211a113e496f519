"""Reading a Markdown file: bytes → front matter dict + Markdown body.

This is where a content file can first be wrong, so every problem is
reported here as a :class:`ContentError` with the file and the line it is
on: bytes that are not UTF-8, a front matter block that never ends, YAML
that does not parse (YAML's own mark, moved by the block's offset in the
file), front matter that is not a mapping, a date that is not a date.
The values users rely on are normalised once: ``date``/``updated`` become
``date``/``datetime`` objects (a written zone kept), ``tags``, ``aliases`` and
Jekyll's ``categories`` lists, and Jekyll's ``published: false`` a ``draft``.
"""

from __future__ import annotations

import bisect
import codecs
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..fingerprint import digest

#: The endings of content files: ``.md``, and Jekyll's ``.markdown``.
PAGE_SUFFIXES = (".md", ".markdown")


def page_key(rel: str) -> str | None:
    """A content file's path without its ending (``guide/install``), or None
    if it is not a content file."""
    for suffix in PAGE_SUFFIXES:
        if rel.endswith(suffix):
            return rel[: -len(suffix)]
    return None


#: How a front matter block closes, by the line that opens it: YAML between
#: ``---`` lines (Jekyll, Pelican, Eleventy), TOML between ``+++`` (Hugo, Zola).
_CLOSING = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M),
    "+++": re.compile(r"^\+\+\+[ \t]*$", re.M),
}
_FRONT_MATTER_HINT = (
    "front matter is YAML between two lines of three dashes (---): `key: value` "
    "lines; quote a value that contains ': ' or starts with [ { * & ! | > ' \" % @"
)
_TOML_HINT = 'TOML front matter between +++ lines holds `key = "value"` lines'
_TOML_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)")


@dataclass
class Source:
    """A content file, split: its front matter and (read on demand) its Markdown body.

    The body is not kept: a site of 100,000 pages would hold half a gigabyte
    of Markdown.  ``body_hash`` stands for it in fingerprints and cache keys;
    ``body`` reads it from the file again when something needs the text.
    """

    path: Path
    meta: dict[str, Any]
    #: The line of the file on which the body starts (1-based).
    body_line: int
    #: The front matter block as written, to find a key's line in errors.
    front_matter: str = ""
    #: The fingerprint of the body's text.
    body_hash: bytes = b""
    _body: str | None = field(default=None, repr=False, compare=False)
    #: The file's key in the source index (its path relative to the site).
    index_key: str = field(default="", repr=False, compare=False)
    #: The line that opened the front matter (``---`` YAML, ``+++`` TOML), ``""`` for none.
    fence: str = ""

    @property
    def body(self) -> str:
        """The Markdown body: kept from a fresh read until dropped, else read again."""
        if self._body is not None:
            return self._body
        text = decode_source(self.path.read_bytes(), str(self.path))
        parts = text.split("\n", self.body_line - 1)
        return parts[-1] if len(parts) == self.body_line else ""

    def drop_body(self) -> None:
        """Forget the body's text (it is read again if needed)."""
        self._body = None

    def line_of_key(self, key: str) -> int | None:
        """The file line of a top-level front matter ``key``, if written."""
        match = re.search(rf"^{re.escape(key)}\s*[:=]", self.front_matter, re.M)
        if match is None:
            return None
        return self.front_matter.count("\n", 0, match.start()) + 2

    def line_of_text(self, needle: str) -> int | None:
        """The file line on which ``needle`` first appears in the body."""
        found = self.lines().find(needle)
        return found[0] if found is not None else None

    def lines(self) -> BodyLines:
        """The body, indexed by line: to find many needles, read and scan it once."""
        return BodyLines(self.body, self.body_line)


class BodyLines:
    """A page body and where its lines start: each lookup is a search and a bisection,
    so the lines of a page's thousand links cost no more than reading it once."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first_line = first_line
        self._newlines = [match.start() for match in _NEWLINE.finditer(text)]

    def find(self, needle: str, start: int = 0) -> tuple[int, int] | None:
        """``(file line, offset after it)`` of ``needle``'s first place from ``start``."""
        index = self.text.find(needle, start)
        if index < 0:
            return None
        return self.first_line + bisect.bisect_left(self._newlines, index), index + len(needle)


_NEWLINE = re.compile("\n")


#: What an earlier read of a file found: its front matter's fence, its text, and the
#: fields it gave (normalised).
KnownFrontMatter = tuple[str, str, dict[str, Any]]


def read_source(path: Path, display: str, known: KnownFrontMatter | None = None) -> Source:
    """Read and split the content file at ``path``; errors call it ``display``.

    ``known`` is the front matter an earlier read of the file found: if the
    file still opens with the same text, its fields are those, and no YAML
    is parsed (an edit to a body, the usual one, then needs no YAML at all).
    """
    return split_front_matter(decode_source(path.read_bytes(), display), path, display, known)


def decode_source(data: bytes, display: str) -> str:
    """A content file's bytes as text: UTF-8 (a BOM is dropped), ``\\n`` line ends."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(
            display, line,
            f"the file is not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded",
            hint="save the file as UTF-8 (most editors offer it under 'Save with encoding')",
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(text: str, path: Path, display: str,
                       known: KnownFrontMatter | None = None) -> Source:
    """Split ``text`` into front matter and body and parse the front matter (unless it is
    the ``known`` one: see :func:`read_source`)."""
    first_end = text.find("\n")
    fence = (text if first_end < 0 else text[:first_end]).rstrip()
    if fence not in _CLOSING:
        return Source(path, {}, 1, body_hash=digest(text), _body=text)
    closing = _CLOSING[fence].search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        raise ContentError(display, 1, "the front matter opened on this line is never closed",
                           hint=f"end it with a line of {fence}")
    block = text[first_end + 1:closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    body = text[body_start:]
    source = Source(path, {}, body_line, block, digest(body), body, fence=fence)
    if known is not None and known[0] == fence and known[1] == block:
        source.meta = dict(known[2])  # the same text gives the same fields
        return source
    source.meta = _parse_yaml(block, display) if fence == "---" else _parse_toml(block, display)
    _normalise(source, display)
    return source


def _parse_yaml(block: str, display: str) -> dict[str, Any]:
    import yaml  # imported by the first file read: a rebuild that reads none needs none

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where it is there
    try:
        data = yaml.load(block, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark is not None else 2
        problem = error.problem or "malformed YAML"
        if error.context:
            context = error.context
            start = error.context_mark
            if start is not None and start.line + 2 != line:
                context += f" (it starts on line {start.line + 2})"
            problem = f"{context}, {problem}"
        raise ContentError(display, line, f"invalid front matter: {problem}",
                           hint=_FRONT_MATTER_HINT) from None
    except yaml.YAMLError as error:
        raise ContentError(display, 2, f"invalid front matter: {error}",
                           hint=_FRONT_MATTER_HINT) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a single string"}.get(type(data), type(data).__name__)
        raise ContentError(
            display, 2, f"the front matter is {kind}, not a mapping of keys to values",
            hint="write one `key: value` per line, e.g. `title: My page`",
        )
    return {str(key): value for key, value in data.items()}


def _parse_toml(block: str, display: str) -> dict[str, Any]:
    """TOML front matter (``+++``), whose parser is imported only for it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        return tomllib.loads(block)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_LINE.search(str(error))
        line = int(found.group(1)) + 1 if found else 2
        problem = _TOML_LINE.sub("", str(error))
        raise ContentError(display, line, f"invalid front matter: {problem}",
                           hint=_TOML_HINT) from None


def _normalise(source: Source, display: str) -> None:
    meta = source.meta
    for key in ("date", "updated"):
        if key in meta:
            meta[key] = _as_date(meta[key], key, source, display)
    if "tags" in meta:
        meta["tags"] = _as_list(meta["tags"])
    # Hugo's aliases are old URLs (``/old/``), Obsidian's other names of the note;
    # Jekyll's ``redirect_from`` are old URLs too.  Page.aliases and Page.names tell
    # them apart.
    for key in ("aliases", "alias", "redirect_from"):
        if key in meta:
            meta[key] = _as_list(meta[key])
    # Jekyll's: ``category`` is one name, ``categories`` a list or a space-separated
    # string; both land in ``categories``.
    if "categories" in meta or "category" in meta:
        named = meta.get("categories")
        words = named.split() if isinstance(named, str) else _as_list(named)
        single = _as_list([meta["category"]]) if meta.get("category") is not None else []
        meta["categories"] = list(dict.fromkeys(single + words))
    for key in ("draft", "published"):
        if key in meta and not isinstance(meta[key], bool):
            raise ContentError(display, source.line_of_key(key),
                               f"{key} must be true or false, not {meta[key]!r}",
                               hint=f"write {key}: {'true' if key == 'draft' else 'false'} "
                                    "(or leave the key out)")
    # Jekyll's ``published: false`` is a draft; an explicit ``draft`` wins.
    if meta.get("published") is False:
        meta.setdefault("draft", True)


#: A date as Jekyll and Hugo write them, quoted or not: ``2013-05-06``,
#: ``2013-05-06 02:12``, ``2013-05-06T02:12:52.5``, with a zone ``Z``, ``+0200``,
#: ``+02:00`` or ``+02`` (a space before the zone allowed, as Jekyll writes it).
_DATE = re.compile(
    r"(\d{4})-(\d\d?)-(\d\d?)"
    r"(?:[Tt ]+(\d\d?):(\d\d)(?::(\d\d)(?:[.,](\d{1,6})\d*)?)?"
    r"\s*(Z|[+-]\d\d(?::?\d\d)?)?)?"
)


def _as_date(value: Any, key: str, source: Source, display: str) -> date | datetime:
    if isinstance(value, (date, datetime)):
        return value
    if isinstance(value, str):
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    raise ContentError(
        display, source.line_of_key(key), f"{key}: {value!r} is not a date",
        hint=f"write it as {key}: 2024-05-17 or {key}: 2024-05-17 14:30",
    )


def parse_date(text: str) -> date | datetime | None:
    """``text`` as a date, a naive datetime, or one aware of its zone; None if it is
    not one.  A zone keeps its offset (``+02:00``), so feeds show the time as written."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        tz = None
        if zone == "Z":
            tz = timezone.utc
        elif zone is not None:
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
            tz = timezone(-offset if zone[0] == "-" else offset)
        return datetime(int(year), int(month), int(day), int(hour), int(minute),
                        int(second or 0), int((fraction or "0").ljust(6, "0")), tzinfo=tz)
    except ValueError:  # a month 13, an hour 25, an offset of a day or more
        return None


def _as_list(value: Any) -> list[str]:
    """A list of strings from a YAML list or a comma-separated string."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        items = [items]
    result: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in result:
            result.append(text)
    return result
