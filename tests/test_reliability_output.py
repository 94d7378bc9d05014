"""Guarantee 3: the calendar on disk is always whole (docs/reliability.md).

A reader sees the old calendar or the new one, never a part, never nothing. When the calendar
cannot be written (full disk, read-only folder), the previous one stays, byte for byte, no
temporary file is left behind, and the command says why with exit code 1.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import copy_sample_vault, run_cli
from icalendar import Calendar
from sandbox import reachable_tmp, small_disk, unprivileged

from vaultsync.files import write_if_changed
from vaultsync.sync import build_vault
from vaultsync.vault import load_vault

DAYS = (dt.date(2026, 11, 20), dt.date(2026, 11, 21))
REWRITES = 1000

READER = textwrap.dedent(
    """
    import json, sys
    path, stop, *wholes = sys.argv[1:]
    wholes = [open(w, "rb").read() for w in wholes]
    seen = {"whole": 0, "missing": 0, "broken": 0}
    ready = False
    while True:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            seen["missing"] += 1
            continue
        seen["whole" if data in wholes else "broken"] += 1
        if not ready:
            print("ready", flush=True)
            ready = True
        try:
            open(stop).close()
            break
        except FileNotFoundError:
            pass
    print(json.dumps(seen), flush=True)
    """
)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample vault without its two broken notes, so that a good build exits 0."""
    vault = copy_sample_vault(tmp_path / "vault")
    for broken in ("Chris Park", "Kofi Mensah"):
        (vault / "Contacts" / f"{broken}.md").unlink()
    return vault


def test_a_reader_never_sees_a_partial_or_empty_calendar(sample: Path, tmp_path: Path) -> None:
    """The calendar is rewritten 1,000 times (two days in turn) while another process reads it.

    Build's calendar of each day is made once; the rewrites are build's own write step."""
    vault = load_vault(sample)
    target = tmp_path / "out" / "vaultsync.ics"
    wholes = []
    for day in DAYS:  # the two calendars, as whole files, for the reader to compare with
        build_vault(vault, day, target)
        wholes.append(tmp_path / f"{day}.ics")
        shutil.copyfile(target, wholes[-1])
    data = [whole.read_bytes() for whole in wholes]
    assert data[0] != data[1]
    stop = tmp_path / "stop"
    with subprocess.Popen(
        [sys.executable, "-c", READER, target, stop, *wholes], stdout=subprocess.PIPE, text=True
    ) as reader:
        assert reader.stdout is not None and reader.stdout.readline() == "ready\n"
        try:
            written = sum(write_if_changed(target, data[i % 2]) for i in range(REWRITES))
        finally:
            stop.touch()
        seen = json.loads(reader.stdout.readline())
    assert written == REWRITES
    assert seen["broken"] == seen["missing"] == 0
    assert seen["whole"] > 0
    assert sorted(os.listdir(target.parent)) == ["vaultsync.ics"]  # no temporary file left


def build_into(vault: Path, calendar: Path, day: dt.date) -> tuple[int, str, str]:
    return run_cli("build", vault, "--today", day.isoformat(), "--calendar", calendar)


def assert_refused_and_kept(vault: Path, calendar: Path, previous: bytes, reason: str) -> None:
    code, out, err = build_into(vault, calendar, DAYS[1])
    assert (code, out) == (1, "")
    assert err.startswith(f"vaultsync: cannot write {calendar}: {reason}") and err.count("\n") == 1
    assert calendar.read_bytes() == previous
    assert not [name for name in os.listdir(calendar.parent) if name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("failure", "reason"), [("fill", "No space left on device"), ("read_only", "Read-only file system")]
)
def test_a_full_or_read_only_disk_leaves_the_previous_calendar(
    sample: Path, tmp_path: Path, failure: str, reason: str
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        calendar = disk.path / "vaultsync.ics"
        assert build_into(sample, calendar, DAYS[0])[0] == 0
        previous = calendar.read_bytes()
        getattr(disk, failure)()
        assert_refused_and_kept(sample, calendar, previous, reason)
        disk.empty() if failure == "fill" else disk.read_only(False)
        assert build_into(sample, calendar, DAYS[1])[0] == 0  # once it can, the next build writes it
        assert calendar.read_bytes() != previous


def test_a_file_size_limit_leaves_the_previous_calendar(sample: Path, tmp_path: Path) -> None:
    """Runs anywhere (no mount needed): the kernel refuses the write past RLIMIT_FSIZE."""
    calendar = tmp_path / "out" / "vaultsync.ics"
    assert build_into(sample, calendar, DAYS[0])[0] == 0
    previous = calendar.read_bytes()
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(previous) // 2, limits[1]))
    try:
        assert_refused_and_kept(sample, calendar, previous, "File too large")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)


def test_a_read_only_folder_leaves_the_previous_calendar(sample: Path) -> None:
    """As root the folder's mode would not stop the write: the build runs as ``nobody``."""
    with reachable_tmp() as scratch:
        vault = scratch / "vault"
        shutil.copytree(sample, vault)
        calendar = scratch / "out" / "vaultsync.ics"
        assert build_into(vault, calendar, DAYS[0])[0] == 0  # also imports all a build needs
        previous = calendar.read_bytes()
        calendar.parent.chmod(0o555)
        with unprivileged():
            assert_refused_and_kept(vault, calendar, previous, "Permission denied")


def test_an_unchanged_calendar_is_not_touched(sample: Path, tmp_path: Path) -> None:
    calendar = tmp_path / "vaultsync.ics"
    assert build_into(sample, calendar, DAYS[0])[0] == 0
    before = calendar.stat()
    assert write_if_changed(calendar, calendar.read_bytes()) is False
    code, out, _ = build_into(sample, calendar, DAYS[0])
    assert (code, out) == (0, f"unchanged {calendar}: {out.split(': ', 1)[1]}")
    after = calendar.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert Calendar.from_ical(calendar.read_bytes()).events
