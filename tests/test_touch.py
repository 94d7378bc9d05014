"""Keep in touch, the end of the search, and lapsed reminders: each at its boundaries, with an
injected day; calendars parsed back and compared with the audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest
from conftest import at, contact, run_cli, write_note

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.errors import ConfigError
from vaultsync.incremental.memo import BuildMemo
from vaultsync.model.contact_values import build_contact
from vaultsync.model.finding import Finding
from vaultsync.model.rules import contact_findings, evaluate
from vaultsync.model.vault import Vault
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.outputs.dashboard import dashboard_markdown
from vaultsync.pipeline import audit, report
from vaultsync.reading.note import Note, parse_note
from vaultsync.store.loader import load_vault

D = dt.date
PATH = "Contacts/Jane Doe.md"
#: Interviewed 2026-09-01, thanked the next day, checked in on 2026-10-15.
CHECKED = """
---
type: contact
email: j@n.example
referrals: [Ana]
advice: [Volunteer first.]
interviews: [2026-09-01]
thank_you_sent: 2026-09-02
check_ins: [2026-10-15]
{extra}
---
"""


def jane(extra: str = "", text: str = CHECKED) -> object:
    return contact(text.format(extra=extra))


def rule_findings(person, today: dt.date, rule: str, settings=DEFAULTS) -> list[Finding]:
    return [f for f in contact_findings(person, at(today, settings), settings) if f.rule == rule]


def keep(level: str, due: dt.date, last: dt.date) -> Finding:
    ask = "Keep in touch" if level == "due" else "You meant to keep in touch"
    message = (
        f"{ask} by {due}: you were last in touch on {last}. Write with news of your search and how "
        "their advice helped; then record it in check_ins."
    )
    return Finding("keep-in-touch", level, "Jane Doe", PATH, due, message)


# --- keep in touch


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 1, 12), []),  # day 89 after the check-in
        (D(2027, 1, 13), [keep("due", D(2027, 1, 27), D(2026, 10, 15))]),  # day 90
        (D(2027, 1, 27), [keep("due", D(2027, 1, 27), D(2026, 10, 15))]),  # its last day
        (D(2027, 1, 28), [keep("overdue", D(2027, 1, 27), D(2026, 10, 15))]),
        (D(2027, 2, 26), [keep("overdue", D(2027, 1, 27), D(2026, 10, 15))]),  # 30 days past
        (D(2027, 2, 27), [keep("lapsed", D(2027, 1, 27), D(2026, 10, 15))]),  # 31 days past
    ],
)
def test_keep_in_touch_after_the_check_in(today, expected):
    assert rule_findings(jane(), today, "keep-in-touch") == expected


@pytest.mark.parametrize("kind", ["outreach", "replies", "contacted"])
def test_any_contact_resets_keep_in_touch(kind):
    later = replace(jane(), **{kind: (D(2026, 12, 1),)})
    assert rule_findings(later, D(2027, 1, 13), "keep-in-touch") == []
    assert rule_findings(later, D(2027, 3, 1), "keep-in-touch") == [
        keep("due", D(2027, 3, 15), D(2026, 12, 1))
    ]


def test_a_contact_dated_after_today_does_not_count_yet():
    ahead = replace(jane(), contacted=(D(2027, 2, 1),))
    assert rule_findings(ahead, D(2027, 1, 13), "keep-in-touch") == [
        keep("due", D(2027, 1, 27), D(2026, 10, 15))
    ]


def test_keep_in_touch_per_contact_and_setting():
    assert rule_findings(jane("keep_in_touch: 30"), D(2026, 11, 14), "keep-in-touch") == [
        keep("due", D(2026, 11, 28), D(2026, 10, 15))
    ]
    assert rule_findings(jane("keep_in_touch: 30"), D(2026, 11, 13), "keep-in-touch") == []
    for never in ("false", "no", '"never"', "0"):
        assert rule_findings(jane(f"keep_in_touch: {never}"), D(2027, 1, 13), "keep-in-touch") == []
    assert rule_findings(jane("follow_up: false"), D(2027, 1, 13), "keep-in-touch") == []
    off = settings_from_mapping({"keep_in_touch_days": 0})
    assert rule_findings(jane(), D(2027, 1, 13), "keep-in-touch", off) == []
    # the note's own number wins over the setting, even when the setting is never
    assert rule_findings(jane("keep_in_touch: 30"), D(2026, 11, 14), "keep-in-touch", off) == [
        keep("due", D(2026, 11, 28), D(2026, 10, 15))
    ]
    every_60 = settings_from_mapping({"keep_in_touch_days": 60, "keep_in_touch_window_days": 0})
    assert rule_findings(jane(), D(2026, 12, 14), "keep-in-touch", every_60) == [
        keep("due", D(2026, 12, 14), D(2026, 10, 15))
    ]
    assert rule_findings(jane(), D(2026, 12, 15), "keep-in-touch", every_60) == [
        keep("overdue", D(2026, 12, 14), D(2026, 10, 15))
    ]


NOT_CHECKED = CHECKED.replace("check_ins: [2026-10-15]\n", "")  # thanked, never checked in


def test_keep_in_touch_takes_over_from_a_check_in_never_done():
    person = jane(text=NOT_CHECKED)
    # check-in window 2026-10-01..10-31; 90 days after the thank-you: 2026-12-01
    on = {
        day: [(f.rule, f.level) for f in contact_findings(person, at(day), DEFAULTS)]
        for day in (D(2026, 10, 31), D(2026, 11, 1), D(2026, 11, 30), D(2026, 12, 1))
    }
    assert on == {
        D(2026, 10, 31): [("check-in", "due")],
        D(2026, 11, 1): [("check-in", "overdue")],
        D(2026, 11, 30): [("check-in", "overdue")],
        D(2026, 12, 1): [("keep-in-touch", "due")],
    }
    uids = [str(e["UID"]) for e in _events([person], D(2026, 12, 1))]
    note = hashlib.sha256(PATH.encode()).hexdigest()[:16]
    assert uids == [f"keep-in-touch-2026-09-02-{note}@vaultsync"]  # one day: no closing-day event


def test_a_short_cadence_waits_for_the_check_in_window_to_close():
    person = jane("keep_in_touch: 20", text=NOT_CHECKED)
    assert rule_findings(person, D(2026, 10, 31), "keep-in-touch") == []  # the check-in's last day
    assert rule_findings(person, D(2026, 11, 1), "keep-in-touch") == [
        keep("due", D(2026, 11, 15), D(2026, 9, 2))
    ]
    assert rule_findings(person, D(2026, 11, 1), "check-in") == []


def test_no_keep_in_touch_without_an_interview_held_since():
    since = settings_from_mapping({"since": "2026-10-01"})
    assert rule_findings(jane(), D(2027, 1, 13), "keep-in-touch", since) == []
    scheduled = contact("---\ntype: contact\ninterviews: [2027-03-01]\n---\n", PATH)
    assert rule_findings(scheduled, D(2027, 1, 13), "keep-in-touch") == []


def _events(people, today: dt.date, settings=DEFAULTS, root: Path = Path("/v")) -> list[icalendar.Event]:
    vault = Vault(root, settings, tuple(people), (), len(people))
    return list(icalendar.Calendar.from_ical(calendar_bytes(vault, today)).walk("VEVENT"))


def test_keep_in_touch_events_parsed_back():
    def shown(day: dt.date) -> list[tuple]:
        return [
            (
                str(e["SUMMARY"]),
                e.decoded("DTSTART"),
                e.decoded("DTEND"),
                e.categories,
                [(a.decoded("TRIGGER"), str(a["DESCRIPTION"])) for a in e.walk("VALARM")],
                str(e["URL"]),
                str(e["SEQUENCE"]),
            )
            for e in _events([jane()], day)
        ]

    nine, url = dt.timedelta(hours=9), "file:///v/Contacts/Jane%20Doe.md"
    due = ("Keep in touch with Jane Doe", D(2027, 1, 13), D(2027, 1, 14), ["keep-in-touch"])
    assert shown(D(2027, 1, 27)) == [(*due, [(nine, "Keep in touch with Jane Doe")], url, "0")]
    # overdue: one event, on today (its opening day 2027-01-13 is no longer shown as well)
    overdue = ("Overdue: keep in touch with Jane Doe", D(2027, 1, 28), D(2027, 1, 29), ["keep-in-touch"])
    assert shown(D(2027, 1, 28)) == [(*overdue, [(nine, "Overdue: keep in touch with Jane Doe")], url, "0")]
    description = str(_events([jane()], D(2027, 1, 13))[0]["DESCRIPTION"])
    assert description == (
        "Write again by 2027-01-27: you were last in touch on 2026-10-15. News of your search, how "
        "their advice helped.\n\nAdvice they offered:\n- Volunteer first.\n\nPeople they suggested:\n"
        f"- Ana\n\nOpen the note: {url}"
    )
    # the same UIDs every day until a contact is recorded, then new ones
    before = [str(e["UID"]) for e in _events([jane()], D(2027, 1, 13))]
    assert before == [str(e["UID"]) for e in _events([jane()], D(2027, 1, 20))]
    later = replace(jane(), check_ins=(D(2026, 10, 15), D(2027, 1, 20)))
    assert not set(before) & {str(e["UID"]) for e in _events([later], D(2027, 1, 20))}


# --- the keep_in_touch property


def _parsed(value: str):
    text = f"---\ntype: contact\nname: Jane\nkeep_in_touch: {value}\n---\n"
    parsed = parse_note(PATH, text.encode())
    assert isinstance(parsed, Note)
    built, problems = build_contact(parsed, DEFAULTS)
    return built.keep_in_touch, [(p.line, p.message) for p in problems]


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("45", 45),
        ('"60"', 60),
        ("false", 0),
        ("no", 0),
        ('"false"', 0),
        ("never", 0),
        ("0", 0),
        ("true", None),
        ('""', None),
        ("", None),
        ("3650", 3650),
    ],
)
def test_keep_in_touch_values(value, days):
    assert _parsed(value) == (days, [])


@pytest.mark.parametrize(
    ("value", "shown"),
    [("monthly", "monthly"), ("-3", "-3"), ("3651", "3651"), ("2.5", "2.5"), ("[30, 60]", "[30, 60]")],
)
def test_keep_in_touch_bad_values_are_reported_and_left_out(value, shown):
    expected = f"keep_in_touch: expected a number of days from 1 to 3650, or false, got {shown!r}"
    assert _parsed(value) == (None, [(4, expected)])


def test_stay_in_touch_is_an_alias():
    assert contact("---\ntype: contact\nstay_in_touch: 21\n---\n").keep_in_touch == 21


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("keep_in_touch_days", -1, "expected a whole number of days from 0 to 3650 (ten years)"),
        ("lapse_days", "30", "expected a whole number of days from 0 to 3650 (ten years)"),
        ("search_ended", "soon", "expected a date as YYYY-MM-DD, got 'soon'"),
        ("search_ended_days", True, "expected a whole number of days from 0 to 3650 (ten years)"),
    ],
)
def test_bad_settings(key, value, message):
    with pytest.raises(ConfigError) as raised:
        settings_from_mapping({key: value})
    assert str(raised.value) == f".vaultsync.toml: {key}: {message}"


# --- the end of the search

ENDED = settings_from_mapping({"search_ended": "2026-12-01"})


def told(level: str, name: str = "Jane Doe", path: str = PATH) -> Finding:
    ask = "Tell them" if level == "due" else "You meant to tell them"
    message = (
        f"{ask} by 2026-12-15 how your search ended (2026-12-01) and thank them for their help; "
        "then record it in check_ins."
    )
    return Finding("search-ended", level, name, path, D(2026, 12, 15), message)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 30), []),
        (D(2026, 12, 1), [told("due")]),
        (D(2026, 12, 15), [told("due")]),
        (D(2026, 12, 16), [told("overdue")]),
        (D(2027, 1, 14), [told("overdue")]),  # 30 days past
        (D(2027, 1, 15), [told("lapsed")]),
    ],
)
def test_search_ended_levels(today, expected):
    assert rule_findings(jane(), today, "search-ended", ENDED) == expected


def test_search_ended_is_done_by_any_word_sent_since():
    for field in ("thank_you_sent", "check_ins", "outreach", "contacted"):
        person = replace(jane(), **{field: (D(2026, 12, 3),)})
        assert rule_findings(person, D(2026, 12, 2), "search-ended", ENDED) == [told("due")]
        assert rule_findings(person, D(2026, 12, 3), "search-ended", ENDED) == []
    # a reply is their word, not yours
    answered = replace(jane(), replies=(D(2026, 12, 3),))
    assert rule_findings(answered, D(2026, 12, 4), "search-ended", ENDED) == [told("due")]


def test_only_what_is_owed_after_the_search_ended():
    """From search_ended: the word of how it ended, thank-yous still owed, interviews still
    planned and the record; no check-in, keep in touch, referral or referral ask."""
    met = contact(
        "---\ntype: contact\nemail: m@x.example\ninterviews: [2026-11-29]\n---\n", "Contacts/Met.md"
    )
    planned = contact(
        "---\ntype: contact\nemail: p@x.example\ninterviews: [2026-12-05]\n---\n", "Contacts/Planned.md"
    )
    quiet = contact(  # thanked, and not to be followed up: not told how the search ended either
        "---\ntype: contact\nemail: q@x.example\nadvice: [x]\ninterviews: [2026-11-01]\n"
        "thank_you_sent: 2026-11-02\nfollow_up: false\n---\n",
        "Contacts/Q.md",
    )
    people = [jane(text=NOT_CHECKED), met, planned, quiet]
    day_before = {(f.rule, f.contact) for f in evaluate(people, at(D(2026, 11, 30), ENDED), ENDED)}
    assert ("check-in", "Jane Doe") in day_before and ("referral", "Ana") in day_before
    assert [
        (f.rule, f.level, f.contact, f.due) for f in evaluate(people, at(D(2026, 12, 1), ENDED), ENDED)
    ] == [
        ("thank-you", "due", "Met", D(2026, 12, 2)),
        ("prepare", "due", "Planned", D(2026, 12, 5)),
        ("search-ended", "due", "Jane Doe", D(2026, 12, 15)),
        ("search-ended", "due", "Met", D(2026, 12, 15)),
        ("record", "info", "Met", None),  # the advice given at the interview
    ]
    events = [str(e["SUMMARY"]) for e in _events(people, D(2026, 12, 1), ENDED)]
    assert events == [
        "Thank-you letter: Met",
        "Tell Met how your search ended",
        "Tell Jane Doe how your search ended",
        "Informational interview: Planned",
        "Last day to tell Met how your search ended",
        "Last day to tell Jane Doe how your search ended",
    ]
    first = _events(people, D(2026, 12, 1), ENDED)[2]
    note = hashlib.sha256(PATH.encode()).hexdigest()[:16]
    assert str(first["UID"]) == f"search-ended-2026-12-01-{note}@vaultsync"
    assert [a.decoded("TRIGGER") for a in first.walk("VALARM")] == [dt.timedelta(hours=9)]
    assert str(first["URL"]) == "file:///v/Contacts/Jane%20Doe.md"
    # once the word is sent and lapsed, nothing more: the calendar empties
    assert _events(people, D(2027, 2, 1), ENDED) == []
    # Planned, met after the search ended, was told in person: only the thank-you is owed
    assert [(f.rule, f.level, f.contact) for f in evaluate(people, at(D(2027, 2, 1), ENDED), ENDED)] == [
        ("record", "info", "Met"),
        ("record", "info", "Planned"),
        ("thank-you", "lapsed", "Met"),
        ("thank-you", "lapsed", "Planned"),
        ("search-ended", "lapsed", "Jane Doe"),
        ("search-ended", "lapsed", "Met"),
    ]


# --- lapsed reminders

LATE = """
---
type: contact
email: j@n.example
advice: [x]
referrals: ["[[Ana]]"]
interviews: [2026-11-10]
---
"""
#: The person Jane suggested, written to the day after and answered: reached, so the referral
#: says nothing (its own deadline is not what these tests are about).
ANA = "---\ntype: contact\nemail: ana@n.example\noutreach: [2026-11-11]\nreplied: [2026-11-12]\n---\n"


def test_the_lapse_edge_in_audit_calendar_and_exit_code(vault: Path):
    write_note(vault, PATH, LATE)
    write_note(vault, "Contacts/Ana.md", ANA)
    # the thank-you was due 2026-11-13; the check-in's window opens 12-10
    on_30 = audit(vault, D(2026, 12, 13))
    letters = ("thank-you", "check-in")
    assert [(f.rule, f.level) for f in on_30.findings if f.rule in letters] == [
        ("thank-you", "overdue"),
        ("check-in", "due"),
    ]
    assert on_30.exit_code == 1
    on_31 = audit(vault, D(2026, 12, 14))
    assert [(f.rule, f.level) for f in on_31.findings if f.rule in letters] == [
        ("check-in", "due"),
        ("thank-you", "lapsed"),
    ]
    assert on_31.exit_code == 0
    uids = {
        d: [str(e["UID"]).split("-2026")[0] for e in _events(load_vault(vault).contacts, d)]
        for d in (D(2026, 12, 13), D(2026, 12, 14))
    }
    assert uids == {
        D(2026, 12, 13): ["check-in", "thank-you", "check-in"],  # the overdue letter: on today only
        D(2026, 12, 14): ["check-in", "check-in"],
    }


def test_the_report_counts_lapsed_reminders_and_lists_them_on_request(vault: Path):
    write_note(vault, PATH, LATE)
    write_note(vault, "Contacts/Ana.md", ANA)
    code, out, _ = run_cli("audit", vault, "--today", "2026-12-14")
    assert code == 0
    lapsed_line = "1 older reminder lapsed (more than 30 days past due); --lapsed lists them."
    assert out.splitlines()[0] == f"{vault} on 2026-12-14: 2 contacts, 1 finding, 0 problems reading notes"
    assert out.splitlines()[-1] == lapsed_line
    letter = (
        "  2026-11-13  Jane Doe: Send a thank-you letter for the 2026-11-10 interview (was due "
        "2026-11-13): what you enjoyed, the advice that helped, what you plan to do with it; then "
        f"record thank_you_sent.  [thank-you] {PATH}"
    )
    assert letter not in out
    code, listed, _ = run_cli("audit", vault, "--today", "2026-12-14", "--lapsed")
    assert code == 0
    assert listed.splitlines()[-2:] == ["Lapsed, more than 30 days past due (1)", letter]
    # the report cache keeps both apart
    assert run_cli("audit", vault, "--today", "2026-12-14")[1] == out
    assert run_cli("audit", vault, "--today", "2026-12-14", "--lapsed")[1] == listed
    document = json.loads(run_cli("audit", vault, "--today", "2026-12-14", "--format", "json")[1])
    assert document["lapsed"] == 1 and [f["level"] for f in document["findings"]] == ["due"]
    every = json.loads(run_cli("audit", vault, "--today", "2026-12-14", "--format", "json", "--lapsed")[1])
    assert [(f["rule"], f["level"]) for f in every["findings"]] == [
        ("check-in", "due"),
        ("thank-you", "lapsed"),
    ]
    one_day = settings_from_mapping({"lapse_days": 1})
    (vault / ".vaultsync.toml").write_text("lapse_days = 1\n")
    assert one_day.lapse_days == 1
    assert run_cli("audit", vault, "--today", "2026-12-14")[1].splitlines()[-1] == (
        "1 older reminder lapsed (more than 1 day past due); --lapsed lists them."
    )


def test_the_dashboard_and_the_watcher_agree_with_the_audit(vault: Path):
    write_note(vault, PATH, LATE)
    write_note(vault, "Contacts/Ana.md", ANA)
    write_note(vault, "Contacts/Old.md", "---\ntype: contact\ninterviews: [2020-01-01]\n---\n")
    loaded = load_vault(vault)
    plain = audit(loaded, D(2026, 12, 14))
    built = BuildMemo().build(loaded, D(2026, 12, 14))
    assert sorted(built.found, key=Finding.sort_key) == list(plain.findings)
    assert built.levels == plain.levels and built.levels["lapsed"] == 4
    assert built.events == len(_events(loaded.contacts, D(2026, 12, 14), root=vault))
    note = dashboard_markdown(loaded, plain.findings, D(2026, 12, 14))
    row = "| Older reminders lapsed (more than 30 days past due; `vaultsync audit --lapsed` lists them) | 4 |"
    assert row in note.splitlines()
    assert "## Overdue (0)" in note


def test_a_vault_with_years_of_history_is_calm_and_last_week_still_shouts(vault: Path):
    for year in (1983, 1990, 2004, 2019):
        write_note(
            vault,
            f"Contacts/Met {year}.md",
            f"---\ntype: contact\nemail: a@b.example\nadvice: [x]\nreferrals: [y]\ninterviews: [{year}-05-02]\n---\n",
        )
    code, out, _ = run_cli("audit", vault, "--today", "2026-11-20")
    assert code == 0
    assert (
        # a thank-you and a check-in for each, and the referral they all gave (dated by 2019's)
        out.splitlines()[-1] == "9 older reminders lapsed (more than 30 days past due); --lapsed lists them."
    )
    assert "Overdue" not in out
    assert _events(load_vault(vault).contacts, D(2026, 11, 20), root=vault) == []
    write_note(
        vault,
        "Contacts/Last week.md",
        "---\ntype: contact\nemail: a@b.example\nadvice: [x]\nreferrals: [y]\ninterviews: [2026-11-13]\n---\n",
    )
    code, out, _ = run_cli("audit", vault, "--today", "2026-11-20")
    assert code == 1
    assert "Overdue (1)\n  2026-11-16  Last week: Send a thank-you letter" in out


def test_report_function_takes_lapsed(vault: Path):
    write_note(vault, PATH, LATE)
    write_note(vault, "Contacts/Ana.md", ANA)
    hidden = report(vault, D(2026, 12, 14), "text", "v")
    shown = report(vault, D(2026, 12, 14), "text", "v", lapsed=True)
    assert "Lapsed, more than 30 days past due (1)" in shown.text
    assert "Lapsed," not in hidden.text and hidden.code == shown.code == 0


def _ask(where: str, due: dt.date | None, level: str = "info") -> Finding:
    message = f"Ask {where} whether they know other people who could help, then record them in referrals."
    return Finding("ask-referrals", level, "Jane Doe", PATH, due, message)


def test_ask_referrals_waits_for_the_next_letter_not_a_lapsed_one():
    quiet = contact(
        "---\ntype: contact\nemail: j@n.example\nadvice: [x]\ninterviews: [2026-11-10]\n---\n", PATH
    )
    letter = "in your thank-you letter or check-in"
    # the thank-you (due 11-13) lapsed on 12-14; the check-in window (to 2027-01-09) is open
    assert rule_findings(quiet, D(2026, 12, 13), "ask-referrals") == [_ask(letter, D(2026, 11, 13))]
    assert rule_findings(quiet, D(2026, 12, 14), "ask-referrals") == [_ask(letter, D(2027, 1, 9))]
    # keep in touch took over (due through 2027-02-22); once it lapsed too, the ask lapses with it
    keeping = "when you next keep in touch"
    assert rule_findings(quiet, D(2027, 2, 8), "ask-referrals") == [_ask(keeping, D(2027, 2, 22))]
    assert rule_findings(quiet, D(2027, 3, 24), "ask-referrals") == [_ask(keeping, D(2027, 2, 22))]
    assert rule_findings(quiet, D(2027, 3, 25), "ask-referrals") == [_ask(keeping, D(2027, 2, 22), "lapsed")]
    checked = replace(quiet, check_ins=(D(2026, 12, 20),))
    assert rule_findings(checked, D(2026, 12, 21), "ask-referrals") == [_ask(keeping, D(2027, 4, 3))]
    never = replace(checked, keep_in_touch=0, thank_you_sent=(D(2026, 11, 11),))  # no letter left
    assert rule_findings(never, D(2026, 12, 21), "ask-referrals") == [_ask("next time you write", None)]


def test_the_dashboard_after_the_search_ended(vault: Path):
    write_note(vault, PATH, CHECKED.format(extra=""))
    (vault / ".vaultsync.toml").write_text('search_ended = "2026-12-01"\n')
    loaded = load_vault(vault)
    for day, section in [
        (D(2026, 11, 30), "## Referrals not yet contacted (1)\n"),
        (
            D(2026, 12, 1),
            "## Referrals not yet contacted\n\nYour search ended on 2026-12-01: no one more to reach.\n",
        ),
    ]:
        note = dashboard_markdown(loaded, audit(loaded, day).findings, day)
        assert section in note
    found = audit(loaded, D(2026, 12, 8)).findings
    assert [(f.rule, f.level) for f in found] == [("search-ended", "due")]
    note = dashboard_markdown(loaded, found, D(2026, 12, 8))
    assert "| 2026-12-15 | [[Contacts/Jane Doe\\|Jane Doe]] | Tell them by 2026-12-15" in note
