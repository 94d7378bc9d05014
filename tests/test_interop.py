"""The calendars vaultsync writes, read by the parsers real clients use, compared with the notes.

Not "it parsed": each parser's reading of every event (UID, start, end, all-day, summary,
description, alarm) and of the calendar's name must equal what the notes give.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from awkward_vault import BACKSLASH_NAME, LONG_NAME, make_awkward_vault
from conftest import SAMPLE_TODAY, SAMPLE_VAULT
from interop_readers import READERS, unavailable

from vaultsync.calendar_check import (
    MAX_OCTETS,
    Reading,
    expected_reading,
    format_problems,
    reading_differences,
)
from vaultsync.sync import build


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


@pytest.fixture(params=["sample", "awkward"])
def written(request: pytest.FixtureRequest) -> Written:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("reader", READERS)
def test_every_parser_reads_every_event_as_the_notes_say(written: Written, reader: str) -> None:
    reading = READERS[reader](written.path)
    assert len(reading.events) == len(written.expected.events) > 10
    assert reading_differences(written.expected, reading, reader) == []


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
BY_HAND = {
    'Thank-you letter: Smith, Jones; Partners (Acme, Inc.; R&D: "Labs")': (
        "2026-11-21",  # interview 2026-11-18 + 3 days
        "2026-11-22",
        True,
        9 * 3600,  # the alarm at reminder_time 09:00
    ),
    f"Thank-you letter: {BACKSLASH_NAME} (Semi;colon\\Back)": ("2026-11-20", "2026-11-21", True, 9 * 3600),
    "Informational interview: Алексей Смирнов (Яндекс)": (
        "2026-11-26T13:00:00Z",  # 14:00+01:00
        "2026-11-26T13:30:00Z",
        False,
        -86400,  # the day before: prepare your questions
    ),
    "Informational interview: Zoë 👩‍💻 Émile 🇧🇷 (Café Ñandú)": (
        "2026-11-27T14:15:00Z",  # 09:15 in New York, EST
        "2026-11-27T14:45:00Z",
        False,
        -86400,
    ),
    "Overdue: thank-you letter: 李小龙 (北京大学)": ("2026-11-20", "2026-11-21", True, 9 * 3600),
    "Check in with محمد علي (جامعة القاهرة)": ("2026-10-01", "2026-10-02", True, 9 * 3600),
    "Thank-you letter: अनन्या शर्मा (भारतीय प्रौद्योगिकी संस्थान)": ("2026-11-22", "2026-11-23", True, 9 * 3600),
}


@pytest.mark.parametrize("reader", READERS)
def test_awkward_names_read_back_as_written_by_hand(awkward: Written, reader: str) -> None:
    reading = READERS[reader](awkward.path)
    assert reading.name == "Interviews, 2026; ✨ \\ and more"
    by_summary = {e["summary"]: e for e in reading.events}
    for summary, (start, end, all_day, trigger) in BY_HAND.items():
        event = by_summary[summary]
        assert (event["start"], event["end"], event["all_day"]) == (start, end, all_day), summary
        assert [a["trigger"] for a in event["alarms"]] == [trigger], summary
    long = [s for s in by_summary if LONG_NAME in s]
    assert len(long) == 3  # thank-you, its overdue copy, check-in


# Broken calendars every parser must not pass off as the notes: each either reports an error or
# reads something else (proof that the comparison above can fail).
CORRUPTIONS = {
    "a date written with dashes": (b"DTSTART;VALUE=DATE:20261121", b"DTSTART;VALUE=DATE:2026-11-21"),
    "a day that does not exist": (b"DTSTART;VALUE=DATE:20261121", b"DTSTART;VALUE=DATE:20261131"),
    "an escaped backslash lost": (b"C:\\\\new", b"C:\\new"),
    "an unescaped comma in the summary": (b"Smith\\, Jones", b"Smith, Jones"),
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
#: 2026-12-01 by ical.js and kept as 2026-11-31 by libical; ical.js reads 2026-11-21 with dashes
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
