"""Guarantee 4: the file system misbehaves, vaultsync doesn't (docs/reliability.md).

Each misbehaviour is reported with the note's path and the reason, and every other note is
still read. Permission tests drop root's privileges in a child process (root reads anything).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, run_cli, tree_digest, write_note
from pipeline import peak_memory
from sandbox import reachable_tmp, unprivileged

from vaultsync.config import Settings
from vaultsync.model.vault import Entry
from vaultsync.reading.note import TOO_LARGE, NoteError, NoteReader, read_note
from vaultsync.store import parallel as vault_module
from vaultsync.store.loader import load_vault

TODAY = "2026-11-20"
GOOD = """
---
type: contact
email: ana@example.org
interviews: [2026-11-18]
thank_you_sent: 2026-11-19
advice: [Talk to people]
referrals: ["Bo"]
---
"""


def audit_json(vault: Path) -> tuple[int, dict]:
    code, out, err = run_cli("audit", vault, "--today", TODAY, "--format", "json")
    return code, json.loads(out)


def errors_of(report: dict) -> dict[str, str]:
    return {e["path"]: e["message"] for e in report["errors"]}


def test_a_pipe_named_like_a_note_is_reported_not_waited_on(vault: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: the audit used to hang forever."""
    write_note(vault, "Contacts/Ana.md", GOOD)
    os.mkfifo(vault / "Contacts" / "Pipe.md")
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync", "audit", vault, "--today", TODAY, "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(done.stdout)
    assert (done.returncode, report["contacts"]) == (1, 1)
    assert errors_of(report) == {
        "Contacts/Pipe.md": "is not a regular file (a pipe, socket or device): not read"
    }


def test_a_50_mb_note_is_refused_unread(vault: Path) -> None:
    write_note(vault, "Contacts/Ana.md", GOOD)
    with open(vault / "Contacts" / "Huge.md", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no disk needed
    refused, peak = peak_memory(lambda: read_note(vault, "Contacts/Huge.md"))
    assert refused == NoteError("Contacts/Huge.md", None, TOO_LARGE)
    assert peak < 64 * 1024  # not one byte of the note was read
    code, report = audit_json(vault)
    assert (code, report["contacts"], errors_of(report)) == (1, 1, {"Contacts/Huge.md": TOO_LARGE})


def test_reading_a_note_costs_its_size_not_the_limit(vault: Path) -> None:
    """read(MAX_NOTE_BYTES + 1) allocated 4 MiB for every note read, whatever its size."""
    write_note(vault, "Ana.md", GOOD * 10)
    read, peak = peak_memory(lambda: read_note(vault, "Ana.md"))
    assert not isinstance(read, NoteError)
    assert peak < 64 * 1024


def test_a_note_replaced_by_a_link_after_listing_is_not_followed(vault: Path, tmp_path: Path) -> None:
    secret = write_note(tmp_path, "outside/secret.md", "---\ntype: contact\n---\n")
    (vault / "Contacts").mkdir()
    (vault / "Contacts" / "Ana.md").symlink_to(secret)
    assert read_note(vault, "Contacts/Ana.md") == NoteError(
        "Contacts/Ana.md", None, "became a symbolic link while it was being read: not followed"
    )


def test_links_that_lose_notes_are_reported_and_the_rest_is_read(vault: Path, tmp_path: Path) -> None:
    write_note(vault, "Contacts/Ana.md", GOOD)
    outside = write_note(tmp_path, "elsewhere/People/Bo.md", GOOD).parent.resolve()
    contacts = vault / "Contacts"
    (contacts / "Bo.md").symlink_to(outside / "Bo.md")  # a note outside
    (vault / "People").symlink_to(outside)  # a folder outside
    (contacts / "Same Ana.md").symlink_to(contacts / "Ana.md")  # inside: Ana is read once, at home
    (contacts / "again").symlink_to(vault)  # a loop back to the vault root
    (contacts / "Loop.md").symlink_to(contacts / "Loop2.md")
    (contacts / "Loop2.md").symlink_to(contacts / "Loop.md")
    (contacts / "Gone.md").symlink_to(tmp_path / "deleted.md")
    code, report = audit_json(vault)
    nowhere = "a symbolic link that leads nowhere (or round in a loop): not followed"
    assert (code, report["contacts"]) == (1, 1)
    assert errors_of(report) == {
        "Contacts/Bo.md": f"a symbolic link to {outside / 'Bo.md'}, outside the vault: not followed",
        "People": f"a symbolic link to {outside}, outside the vault: not followed",
        "Contacts/Loop.md": nowhere,
        "Contacts/Loop2.md": nowhere,
        "Contacts/Gone.md": nowhere,
    }
    assert {f["path"] for f in report["findings"]} == {"Contacts/Ana.md"}


def test_names_that_are_not_utf8_are_reported_and_the_rest_is_read(vault: Path) -> None:
    """``build`` used to die on a Latin-1 file name (UnicodeEncodeError hashing the UID)."""
    write_note(vault, "Contacts/Ana.md", GOOD)
    raw = os.fsencode(vault / "Contacts")
    for name in (b"Jos\xe9.md", b"Caf\xe9/Bo.md"):
        os.makedirs(os.path.dirname(raw + b"/" + name), exist_ok=True)
        with open(raw + b"/" + name, "w", encoding="utf-8") as handle:
            handle.write(GOOD.lstrip())
    not_utf8 = "the name is not UTF-8 text: rename it so that vaultsync can read it"
    code, report = audit_json(vault)
    assert (code, report["contacts"]) == (1, 1)
    assert errors_of(report) == {"Contacts/Caf\ufffd": not_utf8, "Contacts/Jos\ufffd.md": not_utf8}
    code, out, err = run_cli("build", vault, "--today", TODAY)
    assert code == 1
    assert out.startswith(f"wrote {vault / 'vaultsync.ics'}: ")
    assert err.splitlines() == [
        f"vaultsync: Contacts/Caf\ufffd: {not_utf8}",
        f"vaultsync: Contacts/Jos\ufffd.md: {not_utf8}",
    ]


def test_unreadable_notes_and_folders_are_reported_and_the_rest_is_read() -> None:
    """Real permissions: as root they would not stop a read, so the commands run as ``nobody``."""
    with reachable_tmp() as scratch:
        vault, out = scratch / "vault", scratch / "out"
        write_note(vault, "Ana.md", GOOD)
        for path in (
            "Locked.md",
            "Private/Bo.md",
            "Unlisted/Cy.md",
            "Unopenable/Di.md",
            "Unopenable/Sub/Ed.md",
        ):
            write_note(vault, path, GOOD)
        (vault / "Locked.md").chmod(0)
        (vault / "Private").chmod(0)
        (vault / "Unlisted").chmod(0o311)  # may be entered, not listed
        (vault / "Unopenable").chmod(0o644)  # may be listed, nothing in it opened
        out.mkdir(mode=0o777)
        out.chmod(0o777)
        run_cli("build", vault, "--today", TODAY, "--calendar", out / "warm-up.ics")  # imports, as root
        before = tree_digest(vault)
        with unprivileged():
            code, report = audit_json(vault)
            built = run_cli("build", vault, "--today", TODAY, "--calendar", out / "vaultsync.ics")
        denied = "Permission denied"
        assert (code, report["contacts"]) == (1, 1)
        assert errors_of(report) == {
            "Locked.md": f"cannot read: {denied}",
            "Private": f"cannot read folder: {denied}",
            "Unlisted": f"cannot read folder: {denied}",
            "Unopenable/Di.md": f"cannot read: {denied}",
            "Unopenable/Sub": f"cannot read folder: {denied}",
        }
        assert built[0] == 1 and built[1].startswith(f"wrote {out / 'vaultsync.ics'}: ")
        assert len(built[2].splitlines()) == 5
        for folder in ("Private", "Unlisted", "Unopenable"):
            (vault / folder).chmod(0o755)
        assert tree_digest(vault) == before


def test_an_unreadable_config_is_a_usage_error() -> None:
    with reachable_tmp() as scratch:
        write_note(scratch, "Ana.md", GOOD)
        config = scratch / ".vaultsync.toml"
        config.write_text('calendar_name = "Jobs"\n', encoding="utf-8")
        config.chmod(0)
        audit_json(scratch)  # imports, as root
        with unprivileged():
            code, out, err = run_cli("audit", scratch, "--today", TODAY)
        assert (code, out, err) == (2, "", f"vaultsync: {config}: cannot read: Permission denied\n")


@pytest.fixture
def meddling(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], object]]:
    """``meddling[path] = action``: the action runs on the disk just before ``path`` is read,
    after the folders were listed: a note or folder vanishes, or is renamed, mid-scan."""
    actions: dict[str, Callable[[], object]] = {}
    original = vault_module.load_entry

    def load_entry(root: Path, path: str, settings: Settings, reader: NoteReader | None = None) -> Entry:
        if path in actions:
            actions.pop(path)()
        return original(root, path, settings, reader)

    monkeypatch.setattr(vault_module, "load_entry", load_entry)
    return actions


def test_notes_and_folders_vanishing_mid_scan_are_reported(vault: Path, meddling: dict) -> None:
    for path in ("A.md", "B.md", "C.md", "Later/D.md", "Later/E.md"):
        write_note(vault, path, GOOD)
    meddling["A.md"] = lambda: shutil.rmtree(vault / "Later")
    meddling["B.md"] = (vault / "B.md").unlink
    loaded = load_vault(vault)
    assert [c.path for c in loaded.contacts] == ["A.md", "C.md"]
    gone = "the note disappeared while it was being read"
    assert [(e.path, e.message) for e in loaded.errors] == [
        ("B.md", gone),
        ("Later/D.md", gone),  # the whole vault is listed before any note is read
        ("Later/E.md", gone),
    ]


def test_a_case_only_rename_mid_scan_is_reported_then_read(vault: Path, meddling: dict) -> None:
    write_note(vault, "Contacts/ana lopez.md", GOOD)
    meddling["Contacts/ana lopez.md"] = lambda: (vault / "Contacts/ana lopez.md").rename(
        vault / "Contacts/Ana Lopez.md"
    )
    first = load_vault(vault)
    assert (first.contacts, [e.message for e in first.errors]) == (
        (),
        ["the note disappeared while it was being read"],
    )
    second = load_vault(vault)
    assert ([c.name for c in second.contacts], second.errors) == (["Ana Lopez"], ())


def test_notes_differing_only_in_case_are_two_contacts(vault: Path) -> None:
    """Possible on Linux (and after a sync from there): both are read, neither is lost."""
    write_note(vault, "Ana.md", GOOD)
    write_note(vault, "ana.md", GOOD)
    code, report = audit_json(vault)
    assert (code, report["contacts"], report["errors"]) == (0, 2, [])


def test_the_vault_deleted_mid_scan_is_reported_not_raised(vault: Path, meddling: dict) -> None:
    for path in ("A.md", "B.md", "C.md", "Sub/D.md"):
        write_note(vault, path, GOOD)
    meddling["B.md"] = lambda: shutil.rmtree(vault)
    loaded = load_vault(vault)
    assert [c.path for c in loaded.contacts] == ["A.md"]
    gone = "the note disappeared while it was being read"
    assert [(e.path, e.message) for e in loaded.errors] == [
        ("B.md", gone),
        ("C.md", gone),
        ("Sub/D.md", gone),
    ]
