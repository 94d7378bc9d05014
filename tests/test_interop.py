"""The calendars vaultsync writes, read by the parsers real clients use, compared with the notes.

Not "it parsed": each parser's reading of every event (UID, start, end, all-day, summary,
description, TRANSP, DTSTAMP, LAST-MODIFIED, SEQUENCE, alarms) and of the calendar's name must
equal what the notes give, and the days a phone shows are written out by hand below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from awkward_vault import BACKSLASH_NAME, LONG_NAME, make_awkward_vault
from conftest import SAMPLE_TODAY, SAMPLE_VAULT, write_note
from interop_readers import READERS, unavailable

from vaultsync.outputs.calendar_check import (
    MAX_OCTETS,
    Reading,
    expected_reading,
    format_problems,
    reading_differences,
)
from vaultsync.pipeline import build


@dataclass(frozen=True)
class Written:
    path: Path
    data: bytes
    expected: Reading


def _written(root: Path, out: Path) -> Written:
    result = build(root, SAMPLE_TODAY, out)
    return Written(out, out.read_bytes(), expected_reading(result.audit.vault, SAMPLE_TODAY))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Written:
    return _written(SAMPLE_VAULT, tmp_path_factory.mktemp("sample") / "sample.ics")


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Written:
    base = tmp_path_factory.mktemp("awkward")
    return _written(make_awkward_vault(base / "vault"), base / "awkward.ics")


#: A job seeker's vault on 2026-11-20, one note for each day a deadline must show on a phone.
PHONE_NOTES = {
    ".vaultsync.toml": 'reminder_time = "08:30"\n',
    # a check-in window that opened three weeks ago and closes in a week
    "Window.md": "---\ntype: contact\ninterviews: [2026-09-28]\nthank_you_sent: 2026-09-29\n---\n",
    # a window closed in September: overdue, on today
    "Closed.md": "---\ntype: contact\ninterviews: [2026-08-01]\nthank_you_sent: 2026-08-02\n---\n",
    # a letter for an interview two days ago, due tomorrow
    "Letter.md": "---\ntype: contact\ninterviews: [2026-11-18]\n---\n",
    # a letter due three days ago
    "Late.md": "---\ntype: contact\ninterviews: [2026-11-14]\n---\n",
    # an interview without a time; the note last recorded a check-in on 2026-11-12
    "All day.md": (
        "---\ntype: contact\ninterviews: [2026-10-10, 2026-11-23]\nthank_you_sent: 2026-10-11\n"
        "check_ins: [2026-11-12]\n---\n"
    ),
    # a meeting at 15:30, the first thing the note records
    "Timed.md": '---\ntype: contact\ninterviews: ["2026-11-24T15:30"]\n---\n',
}


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Written:
    base = tmp_path_factory.mktemp("phone")
    for path, text in PHONE_NOTES.items():
        write_note(base / "vault", path, text)
    return _written(base / "vault", base / "phone.ics")


@pytest.fixture(params=["sample", "awkward", "phone"])
def written(request: pytest.FixtureRequest) -> Written:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("reader", READERS)
def test_every_parser_reads_every_event_as_the_notes_say(written: Written, reader: str) -> None:
    reading = READERS[reader](written.path)
    assert len(reading.events) == len(written.expected.events) > 10
    assert reading_differences(written.expected, reading, reader) == []


@pytest.mark.parametrize("reader", READERS)
def test_no_stamp_is_later_than_the_day_built(written: Written, reader: str) -> None:
    """DTSTAMP and LAST-MODIFIED are the same, and never in the future wherever the day has begun."""
    first_midnight = dt.datetime.combine(SAMPLE_TODAY, dt.time(), dt.timezone(dt.timedelta(hours=14)))
    for event in READERS[reader](written.path).events:
        assert event["stamp"] == event["modified"], event["uid"]
        stamp = dt.datetime.fromisoformat(event["stamp"])
        assert stamp <= first_midnight, event["uid"]


def test_framing_crlf_folding_unique_uids(written: Written) -> None:
    assert format_problems(written.data) == []
    lines = written.data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= MAX_OCTETS
    uids = [e["uid"] for e in written.expected.events]
    assert len(uids) == len(set(uids)) == written.data.count(b"BEGIN:VEVENT")


def test_the_awkward_vault_is_awkward(awkward: Written) -> None:
    """Guard the fixture: long lines really fold, 4-byte characters sit near fold points."""
    folds = awkward.data.count(b"\r\n ")
    assert folds > 50
    assert "👩‍💻".encode() in awkward.data and "🇧🇷".encode() in awkward.data
    assert any(len(line) > 70 and line.decode().isascii() is False for line in awkward.data.split(b"\r\n"))
    assert len(LONG_NAME.encode()) > MAX_OCTETS


# What the notes in awkward_vault.py say, written out by hand (the vault is judged on 2026-11-20
# in America/New_York): anchors `expected_reading` itself to the notes.
NINE, DAY = 9 * 3600, 86400
BY_HAND = {
    'Thank-you letter: Smith, Jones; Partners (Acme, Inc.; R&D: "Labs")': (
        "2026-11-19",  # from the day after the 2026-11-18 interview
        "2026-11-22",  # through the due day, interview + 3 days
        True,
        [NINE, 2 * DAY + NINE],  # at reminder_time 09:00 on the first day and on the due day
    ),
    f"Thank-you letter: {BACKSLASH_NAME} (Semi;colon\\Back)": (
        "2026-11-18",
        "2026-11-21",
        True,
        [NINE, 2 * DAY + NINE],
    ),
    "Informational interview: Алексей Смирнов (Яндекс)": (
        "2026-11-26T13:00:00Z",  # 14:00+01:00
        "2026-11-26T13:30:00Z",
        False,
        [-DAY],  # the day before, at the same time: prepare your questions
    ),
    "Informational interview: Zoë 👩‍💻 Émile 🇧🇷 (Café Ñandú)": (
        "2026-11-27T14:15:00Z",  # 09:15 in New York, EST
        "2026-11-27T14:45:00Z",
        False,
        [-DAY],
    ),
    "Overdue: thank-you letter: 李小龙 (北京大学)": ("2026-11-20", "2026-11-21", True, [NINE]),
    # overdue: one event, on today (its opening day 2026-10-01 is no longer shown as well)
    "Overdue: check in with محمد علي (جامعة القاهرة)": ("2026-11-20", "2026-11-21", True, [NINE]),
    "Thank-you letter: अनन्या शर्मा (भारतीय प्रौद्योगिकी संस्थान)": (
        "2026-11-20",
        "2026-11-23",
        True,
        [NINE, 2 * DAY + NINE],
    ),
}


@pytest.mark.parametrize("reader", READERS)
def test_awkward_names_read_back_as_written_by_hand(awkward: Written, reader: str) -> None:
    reading = READERS[reader](awkward.path)
    assert reading.name == "Interviews, 2026; ✨ \\ and more"
    by_summary = {e["summary"]: e for e in reading.events}
    for summary, (start, end, all_day, triggers) in BY_HAND.items():
        event = by_summary[summary]
        assert (event["start"], event["end"], event["all_day"]) == (start, end, all_day), summary
        assert [a["trigger"] for a in event["alarms"]] == triggers, summary
    long = [s for s in by_summary if LONG_NAME in s]
    assert len(long) == 2  # the check-in window opening and closing (its thank-you, 47 days late, lapsed)


# The phone vault's events by hand, in calendar order: the days they cover (DTEND exclusive),
# TRANSP, DTSTAMP, SEQUENCE and the alarms (seconds from the start; reminder_time is 08:30).
AT = 8 * 3600 + 1800
OPEN, BUSY = "TRANSPARENT", "OPAQUE"
PHONE_BY_HAND = [
    # Window.md: it opened three weeks ago ...
    ("Check in with Window", "2026-10-28", "2026-10-29", OPEN, "2026-09-28", 0, [AT]),
    # Letter.md: from the day after the interview through the due day, tomorrow
    ("Thank-you letter: Letter", "2026-11-19", "2026-11-22", OPEN, "2026-11-18", 0, [AT, 2 * DAY + AT]),
    # Closed.md: the window opened 2026-08-31 and closed 2026-09-30, no check-in; 90 days after
    # the thank-you, keep in touch took over from it (due 2026-10-31 through 2026-11-14); Late.md:
    # the letter was to be written 2026-11-15 to 2026-11-17. Overdue, each is one event, on today
    # (their own days left the calendar); SEQUENCE counts the days each moved since it first showed
    ("Overdue: keep in touch with Closed", "2026-11-20", "2026-11-21", OPEN, "2026-11-20", 5, [AT]),
    ("Overdue: thank-you letter: Late", "2026-11-20", "2026-11-21", OPEN, "2026-11-20", 2, [AT]),
    # All day.md: an all-day reminder, its alarm at 08:30 the day before; stamped with the last
    # day the note records (the check-in of 2026-11-12)
    ("Informational interview: All day", "2026-11-23", "2026-11-24", OPEN, "2026-11-12", 0, [AT - DAY]),
    # Timed.md: busy for half an hour; the note records nothing before it
    ("Informational interview: Timed", "2026-11-24T15:30:00", "2026-11-24T16:00:00", BUSY, None, 0, [-DAY]),
    # ... and Window.md's closes in a week
    ("Last day to check in with Window", "2026-11-27", "2026-11-28", OPEN, "2026-09-28", 0, [AT]),
    ("Check in with Late", "2026-12-14", "2026-12-15", OPEN, "2026-11-14", 0, [AT]),
    ("Check in with Letter", "2026-12-18", "2026-12-19", OPEN, "2026-11-18", 0, [AT]),
    ("Last day to check in with Late", "2027-01-13", "2027-01-14", OPEN, "2026-11-14", 0, [AT]),
    ("Last day to check in with Letter", "2027-01-17", "2027-01-18", OPEN, "2026-11-18", 0, [AT]),
    # All day.md checked in on 2026-11-12: keep in touch 90 days later
    ("Keep in touch with All day", "2027-02-10", "2027-02-11", OPEN, "2026-11-12", 0, [AT]),
]


def _stamped(day: str | None) -> str:
    """DTSTAMP for a day: its start in UTC+14, where each day begins first; 1970 for no day."""
    if day is None:
        return "1970-01-01T00:00:00Z"
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.timezone(dt.timedelta(hours=14)))
    return start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("reader", READERS)
def test_each_deadline_shows_on_the_days_a_phone_needs(phone: Written, reader: str) -> None:
    reading = READERS[reader](phone.path)
    assert [
        (
            e["summary"],
            e["start"],
            e["end"],
            e["transp"],
            e["stamp"],
            e["modified"],
            e["sequence"],
            [a["trigger"] for a in e["alarms"]],
        )
        for e in reading.events
    ] == [
        (summary, start, end, transp, _stamped(day), _stamped(day), sequence, triggers)
        for summary, start, end, transp, day, sequence, triggers in PHONE_BY_HAND
    ]
    closing = [e["uid"] for e in reading.events if e["summary"].startswith("Last day")]
    assert all(uid.endswith("-closes@vaultsync") for uid in closing) and len(closing) == 3


# Broken calendars every parser must not pass off as the notes: each either reports an error or
# reads something else (proof that the comparison above can fail).
CORRUPTIONS = {
    "a date written with dashes": (b"DTSTART;VALUE=DATE:20261119", b"DTSTART;VALUE=DATE:2026-11-19"),
    "a day that does not exist": (b"DTSTART;VALUE=DATE:20261119", b"DTSTART;VALUE=DATE:20261131"),
    "an escaped backslash lost": (b"C:\\\\new", b"C:\\new"),
    "an unescaped comma in the summary": (b"Smith\\, Jones", b"Smith, Jones"),
    "a meeting shown as free time": (b"TRANSP:OPAQUE", b"TRANSP:TRANSPARENT"),
    "a stamp a day later": (b"DTSTAMP:20261119T100000Z", b"DTSTAMP:20261120T100000Z"),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
@pytest.mark.parametrize("reader", READERS)
def test_a_broken_calendar_never_reads_as_the_notes(
    awkward: Written, reader: str, corruption: str, tmp_path: Path
) -> None:
    old, new = CORRUPTIONS[corruption]
    assert awkward.data.count(old) >= 1
    broken = tmp_path / "broken.ics"
    broken.write_bytes(awkward.data.replace(old, new))
    differences = reading_differences(awkward.expected, READERS[reader](broken), reader)
    if (reader, corruption) in READ_RIGHT_ANYWAY:
        assert differences == []
    else:
        assert differences != []


#: Broken input a parser still reads as meant (measured): lenient, but not a misreading. The same
#: unescaped comma cuts the summary short in vobject; a day that does not exist is read as
#: 2026-12-01 by ical.js and kept as 2026-11-31 by libical; ical.js reads 2026-11-19 with dashes
#: as 2025-11-01.
READ_RIGHT_ANYWAY = {
    ("libical", "a date written with dashes"),
    ("icalendar", "an unescaped comma in the summary"),
    ("ical.js", "an unescaped comma in the summary"),
    ("libical", "an unescaped comma in the summary"),
}


def test_the_calendar_name_is_escaped_text(awkward: Written) -> None:
    """A plain str is written unescaped by icalendar; vobject then cut the name at the comma."""
    assert b"\r\nNAME:Interviews\\, 2026\\; \xe2\x9c\xa8 \\\\ and more\r\n" in awkward.data
    assert b"\r\nX-WR-CALNAME:Interviews\\, 2026\\; \xe2\x9c\xa8 \\\\ and more\r\n" in awkward.data


def test_a_missing_parser_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="npm ci --prefix tests/interop"):
        unavailable("ical.js is missing: install Node.js, then run: npm ci --prefix tests/interop")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true: every parser must run"):
        unavailable("ical.js is missing")
