"""The incremental index: re-read only what changed on disk, keep the last good version of a note."""

from __future__ import annotations

import os
import random
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import calls, write_note
from sandbox import reachable_tmp, unprivileged

from vaultsync.incremental import index as index_module
from vaultsync.incremental.index import KEPT, VaultIndex
from vaultsync.store.files import RACY_NS
from vaultsync.store.loader import load_vault

OPENING = "the note holds only the start of its front-matter's opening ---"
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


def settle(path: Path) -> None:
    """Wait until the file's last change is RACY_NS old, so its state is trusted (not 'racily'
    recent). Only waiting does it: dating the mtime back sets the change time (ctime) to now."""
    st = path.stat()
    time.sleep(max(0, max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS - time.time_ns()) / 1e9)


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
    settle(max(paths, key=lambda path: path.stat().st_ctime_ns))
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
    assert reads == ["Contacts/Jane Doe.md", "Contacts/Jane Doe.md"]  # changed within RACY_NS of now
    settle(path)
    index.refresh(["Contacts/Jane Doe.md"])
    index.refresh(["Contacts/Jane Doe.md"])
    assert len(reads) == 3  # read once more, then trusted


def test_an_edit_that_keeps_the_size_and_sets_the_mtime_back_is_read(vault, note, reads):
    """The change time (ctime) is in the file's state: the kernel sets it on every write, and no
    tool can set it back (``touch -d``, ``rsync -t`` and ``git checkout`` set the mtime only)."""
    path = note("Contacts/Jane Doe.md", JANE)
    settle(path)
    index = VaultIndex(vault)
    index.scan()
    old = path.stat()
    with open(path, "r+", encoding="utf-8") as handle:  # in place: the same inode
        handle.write(JANE.replace("Acme", "Ajax"))  # and the same size
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    new = path.stat()
    assert (new.st_ino, new.st_size, new.st_mtime_ns) == (old.st_ino, old.st_size, old.st_mtime_ns)
    assert index.refresh(["Contacts/Jane Doe.md"]) == ["Contacts/Jane Doe.md"]
    assert [c.organization for c in index.vault().contacts] == ["Ajax"]
    assert index.vault() == load_vault(vault)


def test_a_note_made_unreadable_by_chmod_alone_keeps_its_last_good_contact():
    """chmod changes neither the size, the mtime nor the inode: only the change time."""
    with reachable_tmp() as vault:  # root reads anything: the index runs as nobody
        path = write_note(vault, "Contacts/Jane Doe.md", JANE)
        settle(path)
        index = VaultIndex(vault)
        with unprivileged():
            index.scan()
        good = index.vault().contacts
        path.chmod(0)
        with unprivileged():
            assert index.refresh(["Contacts/Jane Doe.md"]) == ["Contacts/Jane Doe.md"]
        assert index.vault().contacts == good
        assert [e.message for e in index.vault().errors] == ["cannot read: Permission denied", KEPT]


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
        # An editor that truncates, then writes, "---\n" a byte at a time: each state in between.
        ("-", OPENING),
        ("--", OPENING),
        ("---", OPENING),
        (b"---\r", OPENING),
        (b"\xef\xbb\xbf--", OPENING),
        (b"\xef\xbb", OPENING),
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


@pytest.mark.parametrize("folder_settings", [False, True], ids=["typed", "contacts folder"])
def test_a_half_written_opening_is_not_read_as_a_note_without_front_matter(vault, note, folder_settings):
    """``-`` alone parses as a note without front-matter: in a contacts folder, a contact with
    no properties; elsewhere, no contact. Either way Jane's deadlines would leave the calendar."""
    if folder_settings:
        (vault / ".vaultsync.toml").write_text('contacts_folders = ["Contacts"]\n')
    path = note("Contacts/Jane Doe.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    good = index.vault().contacts
    for partial in ("", "-", "--", "---\n"):
        path.write_text(partial, encoding="utf-8")
        index.refresh(["Contacts/Jane Doe.md"])
        assert index.vault().contacts == good, partial
        assert index.vault().errors[-1].message == KEPT


def test_a_new_note_that_holds_a_dash_is_read_as_it_is(vault, note):
    """Only a note that had a good version keeps it: a new one reads as a fresh build reads it."""
    note("Contacts/Dash.md", "-")
    index = VaultIndex(vault)
    index.scan()
    assert index.vault() == load_vault(vault)
    assert index.vault().errors == ()


def test_a_link_out_of_the_vault_is_reported_when_refreshed_as_when_scanned(vault, note, tmp_path):
    note("Contacts/Jane Doe.md", JANE)
    outside = write_note(tmp_path / "elsewhere", "Jane Doe.md", JANE)
    index = VaultIndex(vault)
    index.scan()
    (vault / "Contacts/Jane Doe.md").unlink()
    (vault / "Contacts/Jane Doe.md").symlink_to(outside)
    assert index.refresh(["Contacts/Jane Doe.md"]) == ["Contacts/Jane Doe.md"]
    problem = f"a symbolic link to {outside}, outside the vault: not followed"
    assert [(e.path, e.message) for e in index.vault().errors] == [("Contacts/Jane Doe.md", problem)]
    assert index.vault() == load_vault(vault)
    assert index.scan() == []  # the scan finds the same problem: not reported twice
    assert index.vault() == load_vault(vault)
    (vault / "Contacts/Jane Doe.md").unlink()
    assert index.refresh(["Contacts/Jane Doe.md"]) == ["Contacts/Jane Doe.md"]
    assert index.vault() == load_vault(vault) and index.vault().errors == ()


def test_new_settings_keep_the_last_good_version_of_a_broken_note(vault, note):
    path = note("Contacts/Jane Doe.md", JANE)
    note("Contacts/Kim.md", JANE.replace("Acme", "Globex"))
    index = VaultIndex(vault)
    index.scan()
    good = index.vault().contacts
    path.write_text("---\ntype: contact\norganization: 'Acme\n---\n", encoding="utf-8")
    index.refresh(["Contacts/Jane Doe.md"])
    settings = replace(index.settings, calendar_name="Job search", contacts_folders=("Contacts",))
    renewed = index.with_settings(settings)
    assert renewed.scan() == ["Contacts/Jane Doe.md", "Contacts/Kim.md"]  # every note read again
    assert renewed.vault().contacts == good
    assert renewed.vault().settings == settings
    assert [e.message for e in renewed.vault().errors][-1] == KEPT
    path.write_text(JANE.replace("Acme", "Initech"), encoding="utf-8")  # fixed: the new version
    renewed.refresh(["Contacts/Jane Doe.md"])
    assert [c.organization for c in renewed.vault().contacts] == ["Initech", "Globex"]
    assert renewed.vault().errors == ()


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
            # a plain note under Contacts/ is a contact too (a people folder)
            people = kind == "plain" and path.startswith("Contacts/")
            (is_contact.add if ("contact" in kind or people) and kind != "broken" else is_contact.discard)(
                path
            )
        if step % 3:
            index.refresh([path])
        else:
            index.scan()
        assert index.vault() == load_vault(vault), (step, path, kind)


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
