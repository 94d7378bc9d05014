"""Guarantees 2, 3 and 4 for ``watch`` (docs/reliability.md).

The watcher runs on its own thread (``Live`` from test_watch.py); every wait is bounded and
polls. What it must never do: change a note, leave a partial calendar, or stop because the
file system misbehaves (a vanished vault is the one documented end: exit 1, with the reason).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from conftest import copy_sample_vault, run_cli, tree_digest, write_note
from sandbox import give_to_nobody, reachable_tmp, small_disk, unprivileged
from test_reliability_unchanged import tree_state
from test_watch import ACME, GLOBEX, JANE, Live, contact, eventually, summaries

from vaultsync.errors import VaultsyncError
from vaultsync.index import KEPT

INITECH = "Thank-you letter: Jane Doe (Initech)"


def test_watch_changes_no_note(tmp_path: Path) -> None:
    """Only the test writes notes; after every rebuild each file is as the test left it."""
    vault = copy_sample_vault(tmp_path / "vault")
    jane = vault / "Contacts" / "Jane Doe.md"
    with Live(vault) as live:
        outputs = {"vaultsync.ics"}
        before = {p: s for p, s in tree_state(vault).items() if p not in outputs}
        jane.write_text(jane.read_text(encoding="utf-8").replace("Northwind", "Southwind"), encoding="utf-8")
        (vault / "Contacts" / "Wei Chen.md").unlink()
        write_note(vault, "Contacts/New Person.md", contact("Globex"))
        live.shows("Thank-you letter: New Person (Globex)")
        live.in_step()
        expected = {p: s for p, s in tree_state(vault).items() if p not in outputs}
        assert set(before) - set(expected) == {"Contacts/Wei Chen.md"}
        live.watcher.build_now()  # and a forced rebuild on top
    after = {p: s for p, s in tree_state(vault).items() if p not in outputs}
    assert after == expected


def test_a_full_disk_keeps_the_calendar_and_the_watcher_retries(vault: Path, tmp_path: Path, caplog) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    with small_disk(tmp_path / "disk") as disk, caplog.at_level(logging.ERROR, logger="vaultsync"):
        calendar = disk.path / "vaultsync.ics"
        with Live(vault, calendar=calendar) as live:
            previous = calendar.read_bytes()
            disk.fill()
            path.write_text(contact("Globex"), encoding="utf-8")
            eventually(lambda: "No space left on device" in caplog.text)
            assert "(trying again at the next change)" in caplog.text
            assert calendar.read_bytes() == previous and live.thread.is_alive()
            assert not [name for name in os.listdir(disk.path) if name.endswith(".tmp")]
            disk.empty()
            path.write_text(contact("Initech"), encoding="utf-8")
            eventually(lambda: INITECH in summaries(calendar))
            assert GLOBEX not in summaries(calendar)


def test_a_read_only_file_system_is_retried_by_the_reconcile(vault: Path, tmp_path: Path, caplog) -> None:
    """No change needed: a stale calendar is rebuilt at the next periodic reconcile."""
    path = write_note(vault, JANE, contact("Acme"))
    with small_disk(tmp_path / "disk") as disk, caplog.at_level(logging.ERROR, logger="vaultsync"):
        calendar = disk.path / "vaultsync.ics"
        with Live(vault, calendar=calendar, reconcile_every=0.3) as live:
            previous = calendar.read_bytes()
            disk.read_only()
            path.write_text(contact("Globex"), encoding="utf-8")
            eventually(lambda: "Read-only file system" in caplog.text)
            assert calendar.read_bytes() == previous and live.thread.is_alive()
            disk.read_only(False)
            eventually(lambda: GLOBEX in summaries(calendar))
            assert ACME not in summaries(calendar)


def test_the_watcher_goes_on_when_the_file_system_misbehaves(tmp_path: Path, caplog) -> None:
    """While it watches: an unreadable new note and folder (as ``nobody``), a link loop, a link out
    of the vault, a note vanishing, a case-only rename. Each is reported; the watcher goes on."""
    with reachable_tmp() as scratch, caplog.at_level(logging.WARNING, logger="vaultsync"):
        vault = scratch / "vault"
        write_note(vault, JANE, contact("Acme"))
        write_note(vault, "Contacts/Wei Chen.md", contact("Initech"))
        outside = scratch / "outside"
        write_note(outside, "elsewhere.md", contact("Umbrella"))
        give_to_nobody(vault, vault / "Contacts", outside)
        run_cli("build", vault, "--today", "2026-11-20")  # imports what a build needs, as root
        (vault / "vaultsync.ics").unlink()
        with unprivileged(), Live(vault) as live:
            locked = outside / "locked.md"
            shutil.copyfile(vault / JANE, locked)
            locked.chmod(0)
            os.rename(locked, vault / "Contacts" / "Locked.md")  # arrives unreadable
            (vault / "Private").mkdir(mode=0)
            (vault / "Contacts" / "Loop.md").symlink_to(vault / "Contacts" / "Loop.md")
            (vault / "Contacts" / "Out.md").symlink_to(outside / "elsewhere.md")
            eventually(lambda: "Contacts/Locked.md: cannot read: Permission denied" in caplog.text)
            eventually(lambda: "Private: cannot read folder: Permission denied" in caplog.text)
            eventually(lambda: "Contacts/Loop.md: a symbolic link that leads nowhere" in caplog.text)
            eventually(
                lambda: f"Contacts/Out.md: a symbolic link to {outside / 'elsewhere.md'}" in caplog.text
            )
            os.rename(vault / "Contacts/Wei Chen.md", vault / "Contacts/wei chen.md")  # case only
            live.shows("Thank-you letter: wei chen (Initech)")
            (vault / JANE).unlink()
            live.shows(absent=(ACME,))
            assert live.thread.is_alive() and live.failure is None
        assert "Traceback" not in caplog.text


def test_a_note_that_turns_unreadable_keeps_its_deadlines(vault: Path) -> None:
    """Its bytes were not lost: the last good version stands, and the problem is reported."""
    path = write_note(vault, JANE, contact("Acme"))
    with Live(vault) as live:
        path.write_bytes(b"---\ntype: contact\nname: Jos\xe9\n---\n")  # Latin-1 now
        eventually(lambda: KEPT in [e.message for e in live.builds[-1].audit.vault.errors])
        assert ACME in live.summaries()


def test_the_vault_deleted_while_watching_ends_the_watch_with_the_reason(vault, tmp_path) -> None:
    """The one documented end (docs/watch.md, exit code 1): a calendar elsewhere stays whole."""
    write_note(vault, JANE, contact("Acme"))
    calendar = tmp_path / "out" / "vaultsync.ics"
    with Live(vault, calendar=calendar) as live:
        previous = calendar.read_bytes()
        shutil.rmtree(vault)
        eventually(lambda: not live.thread.is_alive())
    assert isinstance(live.failure, VaultsyncError) and str(live.failure).startswith(
        "the vault folder is gone"
    )
    assert calendar.read_bytes() == previous
    assert tree_digest(calendar.parent) == {"vaultsync.ics": tree_digest(calendar.parent)["vaultsync.ics"]}
