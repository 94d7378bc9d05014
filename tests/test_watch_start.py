"""The watcher's first build reads the vault as `audit` does: through the entry cache, on two cores."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_TODAY, calls, copy_sample_vault, write_note

from vaultsync import pipeline
from vaultsync.drivers.watch import Watcher
from vaultsync.incremental import index
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
