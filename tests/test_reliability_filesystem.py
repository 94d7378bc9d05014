"""Guarantee 4: the file system misbehaves, vaultsync doesn't (docs/reliability.md).

Each misbehaviour is reported with the note's path and the reason, and every other note is
still read. Permission tests drop root's privileges in a child process (root reads anything).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

from conftest import REPO, run_cli, write_note

from vaultsync.note import TOO_LARGE, NoteError, read_note

TODAY = "2026-11-20"
GOOD = """
---
type: contact
email: ana@example.org
interviews: [2026-11-01]
thank_you_sent: 2026-11-02
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
    tracemalloc.start()
    try:
        refused = read_note(vault, "Contacts/Huge.md")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused == NoteError("Contacts/Huge.md", None, TOO_LARGE)
    assert peak < 64 * 1024  # not one byte of the note was read
    code, report = audit_json(vault)
    assert (code, report["contacts"], errors_of(report)) == (1, 1, {"Contacts/Huge.md": TOO_LARGE})


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
