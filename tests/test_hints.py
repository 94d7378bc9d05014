"""A property a contact note holds but vaultsync does not read, that looks like a date of contact,
gets one hint naming the alias to add (docs/dates.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import write_note

from vaultsync import pipeline

TODAY = dt.date(2026, 11, 20)


def hints(root: Path) -> list[tuple[str, int | None]]:
    found = pipeline.audit(root, TODAY).findings
    return [(f.message, f.line) for f in found if f.rule == "record" and "is not read" in f.message]


def test_a_newcomers_dates_are_named_with_the_alias_to_add(tmp_path: Path) -> None:
    write_note(
        tmp_path,
        "Ana.md",
        """
        ---
        type: person
        email: ana@example.org
        Interview date: 12/01/2026
        interview_date: 2026-12-01
        meeting: weekly
        thanked on: 2026-12-03
        first met on: 2026-10-01
        created: 2026-01-01
        interviews:
          -
        ---
        """,
    )
    alias = '.vaultsync.toml: [property_aliases] {} = ["{}"].'
    assert hints(tmp_path) == [  # in the report's order: by message
        (
            "Interview date is not read: if it holds the dates of interviews, add it to "
            + alias.format("interviews", "Interview date")
            + " Write the date as YYYY-MM-DD: 12/01/2026 could be read two ways.",
            4,
        ),
        (
            "first met on is not read: if it holds the dates of interviews, add it to "
            + alias.format("interviews", "first met on"),
            8,
        ),
        (
            "interview_date is not read: if it holds the dates of interviews, add it to "
            + alias.format("interviews", "interview_date"),
            5,
        ),
        (
            "meeting is not read: if it holds the dates of interviews, add it to "
            + alias.format("interviews", "meeting"),
            6,
        ),
        (
            "thanked on is not read: if it holds the dates of thank-you letters, add it to "
            + alias.format("thank_you_sent", "thanked on"),
            7,
        ),
    ]
    # the template's empty item is no error, and no interview
    assert pipeline.audit(tmp_path, TODAY).vault.errors == ()


def test_the_alias_added_reads_the_date_and_the_hint_goes(tmp_path: Path) -> None:
    write_note(tmp_path, "Ana.md", "---\ntype: person\nemail: a@b.c\ninterview_date: 2026-11-01\n---\n")
    assert len(hints(tmp_path)) == 1
    write_note(tmp_path, ".vaultsync.toml", '[property_aliases]\ninterviews = ["interview_date"]\n')
    checked = pipeline.audit(tmp_path, TODAY)
    assert hints(tmp_path) == []
    assert checked.vault.contacts[0].interviews == (dt.date(2026, 11, 1),)


def test_a_silenced_contact_and_a_plain_note_get_no_hint(tmp_path: Path) -> None:
    write_note(tmp_path, "Bo.md", "---\ntype: person\ndo_not_contact: true\nmeeting_day: 2026-11-01\n---\n")
    write_note(tmp_path, "Plain.md", "---\nmeeting: 2026-11-01\n---\n")
    assert hints(tmp_path) == []


def test_a_call_is_named_as_other_contact(tmp_path: Path) -> None:
    write_note(tmp_path, "Ana.md", "---\ntype: person\nemail: a@b.example\ndate called: 2026-11-02\n---\n")
    assert hints(tmp_path) == [
        (
            "date called is not read: if it holds the dates of other contact (a call, an email), add it "
            'to .vaultsync.toml: [property_aliases] contacted = ["date called"].',
            4,
        )
    ]
