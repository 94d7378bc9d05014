"""Awaiting a reply, walked day by day: what the audit says and what the phone shows, every day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar
import pytest
from conftest import at, contact, run_cli, write_note

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.errors import ConfigError
from vaultsync.model.dates import add_business_days
from vaultsync.model.deadlines import deadlines
from vaultsync.model.replies import no_reply
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.store.loader import load_vault

D = dt.date
ONE_DAY = dt.timedelta(days=1)
ANA = "---\ntype: contact\norganization: Acme\nemail: ana@acme.example\noutreach: [{sent}]\n{extra}---\n"

OTHER = (
    "No reply since you wrote on 2026-11-06 (3 business days): write to another person at Acme or "
    "among the people suggested to you; follow up on 2026-11-17 if still no answer. Record their "
    "answer in replied."
)
FOLLOW_UP = (
    "Follow up once: no reply to your 2026-11-06 message in 7 business days. Keep it short and "
    "polite; then add its date to outreach."
)
LATE = (
    "You meant to follow up on 2026-11-17: no reply to your 2026-11-06 message in 7 business days. "
    "Keep it short and polite; then add its date to outreach."
)
MOVE_ON = (
    "No answer to your messages of 2026-11-06 and 2026-11-19: move on to other people; no more "
    "reminders about it (record replied if they answer later)."
)


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (D(2026, 11, 6), 1, D(2026, 11, 9)),  # Friday + 1: Monday
        (D(2026, 11, 6), 3, D(2026, 11, 11)),  # Friday + 3: Wednesday
        (D(2026, 11, 6), 7, D(2026, 11, 17)),  # Friday + 7: the Tuesday after next
        (D(2026, 11, 7), 1, D(2026, 11, 9)),  # Saturday + 1: Monday
        (D(2026, 11, 8), 5, D(2026, 11, 13)),  # Sunday + 5: Friday
        (D(2026, 11, 2), 5, D(2026, 11, 9)),  # Monday + 5: Monday
        (D(2026, 11, 7), 0, D(2026, 11, 7)),
    ],
)
def test_business_days(day: dt.date, count: int, expected: dt.date) -> None:
    assert add_business_days(day, count) == expected


def _findings(root: Path, day: dt.date) -> list[tuple[str, str, str | None, str]]:
    code, out, _ = run_cli("audit", root, "--today", day.isoformat(), "--format", "json")
    found = json.loads(out)["findings"]
    assert code == (1 if any(f["level"] == "overdue" for f in found) else 0)
    return [(f["rule"], f["level"], f["due"], f["message"]) for f in found]


def _phone(root: Path, day: dt.date) -> list[tuple[str, str, str]]:
    """The events that begin on ``day``: (category, title, the first alarm's text)."""
    events = icalendar.Calendar.from_ical(calendar_bytes(load_vault(root), day)).walk("VEVENT")
    return sorted(
        (str(e["CATEGORIES"].cats[0]), str(e["SUMMARY"]), str(e.walk("VALARM")[0]["DESCRIPTION"]))
        for e in events
        if e.decoded("DTSTART") == day
    )


def test_a_friday_outreach_walked_day_by_day(tmp_path: Path) -> None:
    """Written to on Friday 2026-11-06; followed up on Thursday 2026-11-19; never an answer."""
    expected: dict[dt.date, list[tuple[str, str, str | None, str]]] = {}
    for day in (D(2026, 11, 6), D(2026, 11, 9), D(2026, 11, 10)):  # Friday, Monday, Tuesday
        expected[day] = []
    for day in (D(2026, 11, 11), D(2026, 11, 13), D(2026, 11, 14), D(2026, 11, 16)):
        expected[day] = [("no-reply-other", "due", "2026-11-16", OTHER)]
    expected[D(2026, 11, 17)] = [("no-reply-follow-up", "due", "2026-11-17", FOLLOW_UP)]
    expected[D(2026, 11, 18)] = [("no-reply-follow-up", "overdue", "2026-11-17", LATE)]
    for day in (D(2026, 11, 19), D(2026, 11, 27), D(2026, 11, 29)):  # followed up on the 19th
        expected[day] = []
    for day in (D(2026, 11, 30), D(2026, 12, 6)):  # 7 business days on; shown for a week
        expected[day] = [("no-reply-move-on", "info", "2026-11-30", MOVE_ON)]
    expected[D(2026, 12, 7)] = []  # then silence
    expected[D(2027, 3, 1)] = []
    day, before = D(2026, 11, 6), set()
    while day <= D(2026, 12, 8):
        sent = "2026-11-06, 2026-11-19" if day >= D(2026, 11, 19) else "2026-11-06"
        write_note(tmp_path, "Ana.md", ANA.format(sent=sent, extra=""))
        found = _findings(tmp_path, day)
        if day in expected:
            assert found == expected[day], day
        phone = _phone(tmp_path, day)
        # what the phone shows on a day: the stage the audit begins to list that day, or the
        # overdue copy of one
        begins = [(rule, level) for rule, level, _, _ in found if level == "overdue" or rule not in before]
        assert [(c, "overdue" if t.startswith("Overdue") else "") for c, t, _ in phone] == [
            (rule, "overdue" if level == "overdue" else "") for rule, level in begins
        ], day
        day, before = day + ONE_DAY, {rule for rule, _, _, _ in found}
    assert _phone(tmp_path, D(2026, 11, 11)) == [
        (
            "no-reply-other",
            "No reply yet from Ana (Acme): write to someone else",
            "No reply yet from Ana (Acme): write to someone else",
        )
    ]


def test_the_stages_ahead_are_in_the_calendar_with_stable_uids(tmp_path: Path) -> None:
    write_note(tmp_path, "Ana.md", ANA.format(sent="2026-11-06", extra=""))
    cal = icalendar.Calendar.from_ical(calendar_bytes(load_vault(tmp_path), D(2026, 11, 6)))
    seen = [
        (str(e["UID"]).split("-2026")[0], e.decoded("DTSTART"), str(e["URL"])) for e in cal.walk("VEVENT")
    ]
    assert [s[:2] for s in seen] == [
        ("no-reply-other", D(2026, 11, 11)),
        ("no-reply-follow-up", D(2026, 11, 17)),
    ]
    assert all(url.startswith("file://") and url.endswith("/Ana.md") for _, _, url in seen)
    later = icalendar.Calendar.from_ical(calendar_bytes(load_vault(tmp_path), D(2026, 11, 12)))
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    assert uids == {str(e["UID"]) for e in later.walk("VEVENT")}
    assert all(uid.startswith("no-reply-") and "-2026-11-06-" in uid for uid in uids)


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        ("replied: 2026-11-10\n", "a reply"),
        ("contacted: 2026-11-06\n", "a call the same day"),
        ("interviews: [2026-12-01]\n", "an interview planned"),
        ("follow_up: false\n", "no writing again"),
        ("do_not_contact: true\n", "nothing at all"),
    ],
)
def test_an_answer_or_a_choice_ends_it(tmp_path: Path, extra: str, kind: str) -> None:
    write_note(tmp_path, "Ana.md", ANA.format(sent="2026-11-06", extra=extra))
    for day in (D(2026, 11, 11), D(2026, 11, 17), D(2026, 11, 18)):
        assert [f for f in _findings(tmp_path, day) if f[0].startswith("no-reply")] == [], (kind, day)
        assert [e for e in _phone(tmp_path, day) if e[0].startswith("no-reply")] == [], (kind, day)


def test_an_outreach_after_an_answer_waits_again() -> None:
    ana = contact(ANA.format(sent="2026-11-06", extra="replied: 2026-10-01\n"))
    assert [f.rule for f in no_reply(ana, at(D(2026, 11, 11)), DEFAULTS)] == ["no-reply-other"]


def test_without_an_organization_and_before_since() -> None:
    ana = contact("---\ntype: contact\noutreach: 2026-11-06\n---\n")
    (found,) = no_reply(ana, at(D(2026, 11, 11)), DEFAULTS)
    assert "write to another person among the people suggested to you;" in found.message
    later = settings_from_mapping({"since": "2026-11-07"})
    assert (
        no_reply(ana, at(D(2026, 11, 11), later), later) == []
        and deadlines(ana, at(D(2026, 11, 11), later), later) == []
    )


def test_the_numbers_are_settings() -> None:
    settings = settings_from_mapping(
        {"no_reply_other_days": 1, "no_reply_follow_up_days": 2, "no_reply_move_on_days": 1}
    )
    ana = contact(ANA.format(sent="2026-11-06", extra=""))
    assert [(d.kind, d.start, d.end) for d in deadlines(ana, at(D(2026, 11, 6), settings), settings)] == [
        ("no-reply-other", D(2026, 11, 9), D(2026, 11, 9)),
        ("no-reply-follow-up", D(2026, 11, 10), D(2026, 11, 10)),
    ]
    twice = contact(ANA.format(sent="2026-11-06, 2026-11-10", extra=""))
    assert [(d.kind, d.start, d.end) for d in deadlines(twice, at(D(2026, 11, 10), settings), settings)] == [
        ("no-reply-move-on", D(2026, 11, 11), D(2026, 11, 17))
    ]
    hidden = settings_from_mapping({"no_reply_move_on_shown_days": 0})
    assert deadlines(twice, at(D(2026, 11, 10), hidden), hidden) == []
    same = settings_from_mapping({"no_reply_other_days": 7})  # no first stage
    assert [d.kind for d in deadlines(ana, at(D(2026, 11, 6), same), same)] == ["no-reply-follow-up"]
    with pytest.raises(ConfigError, match="no_reply_follow_up_days must not be before no_reply_other_days"):
        settings_from_mapping({"no_reply_other_days": 8})
