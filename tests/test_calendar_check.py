"""calendar_check: each framing check and each comparison, on calendars broken on purpose."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SAMPLE_TODAY, SAMPLE_VAULT

from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.outputs.calendar_check import (
    Reading,
    calendar_problems,
    expected_reading,
    format_problems,
    icalendar_reading,
    moment_text,
    reading_differences,
)
from vaultsync.store.loader import load_vault

EVENT = (
    b"BEGIN:VEVENT\r\nUID:a@vaultsync\r\nDTSTAMP:20261120T000000Z\r\nDTSTART;VALUE=DATE:20261121\r\n"
    b"DTEND;VALUE=DATE:20261122\r\nSUMMARY:Caf\xc3\xa9\\, ok\r\nEND:VEVENT\r\n"
)
GOOD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" + EVENT + b"END:VCALENDAR\r\n"


@pytest.fixture(scope="module")
def sample() -> tuple[bytes, Reading]:
    vault = load_vault(SAMPLE_VAULT)
    return calendar_bytes(vault, SAMPLE_TODAY), expected_reading(vault, SAMPLE_TODAY)


def test_a_sound_calendar_has_no_problems(sample: tuple[bytes, Reading]) -> None:
    data, expected = sample
    assert format_problems(GOOD) == []
    assert calendar_problems(data, expected) == []
    assert calendar_problems(data) == []


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (GOOD.replace(b"\r\n", b"\n"), "11 line(s) end in a bare LF or CR instead of CRLF (first: line 1)"),
        (GOOD.replace(b"PRODID:-//t//EN\r\n", b"PRODID:-//t//EN\r"), "1 line(s) end in a bare LF or CR"),
        (
            GOOD.replace(b"SUMMARY:", b"SUMMARY:" + b"x" * 70),
            "1 line(s) are longer than 75 octets (first: line 9)",
        ),
        (
            GOOD.replace(b"Caf\xc3\xa9", b"Caf\xc3\r\n \xa9"),
            "2 line(s) are not UTF-8, or were folded inside a character",
        ),
        (GOOD.replace(b"Caf\xc3\xa9", b"Caf\xe9"), "not UTF-8 (content line 9)"),
        (GOOD.replace(EVENT, EVENT * 2), "1 UID(s) used more than once (first: a@vaultsync)"),
        (GOOD[:-2], "does not end with END:VCALENDAR and CRLF"),
        (b"\xef\xbb\xbf" + GOOD, "does not start with BEGIN:VCALENDAR and CRLF"),
    ],
    ids=["LF", "CR", "long line", "split character", "Latin-1", "duplicate UID", "no final CRLF", "BOM"],
)
def test_each_framing_problem_is_found(broken: bytes, problem: str) -> None:
    assert any(p.startswith(problem) for p in format_problems(broken)), format_problems(broken)


def test_a_folded_uid_is_unfolded_before_counting() -> None:
    folded = GOOD.replace(b"UID:a@vaultsync", b"UID:a@vault\r\n sync")
    twice = GOOD.replace(EVENT, EVENT + EVENT.replace(b"UID:a@vaultsync", b"UID:a@vault\r\n sync"))
    assert format_problems(folded) == []
    assert "1 UID(s) used more than once (first: a@vaultsync)" in format_problems(twice)


def test_icalendar_reading() -> None:
    reading = icalendar_reading(GOOD)
    assert reading.errors == [] and reading.name is None
    assert reading.events == [
        {
            "uid": "a@vaultsync",
            "start": "2026-11-21",
            "end": "2026-11-22",
            "all_day": True,
            "summary": "Café, ok",
            "description": "",
            "transp": None,
            "stamp": "2026-11-20T00:00:00Z",
            "modified": None,
            "sequence": None,
            "alarms": [],
        }
    ]
    broken = icalendar_reading(GOOD.replace(b"20261121", b"2026-11-21"))
    assert broken.errors == [
        "VEVENT a@vaultsync DTSTART: Expected datetime, date, or time. Got: '2026-11-21'"
    ]
    assert broken.events[0]["start"] == "2026-11-21" and broken.events[0]["all_day"] is None
    assert icalendar_reading(b"not a calendar").errors != []


def test_moment_text() -> None:
    assert moment_text(dt.date(2026, 11, 21)) == ("2026-11-21", True)
    assert moment_text(dt.datetime(2026, 11, 21, 9, 5)) == ("2026-11-21T09:05:00", False)
    plus_one = dt.timezone(dt.timedelta(hours=1))
    assert moment_text(dt.datetime(2026, 11, 21, 0, 30, tzinfo=plus_one)) == ("2026-11-20T23:30:00Z", False)


def test_differences_name_every_field_and_event(sample: tuple[bytes, Reading]) -> None:
    _, expected = sample
    first, second, *rest = expected.events
    moved = {**first, "start": "2026-01-01", "alarms": []}
    stranger = {**second, "uid": "stranger@elsewhere"}
    actual = Reading("Other", [moved, moved, stranger, *rest], ["bad line 3"])
    uid = first["uid"]
    assert reading_differences(expected, actual, "p") == [
        "p: bad line 3",
        "calendar name: the notes give 'Informational interviews', p read 'Other'",
        f"{uid}: p read this UID twice",
        f"{second['uid']}: missing in p's reading",
        "stranger@elsewhere: p read an event the notes do not give",
        f"{uid}: start: the notes give {first['start']!r}, p read '2026-01-01'",
        f"{uid}: alarms: the notes give {first['alarms']!r}, p read []",
    ]


def test_a_stale_calendar_differs_from_the_notes(sample: tuple[bytes, Reading]) -> None:
    data, _ = sample
    tomorrow = expected_reading(load_vault(SAMPLE_VAULT), SAMPLE_TODAY + dt.timedelta(days=1))
    problems = calendar_problems(data, tomorrow)
    overdue = [p for p in problems if "-overdue@vaultsync: start: " in p]
    assert len(
        overdue
    ) == 3 and all(  # Lena's and Tomás's thank-you, Noor's referral (Priya's check-in gave way)
        p.endswith("the notes give '2026-11-21', icalendar read '2026-11-20'") for p in overdue
    )
