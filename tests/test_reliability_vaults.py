"""Guarantee 5: real vaults (docs/reliability.md).

Every note of a public vault, and of a vault written in every way FIELD-NOTES.md says people
mark their contacts: nothing crashes, nothing changes, and the people are found.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import KEPANO, run_cli, tree_digest, write_note
from icalendar import Calendar
from pipeline import through_everything

from vaultsync.reading.listing import note_paths
from vaultsync.reading.note import Note
from vaultsync.store.loader import load_vault

TODAY = "2026-11-20"

#: One contact per convention: (path, note text, organization it names).
PEOPLE = (
    ("Jane Type Person.md", "type: person\ncompany: Acme", "Acme"),
    ("Jane Type Contact.md", "type: contact\nCompany: Acme", "Acme"),
    ("Jane Type List.md", "type:\n  - person\norg: Acme", "Acme"),
    ("Jane Type Link.md", 'type: "[[Person]]"\nfirm: Acme', "Acme"),
    ("Jane Tags.md", "tags: [person]\norganizations: [Acme, Beta]", "Acme; Beta"),
    ("Jane Hash Tag.md", 'tags: ["#person"]\norganisation: Acme', "Acme"),
    ("Jane Tag Text.md", "tags: work, person\nemployer: Acme", "Acme"),
    ("Jane Nested Tag.md", "tags: [contact/recruiter]\norganization: Acme", "Acme"),
    ("Jane Categories.md", 'categories:\n  - "[[People]]"\norganization: "[[Acme]]"', "Acme"),
    ("Jane Category.md", 'categories: "[[People]]"\norganization: Acme', "Acme"),
    ("People/Jane Folder.md", "organization: Acme", "Acme"),
    ("Jane Person Key.md", "person: true\norganization: Acme", "Acme"),
    ("Jane Body Tag.md", "organization: Acme", "Acme"),  # the body says #person
)
#: Ways of writing the date of the last talk: the first four read as a date of contact
#: (``contacted``), the last as the interview.
LAST_CONTACT = ("last_contact", "lastContact", "last-contacted-at", "Last Contact", "interviews")

NOT_PEOPLE = {
    "Daily/2026-11-18.md": "---\ntags: [daily]\n---\nMet [[Jane Tags]] for coffee.",
    "Meetings/Standup.md": '---\ncategories: ["[[Meetings]]"]\npeople: ["[[Jane Tags]]"]\n---\n',
    "Templates/Person.md": "---\ntype: person\ncreated: {{date}}\n---\n",
    "Templates/Templater.md": "---\ntags: [person]\ncreated: <% tp.date.now() %>\n---\n",
    ".trash/Old Jane.md": "---\ntype: person\ninterviews: [nonsense]\n---\n",
    ".obsidian/snippets/x.md": "---\ntype: person\n---\n",
    "Reading list.md": "# Books\n- #book Range",
}


@pytest.fixture
def conventions(vault: Path) -> Path:
    """A vault holding every convention, with Obsidian's own files, CRLF, a BOM and aliases."""
    (vault / ".vaultsync.toml").write_text('contacts_folders = ["People"]\n', encoding="utf-8")
    for index, (path, properties, _) in enumerate(PEOPLE):
        key = LAST_CONTACT[index % len(LAST_CONTACT)]
        body = "Met at a meetup. #person\n" if "Body Tag" in path else "## Advice\n- Ship small things.\n"
        text = f"---\n{properties}\n{key}: 2026-11-0{1 + index % 9}\nphone: 555-0100\n---\n{body}"
        if index % 3 == 1:
            text = text.replace("\n", "\r\n")
        data = text.encode()
        if index % 4 == 2:
            data = b"\xef\xbb\xbf" + data
        target = vault / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path, text in NOT_PEOPLE.items():
        write_note(vault, path, text)
    write_note(vault, ".obsidian/workspace.json", '{"main": {}}')
    return vault


def test_every_convention_is_found_read_and_left_unchanged(conventions: Path) -> None:
    before = tree_digest(conventions)
    vault = load_vault(conventions)
    found = {c.path: c for c in vault.contacts}
    assert vault.errors == ()
    assert sorted(found) == sorted(path for path, _, _ in PEOPLE)
    for index, (path, _, organization) in enumerate(PEOPLE):
        assert found[path].organization == organization, path
        day = (dt.date(2026, 11, 1 + index % 9),)
        key = LAST_CONTACT[index % len(LAST_CONTACT)]
        assert (found[path].interviews, found[path].contacted) == (
            (day, ()) if key == "interviews" else ((), day)
        )
    code, out, err = run_cli("audit", conventions, "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert (code, err, report["contacts"], report["errors"]) == (1, "", len(PEOPLE), [])
    assert run_cli("build", conventions, "--today", TODAY)[0] == 0
    after = tree_digest(conventions)
    assert after.pop("vaultsync.ics")
    assert after == before


@pytest.fixture
def kepano() -> Path:
    if not KEPANO.is_dir():
        pytest.skip(f"the public vault is not at {KEPANO} (see ../shared/corpora/README.md)")
    return KEPANO


#: The people of kepano/kepano-obsidian: notes with categories "[[People]]" outside Templates/.
KEPANO_PEOPLE = {"References/Kevin Kelly.md", "References/Paul Chambers.md", "References/Steph Ango.md"}


def test_the_public_vault_is_read_without_a_change(kepano: Path) -> None:
    """Audit reads the corpus where it lies; nothing in it may change, not even a time stamp."""
    before = tree_digest(kepano)
    code, out, err = run_cli("audit", kepano, "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert (code, err, report["errors"]) == (0, "", [])
    # Nobody there is someone one networks with (no interview, outreach or referral): no record
    # gap. Steph Ango's meeting note gives her a date of contact.
    assert report["findings"] == []
    assert [d for d in report["dates"] if d["kind"] == "contacted"] == [
        {
            "contact": "References/Steph Ango.md",
            "kind": "contacted",
            "date": "2023-09-12",
            "note": "Notes/2023-09-12 Meeting with Steph.md",
        }
    ]
    vault = load_vault(kepano)
    assert {c.path for c in vault.contacts} == KEPANO_PEOPLE
    assert vault.notes == len(list(note_paths(kepano, vault.settings, [])))
    assert tree_digest(kepano) == before


def test_the_public_vault_builds_a_calendar_without_a_change(kepano: Path, tmp_path: Path) -> None:
    """Build writes into the vault, so it runs on a copy made for this test."""
    copy = tmp_path / "kepano"
    shutil.copytree(kepano, copy)
    before = tree_digest(copy)
    code, out, err = run_cli("build", copy, "--today", TODAY)
    assert (code, err) == (0, "")
    assert out == f"wrote {copy / 'vaultsync.ics'}: 0 events from 3 contacts\n"
    Calendar.from_ical((copy / "vaultsync.ics").read_bytes())
    after = tree_digest(copy)
    assert after.pop("vaultsync.ics")
    assert after == before


def test_every_file_of_the_public_vault_goes_through_every_stage(kepano: Path) -> None:
    """Templates too (the vault skips them): 28 hold an unquoted {{date}}, reported, not raised."""
    outcomes = {"read": 0, "reported": 0}
    for path in sorted(kepano.rglob("*.md")):
        relative = path.relative_to(kepano).as_posix()
        parsed = through_everything(path.read_bytes(), path=relative)
        outcomes["read" if isinstance(parsed, Note) else "reported"] += 1
    assert outcomes == {"read": 75, "reported": 28}
