"""Which notes are contacts, and their properties as typed values."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from conftest import contact

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.contact import PersonRef, build_contact, index_by_name, is_contact, name_keys
from vaultsync.note import Note, NoteError, parse_note


def note(text: str, path: str = "Notes/x.md") -> Note:
    parsed = parse_note(path, textwrap.dedent(text).lstrip("\n").encode())
    assert isinstance(parsed, Note)
    return parsed


@pytest.mark.parametrize(
    "front",
    [
        "type: contact",
        "type: Person",
        'type: ["[[Person]]"]',
        "tags: [contact]",
        "tags: ['#person']",
        "tags: person/mentor",
        "tags: 'job-search, contact'",
        'categories: ["[[People]]"]',
        'categories: "[[Contacts]]"',
        "Categories:\n  - '[[People|folks]]'",
    ],
)
def test_contact_markers(front):
    assert is_contact(note(f"---\n{front}\n---\n"), DEFAULTS)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntype: book\ntags: [people-watching]\n---\n",
        "---\ncategories: ['[[Places]]']\n---\n",
        "# Meeting\nTalked about #personal stuff and ## person\n",
        "---\nperson: Jane\n---\n",
    ],
)
def test_not_contacts(text):
    assert not is_contact(note(text), DEFAULTS)


def test_body_tag_and_folder():
    assert is_contact(note("Met at a fair. #person\n"), DEFAULTS)
    settings = settings_from_mapping({"contacts_folders": ["People/"]})
    assert is_contact(note("plain\n", path="People/Ana.md"), settings)
    assert not is_contact(note("plain\n", path="Peoples/Ana.md"), settings)


def test_full_contact():
    c = contact(
        """
        ---
        type: contact
        name: Jane Doe
        aliases: [JD]
        organization: "[[Northwind Health]]"
        email: [jane@a.example, jd@b.example]
        phone: 6175550142
        interviews: [2026-11-20, "2026-10-01T10:30", "[[2026-09-01]]"]
        thank_you_sent: 2026-10-02
        check_ins: ["2026-11-01"]
        referrals:
          - "[[Marcus Lee]]"
          - [Wei Chen]
          - "Ana Ortiz, 413-555-0199"
          - {name: Bo Li, phone: 555-0100}
        referred_by: "[[Priya]]"
        advice: [Volunteer.]
        ---
        ## Advice
        - Build a portfolio.
        """
    )
    assert c.name == "Jane Doe" and c.aliases == ("JD",)
    assert c.organization == "Northwind Health"
    assert c.email == "jane@a.example; jd@b.example" and c.phone == "6175550142"
    assert c.interviews == (dt.date(2026, 9, 1), dt.datetime(2026, 10, 1, 10, 30), dt.date(2026, 11, 20))
    assert c.thank_you_sent == (dt.date(2026, 10, 2),) and c.check_ins == (dt.date(2026, 11, 1),)
    assert c.referrals == (
        PersonRef("Marcus Lee", "Marcus Lee"),
        PersonRef("Wei Chen", "Wei Chen"),
        PersonRef("Ana Ortiz", None, "413-555-0199"),
        PersonRef("Bo Li", None, "555-0100"),
    )
    assert c.referred_by == (PersonRef("Priya", "Priya"),)
    assert c.advice == ("Volunteer.", "Build a portfolio.")
    assert c.follow_up is True


def test_name_defaults_to_file_name():
    assert contact("---\ntype: contact\n---\n", path="People/Ana Ortiz.md").name == "Ana Ortiz"


def test_property_aliases_builtin_and_configured():
    text = "---\ntype: contact\nCompany: Acme\nlastContact: 2026-11-01\nEmployer2: X\n---\n"
    c = contact(text)
    assert c.organization == "Acme" and c.interviews == (dt.date(2026, 11, 1),)
    settings = settings_from_mapping({"property_aliases": {"role": ["Employer2"]}})
    assert contact(text, settings=settings).role == "X"


def test_canonical_name_wins_over_alias():
    c = contact("---\ntype: contact\ncompany: Old\norganization: New\n---\n")
    assert c.organization == "New"


def test_bad_values_are_reported_and_the_rest_kept():
    n = note(
        """
        ---
        type: contact
        interviews: [next tuesday, 2026-02-30, 10:30, 2026-11-01]
        follow_up: maybe
        ---
        """,
        path="People/Jane.md",
    )
    c, problems = build_contact(n, DEFAULTS)
    assert c.interviews == (dt.date(2026, 11, 1),) and c.follow_up is True
    assert problems == [
        NoteError(
            "People/Jane.md",
            3,
            "interviews: 'next tuesday' is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)",
        ),
        NoteError("People/Jane.md", 3, "interviews: 2026-02-30 is not a real date"),
        NoteError(
            "People/Jane.md",
            3,
            'interviews: 630 is a number, not a date (YAML reads an unquoted 10:30 as 630: write "2026-11-20T10:30")',
        ),
        NoteError("People/Jane.md", 4, "follow_up: expected true or false, got 'maybe'"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"), [("false", False), ("no", False), ("'false'", False), ("true", True)]
)
def test_follow_up_values(value, expected):
    assert contact(f"---\ntype: contact\nfollow_up: {value}\n---\n").follow_up is expected


def test_the_name_index_holds_every_name_key_for_its_first_contact():
    people = [
        contact("---\ntype: contact\nname: Ana Ortiz\naliases: [Ana, A. O.]\n---\n", "People/ana.md"),
        contact("---\ntype: contact\nname: ANA\n---\n", "People/Ana Ortiz.md"),
        contact("---\ntype: contact\n---\n", "Theo.Lin.md"),
        contact("---\ntype: contact\nname: Straße\n---\n", "x/Strasse.md"),
    ]
    index = index_by_name(people)
    assert index == {key: c for c in reversed(people) for key in name_keys(c)}  # the spelled-out name_keys
    assert {key: c.path for key, c in index.items()} == {
        "ana": "People/ana.md",
        "ana ortiz": "People/ana.md",
        "a. o.": "People/ana.md",
        "theo.lin": "Theo.Lin.md",
        "strasse": "x/Strasse.md",
    }
