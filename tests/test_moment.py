"""The moment: timed interviews held from their end, the user's day, --now, and the outputs that follow."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from pathlib import Path

import pytest
from conftest import at, contact, run_cli, write_note
from icalendar import Calendar

from vaultsync import pipeline
from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.incremental.memo import BuildMemo
from vaultsync.model.contact_values import build_contact
from vaultsync.model.deadlines import next_change
from vaultsync.model.finding import Finding
from vaultsync.model.now import judged_at, machine_zone
from vaultsync.model.rules import contact_findings
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.reading.note import Note, parse_note
from vaultsync.store import files
from vaultsync.store.loader import load_vault

D, T = dt.date, dt.datetime
JANE = "Contacts/Jane Doe.md"


def jane(interviews: str = "2026-11-20T15:00", extra: str = "") -> str:
    return (
        "---\ntype: contact\nname: Jane Doe\nemail: jane@example.org\n"
        f"interviews:\n  - {interviews}\n{extra}---\n## Questions\n- How did you start?\n"
    )


def found(text: str, when: dt.date | dt.datetime, settings=DEFAULTS) -> list[tuple[str, str, str]]:
    person = contact(text, JANE, settings)
    return sorted(
        (f.rule, f.level, f.message) for f in contact_findings(person, at(when, settings), settings)
    )


THANKS = (
    "thank-you",
    "upcoming",
    "Send a thank-you letter for the 2026-11-20 interview (due 2026-11-23): what you enjoyed, "
    "the advice that helped, what you plan to do with it; then record thank_you_sent.",
)
ADVICE = (
    "record",
    "info",
    "Record the advice they offered at the 2026-11-20 interview (the advice property or an ## Advice section).",
)
ASK = (
    "ask-referrals",
    "info",
    "Ask in your thank-you letter or check-in whether they know other people who could help, "
    "then record them in referrals.",
)
HELD = [ASK, ADVICE, THANKS]
HELD_RULES = ["thank-you", "ask-referrals", "record"]  # as the reports order them


# --- held from its end


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (T(2026, 11, 20, 9, 0), []),  # the morning of a 3 pm interview
        (T(2026, 11, 20, 14, 59), []),
        (T(2026, 11, 20, 15, 29), []),  # under way
        (T(2026, 11, 20, 15, 29, 59, 999999), []),
        (T(2026, 11, 20, 15, 30), HELD),  # 30 minutes: over
        (T(2026, 11, 20, 23, 0), HELD),
    ],
)
def test_a_timed_interview_is_held_from_its_end(clock: dt.datetime, expected: list) -> None:
    assert found(jane(), clock) == expected


def test_today_judges_as_at_the_end_of_the_day() -> None:
    assert found(jane(), D(2026, 11, 20)) == HELD  # what --today always meant
    assert found(jane(), D(2026, 11, 19)) == []
    assert found(jane("2026-11-20"), T(2026, 11, 20, 0, 0)) == HELD  # a day: held all that day


@pytest.mark.parametrize(
    ("interviews", "extra", "settings", "ends"),
    [
        ("2026-11-20T15:00", "", {"interview_minutes": 45}, T(2026, 11, 20, 15, 45)),
        ("2026-11-20T15:00", "interview_minutes: 90\n", {"interview_minutes": 45}, T(2026, 11, 20, 16, 30)),
        ("2026-11-20T15:00/16:15", "interview_minutes: 90\n", {}, T(2026, 11, 20, 16, 15)),
        ('"2026-11-20T15:00/2026-11-20T15:20"', "", {}, T(2026, 11, 20, 15, 20)),
    ],
)
def test_how_long_an_interview_lasts(interviews: str, extra: str, settings: dict, ends: dt.datetime) -> None:
    configured = settings_from_mapping(settings)
    minute = dt.timedelta(minutes=1)
    assert found(jane(interviews, extra), ends - minute, configured) == []
    assert found(jane(interviews, extra), ends, configured) == HELD


def test_an_interview_that_ends_the_next_day() -> None:
    text = jane("2026-11-20T23:30/2026-11-21T00:30")
    assert found(text, T(2026, 11, 21, 0, 29)) == []
    assert [f[0] for f in found(text, T(2026, 11, 21, 0, 30))] == ["ask-referrals", "record", "thank-you"]
    assert found(jane("2026-11-20T23:45"), D(2026, 11, 20)) == []  # ends at 00:15: not by the day's end


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "2026-11-20T15:00/14:00",
            "interviews: '2026-11-20T15:00/14:00' ends before it starts (an interview that ends the "
            "next day: write the whole end, 2026-11-21T14:00)",
        ),
        (
            "2026-11-20/16:00",
            "interviews: '2026-11-20/16:00': an end needs a start time (write YYYY-MM-DDTHH:MM/HH:MM)",
        ),
        (
            "2026-11-20T15:00/25:00",
            "interviews: '2026-11-20T15:00/25:00': '25:00' is not a time of day",
        ),
        (
            "2026-11-20T15:00/soon",
            "interviews: 'soon' is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)",
        ),
        (
            "2026-11-20T15:00/2026-11-20",
            "interviews: '2026-11-20T15:00/2026-11-20': write the end as HH:MM, or as a date and time like the start",
        ),
    ],
)
def test_an_end_that_cannot_be_used_is_reported(written: str, message: str) -> None:
    parsed = parse_note(JANE, jane(written).encode())
    assert isinstance(parsed, Note)
    built, problems = build_contact(parsed, DEFAULTS)
    assert [(p.line, p.message) for p in problems] == [(5, message)]
    assert built.interviews == ()


def test_a_contact_length_that_is_not_a_number_is_reported() -> None:
    parsed = parse_note(JANE, jane(extra="interview_minutes: an hour\n").encode())
    assert isinstance(parsed, Note)
    built, problems = build_contact(parsed, DEFAULTS)
    assert [(p.line, p.message) for p in problems] == [
        (
            7,
            "interview_minutes: expected a whole number of minutes from 1 to 525600 (a year), got 'an hour'",
        )
    ]
    assert built.interview_minutes is None and built.interviews == (T(2026, 11, 20, 15, 0),)


# --- the user's day


BOSTON = settings_from_mapping({"timezone": "America/New_York"})
TOKYO = settings_from_mapping({"timezone": "Asia/Tokyo"})
CALL = '"2026-11-21T08:00+09:00"'  # 18:00 on 20 November in Boston


def test_an_interview_with_an_offset_falls_on_the_users_day() -> None:
    assert found(jane(CALL), D(2026, 11, 20), BOSTON) == HELD  # due 2026-11-23: three days after the 20th
    assert found(jane(CALL), T(2026, 11, 20, 18, 29), BOSTON) == []
    assert found(jane(CALL), T(2026, 11, 20, 18, 30), BOSTON) == HELD
    in_tokyo = found(jane(CALL), D(2026, 11, 21), TOKYO)
    assert [m for _, _, m in in_tokyo][2] == THANKS[2].replace("2026-11-20", "2026-11-21").replace(
        "2026-11-23", "2026-11-24"
    )
    assert found(jane(CALL), D(2026, 11, 20), TOKYO) == []


def test_the_machines_zone_when_no_timezone_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert str(machine_zone()) == "America/New_York"
    assert found(jane(CALL), D(2026, 11, 20)) == HELD
    now = judged_at(T(2026, 11, 20, 23, 30, tzinfo=dt.UTC), DEFAULTS)
    assert (now.day, now.wall) == (D(2026, 11, 20), T(2026, 11, 20, 18, 30))
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert judged_at(T(2026, 11, 20, 23, 30, tzinfo=dt.UTC), DEFAULTS).day == D(2026, 11, 21)


def test_the_next_change_is_the_next_end_or_the_next_day() -> None:
    people = [
        contact(jane(), JANE, BOSTON),
        contact(jane("2026-11-20T11:00/12:15"), "Contacts/Bo.md", BOSTON),
    ]

    def after(hour: int, minute: int) -> dt.datetime:
        return next_change(people, at(T(2026, 11, 20, hour, minute), BOSTON), BOSTON).astimezone(dt.UTC)

    assert after(9, 0) == T(2026, 11, 20, 17, 15, tzinfo=dt.UTC)  # 12:15 in Boston
    assert after(12, 15) == T(2026, 11, 20, 20, 30, tzinfo=dt.UTC)  # 15:30
    assert after(15, 30) == T(2026, 11, 21, 5, 0, tzinfo=dt.UTC)  # midnight


# --- the command line


def test_now_on_the_command_line(vault: Path) -> None:
    write_note(vault, JANE, jane())

    def rules(*when: str) -> list[str]:
        code, out, err = run_cli("audit", vault, *when, "--format", "json")
        assert (code, err) == (0, "")
        return [f["rule"] for f in json.loads(out)["findings"]]

    assert rules("--now", "2026-11-20T15:29") == []
    assert rules("--now", "2026-11-20T15:30") == HELD_RULES
    assert rules("--today", "2026-11-20") == HELD_RULES
    (vault / ".vaultsync.toml").write_text('timezone = "America/New_York"\n')
    assert rules("--now", "2026-11-20T20:29Z") == []  # 15:29 in Boston
    assert rules("--now", "2026-11-20T15:30-05:00") == HELD_RULES


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--now", "2026-11-20"),
            "vaultsync: --now: '2026-11-20' is not a date and time (use YYYY-MM-DDTHH:MM, "
            "with an offset such as +09:00 or Z if you like)\n",
        ),
        (
            ("--now", "2026-11-20T25:00"),
            "vaultsync: --now: '2026-11-20T25:00' is not a date and time (use YYYY-MM-DDTHH:MM, "
            "with an offset such as +09:00 or Z if you like)\n",
        ),
        (
            ("--now", "0206-11-20T15:00"),
            "vaultsync: --now: 0206-11-20T15:00:00 is outside the years 1900 to 2999: check the date\n",
        ),
        (
            ("--now", "2026-11-20T15:00", "--today", "2026-11-20"),
            "vaultsync: --today and --now: give one of them\n",
        ),
    ],
)
def test_a_bad_now_is_a_usage_error(vault: Path, args: tuple[str, ...], message: str) -> None:
    write_note(vault, JANE, jane())
    for command in ("audit", "build", "doctor"):
        assert run_cli(command, vault, *args) == (2, "", message)


# --- the calendar, the memo, the caches and the watcher follow


def events(data: bytes) -> dict[str, tuple[str, object, object]]:
    """Each VEVENT parsed back: UID -> (summary, start, end)."""
    return {
        str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND"))
        for e in Calendar.from_ical(data).walk("VEVENT")
    }


def uid(kind: str, suffix: str = "") -> str:
    note = hashlib.sha256(JANE.encode()).hexdigest()[:16]
    return f"{kind}-2026-11-20T150000-{note}{suffix}@vaultsync"


def test_the_calendar_as_the_interview_ends(vault: Path) -> None:
    write_note(vault, JANE, jane("2026-11-20T15:00/16:15"))
    loaded = load_vault(vault)
    meeting = {
        uid("prepare"): ("Informational interview: Jane Doe", T(2026, 11, 20, 15), T(2026, 11, 20, 16, 15))
    }
    assert events(calendar_bytes(loaded, T(2026, 11, 20, 9, 0))) == meeting
    assert events(calendar_bytes(loaded, T(2026, 11, 20, 16, 14))) == meeting
    held = events(calendar_bytes(loaded, T(2026, 11, 20, 16, 15)))
    assert held == {
        **meeting,  # shown all its day: the same UID, nothing added twice
        # from the day after the interview through the due day (DTEND is exclusive)
        uid("thank-you"): ("Thank-you letter: Jane Doe", D(2026, 11, 21), D(2026, 11, 24)),
        # the window: the day it opens, and its closing day
        uid("check-in"): ("Check in with Jane Doe", D(2026, 12, 20), D(2026, 12, 21)),
        uid("check-in", "-closes"): ("Last day to check in with Jane Doe", D(2027, 1, 19), D(2027, 1, 20)),
    }
    assert events(calendar_bytes(loaded, D(2026, 11, 20))) == held  # --today: as at the day's end
    due = {f.due for f in pipeline.audit(loaded, T(2026, 11, 20, 16, 15)).findings if f.rule == "thank-you"}
    assert due == {D(2026, 11, 23)} == {held[uid("thank-you")][2] - dt.timedelta(days=1)}
    # the days between: the letter still shows, and the window's closing day until it has passed
    assert events(calendar_bytes(loaded, D(2026, 11, 23)))[uid("thank-you")][1:] == (
        D(2026, 11, 21),
        D(2026, 11, 24),
    )
    on_closing_day = events(calendar_bytes(loaded, D(2027, 1, 19)))
    assert on_closing_day[uid("check-in", "-closes")][1] == D(2027, 1, 19)
    assert uid("check-in") in on_closing_day


def test_the_calendar_of_a_call_in_another_zone(vault: Path) -> None:
    (vault / ".vaultsync.toml").write_text('timezone = "America/New_York"\n')
    write_note(vault, JANE, jane(CALL))
    loaded = load_vault(vault)
    call = f"prepare-2026-11-21T080000+0900-{hashlib.sha256(JANE.encode()).hexdigest()[:16]}@vaultsync"
    before = events(calendar_bytes(loaded, T(2026, 11, 20, 12, 0)))
    assert before == {
        call: (
            "Informational interview: Jane Doe",
            T(2026, 11, 20, 23, tzinfo=dt.UTC),
            T(2026, 11, 20, 23, 30, tzinfo=dt.UTC),
        )
    }
    after = events(calendar_bytes(loaded, T(2026, 11, 20, 18, 30)))
    thanks = call.replace("prepare-", "thank-you-")
    assert after[thanks] == ("Thank-you letter: Jane Doe", D(2026, 11, 21), D(2026, 11, 24))
    assert after[call] == before[call]


def two_contacts(vault: Path) -> None:
    write_note(vault, JANE, jane())
    write_note(vault, "Contacts/Bo Li.md", jane("2026-11-20T17:00").replace("Jane Doe", "Bo Li"))


def test_the_memo_builds_again_as_an_interview_ends(vault: Path) -> None:
    two_contacts(vault)
    loaded, memo, key = load_vault(vault), BuildMemo(), Finding.sort_key
    first = memo.build(loaded, T(2026, 11, 20, 15, 29))
    assert first.until == T(2026, 11, 20, 15, 30, tzinfo=machine_zone())
    assert memo.build(loaded, T(2026, 11, 20, 15, 29, 59)).found_in is first.found_in  # nothing ended
    for clock in (
        T(2026, 11, 20, 15, 30),
        T(2026, 11, 20, 17, 29),
        T(2026, 11, 20, 17, 30),
        T(2026, 11, 21, 9),
    ):
        built, fresh = memo.build(loaded, clock), BuildMemo().build(loaded, clock)
        assert b"".join(built.calendar) == b"".join(fresh.calendar) == calendar_bytes(loaded, clock), clock
        assert (
            sorted(built.found, key=key)
            == sorted(fresh.found, key=key)
            == list(pipeline.audit(loaded, clock).findings)
        )
        assert built.until == fresh.until
    assert built.until == T(2026, 11, 22, tzinfo=machine_zone())


def test_the_caches_do_not_give_a_report_made_before_an_interview_ended(vault: Path, monkeypatch) -> None:
    monkeypatch.setattr(files, "RACY_NS", 0)  # notes just written count as settled: kept at once
    two_contacts(vault)
    before, still, after = T(2026, 11, 20, 15, 29), T(2026, 11, 20, 15, 29, 59), T(2026, 11, 20, 15, 30)
    first = pipeline.report(vault, before, "json", "v", cache=True)
    again = pipeline.report(vault, still, "json", "v", cache=True)
    assert again.audit is None and again.text == first.text  # given again: nothing ended since
    later = pipeline.report(vault, after, "json", "v", cache=True)
    assert (
        later.audit is not None
        and later.text == pipeline.report(vault, after, "json", "v").text != first.text
    )
    calendar = vault / "vaultsync.ics"
    assert pipeline.build_report(vault, before, cache=True).build is not None
    assert pipeline.build_report(vault, still, cache=True).build is None  # the stored build's words
    for when in (after, T(2026, 11, 20, 17, 30)):
        assert pipeline.build_report(vault, when, cache=True).build is not None
        assert calendar.read_bytes() == calendar_bytes(load_vault(vault), when)


def test_the_watcher_builds_again_as_an_interview_ends(vault: Path, caplog) -> None:
    from test_watch import Live, eventually

    two_contacts(vault)
    clock = [T(2026, 11, 20, 15, 29)]
    with (
        caplog.at_level(logging.INFO, logger="vaultsync"),
        Live(vault, today=None, clock=lambda: clock[0]) as live,
    ):
        assert "Thank-you letter: Jane Doe" not in live.summaries()
        clock[0] = T(2026, 11, 20, 15, 29, 59)
        time.sleep(0.2)  # ten ticks: nothing ended, nothing built
        assert len(live.builds) == 1
        clock[0] = T(2026, 11, 20, 15, 30)  # no file event at all
        live.shows("Thank-you letter: Jane Doe", absent=("Thank-you letter: Bo Li",))
        assert len(live.builds) == 2
        assert live.calendar.read_bytes() == calendar_bytes(load_vault(vault), clock[0])
        clock[0] = T(2026, 11, 20, 17, 30)
        live.shows("Thank-you letter: Jane Doe", "Thank-you letter: Bo Li")
        clock[0] = T(2026, 11, 21, 0, 0)
        eventually(lambda: len(live.builds) == 4)
        assert live.builds[-1].audit.today == D(2026, 11, 21)
    reasons = [r.getMessage().split(":")[0] for r in caplog.records if "deadline" in r.getMessage()]
    assert reasons == ["start", "an interview ended", "an interview ended", "new day 2026-11-21"]


def test_the_memo_keeps_its_results_when_the_zone_is_read_from_a_file(vault: Path, monkeypatch) -> None:
    def no_link(path: str) -> str:
        raise OSError(22, "not a symbolic link", path)  # /etc/localtime copied, as in many containers

    monkeypatch.setenv("TZ", "")
    monkeypatch.setattr("vaultsync.model.now.os.readlink", no_link)
    assert machine_zone() is not machine_zone()  # a new object each time
    two_contacts(vault)
    loaded, memo = load_vault(vault), BuildMemo()
    first = memo.build(loaded, T(2026, 11, 20, 9, 0))
    assert memo.build(loaded, T(2026, 11, 20, 9, 1)).found_in is first.found_in  # nothing evaluated again
