"""The calendar, parsed back with icalendar and compared event by event with the notes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote

import icalendar
import pytest
from conftest import SAMPLE_TODAY, SAMPLE_VAULT, at, write_note

from vaultsync.model.across import across_contacts
from vaultsync.model.dates import day_of
from vaultsync.model.deadlines import last_contact
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.pipeline import build
from vaultsync.store.loader import load_vault

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def small_vault(vault: Path) -> Path:
    (vault / ".obsidian").mkdir()
    write_note(
        vault,
        "Contacts/Jane Doe.md",
        """
        ---
        type: contact
        organization: Northwind
        email: j@n.example
        interviews: [2026-10-01, 2026-11-18]
        thank_you_sent: 2026-10-02
        referrals: ["Ana Ortiz, 413-555-0199"]
        advice: [Volunteer first.]
        ---
        """,
    )
    write_note(
        vault,
        "Contacts/Marcus Lee.md",
        """
        ---
        type: contact
        interviews: ["2026-11-24T15:30"]
        ---
        """,
    )
    write_note(
        vault,
        "Contacts/Old Friend.md",
        """
        ---
        type: contact
        interviews: [2026-08-01]
        thank_you_sent: 2026-08-02
        ---
        """,
    )
    write_note(
        vault,
        "Contacts/Quiet.md",
        "---\ntype: contact\ndo_not_contact: true\ninterviews: [2026-11-01]\n---\n",
    )
    return vault


def events(path: Path) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return list(cal.walk("VEVENT"))


def view(event: icalendar.Event) -> tuple:
    return (
        str(event["UID"]).split("-", 1)[0],
        event.decoded("DTSTART"),
        event.decoded("DTEND"),
        str(event["SUMMARY"]),
        event.categories,
        str(event["TRANSP"]),
        [alarm.decoded("TRIGGER") for alarm in event.walk("VALARM")],
    )


def test_events_match_the_notes(small_vault: Path):
    result = build(small_vault, TODAY)
    D, T, FREE, NINE = dt.date, dt.timedelta, "TRANSPARENT", [dt.timedelta(hours=9)]
    jane, friend = "Jane Doe (Northwind)", "Old Friend"
    assert [view(e) for e in events(result.path)] == [
        # Old Friend: latest interview 2026-08-01, check-in window 08-31..09-30 not done; 90 days
        # after the thank-you sent 08-02, keep in touch takes over from it (due through 11-14):
        # overdue, so only its event on today (below), not its opening day 10-31 as well
        # Jane suggested Ana Ortiz (no note yet), dated by the 11-18 interview: reach out from the
        # day after through 11-25, an alarm on the first day and on the due day
        (
            "referral",
            D(2026, 11, 19),
            D(2026, 11, 26),
            "Reach out to Ana Ortiz",
            ["referral"],
            FREE,
            [T(hours=9), T(days=6, hours=9)],
        ),
        # Jane: thank-you for 11-18, from the day after through its due day 11-21 (the 10-01 one
        # was sent), with an alarm at reminder_time on the first day and on the due day
        (
            "thank",
            D(2026, 11, 19),
            D(2026, 11, 22),
            f"Thank-you letter: {jane}",
            ["thank-you"],
            FREE,
            [T(hours=9), T(days=2, hours=9)],
        ),
        # Old Friend's keep in touch again, overdue on today
        (
            "keep",
            TODAY,
            D(2026, 11, 21),
            f"Overdue: keep in touch with {friend}",
            ["keep-in-touch"],
            FREE,
            NINE,
        ),
        # Marcus: a timed interview, 30 minutes, busy, alarm the day before
        (
            "prepare",
            dt.datetime(2026, 11, 24, 15, 30),
            dt.datetime(2026, 11, 24, 16, 0),
            "Informational interview: Marcus Lee",
            ["prepare"],
            "OPAQUE",
            [T(days=-1)],
        ),
        # Jane: check-in window after the latest interview opens 2026-12-18 and closes 2027-01-17
        ("check", D(2026, 12, 18), D(2026, 12, 19), f"Check in with {jane}", ["check-in"], FREE, NINE),
        (
            "check",
            D(2027, 1, 17),
            D(2027, 1, 18),
            f"Last day to check in with {jane}",
            ["check-in"],
            FREE,
            NINE,
        ),
    ]


def test_event_details(small_vault: Path):
    result = build(small_vault, TODAY)
    jane = next(e for e in events(result.path) if str(e["SUMMARY"]).startswith("Thank-you letter: Jane"))
    assert str(jane["UID"]).startswith("thank-you-2026-11-18-") and str(jane["UID"]).endswith("@vaultsync")
    # the day of the interview it follows, at its start in UTC+14: never in the future
    assert (
        jane.decoded("DTSTAMP")
        == jane.decoded("LAST-MODIFIED")
        == dt.datetime(2026, 11, 17, 10, tzinfo=dt.UTC)
    )
    assert jane["SEQUENCE"] == 0
    assert str(jane["TRANSP"]) == "TRANSPARENT"
    assert [str(a["DESCRIPTION"]) for a in jane.walk("VALARM")] == [
        "Write the thank-you letter to Jane Doe (Northwind), due 2026-11-21",
        "Last day for the thank-you letter to Jane Doe (Northwind)",
    ]
    description = str(jane["DESCRIPTION"])
    assert "Advice they offered:\n- Volunteer first." in description
    assert "People they suggested:\n- Ana Ortiz (413-555-0199)" in description
    link = f"obsidian://open?vault={small_vault.name}&file=Contacts%2FJane%20Doe"
    assert description.endswith(f"Open the note: {link}") and str(jane["URL"]) == link


def test_calendar_properties(small_vault: Path):
    data = build(small_vault, TODAY).path.read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Informational interviews"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data
    assert b"METHOD:" not in data
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert data.count(b"\r\n") == data.count(b"\n")
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))


def test_file_link_without_obsidian(vault: Path):
    write_note(vault, "Ana, Ortiz; é.md", "---\ntype: contact\ninterviews: [2026-11-19]\n---\n")
    event = events(build(vault, TODAY).path)[0]
    assert str(event["URL"]) == (vault.resolve() / "Ana, Ortiz; é.md").as_uri()
    assert str(event["SUMMARY"]) == "Thank-you letter: Ana, Ortiz; é"


def test_same_vault_same_day_same_bytes_and_uids_stable_across_days(small_vault: Path, tmp_path: Path):
    one = build(small_vault, TODAY, tmp_path / "a.ics").path.read_bytes()
    two = build(small_vault, TODAY, tmp_path / "b.ics").path.read_bytes()
    assert one == two
    later = events(build(small_vault, TODAY + dt.timedelta(days=1), tmp_path / "c.ics").path)
    earlier = events(tmp_path / "a.ics")
    assert {str(e["UID"]) for e in later} == {str(e["UID"]) for e in earlier}
    overdue = [e for e in later if str(e["UID"]).endswith("-overdue@vaultsync")]
    assert [e.decoded("DTSTART") for e in overdue] == [TODAY + dt.timedelta(days=1)]


def test_unchanged_calendar_is_not_rewritten(small_vault: Path):
    first = build(small_vault, TODAY)
    stat = first.path.stat()
    again = build(small_vault, TODAY)
    assert (first.written, again.written) == (True, False)
    assert (again.path.stat().st_mtime_ns, again.path.stat().st_ino) == (stat.st_mtime_ns, stat.st_ino)
    assert not [p.name for p in first.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_timezone_setting(small_vault: Path):
    (small_vault / ".vaultsync.toml").write_text('timezone = "America/New_York"\n')
    data = build(small_vault, TODAY).path.read_bytes()
    assert b"DTSTART;TZID=America/New_York:20261124T153000\r\n" in data
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n" in data


def test_every_sample_vault_event_comes_from_a_note_deadline():
    """Each thank-you event sits on interview + 3, each check-in on the latest interview + 30."""
    vault = load_vault(SAMPLE_VAULT)
    by_path = {c.path: c for c in vault.contacts}
    cal = icalendar.Calendar.from_ical(calendar_bytes(vault, SAMPLE_TODAY))
    seen, one = set(), dt.timedelta(days=1)
    deadlines = across_contacts(vault.contacts, at(SAMPLE_TODAY), vault.settings)[1]
    # an overdue deadline is one event, on today; any other, its own days
    expected = {
        (
            d.kind,
            d.anchor,
            d.link,
            *((SAMPLE_TODAY, SAMPLE_TODAY + one) if d.end < SAMPLE_TODAY else (d.start, d.end + one)),
        )
        for d in deadlines
    }
    across = set()
    for event in cal.walk("VEVENT"):
        kind, anchor = re.match(
            r"(thank-you|check-in|prepare|no-reply-[a-z-]+|keep-in-touch|referral|close-loop)-(\d{4}-\d{2}-\d{2})",
            str(event["UID"]),
        ).groups()
        interview = dt.date.fromisoformat(anchor)
        path = unquote(str(event["URL"]).split("&file=")[1]) + ".md"
        if kind in ("referral", "close-loop"):  # the rules across contacts: from their deadlines
            assert event.categories == [kind]
            across.add((kind, interview, path, event.decoded("DTSTART"), event.decoded("DTEND")))
            continue
        contact = by_path[path]
        held = [day_of(m) for m in contact.interviews if day_of(m) <= SAMPLE_TODAY]
        start = event.decoded("DTSTART")
        assert not contact.do_not_contact and event.categories == [kind]
        if kind.startswith("no-reply-"):  # from an outreach: asked, never answered
            assert interview in contact.outreach and contact.follow_up
            assert not [d for d in (*contact.replies, *contact.contacted) if d >= interview]
            seen.add(contact.name)
            continue
        assert kind == "keep-in-touch" or interview in [day_of(m) for m in contact.interviews]
        if str(event["UID"]).endswith("-overdue@vaultsync"):
            assert start == SAMPLE_TODAY and str(event["SUMMARY"]).startswith("Overdue: ")
        elif kind == "thank-you":
            assert (start, event.decoded("DTEND")) == (interview + one, interview + 4 * one)
            assert not any(sent >= interview for sent in contact.thank_you_sent)
        elif kind == "keep-in-touch":  # 90 days after the latest contact
            assert start == interview + 90 * one and interview == last_contact(
                contact, at(SAMPLE_TODAY), vault.settings
            )
        elif kind == "check-in":
            closes = str(event["UID"]).endswith("-closes@vaultsync")
            assert start == interview + (60 if closes else 30) * one and interview == max(held)
            assert not any(done > interview for done in contact.check_ins)
        else:
            assert start in contact.interviews and interview >= SAMPLE_TODAY
        seen.add(contact.name)
    assert across == expected and len(deadlines) >= 2  # the older ones have lapsed
    assert "Rosa Delgado" not in seen  # follow_up: false, and thanked
    assert seen == {
        "Dana Whitfield",
        "Luis Romero",
        "Jane Doe",
        "Marcus Lee",
        "Priya Natarajan",
        "Tomás Herrera",
        "Grace Kim",
        "Olusegun Adeyemi",
        "Daniel Okafor",
        "Lena Fischer",
        "Samir Haddad",
        "Emily Nakamura",
        "Hannah Schmidt",  # thanked and checked in: keep in touch, from 2027-01-18
        "Arjun Mehta",  # thanked and checked in: keep in touch, from 2027-02-14
        "Nina Alvarez",  # her check-in window, from 2026-11-28
    }


def kind(event: icalendar.Event) -> str:
    """The rule and, for a deadline's other events, their UID suffix: ``check-in-closes``."""
    uid = str(event["UID"]).removesuffix("@vaultsync")
    return uid.split("-2026")[0] + next((s for s in ("-overdue", "-closes") if uid.endswith(s)), "")


TOMORROW = "Tomorrow: informational interview with Ana. Prepare your questions."


def test_one_day_letters_and_windows_and_an_all_day_interview(vault: Path):
    """A letter due the day after the interview is one day with one alarm; a window that opens and
    closes on the same day is one event; an interview without a time alarms at reminder_time the
    day before, and is stamped with the last day the note records before it."""
    (vault / ".vaultsync.toml").write_text(
        'thank_you_days = 1\ncheck_in_opens_days = 30\ncheck_in_closes_days = 30\nreminder_time = "07:45"\n'
    )
    write_note(vault, "Ana.md", "---\ntype: contact\ninterviews: [2026-11-18, 2026-11-23]\n---\n")
    D, AT, FREE = dt.date, dt.timedelta(hours=7, minutes=45), "TRANSPARENT"
    held, today = dt.datetime(2026, 11, 17, 10, tzinfo=dt.UTC), dt.datetime(2026, 11, 19, 10, tzinfo=dt.UTC)

    def seen(day: dt.date) -> list[tuple]:
        return [
            (
                kind(e),
                e.decoded("DTSTART"),
                e.decoded("DTEND"),
                [(a.decoded("TRIGGER"), str(a["DESCRIPTION"])) for a in e.walk("VALARM")],
                str(e["TRANSP"]),
                e.decoded("DTSTAMP"),
            )
            for e in events(build(vault, day).path)
        ]

    # at 07:45 on 2026-11-22; stamped with the interview held 2026-11-18
    prepare = (
        "prepare",
        D(2026, 11, 23),
        D(2026, 11, 24),
        [(AT - dt.timedelta(days=1), TOMORROW)],
        FREE,
        held,
    )
    check_in = ("check-in", D(2026, 12, 18), D(2026, 12, 19), [(AT, "Check in with Ana")], FREE, held)
    letter = (
        "thank-you",
        D(2026, 11, 19),
        D(2026, 11, 20),
        [(AT, "Last day for the thank-you letter to Ana")],
    )
    assert seen(D(2026, 11, 19)) == [(*letter, FREE, held), prepare, check_in]
    # the day after, overdue: one event, on today, and no longer its own day as well
    overdue = ("thank-you-overdue", TODAY, D(2026, 11, 21), [(AT, "Overdue: thank-you letter: Ana")])
    assert seen(TODAY) == [(*overdue, FREE, today), prepare, check_in]


def test_follow_up_false_keeps_the_thank_you_and_the_interview_but_no_check_in(tmp_path: Path) -> None:
    write_note(
        tmp_path,
        "Ana.md",
        "---\ntype: contact\nfollow_up: false\ninterviews: [2026-11-18, 2026-12-02]\noutreach: [2026-11-02]\n---\n",
    )
    cal = icalendar.Calendar.from_ical(calendar_bytes(load_vault(tmp_path), TODAY))
    assert [(str(e["CATEGORIES"].cats[0]), e.decoded("DTSTART")) for e in cal.walk("VEVENT")] == [
        ("thank-you", dt.date(2026, 11, 19)),
        ("prepare", dt.date(2026, 12, 2)),
    ]
