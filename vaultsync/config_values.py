"""The settings' values as ``.vaultsync.toml`` gives them: each validator takes the raw TOML
value and returns the typed value or raises ValueError (``config_spec`` names one per setting).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from vaultsync.properties import CANONICAL_PROPERTIES, DEFAULT_PROPERTY_ALIASES


def as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def as_words(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError('expected a list of text, like ["a", "b"]')
    return tuple(value)


def as_folders(value: Any) -> tuple[str, ...]:
    folders = []
    for folder in as_words(value):
        clean = folder.replace("\\", "/").strip("/")
        if not clean or clean.startswith("../") or clean == "..":
            raise ValueError(f"{folder!r} is not a folder inside the vault")
        folders.append(clean)
    return tuple(folders)


def as_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def as_since(value: Any) -> dt.date | None:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


def _whole(value: Any, low: int, high: int, expected: str) -> int:
    """``value`` when it is a whole number (not a bool) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(expected)
    return value


def as_days(value: Any) -> int:
    # Bounded so that a date plus these days stays a date (datetime ends in year 9999).
    return _whole(value, 0, 3650, "expected a whole number of days from 0 to 3650 (ten years)")


def as_minutes(value: Any) -> int:
    return _whole(value, 1, 525_600, "expected a whole number of minutes from 1 to 525600 (a year)")


def as_limit(value: Any) -> int:
    return _whole(value, 0, 100_000, "expected a whole number of events from 0 (no limit) to 100000")


def as_timezone(value: Any) -> str:
    text = as_text(value)
    if text:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {text!r} (use an IANA name like Europe/Paris)") from None
    return text


def as_clock(value: Any) -> str:
    text = as_text(value)
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
        raise ValueError(f"expected a time of day as HH:MM, got {text!r}")
    return text


def as_calendar_path(value: Any) -> str:
    text = as_text(value)
    if not text.strip():
        raise ValueError("must not be empty")
    return text


def as_dashboard(value: Any) -> str:
    text = as_text(value).replace("\\", "/").strip()
    if not text:
        return ""
    parts = text.split("/")
    if text.startswith("/") or ".." in parts or any(part.startswith(".") for part in parts):
        raise ValueError(f"{text!r} is not a note inside the vault (a relative path, no hidden folders)")
    if not text.endswith(".md"):
        raise ValueError(f"{text!r} is not a Markdown note (end it in .md)")
    return text


SPELLING_LANGUAGES = ("en", "es", "fr", "pt", "de", "it", "ru", "ar", "lv", "eu", "nl", "fa")


def as_spelling_language(value: Any) -> str:
    text = as_text(value)
    if text not in SPELLING_LANGUAGES:
        raise ValueError(f"{text!r} is not one of {', '.join(SPELLING_LANGUAGES)}")
    return text


def as_property_aliases(value: Any) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError('expected a table: [property_aliases] then canonical = ["alias", ...]')
    merged = {key: list(names) for key, names in DEFAULT_PROPERTY_ALIASES.items()}
    for canonical, names in value.items():
        if canonical not in CANONICAL_PROPERTIES:
            raise ValueError(
                f"{canonical!r} is not a property vaultsync reads (one of: {', '.join(CANONICAL_PROPERTIES)})"
            )
        if isinstance(names, str):
            names = [names]
        merged.setdefault(canonical, []).extend(as_words(names))
    return MappingProxyType({key: tuple(names) for key, names in merged.items()})
