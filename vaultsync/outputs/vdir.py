"""The calendar as a vdir: a folder of one .ics file per event, named by its UID.

The layout khal, todoman and vdirsyncer's filesystem storage read
(https://vdirsyncer.pimutils.org/en/stable/vdir.html). Each file holds one VEVENT and the time
zones it uses; it is written atomically and only when its bytes change. A file of ours whose
event left the calendar is removed; every other file in the folder (another program's events,
vdirsyncer's status, hidden files) is left as it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import string
from collections.abc import Sequence
from pathlib import Path

from vaultsync.errors import OutputError
from vaultsync.model.audit import VdirWrite
from vaultsync.outputs.calendar import PRODID
from vaultsync.outputs.generated import CALENDAR
from vaultsync.outputs.ical_text import fold, text
from vaultsync.store.files import HEAD_BYTES, FileState, file_state, write_if_changed

#: The characters vdirsyncer keeps in a file name made from a UID; any other UID is hashed.
_SAFE = frozenset(string.ascii_letters + string.digits + "_.-+@")
#: Every UID vaultsync makes ends so (outputs.events): how our files are told from others'.
_OURS = "@vaultsync.ics"

_UID = re.compile(rb"\r\nUID:([^\r\n]*)")
_TZID = re.compile(rb";TZID=([^:;]*)")
_ZONE = re.compile(rb"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", re.DOTALL)
_ZONE_ID = re.compile(rb"\r\nTZID:([^\r\n]*)")
_END = b"END:VCALENDAR\r\n"


def item_name(uid: str) -> str:
    """The file name of the event with ``uid``: the UID itself when it is safe in a file name
    (as vdirsyncer names items), else its SHA-1."""
    if uid and not uid.startswith(".") and set(uid) <= _SAFE:
        return f"{uid}.ics"
    return f"{hashlib.sha1(uid.encode()).hexdigest()}.ics"


def vdir_items(pieces: Sequence[bytes]) -> dict[str, bytes]:
    """Each event of the calendar in ``pieces`` (``calendar_pieces``: the head, the VEVENTs,
    the end) as the bytes of its own file, by file name."""
    head, events = pieces[0], pieces[1:-1]
    zones = {}
    for zone in _ZONE.findall(head):
        tzid = _ZONE_ID.search(zone.replace(b"\r\n ", b""))
        if tzid is not None:
            zones[tzid.group(1)] = zone
    start = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + fold(f"PRODID:{text(PRODID)}".encode()) + b"\r\n"
    items = {}
    for event in events:
        unfolded = event.replace(b"\r\n ", b"")
        uid = _UID.search(unfolded)
        if uid is None:
            raise OutputError("an event of the calendar has no UID")  # never made so: a bug
        used = sorted(set(_TZID.findall(unfolded)) & zones.keys())
        items[item_name(uid.group(1).decode())] = b"".join((start, *(zones[z] for z in used), event, _END))
    return items


class KeptVdir:
    """A vdir that this process writes again and again (the watcher's): the file states its
    last write left, so an unchanged event's file is neither read nor written again."""

    def __init__(self) -> None:
        self._last: dict[Path, tuple[FileState, bytes]] = {}

    def write(self, folder: Path, pieces: Sequence[bytes]) -> VdirWrite:
        """Make ``folder`` hold the events of the calendar in ``pieces``, one file each."""
        items = vdir_items(pieces)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            present = {entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)}
        except OSError as err:
            raise OutputError(f"cannot write the vdir {folder}: {err.strerror or err}") from None
        written = 0
        for name, data in items.items():
            path = folder / name
            if self._known(path, data) or not write_if_changed(path, data, CALENDAR):
                continue
            written += 1
            self._remember(path, data)
        removed = 0
        for name in sorted(present - items.keys()):
            if name.endswith(_OURS) and _remove_ours(folder / name):
                self._last.pop(folder / name, None)
                removed += 1
        return VdirWrite(folder, written, removed)

    def _known(self, path: Path, data: bytes) -> bool:
        last = self._last.get(path)
        if last is None or last[1] != data:
            return False
        try:
            return file_state(path.stat()) == last[0]
        except OSError:
            return False

    def _remember(self, path: Path, data: bytes) -> None:
        try:
            self._last[path] = (file_state(path.stat()), data)
        except OSError:
            self._last.pop(path, None)


def write_vdir(folder: Path, pieces: Sequence[bytes]) -> VdirWrite:
    """``KeptVdir().write``: for a command that writes the vdir once."""
    return KeptVdir().write(folder, pieces)


def _remove_ours(path: Path) -> bool:
    """Remove ``path`` when vaultsync wrote it (its PRODID says so); False when it is another's."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        if CALENDAR.foreign(head) is not None:
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as err:
        raise OutputError(f"cannot remove {path}: {err.strerror or err}") from None
    return True
