"""Referrals: the rules across contacts kept up to date one changed contact at a time find what
across.across_contacts finds from scratch (findings and deadlines), after any sequence of changes,
as the moment moves through the day and timed interviews end."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from conftest import at

from vaultsync.config import DEFAULTS
from vaultsync.incremental.referrals import Referrals
from vaultsync.model.across import across_contacts
from vaultsync.model.close_loop import last_told, letter_listed
from vaultsync.model.contact import Contact, PersonRef
from vaultsync.model.deadlines import deadlines
from vaultsync.model.finding import Finding
from vaultsync.model.referral import PersonDeadline, referral_day, referral_inputs
from vaultsync.model.rules import contact_findings

TODAY = dt.date(2026, 11, 20)
AT_3PM = dt.datetime(2026, 11, 20, 15, 0)  # ends at 15:30
#: The moments of the day a test walks through: before, during and after the 3 pm interview.
CLOCK = [
    dt.datetime(2026, 11, 20, 9, 0),
    dt.datetime(2026, 11, 20, 15, 29),
    dt.datetime(2026, 11, 20, 15, 30),
]
NAMES = ["Ana Ortiz", "Ben Li", "Chen Wei", "Dana Fox", "Eli Ross", "Fay Kim"]
FOLDERS = ["", "Contacts/", "People/"]  # the same name in two folders: the first path owns it


def random_contact(rng: random.Random, path: str) -> Contact:
    def someone() -> PersonRef:
        name = rng.choice(NAMES)
        return rng.choice(
            [
                PersonRef(name),
                PersonRef(name, target=name),  # [[Ana Ortiz]]
                PersonRef(name, detail="555-0100"),
                PersonRef(f"{name} Jr", target=name),  # [[Ana Ortiz|Ana Ortiz Jr]]
                PersonRef("Nobody Known"),
            ]
        )

    def days(*choices: tuple[dt.date, ...]) -> tuple[dt.date, ...]:
        return rng.choice([(), (), *choices])

    stem = path.rpartition("/")[2].removesuffix(".md")
    week_ago, soon = TODAY - dt.timedelta(days=7), TODAY + dt.timedelta(days=3)
    return Contact(
        path=path,
        name=rng.choice([stem, stem, rng.choice(NAMES)]),
        aliases=tuple(rng.sample(["Ana", "Ben", "Dr Fox", "Chen Wei"], rng.randint(0, 1))),
        interviews=days(
            (TODAY,),
            (week_ago,),
            (soon,),
            (week_ago - dt.timedelta(days=9), TODAY),
            (AT_3PM,),
            (week_ago, AT_3PM),
        ),
        thank_you_sent=days((TODAY,)),
        outreach=days((week_ago,)),
        contacted=days((TODAY - dt.timedelta(days=2),)),
        referrals=tuple(someone() for _ in range(rng.randint(0, 3))),
        follow_up=rng.random() > 0.2,
        do_not_contact=rng.random() > 0.8,
    )


def by_rule(
    contacts: dict[str, Contact], when: dt.date | dt.datetime
) -> tuple[list[Finding], list[PersonDeadline], dict]:
    vault_order = [contacts[path] for path in sorted(contacts)]
    findings, deadlines, met = across_contacts(vault_order, at(when), DEFAULTS)
    return sorted(findings, key=Finding.sort_key), sorted(deadlines, key=repr), met


@pytest.mark.parametrize("seed", range(8))
def test_kept_up_to_date_it_finds_what_the_rule_finds(seed: int) -> None:
    rng = random.Random(seed)
    paths = [f"{folder}{name}.md" for folder in FOLDERS for name in NAMES]
    contacts: dict[str, Contact] = {}
    kept = Referrals(at(CLOCK[0]), DEFAULTS)
    deadlines: list[PersonDeadline] = []  # as take_deadlines says them

    def take() -> None:
        gone, new = kept.take_deadlines()
        for deadline in gone:
            deadlines.remove(deadline)
        deadlines.extend(new)

    for step in range(150):
        removed, added = [], []
        when = CLOCK[step * len(CLOCK) // 150]
        if at(when) != kept.now:  # as the memo does: each contact whose interview ended, given again
            ended = [c for c in contacts.values() if AT_3PM in c.interviews and when >= CLOCK[-1]]
            kept.now = at(when)
            kept.update(map(referral_inputs, ended), map(referral_inputs, ended))
            take()
        for path in rng.sample(paths, rng.choice([1, 1, 1, 2, 5])):  # each changed once a step
            if path in contacts:
                removed.append(referral_inputs(contacts.pop(path)))
            if rng.random() < 0.8:
                contacts[path] = random_contact(rng, path)
                added.append(referral_inputs(contacts[path]))
        kept.update(removed, added)
        take()
        found = sorted(kept.findings(), key=Finding.sort_key), sorted(deadlines, key=repr), kept.met()
        assert found == by_rule(contacts, when), step
        assert sorted(kept.deadlines(), key=repr) == found[1]


def test_the_same_tuple_until_a_finding_changes() -> None:
    ana = Contact("Ana Ortiz.md", "Ana Ortiz", referrals=(PersonRef("Ben Li"),))
    kept = Referrals(at(TODAY), DEFAULTS)
    kept.update([], [referral_inputs(ana)])
    first = kept.findings()
    assert [f.message for f in first] == [
        "Reach out to Ben Li, suggested by Ana Ortiz; no note for them yet."
    ]
    other = Contact("Chen Wei.md", "Chen Wei")
    kept.update([], [referral_inputs(other)])
    assert kept.findings() is first
    ben = Contact("Ben Li.md", "Ben Li")
    kept.update([], [referral_inputs(ben)])
    assert [f.message for f in kept.findings()] == [
        "Reach out to Ben Li, suggested by Ana Ortiz; no interview yet."
    ]


@pytest.mark.parametrize("seed", range(6))
def test_the_letter_listed_is_the_one_the_rules_list(seed: int) -> None:
    """``close_loop.letter_listed`` (what a close-loop folds into) says a letter to write again is
    listed, not lapsed, on exactly the days the rules list a check-in or a keep-in-touch: before,
    in and after the check-in's window, then keep-in-touch, until it lapses; and it opens on the
    day the listed one's window (or keep-in-touch) opens."""
    rng = random.Random(seed)
    settings = DEFAULTS
    for _ in range(40):
        met = TODAY - dt.timedelta(days=rng.randint(0, 120))
        person = Contact(
            "Ana Ortiz.md",
            "Ana Ortiz",
            email="ana@example.org",
            interviews=(met,),
            check_ins=rng.choice([(), (met + dt.timedelta(days=rng.randint(-5, 70)),)]),
            contacted=rng.choice([(), (met + dt.timedelta(days=rng.randint(1, 80)),)]),
            keep_in_touch=rng.choice([None, None, 0, 20, 45, 200]),
        )
        for offset in range(0, 200, 3):
            now = at(met + dt.timedelta(days=offset))
            listed = [
                d.start
                for d in deadlines(person, now, settings)
                if d.kind in ("check-in", "keep-in-touch")
                and any(
                    f.rule == d.kind and f.level != "lapsed" for f in contact_findings(person, now, settings)
                )
            ]
            latest = referral_day(person, now, settings)
            opens = letter_listed(person, latest, last_told(person, now, settings), now.day, settings)
            assert ([opens] if opens else []) == listed, (person, now.day)
