"""`build --vdir` and `watch --vdir`: one .ics file per event, as khal and vdirsyncer read a vdir."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_TODAY, SAMPLE_VAULT, run_cli, write_note
from icalendar import Calendar
from test_watch import Live, contact, eventually

from vaultsync.outputs.vdir import item_name

FOREIGN = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//khal//EN\r\nBEGIN:VEVENT\r\nUID:mine\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, root)
    return root


def events(data: bytes) -> set[tuple[str, str, str, str]]:
    """(UID, start, end, summary) of each VEVENT in an iCalendar text."""
    return {
        (str(e["UID"]), e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat(), str(e["SUMMARY"]))
        for e in Calendar.from_ical(data).walk("VEVENT")
    }


def folder_events(folder: Path, *, besides: frozenset[str] = frozenset()) -> set[tuple[str, str, str, str]]:
    """The events of our files in ``folder`` (each holding one, named by its UID), but ``besides``."""
    found: set[tuple[str, str, str, str]] = set()
    for path in folder.glob("*@vaultsync.ics"):
        if path.name in besides:
            continue
        one = events(path.read_bytes())
        assert len(one) == 1, path
        assert path.name == item_name(next(iter(one))[0])
        found |= one
    return found


def build(vault: Path, folder: Path, today: dt.date = SAMPLE_TODAY) -> tuple[int, str]:
    code, out, _ = run_cli("build", vault, "--today", today.isoformat(), "--vdir", folder)
    return code, out


def test_each_event_of_the_calendar_is_a_file_named_by_its_uid(vault: Path, tmp_path: Path) -> None:
    folder = tmp_path / "vdir"
    code, out = build(vault, folder)
    assert code == 1  # the sample vault keeps two broken notes on purpose
    calendar = (vault / "vaultsync.ics").read_bytes()
    assert folder_events(folder) == events(calendar)
    assert f"wrote {len(events(calendar))} files in {folder}: one per event" in out.splitlines()
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in folder.glob("*@vaultsync.ics"))


def test_a_second_build_writes_nothing_and_the_next_day_removes_only_our_stale_files(
    vault: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "vdir"
    build(vault, folder)
    theirs = {"theirs.ics": FOREIGN, "lookalike@vaultsync.ics": FOREIGN, ".vdirsyncer-status": b"{}"}
    for name, data in theirs.items():
        (folder / name).write_bytes(data)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    code, out = build(vault, folder)
    assert f"unchanged {folder}: one per event" in out.splitlines()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before

    build(vault, folder, SAMPLE_TODAY + dt.timedelta(days=1))
    calendar = (vault / "vaultsync.ics").read_bytes()
    assert folder_events(folder, besides=frozenset({"lookalike@vaultsync.ics"})) == events(calendar)
    for name, data in theirs.items():
        assert (folder / name).read_bytes() == data
    gone = set(before) - {p.name for p in folder.iterdir()}
    assert gone and all(name.endswith("@vaultsync.ics") for name in gone)
    assert not any((folder / name).exists() for name in gone)


def test_an_event_changed_in_the_vdir_is_put_back_and_a_deleted_one_written_again(
    vault: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "vdir"
    build(vault, folder)
    first, second = sorted(folder.iterdir())[:2]
    kept = first.read_bytes()
    first.write_bytes(kept.replace(b"SUMMARY:", b"SUMMARY:edited "))
    second.unlink()
    code, out = build(vault, folder)
    assert f"wrote 2 files in {folder}: one per event" in out.splitlines()
    assert first.read_bytes() == kept and second.exists()


def test_a_uid_unsafe_in_a_file_name_is_hashed() -> None:
    assert item_name("thank-you-2026-11-18-0123456789abcdef@vaultsync") == (
        "thank-you-2026-11-18-0123456789abcdef@vaultsync.ics"
    )
    assert item_name("a/b c") == hashlib.sha1(b"a/b c").hexdigest() + ".ics"
    assert item_name(".hidden").endswith(".ics") and not item_name(".hidden").startswith(".")


def test_a_vdir_that_cannot_be_written_is_a_clear_error(vault: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code, out, err = run_cli("build", vault, "--today", "2026-11-20", "--vdir", blocked / "vdir")
    assert code == 1  # as for a calendar that cannot be written (README: Exit codes)
    assert err.startswith(f"vaultsync: cannot write the vdir {blocked / 'vdir'}: ")
    assert "Traceback" not in err


def test_the_watcher_keeps_the_vdir_in_step(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_note(root, "Contacts/Jane Doe.md", contact())
    folder = tmp_path / "vdir"
    with Live(root, vdir=folder) as live:
        eventually(lambda: folder_events(folder) == events(live.calendar.read_bytes()))
        write_note(root, "Contacts/Jane Doe.md", contact(org="Globex"))
        live.shows("Thank-you letter: Jane Doe (Globex)")
        eventually(lambda: folder_events(folder) == events(live.calendar.read_bytes()))
        assert len(list(folder.iterdir())) == len(events(live.calendar.read_bytes()))


KHAL_CONFIG = """\
[calendars]
[[vaultsync]]
path = {folder}
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = UTC
default_timezone = UTC
[sqlite]
path = {db}
"""


def test_khal_lists_the_same_events_from_the_vdir_as_from_the_ics_file(vault: Path, tmp_path: Path) -> None:
    khal = Path(sys.executable).with_name("khal")
    if not khal.exists():
        pytest.skip("khal is not installed (it is in the test extras: pip install -e '.[test]')")
    folder = tmp_path / "vdir"
    build(vault, folder)
    config = tmp_path / "khal.conf"
    config.write_text(KHAL_CONFIG.format(folder=folder, db=tmp_path / "khal.db"))
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    line = "{uid} {start} {end} {title}"

    def khal_lines(*args: str) -> set[str]:
        done = subprocess.run(
            [str(khal), "-c", str(config), *args], capture_output=True, text=True, env=env, check=True
        )
        return {text for text in done.stdout.splitlines() if "@vaultsync" in text}

    listed = khal_lines("list", "--format", line, "--day-format", "", "2020-01-01", "2030-12-31")
    printed = khal_lines("printics", "--format", line, str(vault / "vaultsync.ics"))
    assert listed == printed
    assert len(printed) == len(events((vault / "vaultsync.ics").read_bytes()))
