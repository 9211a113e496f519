"""``slugify``: a name made fit for a URL segment.

Tags, categories and other names users write freely (``Web Dev``, ``C++``,
``Café``) become lower-case words joined by hyphens (``web-dev``, ``c``,
``cafe``), so their URLs need no percent-escapes.  Accents are dropped from
Latin letters; other scripts are kept as they are, since browsers show them
readably in the address bar.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\W_]+")


def slugify(text: object) -> str:
    """``text`` as a URL slug: ``"Web Dev"`` → ``"web-dev"``, ``"C++"`` → ``"c"``.

    The result is empty when ``text`` has no letter or digit at all.
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub("-", unicodedata.normalize("NFC", bare).casefold()).strip("-")
