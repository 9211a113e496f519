"""Site configuration: a plain dict that notes which keys a render read."""

from __future__ import annotations

from typing import Any

from .context import current_record

DEFAULTS: dict[str, Any] = {
    "BASE_URL": None,
    "RELATIVE_URLS": False,
    "KEEP_FILES": [],
    "DRAFTS": False,
    "FUTURE": False,
    "CACHE_DIR": ".sitegen-cache",
}


class Config(dict):  # type: ignore[type-arg]
    """``site.config``: a ``dict`` (as Flask's) whose reads are recorded.

    A page that reads ``config["SITE_NAME"]`` depends on it; recording the
    read lets incremental builds and the preview server know which pages a
    config change touches.
    """

    def __getitem__(self, key: str) -> Any:
        record = current_record()
        if record is not None:
            record.config_keys.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        record = current_record()
        if record is not None:
            record.config_keys.add(key)
        return super().get(key, default)
