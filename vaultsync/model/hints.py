"""What a contact note says that vaultsync does not read, when it looks like a date of contact.

A newcomer writes ``Interview date: 12/01/2026`` or ``interview_date: 2026-12-01``; neither is a
property vaultsync reads, and dropping them without a word reports the contact as never met.
Each such property gets one hint naming the alias to add (``property_aliases`` in the config).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from vaultsync.config import CONFIG_FILE, Settings
from vaultsync.properties import property_key
from vaultsync.reading.note import Note

#: Words in a property's name that say it dates meeting the person, and the property they mean.
_MEANT = (
    (re.compile(r"thank", re.IGNORECASE), "thank_you_sent"),
    (re.compile(r"check.?in|follow.?up", re.IGNORECASE), "check_ins"),
    (re.compile(r"contacted|call|spoke|talked", re.IGNORECASE), "contacted"),
    (re.compile(r"interview|meeting|met\b|chat|coffee", re.IGNORECASE), "interviews"),
)
#: Dates a note keeps about itself or about the person's life, not about meeting them.
_BOOKKEEPING = frozenset(
    property_key(k)
    for k in (
        "created",
        "modified",
        "updated",
        "date created",
        "date modified",
        "last modified",
        "birthday",
        "born",
        "died",
        "published",
        "year",
        "due",
    )
)
_ISO_DAY = re.compile(r"\[*\d{4}-\d{2}-\d{2}")
#: Dates as some locales write them, which no reader can tell apart: 12/01/2026, 1.12.2026.
_SLASHED = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{2}(?:\d{2})?")


def _dated(value: Any) -> str | None:
    """ "iso" or "slashed" when ``value`` (or its first item) is written as a date, else None."""
    if isinstance(value, list) and value:
        return _dated(value[0])
    if isinstance(value, dt.date):
        return "iso"
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DAY.match(text):
            return "iso"
        if _SLASHED.fullmatch(text):
            return "slashed"
    return None


@lru_cache(maxsize=4096)  # a vault repeats the same few dozen property names in every note
def _meant(key: str) -> str | None:
    """The property a name not read seems to mean (its words say it dates meeting the person)."""
    return next((canonical for pattern, canonical in _MEANT if pattern.search(key)), None)


def unread_date_hints(note: Note, settings: Settings) -> tuple[tuple[str, int | None], ...]:
    """(message, line) for each property of ``note`` that is not read and looks like a date of
    contact: by its name, or by a date as its value."""
    lookup: Mapping[str, str] = settings.property_lookup
    hints = []
    for key, value in note.meta.items():
        folded = property_key(key)
        if folded in lookup or folded in _BOOKKEEPING:
            continue
        dated = _dated(value)
        meant = _meant(key)
        if meant is None and dated is None:
            continue
        canonical = meant or "interviews"
        message = (
            f"{key} is not read: if it holds the dates of {_WHAT[canonical]}, add it to "
            f'{CONFIG_FILE}: [property_aliases] {canonical} = ["{key}"].'
        )
        if dated == "slashed":
            written = note.written(key) or value
            message += f" Write the date as YYYY-MM-DD: {written} could be read two ways."
        hints.append((message, note.line_of(key)))
    return tuple(hints)


_WHAT = {
    "interviews": "interviews",
    "thank_you_sent": "thank-you letters",
    "check_ins": "check-ins",
    "contacted": "other contact (a call, an email)",
}
