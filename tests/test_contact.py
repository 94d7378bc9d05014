"""Which notes are contacts, and their properties as typed values."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest
from conftest import contact, run_cli, write_note

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.model.contact import (
    PersonRef,
    find_person,
    index_by_name,
    is_contact,
    name_key,
    name_keys,
)
from vaultsync.model.contact_values import build_contact
from vaultsync.reading.note import Note, NoteError, parse_note


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
    # last_contact is a date of contact, not an interview: no thank-you for a meeting never held
    assert c.organization == "Acme" and c.contacted == (dt.date(2026, 11, 1),) and c.interviews == ()
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
            "interviews: '10:30' is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)",
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


def test_values_yaml_types_are_quoted_as_written():
    """``yes`` is true to YAML 1.1, ``10:30`` is 630 and ``07551234`` an octal number: the
    messages said "True is not a date", and the phone number read as 2021020."""
    n = note(
        """
        ---
        type: contact
        name: yes
        phone: 07551234
        aliases: [no, 12]
        referrals: [on]
        thank_you_sent: yes
        check_ins: [20261120, 10:30]
        follow_up: [a, 0]
        ---
        """
    )
    c, problems = build_contact(n, DEFAULTS)
    assert (c.name, c.phone, c.aliases, c.referrals) == ("yes", "07551234", ("no", "12"), (PersonRef("on"),))
    write = "(write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)"
    assert [(p.line, p.message) for p in problems] == [
        (7, f"thank_you_sent: 'yes' is not a date {write}"),
        (8, f"check_ins: '20261120' is not a date {write}"),
        (8, f"check_ins: '10:30' is not a date {write}"),
        (9, "follow_up: expected true or false, got '[a, 0]'"),
    ]


def test_empty_values_are_no_value():
    """A template's empty list item read as None: "None is not a date", and exit 1."""
    n = note(
        """
        ---
        type: contact
        interviews:
          -
          - ""
          - 2026-11-20
        thank_you_sent:
        check_ins: ""
        follow_up: ""
        aliases: [""]
        ---
        """
    )
    c, problems = build_contact(n, DEFAULTS)
    assert problems == []
    assert (c.interviews, c.thank_you_sent, c.check_ins, c.follow_up, c.aliases) == (
        (dt.date(2026, 11, 20),),
        (),
        (),
        True,
        (),
    )


def test_unquoted_links_to_daily_notes_are_dates():
    """``[[2026-11-20]]`` unquoted is a list in a list to YAML: "[datetime.date(...)] is not a date"."""
    c, problems = build_contact(
        note("---\ninterviews:\n  - [[2026-11-20]]\ncheck_ins: [[2026-12-01]]\n---\n"), DEFAULTS
    )
    assert (c.interviews, c.check_ins, problems) == ((dt.date(2026, 11, 20),), (dt.date(2026, 12, 1),), [])


@pytest.mark.parametrize(
    ("front", "interviews", "warning"),
    [
        (
            "interviews: [2026-11-01]\nrole: x\ninterviews: [2026-11-20]\n",
            (dt.date(2026, 11, 20),),
            "the property interviews is written twice (lines 3 and 5): the value on line 5 is read; keep one.",
        ),
        (
            "interviews: [2026-11-01]\n# filled in above\ninterviews:\n",
            (dt.date(2026, 11, 1),),
            "the property interviews is written twice (lines 3 and 5): the value on line 3 is read, "
            "the later one is empty; keep one.",
        ),
        (
            "interviews:\ninterviews: 2026-11-01\ninterviews:\n",
            (dt.date(2026, 11, 1),),
            "the property interviews is written three times (lines 3, 4 and 5): the value on line 4 is read, "
            "the later ones are empty; keep one.",
        ),
    ],
)
def test_a_property_written_twice_is_read_and_warned_about(front, interviews, warning):
    """YAML keeps the last value without a word: the earlier interview vanished. The value most
    likely meant is the last one written, unless it is empty (a template's line left behind)."""
    c, problems = build_contact(note(f"---\ntype: contact\n{front}---\n"), DEFAULTS)
    assert (c.interviews, c.warnings, problems) == (interviews, (warning,), [])


def test_a_bad_value_written_twice_points_at_the_line_read():
    c, problems = build_contact(note("---\ntype: contact\ninterviews:\ninterviews: soon\n---\n"), DEFAULTS)
    assert [(p.line, p.message[:25]) for p in problems] == [(4, "interviews: 'soon' is not")]


def test_a_template_with_empty_items_audits_and_builds(tmp_path):
    """A note made from a template whose lists have an empty item: exit 1, "None is not a date"."""
    write_note(
        tmp_path,
        "Contacts/Ana Ortiz.md",
        "---\ntype: contact\nemail: ana@example.org\ninterviews:\n  - \nthank_you_sent:\n  -\n"
        "check_ins:\n  - \nreferrals:\n  - \n---\n",
    )
    code, out, _ = run_cli("audit", tmp_path, "--today", "2026-11-20")
    assert (code, out.splitlines()[0]) == (
        0,
        f"{tmp_path} on 2026-11-20: 1 contact, 0 findings, 0 problems reading notes",
    )
    code, out, _ = run_cli("build", tmp_path, "--today", "2026-11-20")
    assert (code, out) == (0, f"wrote {tmp_path / 'vaultsync.ics'}: 0 events from 1 contact\n")


def test_a_property_written_twice_is_a_warning_in_the_audit(tmp_path):
    """Even with follow_up: false, which silences the record rule's suggestions."""
    write_note(
        tmp_path,
        "Contacts/Ana Ortiz.md",
        "---\ntype: contact\nfollow_up: false\nemail: ana@example.org\nemail: ana@example.com\n---\n",
    )
    code, out, _ = run_cli("audit", tmp_path, "--today", "2026-11-20", "--format", "json")
    assert code == 0
    assert [
        (f["rule"], f["level"], f["path"], f["due"], f["message"]) for f in json.loads(out)["findings"]
    ] == [
        (
            "record",
            "warning",
            "Contacts/Ana Ortiz.md",
            None,
            "the property email is written twice (lines 4 and 5): the value on line 5 is read; keep one.",
        )
    ]


def test_names_match_in_one_normal_form():
    """A file name in macOS's decomposed form (NFD) did not match a link typed composed (NFC)."""
    decomposed = contact("---\ntype: contact\n---\n", "Contacts/Jose\u0301 Di\u0301az.md")
    composed = contact("---\ntype: contact\nname: Zoë Ng\n---\n", "Contacts/zoe.md")
    index = index_by_name([decomposed, composed])
    assert find_person(PersonRef("José Díaz", "José Díaz"), index) is decomposed
    assert find_person(PersonRef("JOSÉ DÍAZ"), index) is decomposed
    assert find_person(PersonRef("Zoe\u0308 Ng"), index) is composed
    assert name_key("Jose\u0301") == name_key("JOSÉ") == name_key("jose") == "jose"
    assert name_key("  José   Díaz ") == name_key("jose diaz") == name_key("José_Díaz") == "jose diaz"


@pytest.mark.parametrize(
    ("written", "stem", "front"),
    [
        ("Carla Diaz", "Carla Díaz", ""),  # no accent in the referral, one in the file name
        ("[[Carla Diaz]]", "Carla Di\u0301az", ""),  # a link without it; the file name in NFD
        ("[[Carla Díaz]]", "Carla Di\u0301az", ""),  # NFC link, NFD file name
        ("carla-díaz", "Carla Diaz", ""),  # a slug, an accent the file name lacks
        ("CARLA DÍAZ", "cd", "name: Carla Di\u0301az\n"),  # by name (NFD), in capitals
        ("Carlita", "cd", "aliases: [Carli\u0301ta]\n"),  # by an alias with an accent
        ("Straße Ng", "STRASSE NG", ""),  # full case folding
    ],
)
def test_a_referral_finds_its_note_whatever_the_accents_case_and_unicode_form(written, stem, front):
    """A referral "Carla Diaz" never matched the note ``Carla Díaz.md`` (issue 17)."""
    carla = contact(f"---\ntype: contact\n{front}---\n", f"Contacts/{stem}.md")
    referrer = contact(f"---\ntype: contact\nreferrals: ['{written}']\n---\n", "Contacts/Rosa.md")
    index = index_by_name([carla, referrer])
    assert [find_person(p, index) for p in referrer.referrals] == [carla]


def test_a_referral_in_composed_form_finds_a_decomposed_note(tmp_path):
    write_note(
        tmp_path, "Contacts/Jose\u0301 Di\u0301az.md", "---\ntype: contact\ninterviews: [2026-11-02]\n---\n"
    )
    write_note(
        tmp_path,
        "Contacts/Ana.md",
        "---\ntype: contact\nemail: a@example.org\ninterviews: [2026-11-01]\nthank_you_sent: [2026-11-01]\n"
        "advice: [x]\nreferrals: ['[[José Díaz]]']\n---\n",
    )
    code, out, _ = run_cli("audit", tmp_path, "--today", "2026-11-03", "--format", "json")
    assert [f["message"] for f in json.loads(out)["findings"] if f["rule"] == "referral"] == []


def test_outreach_replies_contact_and_do_not_contact_are_read_by_their_aliases():
    c = contact(
        """
        ---
        type: contact
        reached_out: [2026-11-06, "2026-11-19T09:30", 2026-11-06]
        reply: 2026-11-20
        last-contacted-at: [2026-10-01, 2026-10-02]
        dnc: true
        ---
        """
    )
    assert (c.outreach, c.replies, c.contacted, c.do_not_contact, c.interviews) == (
        (dt.date(2026, 11, 6), dt.date(2026, 11, 19)),
        (dt.date(2026, 11, 20),),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 2)),
        True,
        (),
    )
    assert contact("---\ntype: contact\n---\n").do_not_contact is False


def test_bad_outreach_replies_contact_and_do_not_contact_values_are_reported():
    n = note(
        """
        ---
        type: contact
        outreach: [last week, 2026-11-06]
        replied: 2026-02-30
        contacted: [yes, 2026-10-01]
        do_not_contact: perhaps
        ---
        """,
        path="People/Jane.md",
    )
    c, problems = build_contact(n, DEFAULTS)
    assert (c.outreach, c.replies, c.contacted, c.do_not_contact) == (
        (dt.date(2026, 11, 6),),
        (),
        (dt.date(2026, 10, 1),),
        False,
    )
    write = "is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)"
    assert [(p.path, p.line, p.message) for p in problems] == [
        ("People/Jane.md", 3, f"outreach: 'last week' {write}"),
        ("People/Jane.md", 4, "replied: 2026-02-30 is not a real date"),
        ("People/Jane.md", 5, f"contacted: 'yes' {write}"),
        ("People/Jane.md", 6, "do_not_contact: expected true or false, got 'perhaps'"),
    ]


def test_the_json_report_says_which_note_each_date_came_from(tmp_path):
    write_note(
        tmp_path,
        "People/Ana.md",
        "---\ntype: contact\nemail: a@b.example\noutreach: [2026-11-02, 2026-11-10]\n"
        "last_contact: 2026-10-01\n---\n",
    )
    write_note(
        tmp_path,
        "Log/Reply.md",
        '---\nContacts: ["[[Ana]]"]\nComm_DateTime: 2026-11-12T10:30\nComm-Type: Received\n---\n',
    )
    write_note(
        tmp_path,
        "Log/Sent.md",
        '---\nContacts: ["[[Ana]]"]\nComm_DateTime: 2026-11-10T08:00\nComm-Type: Sent\n---\n',
    )
    code, out, _ = run_cli("audit", tmp_path, "--today", "2026-11-20", "--format", "json")
    report = json.loads(out)
    assert (code, report["findings"], report["errors"]) == (0, [], [])  # answered on the 12th
    assert [(d["kind"], d["date"], d["note"]) for d in report["dates"]] == [
        ("contacted", "2026-10-01", "People/Ana.md"),
        ("outreach", "2026-11-02", "People/Ana.md"),
        ("outreach", "2026-11-10T08:00:00", "Log/Sent.md"),  # the note gives it too: listed once
        ("reply", "2026-11-12T10:30:00", "Log/Reply.md"),
    ]
