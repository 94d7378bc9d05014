"""Events serialised one by one (as vaultsync.incremental.memo keeps them) give exactly icalendar's whole calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import SAMPLE_TODAY, SAMPLE_VAULT, write_note
from icalendar import Calendar

from vaultsync.model.vault import Vault
from vaultsync.outputs import calendar as calendar_module
from vaultsync.outputs.calendar import calendar_bytes, calendar_items
from vaultsync.store.loader import load_vault


def as_one_calendar(vault: Vault, today: dt.date, data: bytes) -> bytes:
    """The same calendar the plain way: every event added to one Calendar, then serialised."""
    cal = Calendar.from_ical(data)  # for its header
    cal.subcomponents = []
    for item in calendar_items(vault, today):
        cal.add_component(calendar_module._event(item))
    if vault.settings.timezone:
        cal.add_missing_timezones()
    return cal.to_ical()


def with_timezone(vault: Vault, timezone: str) -> Vault:
    return dataclasses.replace(vault, settings=dataclasses.replace(vault.settings, timezone=timezone))


@pytest.mark.parametrize("timezone", ["", "Europe/Paris", "America/New_York"])
@pytest.mark.parametrize("today", [SAMPLE_TODAY, dt.date(2026, 11, 24), dt.date(2027, 1, 5)])
def test_same_bytes_as_one_icalendar_calendar(timezone: str, today: dt.date) -> None:
    vault = with_timezone(load_vault(SAMPLE_VAULT), timezone)
    data = calendar_bytes(vault, today)
    assert data == as_one_calendar(vault, today, data)
    if timezone and today == SAMPLE_TODAY:  # timed interviews ahead: their zone comes first
        assert data.count(b"BEGIN:VTIMEZONE") == 1
        assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_offsets_and_floating_times(vault: Path) -> None:
    write_note(vault, "A.md", '---\ntype: contact\ninterviews:\n  - "2026-11-25T10:00+02:00"\n---\n')
    write_note(vault, "B.md", '---\ntype: contact\ninterviews:\n  - "2026-11-26T09:15"\n---\n')
    for timezone in ("", "Asia/Tokyo"):
        loaded = with_timezone(load_vault(vault), timezone)
        data = calendar_bytes(loaded, SAMPLE_TODAY)
        assert data == as_one_calendar(loaded, SAMPLE_TODAY, data)
        assert (b"BEGIN:VTIMEZONE" in data) == bool(timezone)
