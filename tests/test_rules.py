"""Each rule at its boundaries, with an injected today."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import fields, replace

import pytest
from conftest import SAMPLE_VAULT, at, contact
from test_cache import generated_vault

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.model.across import referral
from vaultsync.model.deadlines import held
from vaultsync.model.finding import LAPSED, Finding
from vaultsync.model.rules import (
    CONTACT_RULES,
    ask_referrals,
    check_in,
    contact_findings,
    evaluate,
    job_ask,
    prepare,
    record,
    thank_you,
)
from vaultsync.model.settle import as_lapsed, settle
from vaultsync.store.loader import load_vault

D = dt.date
MET = """
---
type: contact
email: a@b.example
interviews: [2026-11-10]
{extra}
---
"""


def met(extra: str = "") -> object:
    return contact(MET.format(extra=extra))


def levels(findings: list) -> list[tuple[str, dt.date | None]]:
    return [(f.level, f.due) for f in findings]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 9), []),  # before the interview: nothing yet
        (D(2026, 11, 10), [("upcoming", D(2026, 11, 13))]),  # interview day
        (D(2026, 11, 11), [("due", D(2026, 11, 13))]),  # day 1
        (D(2026, 11, 12), [("due", D(2026, 11, 13))]),  # day 2
        (D(2026, 11, 13), [("due", D(2026, 11, 13))]),  # day 3: the due day
        (D(2026, 11, 14), [("overdue", D(2026, 11, 13))]),  # day 4
    ],
)
def test_thank_you_levels(today, expected):
    assert levels(thank_you(met(), at(today, DEFAULTS), DEFAULTS)) == expected


def test_thank_you_satisfied_on_or_after_interview_only():
    assert thank_you(met("thank_you_sent: 2026-11-10"), at(D(2026, 11, 20), DEFAULTS), DEFAULTS) == []
    assert thank_you(met("thank_you_sent: 2026-11-12"), at(D(2026, 11, 20), DEFAULTS), DEFAULTS) == []
    late = thank_you(met("thank_you_sent: 2026-11-09"), at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    assert levels(late) == [("overdue", D(2026, 11, 13))]


def test_thank_you_per_interview():
    c = contact(
        """
        ---
        type: contact
        interviews: [2026-09-01, 2026-11-10]
        thank_you_sent: 2026-09-02
        ---
        """
    )
    found = thank_you(c, at(D(2026, 11, 12), DEFAULTS), DEFAULTS)
    assert levels(found) == [("due", D(2026, 11, 13))]
    assert "2026-11-10 interview" in found[0].message


def test_thank_you_window_is_configurable():
    settings = settings_from_mapping({"thank_you_days": 2})
    assert levels(thank_you(met(), at(D(2026, 11, 13), settings), settings)) == [("overdue", D(2026, 11, 12))]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 25), []),  # day 15: window opens in 15 days, not yet upcoming
        (D(2026, 11, 26), [("upcoming", D(2027, 1, 9))]),  # day 16: opens within 14 days
        (D(2026, 12, 9), [("upcoming", D(2027, 1, 9))]),  # day 29
        (D(2026, 12, 10), [("due", D(2027, 1, 9))]),  # day 30: window opens
        (D(2027, 1, 9), [("due", D(2027, 1, 9))]),  # day 60: last day
        (D(2027, 1, 10), [("overdue", D(2027, 1, 9))]),  # day 61
    ],
)
def test_check_in_levels(today, expected):
    assert levels(check_in(met("thank_you_sent: 2026-11-11"), at(today, DEFAULTS), DEFAULTS)) == expected


def test_check_in_satisfied_only_after_latest_interview():
    assert check_in(met("check_ins: [2026-11-11]"), at(D(2026, 12, 20), DEFAULTS), DEFAULTS) == []
    assert check_in(met("check_ins: [2026-11-10]"), at(D(2026, 12, 20), DEFAULTS), DEFAULTS) != []
    c = contact(
        """
        ---
        type: contact
        interviews: [2026-08-01, 2026-11-10, 2027-03-01]
        check_ins: [2026-09-15]
        ---
        """
    )
    found = check_in(c, at(D(2026, 12, 20), DEFAULTS), DEFAULTS)
    assert levels(found) == [("due", D(2027, 1, 9))]  # from the latest held interview, not the scheduled one


@pytest.mark.parametrize(
    ("interview", "expected"),
    [
        ("2026-11-20", []),  # today: held, not prepared-for any more
        ("2026-11-21", [("due", D(2026, 11, 21))]),  # tomorrow
        ("2026-11-27", [("due", D(2026, 11, 27))]),  # day 7
        ("2026-11-28", []),  # day 8: too far ahead
        ('"2026-11-24T15:30"', [("due", D(2026, 11, 24))]),  # a date-time
    ],
)
def test_prepare_window(interview, expected):
    c = contact(f"---\ntype: contact\ninterviews: [{interview}]\n---\n")
    assert levels(prepare(c, at(D(2026, 11, 20), DEFAULTS), DEFAULTS)) == expected


@pytest.mark.parametrize(
    ("body", "fires"),
    [
        ("## Questions\n- What does a week look like?\n", False),
        ("## Questions to ask\n1. How did you start?\n", False),
        ("### My questions\nHow did you start?\n", False),  # a line ending in ?
        ("## Questions\n", True),  # heading with no item
        ("## Questions\n- \n", True),  # an empty item
        ("## Notes\n- What does a week look like?\n", True),  # not a Questions section
    ],
)
def test_prepare_needs_a_question(body, fires):
    c = contact(f"---\ntype: contact\ninterviews: [2026-11-22]\n---\n{body}")
    assert bool(prepare(c, at(D(2026, 11, 20), DEFAULTS), DEFAULTS)) is fires


def test_ask_referrals():
    today = D(2026, 11, 12)
    found = ask_referrals(met(), at(today, DEFAULTS), DEFAULTS)
    assert levels(found) == [("info", D(2026, 11, 13))]  # with the open thank-you
    assert ask_referrals(met('referrals: ["[[Ana]]"]'), at(today, DEFAULTS), DEFAULTS) == []
    scheduled = contact("---\ntype: contact\ninterviews: [2026-12-01]\n---\n")
    assert ask_referrals(scheduled, at(today, DEFAULTS), DEFAULTS) == []


def test_record_gaps():
    today = D(2026, 11, 20)
    bare = contact("---\ntype: contact\ninterviews: [2026-11-10]\nthank_you_sent: 2026-11-01\n---\n")
    assert sorted(
        (f.level, f.message.split(":")[0]) for f in record(bare, at(today, DEFAULTS), DEFAULTS)
    ) == [
        ("info", "Record how to reach them"),
        (
            "info",
            "Record the advice they offered at the 2026-11-10 interview (the advice property or an ## Advice section).",
        ),
        ("warning", "thank_you_sent 2026-11-01 is before the first interview (2026-11-10)"),
    ]
    advice_in_body = contact(
        "---\ntype: contact\nphone: '555'\ninterviews: [2026-11-10]\n---\n## Advice\n- Network.\n"
    )
    assert record(advice_in_body, at(today, DEFAULTS), DEFAULTS) == []
    address_only = contact("---\ntype: contact\naddress: 1 Main St\n---\n")
    assert record(address_only, at(today, DEFAULTS), DEFAULTS) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Could you hire me?", ["Line 5: your question asks directly for a job (\u201chire me\u201d)"]),
        (  # wrapped inside one list item: the phrase spans two file lines
            "- What do you do?\n- Is your team\n  hiring right now?",
            ["Line 6: your question asks directly for a job (\u201cIs your team hiring\u201d)"],
        ),
        ("- Do you know of any openings in the field?", []),  # general: allowed
        ("- Are you HIRING?", ["Line 5: your question asks directly for a job (\u201cAre you HIRING\u201d)"]),
    ],
)
def test_job_ask_in_questions(text, expected):
    c = contact(f"---\ntype: contact\n---\n## Questions\n{text}\n")
    found = job_ask(c, at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    assert [f.message.split(". Ask instead")[0] for f in found] == expected
    assert all(f.level == "warning" and f.due is None for f in found)


def test_job_ask_in_letter_across_lines_and_extra_phrases():
    c = contact("---\ntype: contact\n---\n## Thank-you draft\nDear Ana,\nthanks. Please give me\na job.\n")
    found = job_ask(c, at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    assert [f.message.split(" (")[0] for f in found] == ["Line 6: your letter draft asks directly for a job"]
    custom = settings_from_mapping({"job_ask_phrases": ["Dear Ana"]})
    assert len(job_ask(c, D(2026, 11, 20), custom)) == 2


def test_referral_rule():
    jane = contact(
        """
        ---
        type: contact
        interviews: [2026-11-01]
        referrals:
          - "[[Marcus Lee]]"
          - "[[People/Wei Chen|Wei]]"
          - "Ana Ortiz, 413-555-0199"
          - "Bo Li"
        ---
        """,
        path="Jane.md",
    )
    marcus = contact("---\ntype: contact\ninterviews: [2026-12-01]\n---\n", path="People/Marcus Lee.md")
    wei = contact("---\ntype: contact\n---\n", path="People/Wei Chen.md")
    bo = contact("---\ntype: contact\naliases: [Bo Li]\nfollow_up: false\n---\n", path="People/Bo.md")
    found = referral([jane, marcus, wei, bo], at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    assert [(f.contact, f.path, f.level, f.due, f.message) for f in found] == [
        (
            "Wei Chen",
            "People/Wei Chen.md",
            "overdue",
            D(2026, 11, 8),
            "Reach out to Wei Chen, suggested by Jane (interview 2026-11-01; was due 2026-11-08); "
            "no outreach or interview yet. Then record the date in outreach.",
        ),
        (
            "Ana Ortiz",
            "Jane.md",
            "overdue",
            D(2026, 11, 8),
            "Reach out to Ana Ortiz (413-555-0199), suggested by Jane (interview 2026-11-01; was due "
            "2026-11-08); no note for them yet. Then record the date in a note for them (outreach).",
        ),
    ]


def test_referral_names_every_referrer_once():
    a = contact('---\ntype: contact\nreferrals: ["Ana Ortiz", "ana ortiz"]\n---\n', path="A.md")
    b = contact('---\ntype: contact\nreferrals: ["Ana Ortiz, 555-0101"]\n---\n', path="B.md")
    found = referral([a, b], at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    assert len(found) == 1 and "suggested by A and B" in found[0].message


def test_do_not_contact_silences_everything():
    c = contact(
        """
        ---
        type: contact
        do_not_contact: true
        interviews: [2026-08-01, 2026-11-22]
        outreach: [2026-11-02]
        referrals: ["Ana Ortiz"]
        email: a@b.example
        email: a@c.example
        ---
        ## Questions
        - Can I get a job?
        """
    )
    assert contact_findings(c, at(D(2026, 11, 20), DEFAULTS), DEFAULTS) == []
    # the people they suggested are still to be reached
    assert [(f.rule, f.contact) for f in evaluate([c], at(D(2026, 11, 20), DEFAULTS), DEFAULTS)] == [
        ("referral", "Ana Ortiz")
    ]


def test_follow_up_false_stops_writing_again_only():
    """The thank-you still due, the record and the job-ask warning stay; no check-in, no asking
    "next time you write"; the people they suggested are still to be reached."""
    c = contact(
        """
        ---
        type: contact
        email: a@b.example
        follow_up: false
        interviews: [2026-08-01, 2026-11-18, 2026-11-24]
        referrals: ["Ana Ortiz"]
        ---
        ## Questions
        - Can I get a job?
        """
    )
    found = [(f.rule, f.level, f.due) for f in evaluate([c], at(D(2026, 11, 20), DEFAULTS), DEFAULTS)]
    assert found == [
        ("thank-you", "due", D(2026, 11, 21)),
        ("referral", "due", D(2026, 11, 25)),  # a week after the 11-18 interview that gave it
        ("job-ask", "warning", None),  # the letter is still to be written
        ("record", "info", None),  # the advice of the interview held
        ("thank-you", "lapsed", D(2026, 8, 4)),  # more than lapse_days past: history
    ]
    # once thanked, nothing asks to write again: no check-in, no ask-referrals
    thanked = contact(
        "---\ntype: contact\nemail: a@b.example\nadvice: [x]\nfollow_up: false\n"
        "interviews: [2026-10-01]\nthank_you_sent: 2026-10-02\n---\n"
    )
    assert evaluate([thanked], at(D(2026, 11, 20), DEFAULTS), DEFAULTS) == []
    to_thank = contact(
        "---\ntype: contact\nemail: a@b.example\nadvice: [x]\nfollow_up: false\ninterviews: [2026-10-01]\n---\n"
    )
    asked = [(f.rule, f.message) for f in evaluate([to_thank], at(D(2026, 10, 1), DEFAULTS), DEFAULTS)]
    assert asked[1] == (
        "ask-referrals",
        "Ask in your thank-you letter whether they know other people who could help, "
        "then record them in referrals.",
    )


def test_evaluate_order_is_stable():
    a = contact(MET.format(extra=""), path="B.md")
    b = contact(MET.format(extra=""), path="A.md")
    one = evaluate([a, b], at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    two = evaluate([b, a], at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    assert one == two
    assert [f.level for f in one] == sorted(
        (f.level for f in one), key=["overdue", "due", "upcoming", "warning", "info"].index
    )


@pytest.mark.parametrize("today", [D(2026, 10, 1), D(2026, 11, 20), D(2026, 11, 24), D(2027, 1, 5)])
def test_rules_given_the_deadlines_find_what_they_find_alone(today: dt.date) -> None:
    """contact_findings works the deadlines out once and hands them to every rule: same findings."""
    vault = load_vault(SAMPLE_VAULT)
    for person in vault.contacts:
        alone = [f for rule in CONTACT_RULES for f in rule(person, at(today, vault.settings), vault.settings)]
        assert contact_findings(person, at(today, vault.settings), vault.settings) == settle(
            alone, today, vault.settings
        )


@pytest.mark.parametrize("today", [D(2026, 8, 1), D(2026, 11, 20), D(2027, 2, 1)])
def test_rules_not_asked_for_want_of_deadlines_would_have_found_nothing(tmp_path, today: dt.date) -> None:
    """contact_findings asks a rule of SPEAKS_OF only when a deadline of its kinds is open: on a
    generated vault (meeting notes, replies, keep in touch) and once the search has ended, every
    rule asked alone finds the same."""
    vault = load_vault(generated_vault(tmp_path / "vault", 150), processes=1)
    for config in (vault.settings, replace(vault.settings, search_ended=D(2026, 11, 1))):
        now = at(today, config)
        for person in vault.contacts:
            alone = [f for rule in CONTACT_RULES for f in rule(person, now, config)]
            assert contact_findings(person, now, config) == settle(alone, today, config), person.path


def test_held_is_worked_out_again_for_an_edited_contact_or_another_moment():
    """The interviews held are kept for the contact, moment and settings last asked about: an
    edited contact, another moment or other settings are judged afresh."""
    jane = contact("---\ntype: contact\nemail: j@example.org\ninterviews: [2026-11-20T15:00]\n---\n")
    twenty_past = at(dt.datetime(2026, 11, 20, 15, 20))
    assert held(jane, twenty_past, DEFAULTS) == ()  # a 30-minute interview: not over yet
    assert [f.rule for f in contact_findings(jane, twenty_past, DEFAULTS)] == []
    shorter = replace(jane, interview_minutes=15)
    assert held(shorter, twenty_past, DEFAULTS) == (dt.datetime(2026, 11, 20, 15, 0),)
    assert [f.rule for f in contact_findings(shorter, twenty_past, DEFAULTS)] == [
        "thank-you",
        "ask-referrals",
        "record",
    ]
    assert held(jane, twenty_past, DEFAULTS) == ()
    assert held(jane, at(dt.datetime(2026, 11, 20, 16, 0)), DEFAULTS) == (dt.datetime(2026, 11, 20, 15, 0),)
    quick = settings_from_mapping({"interview_minutes": 15})
    assert held(jane, twenty_past, quick) == (dt.datetime(2026, 11, 20, 15, 0),)
    assert held(jane, twenty_past, DEFAULTS) == ()


def test_a_lapsed_finding_is_the_finding_with_its_level_replaced():
    """settle makes lapsed findings without dataclasses.replace: every field kept, whatever they are."""
    every = Finding(*(f"field {index}" for index in range(len(fields(Finding)))))  # type: ignore[arg-type]
    assert as_lapsed(every) == replace(every, level=LAPSED)


def test_findings_pickle_back_to_equal_findings():
    """A worker process sends its findings pickled (vaultsync.store.parallel)."""
    found = [
        Finding("thank-you", "due", "Jane", "Contacts/Jane.md", dt.date(2026, 11, 20), "Send it."),
        Finding("record", "info", "Ünal", "Contacts/Ünal.md", None, "Record how to reach them."),
    ]
    assert pickle.loads(pickle.dumps(found, pickle.HIGHEST_PROTOCOL)) == found


def test_a_referral_to_someone_not_to_be_contacted_gives_no_reminder():
    """Jane (follow_up: false) suggested Bo, who asked not to be contacted, and Ana: only Ana."""
    jane = contact(
        '---\ntype: contact\nreferrals: ["[[Bo]]", "Ana Ortiz"]\nfollow_up: false\n---\n', path="Jane.md"
    )
    bo = contact("---\ntype: contact\ndo_not_contact: true\n---\n", path="Bo.md")
    assert [
        (f.contact, f.path, f.message) for f in referral([jane, bo], at(D(2026, 11, 20), DEFAULTS), DEFAULTS)
    ] == [("Ana Ortiz", "Jane.md", "Reach out to Ana Ortiz, suggested by Jane; no note for them yet.")]
