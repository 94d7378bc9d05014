"""The vault scan: what is a note, what is skipped, what is reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import write_note

from vaultsync.config import DEFAULTS, load_settings
from vaultsync.errors import UsageError
from vaultsync.reading.listing import is_ignored, note_paths
from vaultsync.reading.note import NoteError
from vaultsync.store.entries import load_entry
from vaultsync.store.loader import load_vault

CONTACT = "---\ntype: contact\n---\n"


def test_ignored_places_are_neither_contacts_nor_errors(vault: Path):
    write_note(vault, "People/Ana.md", CONTACT)
    for path in (
        ".obsidian/x.md",
        ".trash/Old.md",
        ".git/y.md",
        "Templates/Contact.md",
        "templates/Person.md",
    ):
        write_note(vault, path, "---\ntype: contact\ncreated: {{date}}\n---\n")
    write_note(vault, "People/.hidden.md", CONTACT)
    write_note(vault, "People/notes.txt", CONTACT)
    loaded = load_vault(vault)
    assert [c.path for c in loaded.contacts] == ["People/Ana.md"]
    assert loaded.errors == () and loaded.notes == 1


def test_the_scan_lists_exactly_the_files_is_ignored_lets_in(vault: Path):
    """The scan tests a note's own name only, its folders having passed: the same as is_ignored."""
    (vault / ".vaultsync.toml").write_text(
        'templates_folders = ["Meta/Templates"]\ndashboard = "Meta/Networking.md"\n'
    )
    files = [
        "Ana.md",
        ".Ana.md",
        "Ana.MD",
        "Ana.md.txt",
        "notes.txt",
        "Meta/Networking.md",
        "Networking.md",
        "Meta/Templates/Person.md",
        "Meta/Templates/Deep/Person.md",
        "Meta/Templatesque/Person.md",
        "Templates/Person.md",
        ".trash/Old.md",
        "People/.obsidian/x.md",
        "People/Bo.md",
        "People/x.md/inside.md",
        "People/Deep/Er/Cy.md",
        "Ünïcode/Zoë.md",
    ]
    for path in files:
        write_note(vault, path, CONTACT)
    expected = sorted(path for path in files if not is_ignored(path, load_settings(vault)))
    assert sorted(note_paths(vault, load_settings(vault), [])) == expected
    assert "People/x.md/inside.md" in expected and "Meta/Networking.md" not in expected


def test_custom_templates_folder(vault: Path):
    (vault / ".vaultsync.toml").write_text('templates_folders = ["Meta/Templates"]\n')
    write_note(vault, "Meta/Templates/Person.md", "---\ncreated: {{date}}\n---\n")
    write_note(vault, "Templates/Person.md", CONTACT)  # no longer a templates folder
    assert [c.path for c in load_vault(vault).contacts] == ["Templates/Person.md"]


def test_sync_conflict_copies_are_reported_not_contacts(vault: Path):
    write_note(vault, "People/Ana.md", CONTACT)
    write_note(vault, "People/Ana.sync-conflict-20261120-101500-ABCDEFG.md", CONTACT)
    write_note(vault, "People/Ana (Sam's conflicted copy 2026-11-20).md", CONTACT)
    loaded = load_vault(vault)
    assert [c.path for c in loaded.contacts] == ["People/Ana.md"]
    assert [(e.path, e.message) for e in loaded.errors] == [
        (
            "People/Ana (Sam's conflicted copy 2026-11-20).md",
            "a sync tool's conflict copy of People/Ana.md: merge it there and delete it",
        ),
        (
            "People/Ana.sync-conflict-20261120-101500-ABCDEFG.md",
            "a sync tool's conflict copy of People/Ana.md: merge it there and delete it",
        ),
    ]


def test_symlinks_are_not_followed(vault: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    write_note(outside, "Secret.md", CONTACT)
    write_note(vault, "People/Ana.md", CONTACT)
    os.symlink(outside / "Secret.md", vault / "People" / "Secret.md")
    os.symlink(outside, vault / "Linked")
    os.symlink(vault, vault / "People" / "loop")
    loaded = load_vault(vault)
    assert [c.path for c in loaded.contacts] == ["People/Ana.md"]
    # the notes behind links out of the vault are lost, so they are reported; the loop is not
    assert [(e.path, e.message) for e in loaded.errors] == [
        ("Linked", f"a symbolic link to {outside.resolve()}, outside the vault: not followed"),
        (
            "People/Secret.md",
            f"a symbolic link to {outside.resolve() / 'Secret.md'}, outside the vault: not followed",
        ),
    ]


def test_every_other_note_survives_bad_ones(vault: Path):
    write_note(vault, "A.md", CONTACT)
    (vault / "B.md").write_bytes(b"---\ntype: contact\nname: Jos\xe9\n---\n")
    write_note(vault, "C.md", "---\ntype: contact\n- x\n---\n")
    write_note(vault, "D.md", CONTACT)
    loaded = load_vault(vault)
    assert [c.path for c in loaded.contacts] == ["A.md", "D.md"]
    assert [(e.path, e.line) for e in loaded.errors] == [("B.md", 3), ("C.md", 3)]


def test_a_note_that_vanishes_mid_scan(vault: Path):
    assert load_entry(vault, "Gone.md", DEFAULTS).errors == (
        NoteError("Gone.md", None, "the note disappeared while it was being read"),
    )


def test_missing_vault_is_a_usage_error(tmp_path: Path):
    with pytest.raises(UsageError, match="vault not found"):
        load_vault(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        load_vault(tmp_path / "file")


def test_contacts_in_stable_order(vault: Path):
    for name in ("b", "A", "a", "Z/c"):
        write_note(vault, f"{name}.md", CONTACT)
    assert [c.path for c in load_vault(vault).contacts] == ["A.md", "Z/c.md", "a.md", "b.md"]
