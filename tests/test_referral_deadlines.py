"""Referrals followed to the end (issue 17): reach the people suggested within a week of the
referral, then let the referrer know once you have met them. Every boundary with an injected day,
exact findings, calendars parsed back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import icalendar
import pytest
from conftest import at, contact, run_cli, write_note

from vaultsync import pipeline
from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.incremental.index import VaultIndex
from vaultsync.incremental.memo import BuildMemo
from vaultsync.model.across import across_contacts, referral
from vaultsync.model.contact import Contact
from vaultsync.model.rules import evaluate
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.store.loader import load_vault

D = dt.date
ONE = dt.timedelta(days=1)
#: Rosa met on Monday 2026-11-02 and suggested Ben (who has a note) and Carla (who has none).
ROSA = """
---
type: contact
email: rosa@example.org
interviews: [2026-11-02]
thank_you_sent: 2026-11-03
advice: [Talk to editors.]
referrals:
  - "[[Ben Okafor]]"
  - "Carla Diaz, 555-0100"
---
"""
BEN = "---\ntype: contact\nemail: ben@example.org\n---\n"


def people(**ben: object) -> list[Contact]:
    rosa = contact(ROSA, "Contacts/Rosa Diaz.md")
    okafor = dataclasses.replace(contact(BEN, "Contacts/Ben Okafor.md"), **ben)  # type: ignore[arg-type]
    return [okafor, rosa]


def seen(found: list, rule: str = "referral") -> list[tuple[str, str, D | None, str]]:
    return sorted((f.contact, f.level, f.due, f.message) for f in found if f.rule == rule)


BEN_DUE = (
    "Reach out to Ben Okafor, suggested by Rosa Diaz (interview 2026-11-02; {}due 2026-11-09); "
    "no outreach or interview yet. Then record the date in outreach."
)
CARLA_DUE = (
    "Reach out to Carla Diaz (555-0100), suggested by Rosa Diaz (interview 2026-11-02; {}due "
    "2026-11-09); no note for them yet. Then record the date in a note for them (outreach)."
)


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (D(2026, 11, 2), "upcoming"),  # the day of the referral
        (D(2026, 11, 3), "due"),  # the day after
        (D(2026, 11, 9), "due"),  # day 7: the due day
        (D(2026, 11, 10), "overdue"),  # day 8
        (D(2026, 12, 9), "overdue"),  # day 37: 30 days past due, the last day it shouts
        (D(2026, 12, 10), "lapsed"),  # more than lapse_days past due: history (model.settle)
    ],
)
def test_a_referral_is_due_a_week_after_the_referrers_interview(today: D, level: str) -> None:
    was = "was " if level in ("overdue", "lapsed") else ""
    assert seen(referral(people(), at(today), DEFAULTS)) == [
        ("Ben Okafor", level, D(2026, 11, 9), BEN_DUE.format(was)),
        ("Carla Diaz", level, D(2026, 11, 9), CARLA_DUE.format(was)),
    ]


@pytest.mark.parametrize(
    "reached",
    [
        {"outreach": (D(2026, 11, 9),)},  # written to on the due day
        {"outreach": (D(2026, 10, 1),)},  # written to before Rosa suggested him
        {"replies": (D(2026, 11, 5),)},
        {"contacted": (D(2026, 11, 4),)},
        {"interviews": (D(2026, 11, 30),)},  # a meeting planned
        {"follow_up": False},
    ],
)
def test_reaching_the_person_clears_it(reached: dict[str, object]) -> None:
    found = referral(people(**reached), at(D(2026, 11, 9)), DEFAULTS)
    assert [f.contact for f in found if f.rule == "referral"] == ["Carla Diaz"]


def test_outreach_on_the_day_after_the_due_day_clears_an_overdue_one() -> None:
    assert [
        f.level for f in referral(people(), at(D(2026, 11, 10)), DEFAULTS) if f.contact == "Ben Okafor"
    ] == ["overdue"]
    found = referral(people(outreach=(D(2026, 11, 10),)), at(D(2026, 11, 10)), DEFAULTS)
    assert [f.contact for f in found] == ["Carla Diaz"]


def test_undated_when_the_referrer_has_no_interview_held_since_since() -> None:
    rosa = contact(ROSA.replace("interviews: [2026-11-02]\n", ""), "Contacts/Rosa Diaz.md")  # never met
    found = referral([rosa, contact(BEN, "Contacts/Ben Okafor.md")], at(D(2026, 11, 20)), DEFAULTS)
    assert [(f.level, f.due, f.message) for f in found] == [
        ("info", None, "Reach out to Ben Okafor, suggested by Rosa Diaz; no interview yet."),
        ("info", None, "Reach out to Carla Diaz (555-0100), suggested by Rosa Diaz; no note for them yet."),
    ]
    # Issue 17 (the moment): a referral follows the meeting at which it is given; with that
    # meeting still ahead, nothing yet (this asserted the two undated findings before).
    planned = contact(ROSA.replace("2026-11-02]", "2026-11-30]"), "Contacts/Rosa Diaz.md")
    assert referral([planned, contact(BEN, "Contacts/Ben Okafor.md")], at(D(2026, 11, 20)), DEFAULTS) == []
    since = settings_from_mapping({"since": "2026-11-03"})
    found = referral(people(), at(D(2026, 11, 20), since), since)
    assert [(f.contact, f.level, f.due) for f in found] == [
        ("Ben Okafor", "info", None),
        ("Carla Diaz", "info", None),
    ]


def test_a_second_interview_with_the_referrer_dates_the_referral_again() -> None:
    rosa = contact(ROSA.replace("[2026-11-02]", "[2026-11-02, 2026-11-20]"), "Contacts/Rosa Diaz.md")
    day19 = referral([rosa], at(D(2026, 11, 19)), DEFAULTS)
    day20 = referral([rosa], at(D(2026, 11, 20)), DEFAULTS)
    assert [(f.level, f.due) for f in day19] == [("overdue", D(2026, 11, 9))] * 2
    assert [(f.level, f.due) for f in day20] == [("upcoming", D(2026, 11, 27))] * 2


def test_several_referrers_count_from_the_first_referral() -> None:
    tom = contact(
        "---\ntype: contact\ninterviews: [2026-11-06]\nreferrals: ['carla díaz']\n---\n", "Contacts/Tom.md"
    )
    found = referral([*people(), tom], at(D(2026, 11, 9)), DEFAULTS)
    carla = [f for f in found if f.contact == "Carla Diaz"]
    assert [(f.level, f.due, f.message.split(" (interview")[0]) for f in carla] == [
        ("due", D(2026, 11, 9), "Reach out to Carla Diaz (555-0100), suggested by Rosa Diaz and Tom")
    ]


def test_referral_days_is_a_setting() -> None:
    three = settings_from_mapping({"referral_days": 3})
    assert {(f.level, f.due) for f in referral(people(), at(D(2026, 11, 5), three), three)} == {
        ("due", D(2026, 11, 5))
    }
    assert {f.level for f in referral(people(), at(D(2026, 11, 6), three), three)} == {"overdue"}
    zero = settings_from_mapping({"referral_days": 0})
    assert {(f.level, f.due) for f in referral(people(), at(D(2026, 11, 2), zero), zero)} == {
        ("upcoming", D(2026, 11, 2))
    }
    assert {f.level for f in referral(people(), at(D(2026, 11, 3), zero), zero)} == {"overdue"}


# --- close the loop with the referrer

LOOP = (
    "Let Rosa Diaz know that you met Ben Okafor, whom they suggested (interview 2026-11-12; {}due "
    "2026-11-19): thank them for the introduction and say how it went. Then record the date in contacted."
)


@pytest.mark.parametrize(
    ("today", "level"),
    [
        (D(2026, 11, 11), None),  # not met yet: the meeting is ahead
        (D(2026, 11, 12), "upcoming"),  # the day of the meeting
        (D(2026, 11, 13), "due"),
        (D(2026, 11, 19), "due"),  # day 7
        (D(2026, 11, 20), "overdue"),  # day 8
    ],
)
def test_once_met_the_referrer_hears_of_it_within_a_week(today: D, level: str | None) -> None:
    found = seen(referral(people(interviews=(D(2026, 11, 12),)), at(today), DEFAULTS), "close-loop")
    if level is None:
        assert found == []
    else:
        assert found == [
            ("Rosa Diaz", level, D(2026, 11, 19), LOOP.format("was " if level == "overdue" else ""))
        ]


@pytest.mark.parametrize(
    ("told", "cleared"),
    [
        ({"check_ins": (D(2026, 11, 19),)}, True),  # on the due day
        ({"contacted": (D(2026, 11, 12),)}, True),  # the day of the meeting
        ({"outreach": (D(2026, 11, 14),)}, True),
        ({"replies": (D(2026, 11, 14),)}, True),
        ({"thank_you_sent": (D(2026, 11, 13),)}, True),
        ({"interviews": (D(2026, 11, 2), D(2026, 11, 15))}, True),  # met Rosa again
        ({"contacted": (D(2026, 11, 11),)}, False),  # before the meeting: it could not say
        ({"interviews": (D(2026, 11, 2), D(2026, 11, 25))}, False),  # a meeting still ahead
        ({"follow_up": False}, True),  # Rosa wants no reminders
    ],
)
def test_any_contact_with_the_referrer_since_the_meeting_closes_the_loop(told: dict, cleared: bool) -> None:
    ben, rosa = people(interviews=(D(2026, 11, 12),))
    rosa = dataclasses.replace(rosa, **told)
    found = referral([ben, rosa], at(D(2026, 11, 20)), DEFAULTS)
    assert [f.level for f in found if f.rule == "close-loop"] == ([] if cleared else ["overdue"])


def test_close_loop_days_is_a_setting_and_since_applies() -> None:
    met = people(interviews=(D(2026, 11, 12),))
    two = settings_from_mapping({"close_loop_days": 2})
    assert [
        (f.level, f.due) for f in referral(met, at(D(2026, 11, 14), two), two) if f.rule == "close-loop"
    ] == [("due", D(2026, 11, 14))]
    since = settings_from_mapping({"since": "2026-11-13"})
    assert [f for f in referral(met, at(D(2026, 11, 14), since), since) if f.rule == "close-loop"] == []


# --- on disk, through the CLI and the calendar


def vault_with_rosa(root: Path) -> Path:
    write_note(root, "Contacts/Rosa Diaz.md", ROSA)
    write_note(root, "Contacts/Ben Okafor.md", BEN)
    (root / ".obsidian").mkdir()
    return root


def test_a_referral_for_carla_diaz_finds_the_note_carla_diaz_with_an_accent(vault: Path) -> None:
    """ "Carla Diaz" in a referral never matched ``Carla Díaz.md``; its file name in NFD either."""
    vault_with_rosa(vault)
    write_note(vault, "Contacts/Carla Di\u0301az.md", "---\ntype: contact\nemail: c@example.org\n---\n")
    code, out, _ = run_cli("audit", vault, "--today", "2026-11-05", "--format", "json")
    found = [(f["contact"], f["path"]) for f in json.loads(out)["findings"] if f["rule"] == "referral"]
    assert found == [
        ("Ben Okafor", "Contacts/Ben Okafor.md"),
        ("Carla Di\u0301az", "Contacts/Carla Di\u0301az.md"),
    ]


def test_outreach_from_an_interaction_note_clears_the_referral(vault: Path) -> None:
    vault_with_rosa(vault)
    args = ("audit", vault, "--today", "2026-11-09", "--format", "json")
    before = [f["contact"] for f in json.loads(run_cli(*args)[1])["findings"] if f["rule"] == "referral"]
    write_note(
        vault,
        "Log/Email to Ben.md",
        "---\ndate: 2026-11-09\nComm-Type: Sent\ncontacts: ['[[Ben Okafor]]']\n---\n",
    )
    after = [f["contact"] for f in json.loads(run_cli(*args)[1])["findings"] if f["rule"] == "referral"]
    assert (before, after) == (["Ben Okafor", "Carla Diaz"], ["Carla Diaz"])


def events(root: Path, today: D) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(calendar_bytes(load_vault(root), today))
    return [e for e in cal.walk("VEVENT") if str(e["CATEGORIES"].cats[0]) in ("referral", "close-loop")]


def view(event: icalendar.Event) -> tuple:
    return (
        str(event["UID"]).endswith("-overdue@vaultsync"),
        event.decoded("DTSTART"),
        event.decoded("DTEND"),
        str(event["SUMMARY"]),
        [(alarm.decoded("TRIGGER"), str(alarm["DESCRIPTION"])) for alarm in event.walk("VALARM")],
        str(event["URL"]),
        int(event["SEQUENCE"]),
    )


def test_the_calendar_shows_the_referrals_and_the_loop_to_close(vault: Path) -> None:
    vault_with_rosa(vault)
    rosa_link = f"obsidian://open?vault={vault.name}&file=Contacts%2FRosa%20Diaz"
    nine, week = dt.timedelta(hours=9), dt.timedelta(days=6, hours=9)
    assert sorted(view(e) for e in events(vault, D(2026, 11, 4))) == [
        (
            False,
            D(2026, 11, 3),
            D(2026, 11, 10),  # from the day after the referral through the due day, 11-09
            f"Reach out to {name}",
            [
                (nine, f"Reach out to {name}, suggested by Rosa Diaz, by 2026-11-09"),
                (week, f"Last day to reach out to {name}, suggested by Rosa Diaz"),
            ],
            rosa_link,  # the referrer's note, where the referral is written
            0,
        )
        for name in ("Ben Okafor", "Carla Diaz")
    ]
    uids = {str(e["UID"]) for e in events(vault, D(2026, 11, 4))}
    assert len(uids) == 2
    assert all(uid.startswith("referral-2026-11-02-") and uid.endswith("@vaultsync") for uid in uids)
    assert uids == {str(e["UID"]) for e in events(vault, D(2026, 11, 9))}  # stable from day to day
    overdue = [v for v in map(view, events(vault, D(2026, 11, 11))) if v[0]]
    assert sorted((v[1], v[2], v[3], v[4], v[6]) for v in overdue) == [
        (
            D(2026, 11, 11),
            D(2026, 11, 12),
            f"Overdue: reach out to {name}",
            [(nine, f"Overdue: reach out to {name}")],
            1,  # the second day overdue
        )
        for name in ("Ben Okafor", "Carla Diaz")
    ]
    # Ben met on 11-12: his referral is done; Rosa is to be told by 11-19.
    write_note(
        vault, "Contacts/Ben Okafor.md", "---\ntype: contact\nemail: b@x.org\ninterviews: [2026-11-12]\n---\n"
    )
    loop = [
        view(e) for e in events(vault, D(2026, 11, 13)) if str(e["UID"]).startswith("close-loop-2026-11-12-")
    ]
    assert loop == [
        (
            False,
            D(2026, 11, 13),
            D(2026, 11, 20),
            "Tell Rosa Diaz you met Ben Okafor",
            [
                (nine, "Let Rosa Diaz know you met Ben Okafor, due 2026-11-19"),
                (week, "Last day to tell Rosa Diaz you met Ben Okafor"),
            ],
            rosa_link,
            0,
        )
    ]
    found = json.loads(run_cli("audit", vault, "--today", "2026-11-13", "--format", "json")[1])["findings"]
    assert [
        (f["rule"], f["contact"], f["due"]) for f in found if f["rule"] in ("referral", "close-loop")
    ] == [
        ("referral", "Carla Diaz", "2026-11-09"),
        ("close-loop", "Rosa Diaz", "2026-11-19"),
    ]


def test_the_calendar_and_the_audit_agree_on_every_day(vault: Path) -> None:
    """Walked day by day: each finding across contacts has its event, due on the same day."""
    vault_with_rosa(vault)
    write_note(
        vault, "Contacts/Ben Okafor.md", "---\ntype: contact\nemail: b@x.org\ninterviews: [2026-11-12]\n---\n"
    )
    write_note(
        vault, "Log/Rosa.md", "---\ndate: 2026-11-17\nwith: ['[[Rosa Diaz]]']\n---\nTold her about Ben.\n"
    )
    loaded = load_vault(vault)
    day = D(2026, 11, 1)
    while day <= D(2026, 11, 25):
        findings, deadlines, _ = across_contacts(loaded.contacts, at(day, loaded.settings), loaded.settings)
        dated = sorted((f.rule, f.due) for f in findings if f.due is not None)
        seen = [(str(e["CATEGORIES"].cats[0]), e, "overdue" in str(e["UID"])) for e in events(vault, day)]
        shown = sorted((kind, e.decoded("DTEND") - ONE) for kind, e, late in seen if not late)
        # an overdue deadline is one event, on the day: no longer its own days as well
        overdue = sorted((kind, e.decoded("DTSTART")) for kind, e, late in seen if late)
        assert dated == sorted((d.kind, d.end) for d in deadlines), day
        assert shown == sorted((d.kind, d.end) for d in deadlines if d.end >= day), day
        assert overdue == sorted((d.kind, day) for d in deadlines if d.end < day), day
        loop = [f.level for f in findings if f.rule == "close-loop"]
        assert loop == (
            ["upcoming"]
            if day == D(2026, 11, 12)
            else ["due"]
            if D(2026, 11, 12) < day < D(2026, 11, 17)
            else []
        ), day
        day += ONE


# --- the referrer's check-in names the people they suggested whom you have met since

CHECK_IN = (
    "Write again between 2026-10-31 and 2026-11-30 (interview 2026-10-01): how their advice helped, "
    "how your search is going. Then record it in check_ins."
)


@pytest.mark.parametrize(
    ("ben", "named"),
    [
        ((D(2026, 10, 20),), " Tell them that you have met Ben Okafor, whom they suggested."),
        ((D(2026, 9, 20),), ""),  # met before the interview the check-in follows
        ((D(2026, 11, 25),), ""),  # a meeting still ahead
        ((), ""),
    ],
)
def test_the_referrers_check_in_names_whom_you_have_met_since(ben: tuple[D, ...], named: str) -> None:
    rosa = contact(
        ROSA.replace("2026-11-02", "2026-10-01").replace("2026-11-03", "2026-10-02"), "Contacts/Rosa Diaz.md"
    )
    okafor = dataclasses.replace(contact(BEN, "Contacts/Ben Okafor.md"), interviews=ben)
    found = evaluate([rosa, okafor], at(D(2026, 11, 5)), DEFAULTS)
    assert [f.message for f in found if f.rule == "check-in" and f.contact == "Rosa Diaz"] == [
        CHECK_IN + named
    ]


def test_the_check_in_no_longer_names_whom_they_were_told_of() -> None:
    """Told of the meeting with Ben (the close-loop done), the referrer's check-in need not say it
    again: it named Ben after the 2026-10-25 message too, a reminder of something done. Not told,
    the check-in (its window open) is the one reminder that names him: the close-loop folds into
    it (issue 17's double reminder; this asserted both findings before)."""
    rosa = contact(
        ROSA.replace("2026-11-02", "2026-10-01").replace("2026-11-03", "2026-10-02"), "Contacts/Rosa Diaz.md"
    )
    okafor = dataclasses.replace(contact(BEN, "Contacts/Ben Okafor.md"), interviews=(D(2026, 10, 20),))
    named = " Tell them that you have met Ben Okafor, whom they suggested."
    for told, rules, said in (
        ((), ["check-in"], named),
        ((D(2026, 10, 25),), ["check-in"], ""),
    ):
        found = evaluate([dataclasses.replace(rosa, contacted=told), okafor], at(D(2026, 11, 5)), DEFAULTS)
        assert [f.rule for f in found if f.contact == "Rosa Diaz"] == rules
        assert [f.message for f in found if f.rule == "check-in" and f.contact == "Rosa Diaz"] == [
            CHECK_IN + said
        ]


def test_the_check_in_names_them_in_every_way_the_audit_is_made(vault: Path) -> None:
    """The CLI (notes read in workers, then the rules across contacts) and the watcher's memo."""
    write_note(
        vault,
        "Contacts/Rosa Diaz.md",
        ROSA.replace("2026-11-02", "2026-10-01").replace("2026-11-03", "2026-10-02"),
    )
    write_note(vault, "Contacts/Ben Okafor.md", BEN)
    write_note(
        vault,
        "Meetings/Ben.md",
        "---\ntype: coffee chat\ndate: 2026-10-20\npeople: ['[[Ben Okafor]]']\n---\n",
    )
    named = CHECK_IN + " Tell them that you have met Ben Okafor, whom they suggested."
    out = json.loads(run_cli("audit", vault, "--today", "2026-11-05", "--format", "json")[1])["findings"]
    assert [f["message"] for f in out if f["rule"] == "check-in" and f["contact"] == "Rosa Diaz"] == [named]
    memo = BuildMemo()
    index = VaultIndex(vault)
    index.scan()
    built = pipeline.build(index.vault(), D(2026, 11, 5), vault / "memo.ics", memo=memo)
    assert [f.message for f in built.audit.findings if f.rule == "check-in" and f.contact == "Rosa Diaz"] == [
        named
    ]
    again = pipeline.build(index.vault(), D(2026, 11, 5), vault / "memo.ics", memo=memo)
    assert again.audit.found_in is built.audit.found_in  # handed out again while nothing changed
    (vault / "Meetings/Ben.md").unlink()
    index.scan()
    after = pipeline.build(index.vault(), D(2026, 11, 5), vault / "memo.ics", memo=memo)
    assert [f.message for f in after.audit.findings if f.rule == "check-in" and f.contact == "Rosa Diaz"] == [
        CHECK_IN
    ]


# --- at the moment: a referral and a loop to close follow the interview's end (issue 17, Time)

T = dt.datetime
ROSA_AT_3 = ROSA.replace("interviews: [2026-11-02]", "interviews: ['2026-11-20T15:00']").replace(
    "thank_you_sent: 2026-11-03\n", ""
)
BEN_AT_3 = (
    "Reach out to Ben Okafor, suggested by Rosa Diaz (interview 2026-11-20; due 2026-11-27); "
    "no outreach or interview yet. Then record the date in outreach."
)


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (T(2026, 11, 20, 9, 0), []),  # the morning of a 3 pm interview at which Rosa suggests Ben
        (T(2026, 11, 20, 15, 29), []),  # under way
        (T(2026, 11, 20, 15, 29, 59, 999999), []),
        (
            T(2026, 11, 20, 15, 30),
            [("Ben Okafor", "upcoming", D(2026, 11, 27), BEN_AT_3)],
        ),  # 30 minutes: over
        (D(2026, 11, 20), [("Ben Okafor", "upcoming", D(2026, 11, 27), BEN_AT_3)]),  # --today: at its end
    ],
)
def test_no_referral_before_the_interview_at_which_it_was_given_has_ended(clock, expected) -> None:
    rosa = contact(ROSA_AT_3, "Contacts/Rosa Diaz.md")
    found = referral([contact(BEN, "Contacts/Ben Okafor.md"), rosa], at(clock), DEFAULTS)
    assert [f for f in seen(found) if f[0] == "Ben Okafor"] == expected
    assert len(found) == 2 * len(expected)  # and Carla, with no note, likewise


@pytest.mark.parametrize(
    ("clock", "level"),
    [
        (T(2026, 11, 12, 9, 0), None),  # the morning of the meeting with Ben
        (T(2026, 11, 12, 15, 29), None),
        (T(2026, 11, 12, 15, 30), "upcoming"),
        (T(2026, 11, 13, 8, 0), "due"),
    ],
)
def test_no_loop_to_close_before_the_meeting_with_the_person_suggested_has_ended(clock, level) -> None:
    found = seen(referral(people(interviews=(T(2026, 11, 12, 15, 0),)), at(clock), DEFAULTS), "close-loop")
    assert found == ([] if level is None else [("Rosa Diaz", level, D(2026, 11, 19), LOOP.format(""))])


def test_a_meeting_with_the_referrer_not_yet_ended_has_not_told_them() -> None:
    """Told of Ben at a second meeting with Rosa: only once that meeting is over."""
    ben, rosa = people(interviews=(D(2026, 11, 12),))
    rosa = dataclasses.replace(rosa, interviews=(D(2026, 11, 2), T(2026, 11, 15, 10, 0)))
    levels = {
        clock: [f.level for f in referral([ben, rosa], at(clock), DEFAULTS) if f.rule == "close-loop"]
        for clock in (T(2026, 11, 15, 10, 29), T(2026, 11, 15, 10, 30))
    }
    assert levels == {T(2026, 11, 15, 10, 29): ["due"], T(2026, 11, 15, 10, 30): []}


def test_an_interview_with_an_offset_dates_them_on_the_users_day() -> None:
    """A call with Tokyo at 08:00+09:00 on the 21st is 18:00 on the 20th in Boston: held from
    18:30 there, and the referral and the loop count from the 20th."""
    boston = settings_from_mapping({"timezone": "America/New_York"})
    rosa = contact(
        ROSA_AT_3.replace("2026-11-20T15:00", "2026-11-21T08:00+09:00"), "Contacts/Rosa Diaz.md", boston
    )
    okafor = contact(BEN, "Contacts/Ben Okafor.md", boston)
    before = referral([okafor, rosa], at(T(2026, 11, 20, 18, 29), boston), boston)
    after = referral([okafor, rosa], at(T(2026, 11, 20, 18, 30), boston), boston)
    assert (before, [f for f in seen(after) if f[0] == "Ben Okafor"]) == (
        [],
        [("Ben Okafor", "upcoming", D(2026, 11, 27), BEN_AT_3)],
    )
    met = dataclasses.replace(
        okafor, interviews=(T(2026, 11, 13, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))),)
    )
    rosa = contact(ROSA, "Contacts/Rosa Diaz.md", boston)
    loops = {
        clock: seen(referral([met, rosa], at(clock, boston), boston), "close-loop")
        for clock in (T(2026, 11, 12, 18, 29), T(2026, 11, 12, 18, 30))
    }
    assert loops == {
        T(2026, 11, 12, 18, 29): [],
        T(2026, 11, 12, 18, 30): [("Rosa Diaz", "upcoming", D(2026, 11, 19), LOOP.format(""))],
    }


def test_the_memo_and_the_watcher_build_again_as_the_referrers_interview_ends(vault: Path) -> None:
    from test_watch import Live, eventually

    write_note(vault, "Contacts/Rosa Diaz.md", ROSA_AT_3)
    write_note(vault, "Contacts/Ben Okafor.md", BEN)
    loaded, memo = load_vault(vault), BuildMemo()
    for clock in (
        T(2026, 11, 20, 9, 0),
        T(2026, 11, 20, 15, 29),
        T(2026, 11, 20, 15, 30),
        T(2026, 11, 21, 9),
    ):
        built = memo.build(loaded, clock)
        assert b"".join(built.calendar) == calendar_bytes(loaded, clock), clock
        assert sorted(built.found, key=lambda f: f.sort_key()) == list(pipeline.audit(loaded, clock).findings)
        assert [f.level for f in built.found if f.contact == "Ben Okafor"] == (
            [] if clock < T(2026, 11, 20, 15, 30) else ["upcoming"] if clock.day == 20 else ["due"]
        ), clock
    clock = [T(2026, 11, 20, 15, 29)]
    with Live(vault, today=None, clock=lambda: clock[0]) as live:
        assert "Reach out to Ben Okafor" not in live.summaries()
        clock[0] = T(2026, 11, 20, 15, 30)  # no file event: the interview's end
        live.shows("Reach out to Ben Okafor", "Reach out to Carla Diaz")
        eventually(lambda: len(live.builds) == 2)
        assert live.calendar.read_bytes() == calendar_bytes(load_vault(vault), clock[0])


# --- one letter, one reminder: the close-loop folds into the referrer's check-in (issue 17)

ROSA_OCT = ROSA.replace("2026-11-02", "2026-10-01").replace("2026-11-03", "2026-10-02")  # window 10-31..11-30
NAMES_BEN = " Tell them that you have met Ben Okafor, whom they suggested."
#: (first day, last day, the close-loop's level, the check-in's level, whether the check-in names Ben)
FOLDED = [  # Ben met on 10-26: the window opens on 10-31, before the close-loop is due (11-02)
    (D(2026, 10, 15), D(2026, 10, 16), None, None, False),
    (D(2026, 10, 17), D(2026, 10, 25), None, "upcoming", False),  # shown 14 days before it opens
    (D(2026, 10, 26), D(2026, 10, 30), None, "upcoming", True),  # one letter to write: the check-in
    (D(2026, 10, 31), D(2026, 11, 2), None, "due", True),
    (D(2026, 11, 3), D(2026, 11, 5), None, None, False),  # checked in on 11-03: both done
]
APART = [  # Ben met on 10-10: the close-loop is due (10-17) two weeks before the window opens
    (D(2026, 10, 8), D(2026, 10, 9), None, None, False),
    (D(2026, 10, 10), D(2026, 10, 10), "upcoming", None, False),
    (D(2026, 10, 11), D(2026, 10, 16), "due", None, False),
    (D(2026, 10, 17), D(2026, 10, 17), "due", "upcoming", False),  # the check-in does not say it too
    (D(2026, 10, 18), D(2026, 10, 30), "overdue", "upcoming", False),
    (D(2026, 10, 31), D(2026, 11, 1), None, "due", True),  # still untold: now one letter, the check-in
    (D(2026, 11, 2), D(2026, 11, 5), None, "due", False),  # told on 11-02 (contacted)
]


@pytest.mark.parametrize(
    ("ben_met", "walk", "done"),
    [
        (D(2026, 10, 26), FOLDED, (D(2026, 11, 3), "check_ins: [2026-11-03]\n")),
        (D(2026, 10, 10), APART, (D(2026, 11, 2), "contacted: [2026-11-02]\n")),
    ],
)
def test_telling_the_referrer_and_the_check_in_are_one_reminder_day_by_day(
    vault: Path, ben_met: D, walk: list, done: tuple[D, str]
) -> None:
    vault_with_rosa(vault)
    write_note(vault, "Contacts/Rosa Diaz.md", ROSA_OCT)
    write_note(
        vault,
        "Contacts/Ben Okafor.md",
        BEN.replace("type: contact\n", f"type: contact\ninterviews: [{ben_met}]\n"),
    )
    day = walk[0][0]
    while day <= walk[-1][1]:
        if day == done[0]:
            write_note(vault, "Contacts/Rosa Diaz.md", ROSA_OCT.replace("referrals:", done[1] + "referrals:"))
        loop, check, names = next(row[2:] for row in walk if row[0] <= day <= row[1])
        found = [f for f in pipeline.audit(vault, day).findings if f.contact == "Rosa Diaz"]
        assert [(f.rule, f.level) for f in found] == [
            *((("close-loop", loop),) if loop else ()),
            *((("check-in", check),) if check else ()),
        ], day
        said = [f.message.endswith(NAMES_BEN) for f in found if f.rule == "check-in"]
        assert said == ([names] if check else []), day
        shown = [e for e in events(vault, day) if str(e["CATEGORIES"].cats[0]) == "close-loop"]
        assert bool(shown) == bool(loop), day  # the calendar agrees: no event for a folded loop
        day += ONE


def test_an_overdue_check_in_then_keep_in_touch_take_the_close_loop_in() -> None:
    """Rosa met on 09-01 (window 10-01..10-31), Ben on 10-25 (tell her by 11-01): on 11-10 one
    overdue check-in names Ben; from 12-01 keep-in-touch takes over from it (90 days after the
    last contact, the thank-you of 09-02), and it names Ben in turn: one letter to Rosa each day."""
    rosa = contact(
        ROSA.replace("2026-11-02", "2026-09-01").replace("2026-11-03", "2026-09-02"), "Contacts/Rosa Diaz.md"
    )
    okafor = dataclasses.replace(contact(BEN, "Contacts/Ben Okafor.md"), interviews=(D(2026, 10, 25),))
    said = {
        day: [
            (f.rule, f.level, f.message.endswith(NAMES_BEN))
            for f in evaluate([rosa, okafor], at(day), DEFAULTS)
            if f.contact == "Rosa Diaz"
        ]
        for day in (D(2026, 11, 10), D(2026, 11, 30), D(2026, 12, 1))
    }
    assert said == {
        D(2026, 11, 10): [("check-in", "overdue", True)],
        D(2026, 11, 30): [("check-in", "overdue", True)],
        D(2026, 12, 1): [("keep-in-touch", "due", True)],
    }
