"""Live mode: real watchdog observers on tmp_path vaults, checked by reading the calendar back.

Every wait is bounded and polls (``eventually``); nothing asserts how long something took.
"""

from __future__ import annotations

import configparser
import datetime as dt
import errno
import inspect
import logging
import os
import plistlib
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli, write_note
from icalendar import Calendar
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from vaultsync import pipeline
from vaultsync.drivers.watch import Watcher, remote_file_system
from vaultsync.errors import OutputError, UsageError, VaultsyncError
from vaultsync.incremental.index import KEPT
from vaultsync.model.audit import Build
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.outputs.dashboard import dashboard_markdown
from vaultsync.store.loader import load_vault

TODAY = dt.date(2026, 11, 20)
JANE = "Contacts/Jane Doe.md"


def contact(org: str = "Acme", interview: str = "2026-11-18") -> str:
    return (
        f"---\ntype: contact\norganization: {org}\nemail: x@example.org\n"
        f"interviews:\n  - {interview}\nadvice:\n  - Keep a list.\n---\n## Questions\n- How did you start?\n"
    )


def eventually(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll ``check`` until it returns something true (or stops raising AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {check}")
        time.sleep(0.01)


def summaries(path: Path) -> set[str]:
    return {str(event["SUMMARY"]) for event in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


class Live:
    """A Watcher running on its own thread with short delays, as ``vaultsync watch`` runs it."""

    def __init__(self, root: Path, **options: Any) -> None:
        options.setdefault("today", TODAY)
        options.setdefault("debounce", 0.05)
        reconcile_every = options.pop("reconcile_every", 60.0)
        self.root = root
        self.builds: list[Build] = []
        self.on_build: Callable[[Build], object] = self.builds.append
        self.watcher = Watcher(root, on_build=self._built, **options)
        self.watcher.reconcile_every = reconcile_every
        # Updates under way (the watcher's own and build_now's): each writes the outputs, logs,
        # then hands its build over; what a test saw on disk or in the log is only settled once
        # none is under way. A build that writes the very bytes already there leaves the disk
        # as it was, so the file alone cannot say that its build was handed over.
        self.updating = 0
        self._counting = threading.Lock()
        update = self.watcher._update

        def counted(*args: Any, **kwargs: Any) -> Build | None:
            with self._counting:
                self.updating += 1
            try:
                return update(*args, **kwargs)
            finally:
                with self._counting:
                    self.updating -= 1

        self.watcher._update = counted  # type: ignore[method-assign]
        self.watcher.max_wait = 0.5
        self.watcher.tick = 0.02
        self.watcher.poll_interval = 0.1
        self.watcher.vanished_grace = 0.5
        self.stop = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _built(self, build: Build) -> None:
        self.on_build(build)

    def _run(self) -> None:
        try:
            self.watcher.run(self.stop)
        except BaseException as err:
            self.failure = err

    def __enter__(self) -> Live:
        self.thread.start()
        eventually(lambda: self.builds or self.failure)
        if self.failure:
            raise self.failure
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()

    @property
    def calendar(self) -> Path:
        return self.root / "vaultsync.ics"

    def summaries(self) -> set[str]:
        return summaries(self.calendar)

    def settled(self, check: Callable[[], Any]) -> None:
        """Wait until ``check`` holds and the build that made it so has been handed over: the
        calendar is written, and the line logged, before ``builds`` has the build."""
        # check() first: an update that began after it may still be under way, not one before.
        eventually(lambda: check() and not self.updating)

    def shows(self, *present: str, absent: tuple[str, ...] = ()) -> None:
        """Wait until the calendar shows every summary in ``present`` and none in ``absent``."""

        def check() -> bool:
            now = self.summaries()
            return all(s in now for s in present) and not any(s in now for s in absent)

        self.settled(check)

    def in_step(self) -> None:
        """Wait until the calendar is byte for byte what a fresh build of the vault writes."""
        today = self.builds[-1].audit.today
        self.settled(lambda: self.calendar.read_bytes() == calendar_bytes(load_vault(self.root), today))


ACME = "Thank-you letter: Jane Doe (Acme)"
GLOBEX = "Thank-you letter: Jane Doe (Globex)"


# --- every way an editor or a sync tool saves a file


def in_place(path: Path, text: str, outside: Path) -> None:
    """Truncate, pause long enough for the watcher to see the empty file, then write and close."""
    with open(path, "r+", encoding="utf-8") as handle:
        handle.truncate(0)
        handle.flush()
        time.sleep(0.2)
        handle.write(text)


def replace_with(temp: Path, path: Path, text: str) -> None:
    """An atomic save: write ``temp``, then rename it over ``path``."""
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def atomic_dotted_temp(path: Path, text: str, outside: Path) -> None:
    replace_with(path.with_name(f".{path.name}.tmp1234"), path, text)


def atomic_temp_outside(path: Path, text: str, outside: Path) -> None:
    replace_with(outside / "save.tmp", path, text)


def atomic_suffixed_temp(path: Path, text: str, outside: Path) -> None:
    replace_with(path.with_name(path.name + ".tmp.5678"), path, text)


def syncthing(path: Path, text: str, outside: Path) -> None:
    replace_with(path.with_name(f".syncthing.{path.name}.tmp"), path, text)


def backup_and_write(path: Path, text: str, *, keep_backup: bool) -> None:
    """Rename the note to note~, write it anew, then drop the backup (vim) or keep it (Emacs)."""
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text, encoding="utf-8")
    if not keep_backup:
        backup.unlink()


def vim_backup_rename(path: Path, text: str, outside: Path) -> None:
    """vim's writebackup: a swap file, the '4913' probe, then the backup rename."""
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"b0VIM 9.0")
    probe = path.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup_and_write(path, text, keep_backup=False)
    swap.unlink()


def jetbrains(path: Path, text: str, outside: Path) -> None:
    new = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    new.write_text(text, encoding="utf-8")
    os.rename(path, old)
    os.rename(new, path)
    old.unlink()


def emacs(path: Path, text: str, outside: Path) -> None:
    """A lock link .#note and an auto-save #note#, then the backup rename."""
    lock = path.with_name(f".#{path.name}")
    os.symlink("sam@laptop.4242:1700000000", lock)
    autosave = path.with_name(f"#{path.name}#")
    autosave.write_text(text, encoding="utf-8")
    backup_and_write(path, text, keep_backup=True)
    autosave.unlink()
    lock.unlink()


def real_vim(path: Path, text: str, outside: Path) -> None:
    if shutil.which("vim") is None:
        pytest.skip("vim is not installed")
    command = ["vim", "-u", "NONE", "-i", "NONE", "-es", "-c", "set backupskip= backupcopy=no"]
    command += ["-c", "%s/Acme/Globex/g", "-c", "wq", str(path)]
    subprocess.run(command, check=True, timeout=30, stdin=subprocess.DEVNULL, capture_output=True)


SAVES = [
    in_place,
    atomic_dotted_temp,
    atomic_temp_outside,
    atomic_suffixed_temp,
    syncthing,
    vim_backup_rename,
    jetbrains,
    emacs,
    real_vim,
]


@pytest.mark.parametrize("save", SAVES, ids=[s.__name__ for s in SAVES])
def test_every_save_style_reaches_the_calendar(vault: Path, tmp_path: Path, save) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    outside = tmp_path / "outside"
    outside.mkdir()
    with Live(vault) as live:
        assert ACME in live.summaries()
        save(path, contact("Globex"), outside)
        live.shows(GLOBEX, absent=(ACME,))
        live.in_step()
    # No build in between ever lost Jane's deadlines, whatever state the file passed through.
    assert all(any(c.path == JANE for c in b.audit.vault.contacts) for b in live.builds)
    assert [p.name for p in path.parent.glob("*.md")] == ["Jane Doe.md"]


def test_a_broken_note_keeps_its_deadlines_until_fixed(vault: Path) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    with Live(vault) as live:
        path.write_text("---\ntype: contact\norganization: 'Globex\n---\n", encoding="utf-8")

        def kept_for_its_yaml() -> bool:
            # A build may see the note empty first (truncated, not yet written): kept too.
            messages = [e.message for e in live.builds[-1].audit.vault.errors]
            return KEPT in messages and "invalid YAML" in messages[0]

        live.settled(kept_for_its_yaml)
        assert ACME in live.summaries()
        path.write_text(contact("Globex"), encoding="utf-8")
        live.shows(GLOBEX, absent=(ACME,))
        eventually(lambda: live.builds[-1].audit.vault.errors == ())


def test_delete_and_rename(vault: Path) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    write_note(vault, "Contacts/Wei Chen.md", contact("Initech"))
    with Live(vault) as live:
        os.rename(path, vault / "Contacts/Jane Q Doe.md")
        live.shows("Thank-you letter: Jane Q Doe (Acme)", absent=(ACME,))
        live.in_step()
        (vault / "Contacts/Jane Q Doe.md").unlink()
        live.shows("Thank-you letter: Wei Chen (Initech)", absent=("Thank-you letter: Jane Q Doe (Acme)",))
        live.in_step()


def test_folders_renamed_moved_out_and_back_in(vault: Path, tmp_path: Path) -> None:
    write_note(vault, "Contacts/Jane Doe.md", contact("Acme"))
    write_note(vault, "Contacts/Deep/Wei Chen.md", contact("Initech"))
    wei = "Thank-you letter: Wei Chen (Initech)"
    with Live(vault) as live:
        os.rename(vault / "Contacts", vault / "People")
        live.in_step()
        uids_before = live.calendar.read_bytes()
        assert ACME in live.summaries() and wei in live.summaries()
        shutil.move(vault / "People" / "Deep", tmp_path / "Deep")  # out of the vault
        live.shows(ACME, absent=(wei,))
        live.in_step()
        shutil.move(tmp_path / "Deep", vault / "People" / "Deep")  # and back in
        live.shows(ACME, wei)
        live.in_step()
        assert live.calendar.read_bytes() == uids_before


def test_the_log_says_what_happened_to_each_note(vault: Path, caplog) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    with caplog.at_level(logging.INFO, logger="vaultsync"), Live(vault) as live:

        def said(reason: str) -> bool:
            return any(r.getMessage().startswith(f"{reason}: ") for r in caplog.records)

        write_note(vault, "Contacts/Wei Chen.md", contact("Initech"))
        eventually(lambda: said("Contacts/Wei Chen.md added"))
        path.write_text(contact("Globex"), encoding="utf-8")
        eventually(lambda: said(f"{JANE} changed"))
        path.unlink()
        eventually(lambda: said(f"{JANE} deleted"))
        os.rename(vault / "Contacts/Wei Chen.md", vault / "Contacts/Wei.md")
        eventually(lambda: said("2 notes changed (Contacts/Wei Chen.md deleted, Contacts/Wei.md added)"))
        for i in range(4):
            write_note(vault.parent / "batch", f"P{i}.md", contact(f"Org {i}"))
        shutil.move(vault.parent / "batch", vault / "Batch")  # one event: the vault is walked again
        eventually(lambda: said("4 notes added (Batch/P0.md, Batch/P1.md, Batch/P2.md, +1 more)"))
        live.in_step()


def test_a_broken_note_is_one_note_with_problems(vault: Path, caplog) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    write_note(vault, "Contacts/Wei Chen.md", contact("Initech", "next tuesday"))
    with caplog.at_level(logging.INFO, logger="vaultsync"), Live(vault):
        # Its problem and the line saying that its last good version is used: two errors, one note.
        path.write_text("---\ntype: contact\norganization: [Acme\n---\n", encoding="utf-8")
        eventually(lambda: f"{JANE} changed: " in caplog.text)
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert ", 1 note with problems; " in lines[0]
    assert ", 2 notes with problems; " in lines[1]


def test_verbose_shows_the_events_acted_on_and_none_of_its_own_files(vault, tmp_path, caplog) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    with caplog.at_level(logging.DEBUG, logger="vaultsync"), Live(vault) as live:
        atomic_dotted_temp(path, contact("Globex"), tmp_path)
        live.shows(GLOBEX)
        vim_backup_rename(path, contact("Initech"), tmp_path)
        live.shows("Thank-you letter: Jane Doe (Initech)")
        live.calendar.unlink()
        eventually(live.calendar.exists)
        live.in_step()
    events = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert events[0] == f"moved Contacts/.Jane Doe.md.tmp1234 -> {JANE}"
    vim = events[1 : events.index("deleted vaultsync.ics")]
    assert vim[0] == f"moved {JANE} -> {JANE}~"
    assert set(vim[1:]) <= {f"{kind} {JANE}" for kind in ("created", "modified", "closed", "attrib")}
    assert f"created {JANE}" in vim
    # Nothing about the swap file, the backup, vim's probe, nor the calendar's own temporary files.
    assert not [event for event in events if "swp" in event or "4913" in event or ".vaultsync.ics." in event]


def test_the_help_says_the_quiet_period_the_watcher_has() -> None:
    debounce = inspect.signature(Watcher).parameters["debounce"].default
    code, out, _ = run_cli("watch", "--help")
    text = " ".join(out.split())
    assert code == 0
    assert f"then {debounce:g} s after each save settles (at most {Watcher.max_wait:g} s into a burst" in text
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f"(about {debounce:g} s after a save settles)" in readme
    docs = " ".join((REPO / "docs" / "watch.md").read_text(encoding="utf-8").split())
    assert f"quiet for {debounce:g} s (or {Watcher.max_wait:g} s after the first event of a burst" in docs


def test_git_checkout_of_hundreds_of_notes(vault: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(vault), *args], check=True, capture_output=True, env=env)

    for i in range(300):
        write_note(vault, f"Contacts/{i // 100}/P{i:03}.md", contact(f"Org {i}", f"2026-11-{1 + i % 19:02}"))
    (vault / ".gitignore").write_text("vaultsync.ics\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "one")
    git("checkout", "-qb", "other")
    for i in range(300):
        write_note(vault, f"Contacts/{i // 100}/P{i:03}.md", contact(f"Corp {i}", f"2026-10-{1 + i % 28:02}"))
    shutil.rmtree(vault / "Contacts" / "2")
    for i in range(50):
        write_note(vault, f"People/N{i:03}.md", contact(f"New {i}"))
    git("add", "-A")
    git("commit", "-qm", "two")
    git("checkout", "-q", "main")
    with Live(vault) as live:
        live.in_step()
        git("checkout", "-q", "other")
        live.in_step()
        assert len(live.builds[-1].audit.vault.contacts) == 250
        git("checkout", "-q", "main")
        live.in_step()
        assert len(live.builds[-1].audit.vault.contacts) == 300


def test_a_burst_of_writes_is_one_rebuild(vault: Path) -> None:
    write_note(vault, JANE, contact())
    # A burst is writes closer together than the debounce: a loaded machine can pause this
    # thread for half a second between two of them, so the quiet period is longer than that.
    with Live(vault, debounce=2.0) as live:
        live.watcher.max_wait = 30
        for i in range(100):
            write_note(vault, f"Contacts/P{i:03}.md", contact(f"Org {i}"))
        eventually(lambda: len(live.builds) == 2)
        live.in_step()
        time.sleep(live.watcher.debounce + 0.1)  # a second build would have come by now
        assert len(live.builds) == 2
        assert len(live.builds[-1].audit.vault.contacts) == 101


def test_sync_conflict_copies_are_reported_not_doubled(vault: Path) -> None:
    write_note(vault, JANE, contact("Acme"))
    with Live(vault) as live:
        write_note(vault, "Contacts/Jane Doe.sync-conflict-20261120-101010-ABCDEFG.md", contact("Globex"))
        write_note(vault, "Contacts/Jane Doe (Sam's conflicted copy 2026-11-20).md", contact("Globex"))
        eventually(lambda: len(live.builds[-1].audit.vault.errors) == 2)
        errors = live.builds[-1].audit.vault.errors
        assert all("conflict copy of Contacts/Jane Doe.md" in e.message for e in errors)
        assert [c.path for c in live.builds[-1].audit.vault.contacts] == [JANE]
        assert GLOBEX not in live.summaries()
        live.in_step()


def test_an_idle_vault_is_an_idle_disk(vault: Path) -> None:
    write_note(vault, JANE, contact())
    (vault / ".obsidian").mkdir()
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    with Live(vault, reconcile_every=0.05) as live:
        before = live.calendar.stat()
        dashboard = (vault / "Networking.md").stat()
        # What is not a note, or is ours, or belongs to another tool, never rebuilds.
        (vault / ".obsidian" / "workspace.json").write_text("{}")
        write_note(vault, ".trash/Old.md", contact("Gone"))
        write_note(vault, ".git/x.md", contact("Git"))
        write_note(vault, "Templates/Contact.md", contact("{{title}}"))
        (vault / "Contacts" / "Jane Doe.md~").write_text("backup")
        (vault / "Contacts" / "notes.txt").write_text("text")
        (vault / "Contacts" / "Jane Doe.md").read_text()  # Obsidian reading a note
        os.utime(vault / "vaultsync.ics")
        time.sleep(1.0)  # several reconciles and ticks
        assert len(live.builds) == 1
        after = live.calendar.stat()
        assert (after.st_ino, after.st_size) == (before.st_ino, before.st_size)
        assert (vault / "Networking.md").stat().st_ino == dashboard.st_ino


def test_the_dashboard_note_follows_too(vault: Path) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    dashboard = vault / "Networking.md"

    def fresh() -> str:
        loaded = load_vault(vault)
        return dashboard_markdown(loaded, pipeline.audit(loaded, TODAY).findings, TODAY)

    with Live(vault) as live:
        before = dashboard.read_text(encoding="utf-8")
        assert before == fresh()
        path.write_text(contact("Acme", "2026-11-02"), encoding="utf-8")  # now overdue
        live.settled(lambda: dashboard.read_text(encoding="utf-8") == fresh() != before)
        assert live.builds[-1].dashboard_written


def test_the_calendar_moves_on_when_the_day_changes(vault: Path) -> None:
    write_note(vault, JANE, contact("Acme", "2026-11-18"))
    day = [TODAY]
    with Live(vault, today=None, clock=lambda: day[0]) as live:
        assert not any(s.startswith("Overdue") for s in live.summaries())
        day[0] = dt.date(2026, 11, 25)  # no file event at all
        live.shows("Overdue: thank-you letter: Jane Doe (Acme)")
        assert live.builds[-1].audit.today == dt.date(2026, 11, 25)
        live.in_step()
        assert len(live.builds) == 2


def test_polling_observer(vault: Path) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    with Live(vault, polling=True) as live:
        assert isinstance(live.watcher.observer, PollingObserver)
        atomic_dotted_temp(path, contact("Globex"), vault)
        live.shows(GLOBEX, absent=(ACME,))
        path.unlink()
        live.shows(absent=(GLOBEX,))


class _NoWatchesLeft(Observer):  # type: ignore[misc, valid-type]
    def start(self) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_falls_back_to_polling_when_inotify_cannot_serve(vault, monkeypatch, caplog) -> None:
    monkeypatch.setattr("vaultsync.drivers.watch.Observer", _NoWatchesLeft)
    path = write_note(vault, JANE, contact("Acme"))
    with caplog.at_level(logging.WARNING, logger="vaultsync"), Live(vault) as live:
        assert isinstance(live.watcher.observer, PollingObserver)
        path.write_text(contact("Globex"), encoding="utf-8")
        live.shows(GLOBEX)
    assert "watching by polling" in caplog.text and "max_user_watches" in caplog.text


def test_network_drives_are_polled(vault, monkeypatch, caplog) -> None:
    monkeypatch.setattr("vaultsync.drivers.watch.remote_file_system", lambda path: "nfs4")
    with caplog.at_level(logging.WARNING, logger="vaultsync"), Live(vault) as live:
        assert isinstance(live.watcher.observer, PollingObserver)
    assert "nfs4 file system" in caplog.text


class _Deaf(Observer):  # type: ignore[misc, valid-type]
    """An observer that starts, and reports nothing at all: the OS dropped every event."""

    def schedule(self, *args: object, **kwargs: object) -> None:
        return None


def test_a_periodic_reconcile_catches_what_the_os_dropped(vault: Path, monkeypatch) -> None:
    monkeypatch.setattr("vaultsync.drivers.watch.Observer", _Deaf)
    path = write_note(vault, JANE, contact("Acme"))
    with Live(vault, reconcile_every=0.2) as live:
        assert isinstance(live.watcher.observer, _Deaf)
        path.write_text(contact("Globex"), encoding="utf-8")
        live.shows(GLOBEX, absent=(ACME,))
        assert live.builds[-1].path == live.calendar


def test_remote_file_system_from_mounts() -> None:
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "C:\\134 /mnt/c 9p rw,dirsync 0 0\n"
        "server:/home /home/sam/My\\040Vaults nfs4 rw 0 0\n"
        "tmpfs /mnt/cache tmpfs rw 0 0\n"
    )
    assert remote_file_system(Path("/mnt/c/Users/sam/Vault"), mounts) == "9p"
    assert remote_file_system(Path("/home/sam/My Vaults/Work"), mounts) == "nfs4"
    assert remote_file_system(Path("/home/sam/Vault"), mounts) is None
    assert remote_file_system(Path("/mnt/cache/Vault"), mounts) is None
    assert remote_file_system(Path("/mnt/cx"), mounts) is None


def test_settings_changes_apply_and_bad_ones_are_reported(vault, tmp_path, caplog) -> None:
    write_note(vault, JANE, contact("Acme"))
    config = vault / ".vaultsync.toml"
    with caplog.at_level(logging.ERROR, logger="vaultsync"), Live(vault) as live:
        config.write_text('calendar_name = "Job search"\ncontacts_folders = ["Contacts"]\n')
        eventually(lambda: b"X-WR-CALNAME:Job search" in live.calendar.read_bytes())
        live.in_step()
        builds = len(live.builds)
        # saved whole: written in place, it would be empty for a moment, and empty is valid
        atomic_dotted_temp(config, "calendar_name = \n", tmp_path)
        live.settled(lambda: "invalid TOML" in caplog.text)
        assert len(live.builds) == builds and live.thread.is_alive()


def test_obsidian_folder_changes_the_links(vault: Path) -> None:
    write_note(vault, JANE, contact("Acme"))
    with Live(vault) as live:
        assert b"obsidian://" not in live.calendar.read_bytes()
        (vault / ".obsidian").mkdir()
        eventually(lambda: b"obsidian://" in live.calendar.read_bytes())
        live.in_step()


def test_own_calendar_elsewhere_and_a_note_named_like_it(vault: Path, tmp_path: Path) -> None:
    """--calendar outside the vault; a calendar path that is a note's inside it is refused at start
    (it used to be written there, and would have replaced a note of that name)."""
    write_note(vault, JANE, contact("Acme"))
    elsewhere = tmp_path / "out" / "cal.ics"
    with Live(vault, calendar=elsewhere):
        assert ACME in summaries(elsewhere)
        assert not (vault / "vaultsync.ics").exists()
    (vault / ".vaultsync.toml").write_text('calendar_path = "Contacts/calendar.md"\n')
    with pytest.raises(OutputError, match="is a note's name inside the vault"):
        Watcher(vault, today=TODAY).run(threading.Event())
    assert not (vault / "Contacts" / "calendar.md").exists()


def test_the_vault_vanishing_stops_the_watcher(vault: Path) -> None:
    write_note(vault, JANE, contact())
    with Live(vault) as live:
        shutil.rmtree(vault)
        eventually(lambda: not live.thread.is_alive())
    assert isinstance(live.failure, VaultsyncError) and "vault folder is gone" in str(live.failure)


def test_an_unwritable_calendar_fails_at_start_and_is_retried_later(vault, tmp_path, caplog) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    blocker = tmp_path / "out"
    blocker.write_text("a file where the calendar's folder should be")
    with pytest.raises(OutputError, match="cannot write"):
        Watcher(vault, today=TODAY, calendar=blocker / "cal.ics").run(threading.Event())
    blocker.unlink()
    with caplog.at_level(logging.ERROR, logger="vaultsync"), Live(vault, calendar=blocker / "cal.ics"):
        shutil.rmtree(blocker)
        blocker.write_text("in the way again")
        path.write_text(contact("Globex"), encoding="utf-8")
        eventually(lambda: "(trying again at the next change)" in caplog.text)
        blocker.unlink()
        path.write_text(contact("Initech"), encoding="utf-8")
        # not the first calendar written: a build may read the note while it is being written
        # (empty, so its last good version, Globex, stands)
        calendar = blocker / "cal.ics"
        eventually(
            lambda: calendar.exists() and "Thank-you letter: Jane Doe (Initech)" in summaries(calendar)
        )


def test_a_failing_on_build_callback_does_not_stop_the_watcher(vault: Path, caplog) -> None:
    path = write_note(vault, JANE, contact("Acme"))
    with caplog.at_level(logging.ERROR, logger="vaultsync"), Live(vault) as live:
        live.on_build = lambda build: 1 / 0
        path.write_text(contact("Globex"), encoding="utf-8")
        live.shows(GLOBEX)
        eventually(lambda: "on_build: unexpected error, still watching: ZeroDivisionError" in caplog.text)
        assert "Traceback" not in caplog.text
        live.on_build = live.builds.append
        path.write_text(contact("Initech"), encoding="utf-8")
        live.shows("Thank-you letter: Jane Doe (Initech)")
        assert live.thread.is_alive()


def test_build_now_without_running(vault: Path) -> None:
    write_note(vault, JANE, contact())
    seen: list[Build] = []
    watcher = Watcher(vault, today=TODAY, on_build=seen.append)
    build = watcher.build_now()
    assert seen == [build] and build.written and ACME in summaries(build.path)
    assert watcher.build_now().written is False


def test_a_missing_vault_is_a_usage_error_before_any_thread(tmp_path: Path) -> None:
    threads = threading.active_count()
    with pytest.raises(UsageError, match="vault not found"):
        Watcher(tmp_path / "nope").run(threading.Event())
    assert threading.active_count() == threads


def test_cli_usage_errors_exit_2(vault: Path, tmp_path: Path) -> None:
    assert run_cli("watch", tmp_path / "nope") == (
        2,
        "",
        f"vaultsync: vault not found: {tmp_path / 'nope'}\n",
    )
    code, out, err = run_cli("watch", vault, "--today", "")
    assert (code, out, err) == (2, "", "vaultsync: --today: '' is not a date (use YYYY-MM-DD)\n")
    (vault / ".vaultsync.toml").write_text("thank_you_days = -1\n")
    code, _, err = run_cli("watch", vault)
    assert (
        code == 2 and err.startswith("vaultsync: ") and "thank_you_days" in err and len(err.splitlines()) == 1
    )


@pytest.mark.parametrize(
    "sig, flags",
    [(signal.SIGTERM, []), (signal.SIGINT, ["-q"])],
    ids=["sigterm", "ctrl-c-quiet"],
)
def test_cli_stops_cleanly_on_signals(vault: Path, tmp_path: Path, sig: int, flags: list[str]) -> None:
    path = write_note(vault, JANE, contact())
    command = [sys.executable, "-m", "vaultsync", "watch", str(vault), "--today", "2026-11-20", *flags]
    proc = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        eventually(lambda: (vault / "vaultsync.ics").exists())
        # saved whole: a note seen empty, truncated but not yet written, adds lines to the log
        atomic_dotted_temp(path, contact("Globex"), tmp_path)
        eventually(lambda: GLOBEX in summaries(vault / "vaultsync.ics"))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    if flags:
        assert err == ""
    else:
        lines = err.splitlines()
        assert "vaultsync: start: 1 deadline (0 overdue), 0 notes with problems; wrote " in lines[0]
        assert lines[0].endswith(": 3 events from 1 contact in " + lines[0].split(" in ")[-1])
        assert (
            "vaultsync: Contacts/Jane Doe.md changed: 1 deadline (0 overdue), 0 notes with problems; wrote"
            in lines[1]
        )
        assert lines[-1].endswith("vaultsync: stopped")
    assert (vault / "vaultsync.ics").read_bytes() == calendar_bytes(load_vault(vault), TODAY)


def test_service_files_run_vaultsync_watch() -> None:
    unit = configparser.ConfigParser(interpolation=None)
    unit.read(REPO / "contrib" / "vaultsync-watch.service")
    assert unit["Service"]["ExecStart"].split()[1:3] == ["watch", "%h/Obsidian/MyVault"]
    assert unit["Service"]["RestartPreventExitStatus"] == "2"
    assert unit["Install"]["WantedBy"] == "default.target"
    with open(REPO / "contrib" / "com.vaultsync.watch.plist", "rb") as handle:
        plist = plistlib.load(handle)
    assert plist["ProgramArguments"][1] == "watch"
    assert plist["KeepAlive"] == {"SuccessfulExit": False}


# --- the soak test


def test_soak_random_operations_end_equal_to_a_fresh_build(vault: Path, tmp_path: Path) -> None:
    """Random creates, edits in place, atomic saves, renames, deletes and folder moves."""
    rnd = random.Random(20261120)
    outside = tmp_path / "outside"
    outside.mkdir()
    folders = ["Contacts", "People", "Contacts/Archive", "Notes"]
    for folder in folders:
        (vault / folder).mkdir(parents=True)
    counter = iter(range(10_000))

    def notes() -> list[Path]:
        return sorted(p for p in vault.rglob("*.md") if not p.name.startswith("."))

    def text() -> str:
        interview = TODAY - dt.timedelta(days=rnd.randint(-10, 70))
        return contact(rnd.choice(["Acme", "Globex", "Initech", "Umbrella"]), interview.isoformat())

    def create() -> None:
        write_note(vault, f"{rnd.choice(folders)}/Person {next(counter)}.md", text())

    def edit_in_place(path: Path) -> None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text())

    def atomic(path: Path) -> None:
        atomic_dotted_temp(path, text(), outside)

    def vim(path: Path) -> None:
        vim_backup_rename(path, text(), outside)

    def rename(path: Path) -> None:
        folder = vault / rnd.choice(folders)
        folder.mkdir(parents=True, exist_ok=True)
        os.rename(path, folder / f"Renamed {next(counter)}.md")

    def delete(path: Path) -> None:
        path.unlink()

    def move_folder() -> None:
        away = outside / "Archive"
        if away.exists():
            shutil.move(away, vault / rnd.choice(["Contacts", "People"]) / "Archive")
        else:
            present = [p for p in vault.rglob("Archive") if p.is_dir()]
            if present:
                target = rnd.choice([outside, vault / "Notes", vault / "People"])
                if not (target / "Archive").exists():
                    shutil.move(present[0], target / "Archive")

    for _ in range(15):
        create()
    with Live(vault) as live:
        for step in range(200):
            existing = notes()
            kind = rnd.random()
            if kind < 0.2 or not existing:
                create()
            elif kind < 0.9:
                rnd.choice([edit_in_place, atomic, vim, rename, delete])(rnd.choice(existing))
            else:
                move_folder()
            time.sleep(rnd.choice([0, 0, 0.001, 0.02, 0.08]))
            if step % 50 == 49:
                live.in_step()
        live.in_step()
        assert len(live.builds[-1].audit.vault.contacts) == len(notes()) > 10
