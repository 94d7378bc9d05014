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
from conftest import REPO, copy_sample_vault, run_cli, tree_digest
from icalendar import Calendar
from sandbox import reachable_tmp, small_disk, unprivileged

from vaultsync.outputs.calendar import PRODID
from vaultsync.outputs.generated import CALENDAR
from vaultsync.pipeline import build
from vaultsync.store.files import write_if_changed
from vaultsync.store.loader import load_vault

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
        build(vault, day, target)
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
            written = sum(write_if_changed(target, data[i % 2], CALENDAR) for i in range(REWRITES))
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
    assert write_if_changed(calendar, calendar.read_bytes(), CALENDAR) is False
    code, out, _ = build_into(sample, calendar, DAYS[0])
    assert (code, out) == (0, f"unchanged {calendar}: {out.split(': ', 1)[1]}")
    after = calendar.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert Calendar.from_ical(calendar.read_bytes()).events


NOTE_MESSAGE = (
    "vaultsync: {path} is a note's name inside the vault: every scan would read the calendar as a "
    "note, and each build would overwrite a note of yours there; end calendar_path (or --calendar) "
    "in .ics\n"
)


def start(command: str, vault: Path, *options: str | Path, config: Path) -> tuple[int, str, str]:
    """``command`` (build, watch or serve) on ``vault`` in a process of its own, which must end by
    itself: a watcher that wrote its calendar would run until the timeout fails the test."""
    port = ["--port", "0"] if command == "serve" else []
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync", command, vault, "--today", DAYS[0].isoformat(), *port, *options],
        cwd=REPO,
        env={**os.environ, "XDG_CONFIG_HOME": str(config)},  # serve's token: not in ~/.config
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("command", ["build", "watch", "serve"])
@pytest.mark.parametrize("given", ["--calendar", "calendar_path"])
def test_a_calendar_path_that_names_a_note_leaves_the_note(
    sample: Path, tmp_path: Path, command: str, given: str
) -> None:
    """The calendar pointed at Grace Kim's note: refused before anything is written, with exit 1 and
    one line; watch and serve stop at start rather than retry for ever."""
    grace = sample / "Contacts" / "Grace Kim.md"
    if given == "calendar_path":
        (sample / ".vaultsync.toml").write_text('calendar_path = "Contacts/Grace Kim.md"\n')
        options: tuple[str | Path, ...] = ()
    else:
        options = ("--calendar", grace)
    before = tree_digest(sample)
    assert start(command, sample, *options, config=tmp_path / "config") == (
        1,
        "",
        NOTE_MESSAGE.format(path=grace),
    )
    assert tree_digest(sample) == before


def vault_calendar(vault: Path) -> bytes:
    build(load_vault(vault), DAYS[0], vault / "out.ics")
    return (vault / "out.ics").read_bytes()


FOREIGN = {
    "a text file": (
        b"my plans\n",
        "not an iCalendar file: it does not begin with BEGIN:VCALENDAR",
    ),
    "a note outside the vault": (
        b"---\ntype: contact\n---\nJane\n",
        "not an iCalendar file: it does not begin with BEGIN:VCALENDAR",
    ),
    "another program's calendar": (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        b"END:VCALENDAR\r\n",
        "an iCalendar file another program wrote: its PRODID is not vaultsync's",
    ),
    "a long first line": (b"x" * 10_000, "not an iCalendar file: it does not begin with BEGIN:VCALENDAR"),
}


@pytest.mark.parametrize("case", FOREIGN)
@pytest.mark.parametrize("command", ["build", "watch", "serve"])
def test_a_file_vaultsync_did_not_write_is_not_replaced(
    sample: Path, tmp_path: Path, case: str, command: str
) -> None:
    data, what = FOREIGN[case]
    target = tmp_path / "elsewhere" / ("Jane.md" if "note" in case else "plans.ics")
    target.parent.mkdir()
    target.write_bytes(data)
    assert start(command, sample, "--calendar", target, config=tmp_path / "config") == (
        1,
        "",
        f"vaultsync: {target} exists and was not written by vaultsync ({what}): not replaced; "
        "choose another path or move that file\n",
    )
    assert target.read_bytes() == data
    assert os.listdir(target.parent) == [target.name]


@pytest.mark.parametrize(
    "case",
    [
        "a calendar of an older vaultsync",
        "an empty file (a touch, or what a crash of a plain copy left)",
        "our calendar, LF line ends (a sync tool)",
    ],
)
def test_our_own_calendar_and_an_empty_file_are_replaced(sample: Path, case: str) -> None:
    ours = vault_calendar(sample)
    calendar = sample / "vaultsync.ics"
    if case.startswith("a calendar"):
        old = ours.replace(PRODID.encode(), b"-//vaultsync//vaultsync 0.0.1//EN")
        assert old != ours
        calendar.write_bytes(old.replace(b"Interview", b"Meeting"))
    elif case.startswith("an empty"):
        calendar.touch()
    else:
        calendar.write_bytes(ours.replace(b"\r\n", b"\n"))
    assert build_into(sample, calendar, DAYS[0])[0] == 0
    assert calendar.read_bytes() == ours


def test_a_calendar_path_that_is_a_folder_is_refused(sample: Path) -> None:
    (sample / ".vaultsync.toml").write_text('calendar_path = "Contacts"\n')
    before = tree_digest(sample)
    assert run_cli("build", sample, "--today", DAYS[0].isoformat()) == (
        1,
        "",
        f"vaultsync: {sample / 'Contacts'} is a folder: set calendar_path (or --calendar) to a file\n",
    )
    assert tree_digest(sample) == before


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from vaultsync.store.files import write_if_changed
    from vaultsync.outputs.generated import CALENDAR

    class Stalling(list):
        '''The calendar's lines; the writer stops after its first block until told to go on.'''
        def __getitem__(self, index):
            if isinstance(index, slice) and index.start == 128:
                print("writing", flush=True)
                sys.stdin.readline()
            return super().__getitem__(index)

    target, source = map(Path, sys.argv[1:])
    write_if_changed(target, Stalling(source.read_bytes().splitlines(keepends=True)), CALENDAR)
    print("written", flush=True)
    """
)


def stalled_writer(calendar: Path, source: Path) -> subprocess.Popen[str]:
    """A process writing ``source``'s bytes to ``calendar``, stopped with its temporary file
    half-written (until a line on its stdin)."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, calendar, source],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    return writer


def test_temporary_files_of_killed_writers_are_removed_by_the_next_write(
    sample: Path, tmp_path: Path
) -> None:
    """kill -9 mid-write leaves ``.vaultsync.ics.XXXXXXXX.tmp`` in the vault; the next build
    removes it and one an older version left, but not the file of a writer still writing (another
    watcher of the vault) nor anything else that looks like one."""
    calendar = sample / "vaultsync.ics"
    assert build_into(sample, calendar, DAYS[0])[0] == 0
    vault_files = {p.name for p in sample.iterdir()}  # the calendar among them
    source = tmp_path / "next.ics"
    build(load_vault(sample), DAYS[1], source)
    killed = stalled_writer(calendar, source)
    killed.kill()
    killed.wait()
    left = {p.name for p in sample.glob(".vaultsync.ics.*.tmp")}
    assert len(left) == 1
    (sample / ".vaultsync.ics.k1ll3d_9.tmp").write_bytes(b"BEGIN:VCALENDAR\r\n")  # an older version's
    live = stalled_writer(calendar, source)
    writing = {p.name for p in sample.glob(".vaultsync.ics.*.tmp")} - left - {".vaultsync.ics.k1ll3d_9.tmp"}
    assert len(writing) == 1
    lookalikes = [
        ".vaultsync.ics.tmp",
        ".vaultsync.ics.ABCDEFGH.tmp",  # not mkstemp's characters
        ".vaultsync.ics.abcdefg.tmp",
        ".vaultsync.ics.abcdefgh.tmp.swp",
        ".syncthing.vaultsync.ics.tmp",
        ".Networking.md.abcdefgh.tmp",  # another output's
        "vaultsync.ics.abcdefgh.tmp",
    ]
    for name in lookalikes:
        (sample / name).write_bytes(b"x")
    (sample / ".vaultsync.ics.afolder_.tmp").mkdir()
    (sample / ".vaultsync.ics.a_link__.tmp").symlink_to(sample / "Contacts" / "Grace Kim.md")
    kept = {*lookalikes, ".vaultsync.ics.afolder_.tmp", ".vaultsync.ics.a_link__.tmp"}
    try:
        assert build_into(sample, calendar, DAYS[1])[0] == 0
        assert {p.name for p in sample.iterdir()} == {*vault_files, *kept, *writing}
    finally:
        assert live.stdin is not None and live.stdout is not None
        live.stdin.write("\n")
        live.stdin.close()
        assert live.stdout.readline() == "written\n"  # its write went through
        live.wait()
    assert calendar.read_bytes() == source.read_bytes()
    assert {p.name for p in sample.iterdir()} == {*vault_files, *kept}
