"""Guarantees 2, 3 and 4 for ``watch`` (docs/reliability.md).

The watcher runs on its own thread (``Live`` from test_watch.py); every wait is bounded and
polls. What it must never do: change a note, leave a partial calendar, or stop because the
file system misbehaves (a vanished vault is the one documented end: exit 1, with the reason).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import copy_sample_vault, run_cli, tree_digest, write_note
from sandbox import give_to_nobody, reachable_tmp, small_disk, unprivileged
from test_reliability_unchanged import tree_state
from test_watch import ACME, GLOBEX, JANE, Live, contact, eventually, summaries

from vaultsync.errors import VaultsyncError
from vaultsync.incremental.index import KEPT
from vaultsync.outputs.report import error_line
from vaultsync.store.files import ANY, RACY_NS, KeptFile

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


# --- issue 21: nothing lost, nothing frozen


AJAX = "Thank-you letter: Jane Doe (Ajax)"


def test_an_edit_that_keeps_the_size_and_sets_the_mtime_back_reaches_the_calendar(vault: Path) -> None:
    """In place, same size, mtime restored (rsync -t, a sync tool): only the change time says so."""
    path = write_note(vault, JANE, contact("Acme"))
    old = path.stat()
    time.sleep(max(0, max(old.st_mtime_ns, old.st_ctime_ns) + RACY_NS - time.time_ns()) / 1e9)
    with Live(vault, reconcile_every=0.2) as live:
        with open(path, "r+", encoding="utf-8") as handle:
            handle.write(contact("Ajax"))
        os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
        assert (path.stat().st_size, path.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)
        live.shows(AJAX, absent=(ACME,))
        live.in_step()
        builds = len(live.builds)
        time.sleep(0.5)  # reconciles come and go: nothing more to do
        assert len(live.builds) == builds


def _rm_and_mv(vault: Path, new: Path) -> None:
    shutil.rmtree(vault)
    os.rename(new, vault)


def _moved_away_and_mv(vault: Path, new: Path) -> None:
    os.rename(vault, vault.with_name("vault.old"))
    os.rename(new, vault)


def _gone_a_while_then_restored(vault: Path, new: Path) -> None:
    shutil.rmtree(vault)
    time.sleep(0.3)  # several ticks without a vault folder
    shutil.copytree(new, vault)


REPLACEMENTS = [_rm_and_mv, _moved_away_and_mv, _gone_a_while_then_restored]


@pytest.mark.parametrize("polling", [False, True], ids=["events", "polling"])
@pytest.mark.parametrize("replace", REPLACEMENTS, ids=[r.__name__.strip("_") for r in REPLACEMENTS])
def test_a_vault_folder_replaced_while_watching_is_watched_anew(vault, tmp_path, caplog, replace, polling):
    write_note(vault, JANE, contact("Acme"))
    new = tmp_path / "vault.new"
    write_note(new, JANE, contact("Globex"))
    with caplog.at_level(logging.INFO, logger="vaultsync"), Live(vault, polling=polling) as live:
        replace(vault, new)
        eventually(live.calendar.exists)  # written in the new folder
        live.shows(GLOBEX, absent=(ACME,))  # from the new folder's notes
        live.in_step()
        before_the_save = len(caplog.records)
        write_note(vault, JANE, contact("Initech"))  # and its saves are heard (no reconcile in 60 s)
        live.shows(INITECH, absent=(GLOBEX,))
        live.in_step()
        assert live.thread.is_alive()
    said = [r.getMessage() for r in caplog.records if not r.getMessage().startswith("watching by polling")]
    assert len(said) == len(caplog.records) - polling  # polling is said once, at the start
    replaced = [line for line in said if line.startswith("the vault folder was replaced")]
    until_the_save = said[: before_the_save - polling]
    assert len(replaced) == 1 and until_the_save[0].startswith("start: ")
    if replace is _gone_a_while_then_restored:
        # Copied in place, the folder is at its path before its note is, and the note before its
        # bytes: the watcher may read either then. The other lines are the note's: a warning
        # that it is empty, what the rest of the copy changed.
        assert replaced[0] in until_the_save
        assert all(JANE in line.split(": ", 1)[0] for line in until_the_save[1:] if line != replaced[0])
    else:
        assert until_the_save[1:] == replaced  # the one line between the start and the save
    assert until_the_save[-1].split(": ", 1)[1].startswith("1 deadline (0 overdue)")


def test_a_vault_folder_replaced_with_other_settings_uses_them(vault: Path, tmp_path: Path) -> None:
    write_note(vault, JANE, contact("Acme"))
    new = tmp_path / "vault.new"
    write_note(new, JANE, contact("Acme"))
    (new / ".vaultsync.toml").write_text('calendar_name = "Restored"\n')
    with Live(vault) as live:
        _rm_and_mv(vault, new)
        eventually(lambda: live.calendar.exists() and b"X-WR-CALNAME:Restored" in live.calendar.read_bytes())
        live.in_step()


def test_a_config_change_keeps_the_last_good_version_of_a_broken_note(vault: Path) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    config = vault / ".vaultsync.toml"
    with Live(vault) as live:
        path.write_text("---\ntype: contact\norganization: 'Globex\n---\n", encoding="utf-8")
        eventually(lambda: KEPT in [e.message for e in live.builds[-1].audit.vault.errors])
        for settings in ('calendar_name = "Job search"\n', 'contacts_folders = ["Contacts"]\n'):
            config.write_text(settings)
            eventually(lambda: live.builds[-1].audit.vault.settings.contacts_folders == ())
            eventually(lambda settings=settings: _settings_applied(live, settings))
            assert ACME in live.summaries()
            assert [e.message for e in live.builds[-1].audit.vault.errors][-1] == KEPT
        # Settings that change a deadline apply to the kept version too.
        config.write_text("thank_you_days = 10\n")
        eventually(lambda: live.builds[-1].audit.vault.settings.thank_you_days == 10)
        assert ACME in live.summaries()
        assert KEPT in [e.message for e in live.builds[-1].audit.vault.errors]


def _settings_applied(live: Live, settings: str) -> bool:
    current = live.builds[-1].audit.vault.settings
    return (
        current.calendar_name == "Job search"
        if "calendar_name" in settings
        else current.contacts_folders == ("Contacts",)
    )


def test_a_deleted_calendar_is_written_again(vault: Path, caplog) -> None:
    write_note(vault, JANE, contact("Acme"))
    with caplog.at_level(logging.INFO, logger="vaultsync"), Live(vault) as live:
        live.calendar.unlink()
        eventually(live.calendar.exists)
        assert ACME in live.summaries()
        live.in_step()
        assert "vaultsync.ics deleted: 1 deadline (0 overdue)" in caplog.text
        os.rename(live.calendar, vault / "old.ics")  # moved away: gone from its place too
        eventually(live.calendar.exists)
        live.in_step()


def test_a_deleted_dashboard_is_written_again(vault: Path) -> None:
    write_note(vault, JANE, contact("Acme"))
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    dashboard = vault / "Networking.md"
    with Live(vault):
        before = dashboard.read_bytes()
        dashboard.unlink()
        eventually(dashboard.exists)
        assert dashboard.read_bytes() == before


def test_a_deleted_calendar_folder_is_made_again(vault: Path) -> None:
    write_note(vault, JANE, contact("Acme"))
    (vault / ".vaultsync.toml").write_text('calendar_path = "Calendar/jobs.ics"\n')
    calendar = vault / "Calendar" / "jobs.ics"
    with Live(vault) as live:
        assert ACME in summaries(calendar)
        shutil.rmtree(vault / "Calendar")
        eventually(calendar.exists)
        assert ACME in summaries(calendar)
        shutil.move(vault / "Calendar", vault.parent / "Moved")  # out of the vault: only DirDeleted
        eventually(calendar.exists)
        assert ACME in summaries(calendar)
        assert live.thread.is_alive()


def test_a_deleted_calendar_outside_the_vault_is_written_at_the_reconcile(vault, tmp_path) -> None:
    write_note(vault, JANE, contact("Acme"))
    calendar = tmp_path / "out" / "vaultsync.ics"
    with Live(vault, calendar=calendar, reconcile_every=0.2):
        shutil.rmtree(calendar.parent)  # no event: nothing of the vault changed
        eventually(calendar.exists)
        assert ACME in summaries(calendar)


def test_the_kept_calendar_file_does_not_believe_a_deleted_file_is_there(tmp_path: Path) -> None:
    kept, path = KeptFile(), tmp_path / "cal" / "vaultsync.ics"
    pieces = [b"BEGIN:VCALENDAR\r\n", b"END:VCALENDAR\r\n"]
    assert kept.write(path, pieces, ANY) is True
    assert kept.write(path, pieces, ANY) is False
    path.unlink()
    assert kept.write(path, pieces, ANY) is True and path.read_bytes() == b"".join(pieces)
    shutil.rmtree(path.parent)
    assert kept.write(path, pieces, ANY) is True and path.read_bytes() == b"".join(pieces)


def test_a_note_that_becomes_a_link_out_of_the_vault_is_reported_at_once(vault, tmp_path, caplog) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    outside = write_note(tmp_path / "elsewhere", "Jane Doe.md", contact("Acme"))
    with caplog.at_level(logging.WARNING, logger="vaultsync"), Live(vault) as live:
        path.unlink()
        path.symlink_to(outside)
        live.shows(absent=(ACME,))
        problem = f"{JANE}: a symbolic link to {outside}, outside the vault: not followed"
        live.settled(lambda: problem in caplog.text)  # reconciles are 60 s apart: this is the event's
        assert [error_line(e) for e in live.builds[-1].audit.vault.errors] == [problem]
        live.in_step()


def test_a_front_matter_written_a_byte_at_a_time_never_drops_the_contact(vault: Path) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    with Live(vault) as live:
        for partial in ("", "-", "--"):
            path.write_text(partial, encoding="utf-8")
            eventually(lambda: KEPT in [e.message for e in live.builds[-1].audit.vault.errors])
            time.sleep(4 * live.watcher.debounce)  # long enough for the watcher to see this state
            assert ACME in live.summaries(), partial
        path.write_text(contact("Globex"), encoding="utf-8")
        live.shows(GLOBEX, absent=(ACME,))
        live.in_step()
    assert all(any(c.path == JANE for c in b.audit.vault.contacts) for b in live.builds)
