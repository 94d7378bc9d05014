"""The reliability tests' probes: every stage a command runs, applied to one note's bytes; and
the peak memory of a call."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from icalendar import Calendar

from vaultsync import pipeline
from vaultsync.config import DEFAULTS
from vaultsync.model.contact import is_contact
from vaultsync.model.contact_values import build_contact
from vaultsync.model.vault import Entry, Vault
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.outputs.report import as_json, as_text
from vaultsync.reading.note import Note, NoteError, parse_note

T = TypeVar("T")
TODAY = dt.date(2026, 11, 20)
PATH = "Contacts/Jane Doe.md"


def through_everything(data: bytes, today: dt.date = TODAY, path: str = PATH) -> Note | NoteError:
    """Run one note's bytes through every stage a command runs; return what parsing gave.

    A note is built into a contact whether or not it is marked as one, so every value reaches
    the rules, both reports and the calendar (which is parsed back)."""
    parsed = parse_note(path, data)
    if isinstance(parsed, NoteError):
        check_error(parsed, data, path)
        return parsed
    is_contact(parsed, DEFAULTS)
    contact, problems = build_contact(parsed, DEFAULTS)
    for problem in problems:
        check_error(problem, data, path)
    vault = Vault.from_entries(Path("/vault"), DEFAULTS, [Entry(path, contact, tuple(problems))])
    audit = pipeline.audit(vault, today)
    assert as_text(audit, "vault").startswith("vault on ")
    assert json.loads(as_json(audit, "vault"))["contacts"] == 1
    calendar = Calendar.from_ical(calendar_bytes(vault, today))
    assert len(calendar.events) == calendar_bytes(vault, today).count(b"BEGIN:VEVENT")
    return parsed


def check_error(error: NoteError, data: bytes, path: str) -> None:
    """A reported problem names the note, says why, and points at a line of the file (if any)."""
    assert error.path == path
    assert error.message.strip()
    if error.line is not None:
        assert 1 <= error.line <= data.count(b"\n") + data.count(b"\r") + 1, error


def peak_memory(call: Callable[[], T]) -> tuple[T, int]:
    """``call()``, and the most memory Python held for it at once (bytes, tracemalloc)."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
