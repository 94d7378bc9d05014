"""A job seeker's four months, day by day (issue 17): the vault edited as a user would, on the
days they would, and on every day from 2027-01-04 to 2027-04-30 the audit and the calendar
checked against what a careful career coach would want on the phone that day.

The people:

- Ana Ortiz (Acme), written to cold: silence, write to someone else, follow up (a day late), a
  reply, a meeting, a thank-you two days late, two referrals, letting her know about Ben, a
  check-in, a second meeting (thanked on time), a third referral never reached, the end of the
  search;
- Ben Carter, whom Ana suggested: reached out, a meeting, a thank-you on time; then he asks not
  to be followed up (``follow_up: false``), yet the person he suggests is still to be reached;
- Carla Díaz, whom Ana suggested as "Carla Diaz": written to, no answer, a follow-up two days
  late, then move on;
- Eli Brooks, whom Ben suggested: written to, then he asks not to be contacted (``do_not_contact``);
- Farah Khan, met last autumn: keep in touch, then the end of the search;
- Gil Moreno, met in 2025 in an earlier search and never thanked: lapsed, a calm first run.

Each day's audit sees the vault as the user left it that evening (the edits of the day made).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path

import icalendar
from conftest import write_note

from vaultsync import pipeline
from vaultsync.model.audit import Audit
from vaultsync.model.vault import Vault
from vaultsync.outputs.calendar import calendar_bytes

D = dt.date
FIRST, LAST, ENDED = D(2027, 1, 4), D(2027, 4, 30), D(2027, 4, 12)
ANA, BEN, CARLA, ELI = (
    "Contacts/Ana Ortiz.md",
    "Contacts/Ben Carter.md",
    "Contacts/Carla Díaz.md",
    "Contacts/Eli Brooks.md",
)
FARAH, GIL, CONFIG = "Contacts/Farah Khan.md", "Contacts/Gil Moreno.md", ".vaultsync.toml"

ANA_FIRST = """
---
type: contact
organization: Acme
role: Product designer
email: ana.ortiz@acme.example
outreach:
  - 2027-01-04
---
## Outreach
Dear Ana, Farah Khan's talk on service design made me want to ask you for 20 minutes of advice.
"""
ANA_QUESTIONS = """
## Questions
- How did you move from print into product design?
- What would you learn first in my place?
"""
ANA_ADVICE = """
## Advice
- Show one redesign end to end rather than five screens.
"""
BEN_QUESTIONS = "## Questions\n- What does a week of a design lead look like?\n"
BEN_ADVICE = "\n## Advice\n- Learn to run a usability test on a shoestring.\n"
ANA_SECOND_ADVICE = """
- Join the city's service-design meetup.
"""


def contact_note(head: str, front: str, body: str = "") -> str:
    """A contact's note as the user saved it: the lines that never change (``head``), the day's
    ``front`` lines, then the body."""
    return f"---\ntype: contact\n{head}{front}---\n{body}"


def ana(front: str, body: str = "") -> str:
    return contact_note(
        "organization: Acme\nrole: Product designer\nemail: ana.ortiz@acme.example\n", front, body
    )


def ben(front: str, body: str = "") -> str:
    return contact_note(
        'organization: Northwind\nemail: ben@northwind.example\nreferred_by: "[[Ana Ortiz]]"\n', front, body
    )


def carla(front: str) -> str:
    return contact_note(
        'organization: Studio Díaz\nemail: carla@diaz.example\nreferred_by: "[[Ana Ortiz]]"\n', front
    )


def eli(front: str) -> str:
    return contact_note(
        'organization: Harbor Health\nemail: eli@harbor.example\nreferred_by: "[[Ben Carter]]"\n', front
    )


#: The user's edits: on each day, the notes (or config) as they saved them that day.
EDITS: dict[dt.date, dict[str, str]] = {
    FIRST: {
        ANA: ANA_FIRST,
        FARAH: """
            ---
            type: contact
            organization: Civic Labs
            email: farah@civiclabs.example
            interviews: [2026-10-05]
            thank_you_sent: 2026-10-06
            check_ins: [2026-11-20]
            advice: [Talk to the people who run the services, not only those who design them.]
            ---
            """,
        GIL: """
            ---
            type: contact
            organization: Old Print Co
            email: gil@oldprint.example
            interviews: [2025-06-01]
            advice: [Keep a folder of your sketches.]
            ---
            """,
    },
    # Wrote to Ana again (a day after the follow-up was due).
    D(2027, 1, 14): {ANA: ana("outreach: [2027-01-04, 2027-01-14]\n")},
    # She answered: a meeting on Thursday the 21st at 10.
    D(2027, 1, 15): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15]\ninterviews: ['2027-01-21T10:00']\n"
        )
    },
    D(2027, 1, 18): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15]\ninterviews: ['2027-01-21T10:00']\n",
            ANA_QUESTIONS,
        )
    },
    # The meeting: her advice and the two people she suggested.
    D(2027, 1, 21): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15]\ninterviews: ['2027-01-21T10:00']\n"
            'referrals:\n  - "[[Ben Carter]]"\n  - "Carla Diaz, carla@diaz.example"\n',
            ANA_QUESTIONS + ANA_ADVICE,
        )
    },
    # Wrote to Ben, suggested by Ana.
    D(2027, 1, 25): {
        BEN: ben("outreach: [2027-01-25]\n"),
    },
    # The thank-you to Ana, two days late.
    D(2027, 1, 26): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15]\ninterviews: ['2027-01-21T10:00']\n"
            'referrals:\n  - "[[Ben Carter]]"\n  - "Carla Diaz, carla@diaz.example"\n'
            "thank_you_sent: 2027-01-26\n",
            ANA_QUESTIONS + ANA_ADVICE,
        )
    },
    # Ben said yes: Wednesday 3 February at 2 pm.
    D(2027, 1, 27): {
        BEN: ben(
            'outreach: [2027-01-25]\nreplied: [2027-01-27]\ninterviews: ["2027-02-03T14:00"]\n',
            BEN_QUESTIONS,
        ),
    },
    # Wrote to Carla (her note takes the accent Ana's line left out).
    D(2027, 1, 28): {
        CARLA: carla("outreach: [2027-01-28]\n"),
    },
    # The meeting with Ben: his advice, and Eli whom he suggested.
    D(2027, 2, 3): {
        BEN: ben(
            'outreach: [2027-01-25]\nreplied: [2027-01-27]\ninterviews: ["2027-02-03T14:00"]\nreferrals: ["[[Eli Brooks]]"]\n',
            BEN_QUESTIONS + BEN_ADVICE,
        ),
    },
    # The thank-you to Ben, on time; he asked not to be followed up after it.
    D(2027, 2, 4): {
        BEN: ben(
            'outreach: [2027-01-25]\nreplied: [2027-01-27]\ninterviews: ["2027-02-03T14:00"]\nreferrals: ["[[Eli Brooks]]"]\nthank_you_sent: 2027-02-04\nfollow_up: false\n',
            BEN_QUESTIONS + BEN_ADVICE,
        ),
    },
    # Told Ana how the meeting with Ben went.
    D(2027, 2, 8): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15]\ninterviews: ['2027-01-21T10:00']\n"
            'referrals:\n  - "[[Ben Carter]]"\n  - "Carla Diaz, carla@diaz.example"\n'
            "thank_you_sent: 2027-01-26\ncontacted: [2027-02-08]\n",
            ANA_QUESTIONS + ANA_ADVICE,
        )
    },
    # Wrote to Eli, suggested by Ben.
    D(2027, 2, 9): {
        ELI: eli("outreach: [2027-02-09]\n"),
    },
    # Followed up with Carla, two days late.
    D(2027, 2, 10): {
        CARLA: carla("outreach: [2027-01-28, 2027-02-10]\n"),
    },
    # Eli answered: please do not contact me again.
    D(2027, 2, 16): {
        ELI: eli("outreach: [2027-02-09]\ndo_not_contact: true\n"),
    },
    # Kept in touch with Farah.
    D(2027, 2, 22): {
        FARAH: """
            ---
            type: contact
            organization: Civic Labs
            email: farah@civiclabs.example
            interviews: [2026-10-05]
            thank_you_sent: 2026-10-06
            check_ins: [2026-11-20, 2027-02-22]
            advice: [Talk to the people who run the services, not only those who design them.]
            ---
            """
    },
    # Checked in with Ana; she offered a second coffee on the 10th.
    D(2027, 3, 1): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15, 2027-03-01]\n"
            "interviews: ['2027-01-21T10:00', '2027-03-10T08:30']\n"
            'referrals:\n  - "[[Ben Carter]]"\n  - "Carla Diaz, carla@diaz.example"\n'
            "thank_you_sent: 2027-01-26\ncontacted: [2027-02-08]\ncheck_ins: [2027-03-01]\n",
            ANA_QUESTIONS + ANA_ADVICE,
        )
    },
    # The second meeting: more advice, one more person to reach.
    D(2027, 3, 10): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15, 2027-03-01]\n"
            "interviews: ['2027-01-21T10:00', '2027-03-10T08:30']\n"
            'referrals:\n  - "[[Ben Carter]]"\n  - "Carla Diaz, carla@diaz.example"\n'
            '  - "Hugo Lam, hugo@lam.example"\n'
            "thank_you_sent: 2027-01-26\ncontacted: [2027-02-08]\ncheck_ins: [2027-03-01]\n",
            ANA_QUESTIONS + ANA_ADVICE + ANA_SECOND_ADVICE,
        )
    },
    # Thanked her the next day.
    D(2027, 3, 11): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15, 2027-03-01]\n"
            "interviews: ['2027-01-21T10:00', '2027-03-10T08:30']\n"
            'referrals:\n  - "[[Ben Carter]]"\n  - "Carla Diaz, carla@diaz.example"\n'
            '  - "Hugo Lam, hugo@lam.example"\n'
            "thank_you_sent: [2027-01-26, 2027-03-11]\ncontacted: [2027-02-08]\ncheck_ins: [2027-03-01]\n",
            ANA_QUESTIONS + ANA_ADVICE + ANA_SECOND_ADVICE,
        )
    },
    # A job: the search is over.
    ENDED: {CONFIG: "search_ended = 2027-04-12\n"},
    D(2027, 4, 14): {
        ANA: ana(
            "outreach: [2027-01-04, 2027-01-14]\nreplied: [2027-01-15, 2027-03-01]\n"
            "interviews: ['2027-01-21T10:00', '2027-03-10T08:30']\n"
            'referrals:\n  - "[[Ben Carter]]"\n  - "Carla Diaz, carla@diaz.example"\n'
            '  - "Hugo Lam, hugo@lam.example"\n'
            "thank_you_sent: [2027-01-26, 2027-03-11]\ncontacted: [2027-02-08]\n"
            "check_ins: [2027-03-01, 2027-04-14]\n",
            ANA_QUESTIONS + ANA_ADVICE + ANA_SECOND_ADVICE,
        )
    },
    D(2027, 4, 20): {
        FARAH: """
            ---
            type: contact
            organization: Civic Labs
            email: farah@civiclabs.example
            interviews: [2026-10-05]
            thank_you_sent: 2026-10-06
            check_ins: [2026-11-20, 2027-02-22, 2027-04-20]
            advice: [Talk to the people who run the services, not only those who design them.]
            ---
            """
    },
}

#: What a careful coach wants the phone to say, judged day by day from the notes above:
#: (first day, last day, rule, contact, level). Business days: Ana's Monday 4 January outreach
#: has its 3rd on Thursday the 7th and its 7th on Wednesday the 13th; Carla's Thursday 28th its
#: 3rd on Tuesday 2 February and its 7th on Monday the 8th; her follow-up of Wednesday the 10th
#: its 7th on Friday the 19th; Eli's Tuesday 9 February its 3rd on Friday the 12th.
EXPECTED: list[tuple[dt.date, dt.date, str, str, str]] = [
    # Gil, 2025: a reminder missed long ago is history, not an emergency.
    (FIRST, LAST, "thank-you", "Gil Moreno", "lapsed"),
    (FIRST, D(2027, 4, 11), "keep-in-touch", "Gil Moreno", "lapsed"),
    (FIRST, D(2027, 4, 11), "ask-referrals", "Gil Moreno", "lapsed"),
    # Ana: silence, write to someone else, follow up (done the next day), then she answers.
    (D(2027, 1, 7), D(2027, 1, 12), "no-reply-other", "Ana Ortiz", "due"),
    (D(2027, 1, 13), D(2027, 1, 13), "no-reply-follow-up", "Ana Ortiz", "due"),
    (D(2027, 1, 15), D(2027, 1, 17), "prepare", "Ana Ortiz", "due"),  # questions written on the 18th
    # The meeting on the 21st; the thank-you two days late.
    (D(2027, 1, 21), D(2027, 1, 21), "thank-you", "Ana Ortiz", "upcoming"),
    (D(2027, 1, 22), D(2027, 1, 24), "thank-you", "Ana Ortiz", "due"),
    (D(2027, 1, 25), D(2027, 1, 25), "thank-you", "Ana Ortiz", "overdue"),
    # The people she suggested: a warm introduction goes cold within a week.
    (D(2027, 1, 21), D(2027, 1, 21), "referral", "Ben Carter", "upcoming"),
    (D(2027, 1, 22), D(2027, 1, 24), "referral", "Ben Carter", "due"),  # written to on the 25th
    (D(2027, 1, 21), D(2027, 1, 21), "referral", "Carla Diaz", "upcoming"),
    (D(2027, 1, 22), D(2027, 1, 27), "referral", "Carla Diaz", "due"),  # written to on the 28th
    # Ben met on 3 February, thanked on the 4th; Ana told on the 8th.
    (D(2027, 2, 3), D(2027, 2, 3), "thank-you", "Ben Carter", "upcoming"),
    (D(2027, 2, 3), D(2027, 2, 3), "close-loop", "Ana Ortiz", "upcoming"),
    (D(2027, 2, 4), D(2027, 2, 7), "close-loop", "Ana Ortiz", "due"),
    (D(2027, 2, 3), D(2027, 2, 3), "referral", "Eli Brooks", "upcoming"),
    (D(2027, 2, 4), D(2027, 2, 8), "referral", "Eli Brooks", "due"),  # written to on the 9th
    # Carla: no answer; follow-up two days late; move on; then nothing.
    (D(2027, 2, 2), D(2027, 2, 7), "no-reply-other", "Carla Díaz", "due"),
    (D(2027, 2, 8), D(2027, 2, 8), "no-reply-follow-up", "Carla Díaz", "due"),
    (D(2027, 2, 9), D(2027, 2, 9), "no-reply-follow-up", "Carla Díaz", "overdue"),
    (D(2027, 2, 19), D(2027, 2, 25), "no-reply-move-on", "Carla Díaz", "info"),
    # Eli: silence, then do_not_contact on the 16th: nothing more (no follow-up on the 18th).
    (D(2027, 2, 12), D(2027, 2, 15), "no-reply-other", "Eli Brooks", "due"),
    # Ana's check-in, a month or two after the 21st, done on 1 March.
    (D(2027, 2, 6), D(2027, 2, 19), "check-in", "Ana Ortiz", "upcoming"),
    (D(2027, 2, 20), D(2027, 2, 28), "check-in", "Ana Ortiz", "due"),
    # The second meeting (10 March), thanked the next day; Hugo never reached.
    (D(2027, 3, 10), D(2027, 3, 10), "thank-you", "Ana Ortiz", "upcoming"),
    (D(2027, 3, 10), D(2027, 3, 10), "referral", "Hugo Lam", "upcoming"),
    (D(2027, 3, 11), D(2027, 3, 17), "referral", "Hugo Lam", "due"),
    (D(2027, 3, 18), D(2027, 4, 11), "referral", "Hugo Lam", "overdue"),
    (D(2027, 3, 26), D(2027, 4, 8), "check-in", "Ana Ortiz", "upcoming"),
    (D(2027, 4, 9), D(2027, 4, 11), "check-in", "Ana Ortiz", "due"),
    # Farah: keep in touch 90 days after 20 November (written on 22 February).
    (FIRST, D(2027, 4, 11), "ask-referrals", "Farah Khan", "info"),
    (D(2027, 2, 18), D(2027, 2, 21), "keep-in-touch", "Farah Khan", "due"),
    # The end of the search on 12 April: tell everyone you met how it ended.
    (D(2027, 4, 12), D(2027, 4, 13), "search-ended", "Ana Ortiz", "due"),
    (D(2027, 4, 12), D(2027, 4, 19), "search-ended", "Farah Khan", "due"),
    (D(2027, 4, 12), D(2027, 4, 26), "search-ended", "Gil Moreno", "due"),
    (D(2027, 4, 27), LAST, "search-ended", "Gil Moreno", "overdue"),
]

#: On key days, the words of some findings, as the user reads them (the rest of the day's findings
#: are in EXPECTED): (day, rule, contact) -> message.
ANA_CHECK_IN = (
    "Write again between 2027-02-20 and 2027-03-22 (interview 2027-01-21): how their advice helped, "
    "how your search is going. Then record it in check_ins."
)
MESSAGES: dict[tuple[dt.date, str, str], str] = {
    (D(2027, 1, 7), "no-reply-other", "Ana Ortiz"): (
        "No reply since you wrote on 2027-01-04 (3 business days): write to another person at Acme or "
        "among the people suggested to you; follow up on 2027-01-13 if still no answer. Record their "
        "answer in replied."
    ),
    (D(2027, 1, 22), "referral", "Carla Diaz"): (
        "Reach out to Carla Diaz (carla@diaz.example), suggested by Ana Ortiz (interview 2027-01-21; due "
        "2027-01-28); no note for them yet. Then record the date in a note for them (outreach)."
    ),
    (D(2027, 2, 4), "close-loop", "Ana Ortiz"): (
        "Let Ana Ortiz know that you met Ben Carter, whom they suggested (interview 2027-02-03; due "
        "2027-02-10): thank them for the introduction and say how it went. Then record the date in "
        "contacted."
    ),
    # One letter, one reminder: her window opens on the 20th, after the close-loop is due (the
    # 10th), so the close-loop is the reminder to tell her of Ben and the check-in does not
    # repeat it (it named Ben too before: two reminders for one letter).
    (D(2027, 2, 6), "check-in", "Ana Ortiz"): ANA_CHECK_IN,
    (D(2027, 2, 20), "check-in", "Ana Ortiz"): ANA_CHECK_IN,
    (D(2027, 2, 19), "no-reply-move-on", "Carla Díaz"): (
        "No answer to your messages of 2027-01-28 and 2027-02-10: move on to other people; no more "
        "reminders about it (record replied if they answer later)."
    ),
    (D(2027, 2, 18), "keep-in-touch", "Farah Khan"): (
        "Keep in touch by 2027-03-04: you were last in touch on 2026-11-20. Write with news of your "
        "search and how their advice helped; then record it in check_ins."
    ),
    (D(2027, 4, 27), "search-ended", "Gil Moreno"): (
        "You meant to tell them by 2027-04-26 how your search ended (2027-04-12) and thank them for "
        "their help; then record it in check_ins."
    ),
}

#: The levels that have an event in the calendar.
SHOWN = ("due", "overdue", "upcoming")


def expected(day: dt.date) -> Counter[tuple[str, str, str]]:
    return Counter((rule, who, level) for first, last, rule, who, level in EXPECTED if first <= day <= last)


def apply(root: Path, edits: dict[str, str]) -> None:
    for path, text in edits.items():
        write_note(root, path, text)


def day_of(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def events(vault: Vault, day: dt.date) -> list[tuple[str, str, str, dt.date, dt.date]]:
    """The calendar of ``day`` parsed back: (rule id, UID, summary, first day, day after the last)."""
    calendar = icalendar.Calendar.from_ical(calendar_bytes(vault, day))
    return [
        (
            str(event["CATEGORIES"].cats[0]),
            str(event["UID"]),
            str(event["SUMMARY"]),
            day_of(event.decoded("DTSTART")),
            day_of(event.decoded("DTEND")),
        )
        for event in calendar.walk("VEVENT")
    ]


def is_interview(event: tuple[str, str, str, dt.date, dt.date]) -> bool:
    """A scheduled interview's own event: it comes with no finding (its prepare reminder may)."""
    return event[2].startswith("Informational interview: ")


def check_calendar(audit: Audit, day: dt.date) -> None:
    """The calendar agrees with the audit on ``day``. An event is a finding's when its CATEGORIES
    is the finding's rule and its SUMMARY names the finding's contact. Then:

    - a ``prepare`` finding has the interview's event on its due day (its alarm the day before);
    - a ``due`` finding has an event that started on or before ``day`` (it was shown, with its
      alarm, and still is: the first day of a stage, a window's opening, a letter's span);
    - an ``overdue`` finding has its ``-overdue`` event on ``day``, and no other (its own days
      left the calendar once it was overdue);
    - an ``upcoming`` finding has an event starting after ``day`` and on or before its due day;
    - every event that has started by ``day`` (but the interviews themselves) is the event of a
      finding that is there on ``day`` and not lapsed: nothing stays in the calendar for a
      reminder done, silenced or lapsed;
    - nothing lapsed has an event at all, nor anything once the search has ended but its rules.
    """
    shown = events(audit.vault, day)
    live = [f for f in audit.findings if f.level != "lapsed"]

    def of(rule: str, who: str) -> list[tuple[str, str, str, dt.date, dt.date]]:
        return [e for e in shown if e[0] == rule and who in e[2] and not is_interview(e)]

    for f in audit.findings:
        mine = of(f.rule, f.contact)
        where = (day, f.rule, f.contact, f.level, shown)
        if f.rule == "prepare":  # its event is the interview's, with its alarm the day before
            assert any(
                is_interview(e) and e[0] == "prepare" and f.contact in e[2] and e[3] == f.due for e in shown
            )
        elif f.level == "due":
            assert any(e[3] <= day for e in mine), where
        elif f.level == "overdue":
            assert any(e[1].endswith("-overdue@vaultsync") and e[3] == day for e in mine), where
            if not any((g.rule, g.contact) == (f.rule, f.contact) and g.level != "overdue" for g in live):
                assert all(e[1].endswith("-overdue@vaultsync") for e in mine), where
        elif f.level == "upcoming":
            assert any(f.due is not None and day < e[3] <= f.due for e in mine), where
        elif f.level == "lapsed" and not any(g.rule == f.rule and g.contact == f.contact for g in live):
            assert not mine, where
    for event in shown:
        if event[3] <= day and not is_interview(event):
            assert any(f.rule == event[0] and f.contact in event[2] for f in live), (day, event)
        if event[1].endswith("-overdue@vaultsync"):
            assert event[3] == day, (day, event)
        if day >= ENDED:  # only what the user still owes people, and the interviews planned
            assert event[0] in ("thank-you", "prepare", "search-ended"), (day, event)


def test_four_months_day_by_day(tmp_path: Path) -> None:
    started = time.process_time()  # this process's work: other processes' load is not counted
    root = tmp_path / "vault"
    vault: Vault | None = None
    day, seen = FIRST, set[tuple[dt.date, str, str]]()
    while day <= LAST:
        if day in EDITS:
            apply(root, EDITS[day])
            checked = pipeline.audit(root, day)  # the folder, as the CLI reads it
            vault = checked.vault
        else:
            assert vault is not None
            checked = pipeline.audit(vault, day)  # the same notes, judged on another day
        got = Counter((f.rule, f.contact, f.level) for f in checked.findings)
        assert got == expected(day), (
            day,
            sorted((got - expected(day)).elements()),
            sorted((expected(day) - got).elements()),
        )
        assert checked.exit_code == (1 if got and any(level == "overdue" for _, _, level in got) else 0), day
        for f in checked.findings:
            key = (day, f.rule, f.contact)
            if key in MESSAGES:
                assert f.message == MESSAGES[key], key
                seen.add(key)
        check_calendar(checked, day)
        day += dt.timedelta(days=1)
    assert seen == set(MESSAGES)  # every message above was checked
    assert time.process_time() - started < 10
