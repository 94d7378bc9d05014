"""The entry cache and the stored report: never stale, never an error, the same bytes as without."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import pickle
import subprocess
import sys
import time
import zlib
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, calls, copy_sample_vault, write_note

from vaultsync import pipeline
from vaultsync.config import DEFAULTS
from vaultsync.drivers.cli import cli
from vaultsync.model.vault import Entry
from vaultsync.reading import note as note_module
from vaultsync.reading.note import NoteReader
from vaultsync.reading.stats import ReadStats
from vaultsync.store import cache, files, parallel
from vaultsync.store import entries as entries_module
from vaultsync.store import loader as vault_module
from vaultsync.store.loader import load_vault

JANE = """
---
type: contact
email: jane@northwind.example
interviews: [2026-11-10]
advice: [Volunteer first.]
---
## Questions
- How did you start?
"""


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes count as settled at once (in real use: two seconds after their last change)."""
    monkeypatch.setattr(files, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes read from disk (in this process), in order."""
    monkeypatch.setattr(parallel, "MIN_NOTES", 10**9)  # one process, so every read is seen
    return calls(monkeypatch, NoteReader, "read_and_stat", argument=2)


def audit(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def cache_files(home: Path) -> list[str]:
    folder = home / "vaultsync"
    return sorted(p.name.split(".", 1)[1] for p in folder.iterdir()) if folder.is_dir() else []


def generated_vault(root: Path, contacts: int) -> Path:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(root, contacts)
    return root


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_sample_vault_cached_audits_are_byte_for_byte_the_uncached_one(
    tmp_path: Path, settled: None, cache_home: Path, fmt: str
):
    copy = copy_sample_vault(tmp_path / "sample-vault")
    args = (str(copy), "--today", "2026-11-20", "--format", fmt)
    expected = audit(*args, "--no-cache")
    assert cache_files(cache_home) == []
    assert audit(*args) == expected  # cold: fills the cache
    assert cache_files(cache_home) == ["entries", f"{fmt}-report"]
    assert audit(*args) == expected  # warm: the stored report
    next((cache_home / "vaultsync").glob("*-report")).unlink()
    assert audit(*args) == expected  # warm entries, rules run again


def test_generated_vault_cached_equals_uncached(tmp_path: Path, settled: None, reads: list[str]):
    root = generated_vault(tmp_path / "gen", 120)
    for day in ("2026-11-20", "2026-12-01"):
        expected = audit(str(root), "--today", day, "--no-cache")
        reads.clear()
        assert audit(str(root), "--today", day) == expected
        assert audit(str(root), "--today", day, "--format", "json")[0] == expected[0]
    assert reads == []  # the second day, and json, read no note: every entry came from the cache
    assert load_vault(root, cache=True) == load_vault(root)  # entries round-trip exactly


def test_unchanged_notes_are_not_read_again(vault: Path, settled: None, reads: list[str]):
    write_note(vault, "Contacts/Jane.md", JANE)
    write_note(vault, "Contacts/Ana.md", JANE)
    load_vault(vault, cache=True)
    assert sorted(reads) == ["Contacts/Ana.md", "Contacts/Jane.md"]
    reads.clear()
    load_vault(vault, cache=True)
    assert reads == []
    write_note(vault, "Contacts/Ana.md", JANE.replace("jane@", "ana@"))
    write_note(vault, "Contacts/Wei.md", JANE)
    loaded = load_vault(vault, cache=True)
    assert sorted(reads) == ["Contacts/Ana.md", "Contacts/Wei.md"]
    assert [c.email for c in loaded.contacts] == ["ana@northwind.example", *["jane@northwind.example"] * 2]
    (vault / "Contacts" / "Jane.md").unlink()
    assert [c.path for c in load_vault(vault, cache=True).contacts] == ["Contacts/Ana.md", "Contacts/Wei.md"]


def wait_for_new_ctime(path: Path, before: int) -> None:
    """File timestamps tick every few ms: make sure this change landed on a later tick."""
    for _ in range(200):
        if path.stat().st_ctime_ns != before:
            return
        time.sleep(0.005)
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    pytest.fail("the file system never changed ctime")


def test_an_edit_with_the_same_size_and_mtime_is_not_served_stale(vault: Path, settled: None):
    note = write_note(vault, "Contacts/Jane.md", JANE)
    args = (str(vault), "--today", "2026-11-20")
    assert "(was due 2026-11-13)" in audit(*args)[1]  # the report and the entry are now cached
    assert load_vault(vault, cache=True).contacts[0].email == "jane@northwind.example"
    old = note.stat()
    edited = note.read_text().replace("jane@", "joan@").replace("2026-11-10", "2026-11-12")
    note.write_text(edited, encoding="utf-8")  # the same size
    os.utime(note, ns=(old.st_atime_ns, old.st_mtime_ns))  # mtime put back, as rsync -t or a sync tool does
    wait_for_new_ctime(note, old.st_ctime_ns)
    now = note.stat()
    assert (now.st_size, now.st_mtime_ns, now.st_ino) == (old.st_size, old.st_mtime_ns, old.st_ino)
    assert load_vault(vault, cache=True).contacts[0].email == "joan@northwind.example"
    assert "(was due 2026-11-15)" in audit(*args)[1]


def test_an_edit_shows_in_the_next_report(vault: Path, settled: None):
    note = write_note(vault, "Contacts/Jane.md", JANE)
    args = (str(vault), "--today", "2026-11-20")
    assert "Send a thank-you letter" in audit(*args)[1]
    old = note.stat().st_ctime_ns
    note.write_text(JANE.replace("advice:", "thank_you_sent: 2026-11-11\nadvice:"), encoding="utf-8")
    wait_for_new_ctime(note, old)
    assert audit(*args) == audit(*args, "--no-cache")
    assert "Send a thank-you letter" not in audit(*args)[1]


def test_an_edit_while_a_first_audit_reads_the_note_shows_in_the_next(
    vault: Path, settled: None, monkeypatch: pytest.MonkeyPatch
):
    """A note's signature and the time it is judged by are both taken before it is read, so an
    edit that lands just after the read is never hidden behind them: the next audit reads it."""
    note = write_note(vault, "Contacts/Jane.md", JANE)
    real = note_module.read_up_to

    def edited_after_reading(fd: int, limit: int) -> bytes:
        data = real(fd, limit)
        old = note.stat().st_ctime_ns
        note.write_text(JANE.replace("advice:", "thank_you_sent: 2026-11-11\nadvice:"), encoding="utf-8")
        wait_for_new_ctime(note, old)
        return data

    monkeypatch.setattr(note_module, "read_up_to", edited_after_reading)
    args = (str(vault), "--today", "2026-11-20")
    assert "Send a thank-you letter" in audit(*args)[1]  # as read: before the edit
    monkeypatch.setattr(note_module, "read_up_to", real)
    assert "Send a thank-you letter" not in audit(*args)[1]
    assert audit(*args) == audit(*args, "--no-cache")


def test_notes_changed_just_now_are_read_every_time(vault: Path, reads: list[str]):
    write_note(vault, "Contacts/Jane.md", JANE)  # written this instant: racy for the next 2 s
    load_vault(vault, cache=True)
    load_vault(vault, cache=True)
    assert reads == ["Contacts/Jane.md", "Contacts/Jane.md"]
    with os.scandir(vault / "Contacts") as listing:
        assert cache.signature(next(listing), time.time_ns()) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"not a pickle at all",
        lambda data: data[:-100] + bytes(reversed(data[-100:])),
        lambda data: data.replace(b"jane@northwind", b"jane@northwinD"),  # a flipped byte: CRC
        lambda data: pickle.dumps(("vaultsync entry cache", 1, "x", "y", [])),
        lambda data: b"\x80\x05cos\nsystem\n(S'echo pwned'\ntR.",  # never unpickled
    ],
)
def test_a_damaged_cache_is_rebuilt_silently(vault: Path, settled: None, cache_home: Path, damage):
    write_note(vault, "Contacts/Jane.md", JANE)
    expected = load_vault(vault)
    load_vault(vault, cache=True)
    entries = next((cache_home / "vaultsync").glob("*.entries"))
    entries.write_bytes(damage(entries.read_bytes()))
    assert load_vault(vault, cache=True) == expected
    reader = NoteReader()  # the cache was written again: the next load reads no note
    assert load_vault(vault, cache=True, processes=1, reader=reader) == expected
    assert reader.stats == ReadStats()


def test_a_cache_file_can_only_hold_entries(vault: Path, settled: None, tmp_path: Path):
    """Whoever can write the cache folder still cannot make vaultsync run code."""
    write_note(vault, "Contacts/Jane.md", JANE)
    expected = load_vault(vault)
    store = cache.EntryCache.open(vault, DEFAULTS)
    marker = tmp_path / "ran"
    blob = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    header = (cache.MAGIC, cache.FORMAT, store.fingerprint, store.root, [(zlib.crc32(blob), blob)])
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(pickle.dumps(header))
    assert load_vault(vault, cache=True) == expected
    assert not marker.exists()


def test_a_damaged_stored_report_is_ignored(vault: Path, settled: None, cache_home: Path):
    write_note(vault, "Contacts/Jane.md", JANE)
    args = (str(vault), "--today", "2026-11-20")
    expected = audit(*args)
    report = next((cache_home / "vaultsync").glob("*.text-report"))
    for data in (b"", report.read_bytes()[:50], pickle.dumps(("x",))):
        report.write_bytes(data)
        assert audit(*args) == expected


def test_another_version_or_other_settings_start_afresh(
    vault: Path, settled: None, reads: list[str], monkeypatch: pytest.MonkeyPatch
):
    write_note(vault, "Circle/Ana.md", "---\nemail: ana@x.example\n---\n")
    load_vault(vault, cache=True)
    assert load_vault(vault, cache=True).contacts == ()
    (vault / ".vaultsync.toml").write_text('contacts_folders = ["Circle"]\n')
    reads.clear()
    assert [c.path for c in load_vault(vault, cache=True).contacts] == ["Circle/Ana.md"]
    assert reads == ["Circle/Ana.md"]
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)  # what another version would write
    reads.clear()
    load_vault(vault, cache=True)
    assert reads == ["Circle/Ana.md"]


def test_no_cache_neither_reads_nor_writes_it(vault: Path, settled: None, cache_home: Path, monkeypatch):
    write_note(vault, "Contacts/Jane.md", JANE)
    monkeypatch.setattr(cache.EntryCache, "open", None)  # any use would fail
    monkeypatch.setattr(pipeline, "ReportCache", None)
    code, out = audit(str(vault), "--today", "2026-11-20", "--no-cache")
    assert code == 1 and "Send a thank-you letter" in out
    result = CliRunner().invoke(cli, ["build", str(vault), "--today", "2026-11-20", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert not (cache_home / "vaultsync").exists()


def test_build_uses_the_cache_too(vault: Path, settled: None, reads: list[str]):
    write_note(vault, "Contacts/Jane.md", JANE)
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(vault), "--today", "2026-11-20"])
    data = (vault / "vaultsync.ics").read_bytes()
    reads.clear()
    second = runner.invoke(cli, ["build", str(vault), "--today", "2026-11-20"])
    assert (first.exit_code, second.exit_code, reads) == (0, 0, [])
    assert "unchanged" in second.stdout and (vault / "vaultsync.ics").read_bytes() == data


def test_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "vaultsync"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for unusable in ("", "relative/path"):
        monkeypatch.setenv("XDG_CACHE_HOME", unusable)
        assert cache.cache_dir() == tmp_path / "home" / ".cache" / "vaultsync"


def test_an_unwritable_cache_folder_is_not_an_error(vault: Path, settled: None, monkeypatch, tmp_path: Path):
    write_note(vault, "Contacts/Jane.md", JANE)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache folder cannot be made
    args = (str(vault), "--today", "2026-11-20")
    assert audit(*args) == audit(*args, "--no-cache")


DRIVER = """
import sys
import vaultsync.store.files
vaultsync.store.files.RACY_NS = 0
from vaultsync.drivers.cli import main
sys.argv = ["vaultsync", "audit", *sys.argv[1:]]
main()
"""


def test_processes_at_once_never_see_half_a_cache(tmp_path: Path, cache_home: Path):
    root = generated_vault(tmp_path / "gen", 150)
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(cache_home))
    args = [str(root), "--today", "2026-11-20"]
    expected = subprocess.run(
        [sys.executable, "-c", DRIVER, *args, "--no-cache"], env=env, capture_output=True, check=False
    )
    for wave in range(3):
        if wave == 1:  # an edit between waves: every process must see it
            note = next((root / "Contacts").glob("*.md"))
            note.write_text(note.read_text() + "\nMore.\n", encoding="utf-8")
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", DRIVER, *args, *(["--format", "json"] if i % 2 else [])],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for i in range(6)
        ]
        outputs = [p.communicate() for p in procs]
        texts = [out for i, (out, _) in enumerate(outputs) if i % 2 == 0]
        assert all(err == b"" for _, err in outputs)
        assert texts == [expected.stdout] * 3
        assert [p.returncode for p in procs] == [expected.returncode] * 6
    assert not list((cache_home / "vaultsync").glob("*.tmp"))  # every temporary file was renamed
    assert not cache.EntryCache.open(root, DEFAULTS).empty  # and what is left reads back


def test_two_processes_read_what_one_does(tmp_path: Path, settled: None):
    root = generated_vault(tmp_path / "gen", 1100)  # over parallel.MIN_NOTES
    one = load_vault(root, processes=1)
    assert load_vault(root, processes=2) == one
    assert load_vault(root, processes=2, cache=True) == one  # the worker's pickles fill the cache
    assert load_vault(root, processes=2, cache=True) == one


def test_a_worker_that_dies_costs_time_not_notes(tmp_path: Path):
    root = generated_vault(tmp_path / "gen", 1100)
    expected = load_vault(root, processes=1)
    parent = os.getpid()

    def dies_in_the_worker(entries: list[Entry]) -> list[str]:
        if os.getpid() != parent:
            os._exit(3)  # the worker, at its first chunk: it sends nothing
        return _paths_evaluated(entries)

    scan = vault_module.scan_vault(root)
    vault, evaluated, _ = vault_module.load_and_evaluate(scan, dies_in_the_worker, processes=2)
    assert vault == expected
    assert sorted(path for part in evaluated for path in part) == sorted(scan.paths)  # each once


def _paths_evaluated(entries: list[Entry]) -> list[str]:
    return [entry.path for entry in entries]


@pytest.mark.parametrize("processes", [1, 2])
def test_every_entry_is_evaluated_once_where_it_was_read(tmp_path: Path, settled: None, processes: int):
    root = generated_vault(tmp_path / "gen", 1100)
    expected = load_vault(root, processes=1)
    scan = vault_module.scan_vault(root, stat=True)
    for use_cache in (False, True, True):  # no cache; the cache filled; every entry from the cache
        vault, evaluated, _ = vault_module.load_and_evaluate(
            scan, _paths_evaluated, cache=use_cache, processes=processes
        )
        assert vault == expected
        assert sorted(path for part in evaluated for path in part) == sorted(scan.paths)


def test_an_audit_checked_in_two_processes_is_the_audit_of_one(tmp_path: Path, settled: None):
    from vaultsync.pipeline import audit

    root = generated_vault(tmp_path / "gen", 1100)
    today = dt.date(2026, 11, 20)
    expected = audit(load_vault(root, processes=1), today)
    for use_cache in (False, True, True):
        checked = audit(vault_module.scan_vault(root, stat=use_cache), today, cache=use_cache)
        assert checked.vault == expected.vault
        assert checked.findings == expected.findings
        assert len(checked.findings) > 1000


def _pids_marked(marker: Path, chunk: list[int]) -> list[tuple[int, int]]:
    if os.getpid() != _PARENT[0]:
        marker.touch()  # the worker has a chunk
    return [(item, os.getpid()) for item in chunk]


_PARENT = [0]


@pytest.mark.parametrize("processes", [1, 2])
def test_work_beside_the_chunks_runs_here_while_the_worker_takes_them(tmp_path: Path, processes: int):
    """``map_chunks_beside``: ``beside`` runs in this process once the worker has started on the
    chunks (here it waits for the worker's first chunk), and each chunk's result comes back in order."""
    _PARENT[0] = os.getpid()
    marker = tmp_path / "worker-started"
    items = list(range(parallel.MIN_NOTES + 7))

    def beside() -> str:
        if processes == 2:
            deadline = time.monotonic() + 60
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return f"beside in {os.getpid()}"

    done, aside = parallel.map_chunks_beside(
        items, partial(_pids_marked, marker), beside, processes=processes
    )
    assert aside == f"beside in {os.getpid()}"
    assert [item for chunk in done for item, _ in chunk] == items
    assert marker.exists() == (processes == 2)
    workers = {pid for chunk in done for _, pid in chunk} - {os.getpid()}
    assert len(workers) == (processes == 2)  # the worker's chunks, made there


def test_a_worker_that_dies_halfway_costs_time_not_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = generated_vault(tmp_path / "gen", 1100)
    expected = load_vault(root, processes=1)
    parent, sent = os.getpid(), []
    dump = parallel.dump_records

    def dies_after_two(records: dict[str, cache.Record]) -> bytes:
        if os.getpid() != parent and len(sent) == 2:
            os._exit(3)  # the worker, with two chunks sent and more claimed
        sent.append(1)
        return dump(records)

    monkeypatch.setattr(parallel, "dump_records", dies_after_two)
    scan = vault_module.scan_vault(root)
    vault, evaluated, _ = vault_module.load_and_evaluate(scan, _paths_evaluated, processes=2)
    assert vault == expected
    assert sorted(path for part in evaluated for path in part) == sorted(scan.paths)  # each once


def test_a_scan_without_signatures_is_signed_before_reading(vault: Path, settled: None, reads: list[str]):
    write_note(vault, "Contacts/Jane.md", JANE)
    expected = load_vault(vault)
    assert vault_module.load_scan(vault_module.scan_vault(vault), cache=True) == expected
    reads.clear()
    assert vault_module.load_scan(vault_module.scan_vault(vault), cache=True) == expected
    assert reads == []


def test_a_first_audit_signs_each_note_as_it_is_read(
    vault: Path, settled: None, reads: list[str], monkeypatch
):
    """With nothing cached, no note is signed before reading (12,500 lstat calls cost a tenth of
    a cold audit): each signature is made from the status of the note as it was opened, and the
    next audit uses them."""
    write_note(vault, "Contacts/Jane.md", JANE)
    write_note(vault, "Contacts/Ana.md", JANE)
    stat_before_reading: list[str] = []
    signed_inodes: list[int] = []
    real_signature, real_signature_of = cache.signature, cache.signature_of

    def stat_first(note: os.DirEntry[str] | str, now_ns: int) -> cache.Signature | None:
        stat_before_reading.append(os.path.basename(note if isinstance(note, str) else note.path))
        return real_signature(note, now_ns)

    def sign(info: os.stat_result | None, now_ns: int) -> cache.Signature | None:
        assert info is not None
        signed_inodes.append(info.st_ino)
        return real_signature_of(info, now_ns)

    monkeypatch.setattr(vault_module, "signature", stat_first)
    monkeypatch.setattr(entries_module, "signature", stat_first)
    monkeypatch.setattr(entries_module, "signature_of", sign)
    expected = audit(str(vault), "--today", "2026-11-20", "--no-cache")
    reads.clear()
    assert audit(str(vault), "--today", "2026-11-20") == expected
    assert reads == ["Contacts/Ana.md", "Contacts/Jane.md"]
    assert stat_before_reading == []
    assert signed_inodes == [os.stat(vault / "Contacts" / name).st_ino for name in ("Ana.md", "Jane.md")]
    reads.clear()
    assert audit(str(vault), "--today", "2026-11-20") == expected  # the stored report
    assert audit(str(vault), "--today", "2026-11-21")[1].startswith(f"{vault} on 2026-11-21")
    assert reads == []  # every entry from the cache the first audit signed
