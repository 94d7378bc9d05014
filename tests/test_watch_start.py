"""The watcher's first build reads the vault as `audit` does: through the entry cache, on two cores."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_TODAY, calls, copy_sample_vault, write_note

from vaultsync import pipeline
from vaultsync.drivers import watch as watch_module
from vaultsync.drivers.watch import Watcher
from vaultsync.incremental import index
from vaultsync.model.audit import Build
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.store import files, parallel
from vaultsync.store.loader import load_vault


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "RACY_NS", 0)


def test_a_first_build_reads_no_note_the_cache_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    pipeline.audit(root, SAMPLE_TODAY, cache=True)  # the entries cached
    read_by_index = calls(monkeypatch, index, "load_entry", 1)
    read_in_chunks = calls(monkeypatch, parallel, "load_entry", 1)
    build = Watcher(root, calendar=tmp_path / "out.ics", today=SAMPLE_TODAY).build_now()
    assert (read_by_index, read_in_chunks) == ([], [])
    assert (tmp_path / "out.ics").read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY)
    assert build.audit.findings == pipeline.audit(load_vault(root), SAMPLE_TODAY).findings


def test_a_note_changed_after_it_was_cached_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    pipeline.audit(root, SAMPLE_TODAY, cache=True)
    write_note(root, "Contacts/Jane Doe.md", "---\ntype: contact\ninterviews: [2026-11-19]\n---\n")
    read = calls(monkeypatch, parallel, "load_entry", 1)
    Watcher(root, calendar=tmp_path / "out.ics", today=SAMPLE_TODAY).build_now()
    assert read == ["Contacts/Jane Doe.md"]
    assert (tmp_path / "out.ics").read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY)


def _note(organization: str) -> str:
    return f"---\ntype: contact\norganization: {organization}\n---\n"


def test_what_must_start_before_reading_starts_before_the_worker_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_NOTES", 2)
    monkeypatch.setattr(parallel, "CHUNK", 1)  # the worker has chunks to take from the start
    root = tmp_path / "vault"
    items = [(f"Contacts/P{number}.md", None) for number in range(40)]
    for path, _ in items:
        write_note(root, path, _note("Old"))

    def before_reading() -> None:
        time.sleep(0.3)  # long enough for a worker that did not wait to read every note
        for path, _ in items:
            write_note(root, path, _note("New"))

    settings = load_vault(root).settings
    loaded = parallel.load(root, settings, items, processes=2, before_reading=before_reading)
    entries = [entry for chunk in loaded for entry in chunk.entries]
    assert [entry.path for entry in entries] == [path for path, _ in items]
    assert {entry.contact.organization for entry in entries if entry.contact} == {"New"}
    assert all(entry.contact for entry in entries)


def _jane_edited(root: Path) -> tuple[Path, str]:
    """Jane Doe's note in ``root``, and its text with another organization."""
    jane = root / "Contacts/Jane Doe.md"
    edited = jane.read_text(encoding="utf-8").replace("organization: ", "organization: Initech, was ", 1)
    assert edited != jane.read_text(encoding="utf-8")
    return jane, edited


def _organization(build: Build, path: str) -> str:
    (contact,) = [contact for contact in build.audit.vault.contacts if contact.path == path]
    return contact.organization


class _Started:
    """A watcher on its own thread (``Watcher.run``), with ``during_start`` called once its
    observer has started (before it, when not ``watching``) and before the vault's notes are
    read, and each build kept."""

    def __init__(
        self,
        root: Path,
        monkeypatch: pytest.MonkeyPatch,
        during_start: Callable[[], None],
        watching: bool = True,
    ) -> None:
        class Observer(watch_module.Observer):  # type: ignore[misc, valid-type]
            def start(self) -> None:
                if not watching:
                    during_start()
                super().start()
                if watching:
                    during_start()

        monkeypatch.setattr(watch_module, "Observer", Observer)
        self.builds: list[Build] = []
        self.watcher = Watcher(root, today=SAMPLE_TODAY, debounce=0.05, on_build=self.builds.append)
        self.watcher.tick = 0.02
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop,), daemon=True)

    def __enter__(self) -> _Started:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()

    def built(self, count: int = 1) -> list[Build]:
        deadline = time.monotonic() + 10
        while len(self.builds) < count:
            assert time.monotonic() < deadline, f"{len(self.builds)} builds, not {count}"
            time.sleep(0.01)
        return self.builds


@pytest.mark.parametrize("cached", [False, True])
def test_a_watchers_first_build_looks_at_no_note_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    if cached:
        pipeline.audit(root, SAMPLE_TODAY, cache=True)
    scans = calls(monkeypatch, index.VaultIndex, "scan")
    refreshed = calls(monkeypatch, index.VaultIndex, "refresh", 1)
    with _Started(root, monkeypatch, lambda: None) as live:
        first = live.built()[0]
    assert (scans, [sorted(paths) for paths in refreshed]) == ([], [[]])
    assert (root / "vaultsync.ics").read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY)
    assert first.audit.findings == pipeline.audit(load_vault(root), SAMPLE_TODAY).findings


@pytest.mark.parametrize("cached", [False, True])
def test_an_edit_while_the_notes_are_read_is_built_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    if cached:  # the notes' signatures are then taken first, once the observer started
        pipeline.audit(root, SAMPLE_TODAY, cache=True)
    jane, edited = _jane_edited(root)

    def edit() -> None:
        time.sleep(0.05)
        jane.write_text(edited, encoding="utf-8")

    editor = threading.Thread(target=edit)
    with _Started(root, monkeypatch, editor.start) as live:
        live.built()
        editor.join()
        deadline = time.monotonic() + 10
        while (root / "vaultsync.ics").read_bytes() != calendar_bytes(load_vault(root), SAMPLE_TODAY):
            assert time.monotonic() < deadline, "the edit was never built"
            time.sleep(0.01)
        assert _organization(live.builds[-1], "Contacts/Jane Doe.md").startswith("Initech, was")


def test_an_edit_just_before_the_observer_starts_is_in_the_first_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    jane, edited = _jane_edited(root)
    with _Started(
        root, monkeypatch, lambda: jane.write_text(edited, encoding="utf-8"), watching=False
    ) as live:
        first = live.built()[0]
    assert _organization(first, "Contacts/Jane Doe.md") == "Initech, was Northwind Health"
    assert (root / "vaultsync.ics").read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY)


def test_an_edit_during_the_first_build_is_built_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    jane, edited = _jane_edited(root)
    real_build = pipeline.build

    def build_and_edit(*args: Any, **kwargs: Any) -> Build:
        if jane.read_text(encoding="utf-8") != edited:
            jane.write_text(edited, encoding="utf-8")  # while the first build runs
        return real_build(*args, **kwargs)

    monkeypatch.setattr(watch_module.pipeline, "build", build_and_edit)
    with _Started(root, monkeypatch, lambda: None) as live:
        builds = live.built(2)
    assert _organization(builds[0], "Contacts/Jane Doe.md") == "Northwind Health"
    assert _organization(builds[1], "Contacts/Jane Doe.md") == "Initech, was Northwind Health"
    assert (root / "vaultsync.ics").read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY)


def test_notes_added_and_removed_before_the_observer_started_are_in_the_first_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    added = "Contacts/Zoe Quinn.md"

    def change_the_folder() -> None:  # after the listing; the observer too late to see it
        write_note(root, added, "---\ntype: contact\norganization: Umbrella\ninterviews: [2026-11-18]\n---\n")
        (root / "Contacts/Jane Doe.md").unlink()

    with _Started(root, monkeypatch, change_the_folder) as live:
        first = live.built()[0]
    paths = [contact.path for contact in first.audit.vault.contacts]
    assert added in paths and "Contacts/Jane Doe.md" not in paths
    assert (root / "vaultsync.ics").read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY)


def test_a_watchers_first_build_reports_the_folders_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    (tmp_path / "elsewhere.md").write_text(_note("Outside"), encoding="utf-8")
    (root / "Contacts/Linked.md").symlink_to(tmp_path / "elsewhere.md")
    (root / "Contacts/Nowhere.md").symlink_to(tmp_path / "missing.md")
    (root / os.fsdecode(b"Contacts/Caf\xe9.md")).write_text(_note("Latin-1 name"), encoding="utf-8")
    with _Started(root, monkeypatch, lambda: None) as live:
        first = live.built()[0]
    expected = load_vault(root).errors
    assert {err.path for err in expected} >= {
        "Contacts/Linked.md",
        "Contacts/Nowhere.md",
        "Contacts/Caf\ufffd.md",
    }
    assert first.audit.vault.errors == expected
