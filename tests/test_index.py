"""The incremental index: re-read only what changed on disk, keep the last good version of a note."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from conftest import calls, write_note
from sandbox import reachable_tmp, unprivileged

from vaultsync import index as index_module
from vaultsync.index import KEPT, VaultIndex
from vaultsync.vault import load_vault

JANE = """\
---
type: contact
organization: Acme
interviews:
  - 2026-11-18
---
"""


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path the index reads from disk, in order."""
    return calls(monkeypatch, index_module, "load_entry", argument=1)


def age(path: Path, seconds: int = 60) -> None:
    """Date the file back, so its signature is trusted (not 'racily' recent)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def test_scan_equals_load_vault(vault, note):
    note("Contacts/Jane Doe.md", JANE)
    note("Contacts/Broken.md", "---\ntype: contact\nname: 'x\n---\n")
    note("Notes/Plain.md", "just text\n")
    note(".obsidian/x.md", JANE)
    index = VaultIndex(vault)
    assert index.scan() == ["Contacts/Broken.md", "Contacts/Jane Doe.md", "Notes/Plain.md"]
    assert index.vault() == load_vault(vault)
    assert len(index) == 3


def test_refresh_reads_only_changed_notes(vault, note, reads):
    paths = [note(f"Contacts/P{i}.md", JANE) for i in range(5)]
    for path in paths:
        age(path)
    index = VaultIndex(vault)
    index.scan()
    assert len(reads) == 5
    reads.clear()
    assert index.scan() == []  # nothing changed: nothing read
    assert index.refresh(["Contacts/P1.md", "Contacts/P2.md"]) == []
    assert reads == []
    paths[1].write_text(JANE.replace("Acme", "Globex"), encoding="utf-8")
    assert index.refresh(["Contacts/P1.md", "Contacts/P2.md"]) == ["Contacts/P1.md"]
    assert reads == ["Contacts/P1.md"]
    assert index.vault().contacts[1].organization == "Globex"


def test_a_recently_written_note_is_read_again_even_with_the_same_signature(vault, note, reads):
    path = note("Contacts/Jane Doe.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    index.refresh(["Contacts/Jane Doe.md"])
    assert reads == ["Contacts/Jane Doe.md", "Contacts/Jane Doe.md"]  # mtime within RACY_NS of now
    age(path)
    index.refresh(["Contacts/Jane Doe.md"])
    index.refresh(["Contacts/Jane Doe.md"])
    assert len(reads) == 3  # read once more, then trusted


def test_gone_ignored_and_linked_paths_leave_the_index(vault, note):
    jane = note("Contacts/Jane Doe.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    jane.unlink()
    (vault / "Contacts/Jane Doe.md").symlink_to(note("elsewhere.txt", JANE))
    assert index.refresh(["Contacts/Jane Doe.md", "Contacts/Nobody.md", ".trash/x.md"]) == [
        "Contacts/Jane Doe.md"
    ]
    assert index.vault().contacts == ()


@pytest.mark.parametrize(
    "broken, problem",
    [
        ("---\ntype: contact\norganization: 'Acme\n---\n", "invalid YAML"),
        ("---\ntype: contact\norgan", "never closed"),
        ("", "the note is empty"),
        (b"---\ntype: contact\norganization: Caf\xe9\n---\n", "not UTF-8"),
    ],
)
def test_an_unreadable_note_keeps_its_last_good_contact(vault, note, broken, problem):
    path = note("Contacts/Jane Doe.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    good = index.vault().contacts
    if isinstance(broken, bytes):
        path.write_bytes(broken)
    else:
        path.write_text(broken, encoding="utf-8")
    assert index.refresh(["Contacts/Jane Doe.md"]) == ["Contacts/Jane Doe.md"]
    vault_now = index.vault()
    assert vault_now.contacts == good
    messages = [err.message for err in vault_now.errors]
    assert problem in messages[0] and messages[1] == KEPT
    # Fixed: the new version applies and the problems go.
    path.write_text(JANE.replace("Acme", "Globex"), encoding="utf-8")
    index.refresh(["Contacts/Jane Doe.md"])
    assert [c.organization for c in index.vault().contacts] == ["Globex"]
    assert index.vault().errors == ()


def test_a_note_that_is_no_longer_a_contact_is_taken_as_meant(vault, note):
    path = note("Contacts/Jane Doe.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    path.write_text("---\ntype: company\n---\n", encoding="utf-8")
    index.refresh(["Contacts/Jane Doe.md"])
    assert index.vault().contacts == () and index.vault().errors == ()


def test_a_note_broken_from_the_start_is_only_reported(vault, note):
    note("Contacts/Jane Doe.md", "---\ntype: contact\norganization: 'Acme\n---\n")
    index = VaultIndex(vault)
    index.scan()
    assert index.vault().contacts == ()
    assert [e.message for e in index.vault().errors if e.message == KEPT] == []


def test_unreadable_folders_are_reported_and_cleared():
    with reachable_tmp() as vault:  # root reads every folder: the scan runs as nobody
        write_note(vault, "Private/Jane Doe.md", JANE)
        index = VaultIndex(vault)
        index.scan()
        (vault / "Private").chmod(0)
        try:
            with unprivileged():
                assert index.scan() == ["Private/Jane Doe.md", "."]
            assert "cannot read folder" in index.vault().errors[0].message
        finally:
            (vault / "Private").chmod(0o755)
        assert index.scan() == ["Private/Jane Doe.md", "."]
        assert index.vault().errors == ()


@pytest.mark.parametrize("seed", range(4))
def test_the_vault_kept_in_step_equals_one_read_from_scratch(vault, seed):
    """vault() is patched one changed entry at a time: after any sequence of adds, edits, breaks,
    removals and links out of the vault it must equal what load_vault reads from scratch."""
    rng = random.Random(seed)
    names = ["A.md", "Contacts/B.md", "Contacts/C d.md", "Contacts/Z.md", "M/N.md", "Zz.md", "a.md"]
    kinds = {
        "contact": JANE,
        "other contact": JANE.replace("Acme", "Globex"),
        "contact with a problem": JANE.replace("2026-11-18", "next tuesday"),
        "plain": "just text\n",
        "broken": "---\ntype: contact\norganization: 'Acme\n---\n",
    }
    outside = write_note(vault.parent, "outside.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    is_contact: set[str] = set()  # a contact that breaks keeps its last version (tested above)
    for step in range(60):
        path = rng.choice(names)
        target = vault / path
        kind = rng.choice([*kinds, "remove", "link out"])
        if kind == "broken" and path in is_contact:
            kind = "remove"
        if target.is_symlink() or kind in ("remove", "link out"):
            target.unlink(missing_ok=True)
            is_contact.discard(path)
        if kind == "link out":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(outside)
        elif kind != "remove":
            write_note(vault, path, kinds[kind])
            (is_contact.add if "contact" in kind and kind != "broken" else is_contact.discard)(path)
        if step % 3:
            index.refresh([path])
        else:
            index.scan()  # the links out of the vault are found by walking it
            assert index.vault() == load_vault(vault), (step, path, kind)
        assert index.vault().contacts == load_vault(vault).contacts, (step, path, kind)


def test_the_vault_is_the_same_object_until_an_entry_changes(vault, note):
    note("Contacts/Jane Doe.md", JANE)
    path = note("Contacts/Kim.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    first = index.vault()
    index.scan()
    assert index.vault() is first
    path.write_text(JANE.replace("Acme", "Globex"), encoding="utf-8")
    index.refresh(["Contacts/Kim.md"])
    second = index.vault()
    assert second is not first and second.contacts[0] is first.contacts[0]
    assert [c.organization for c in second.contacts] == ["Acme", "Globex"]
