"""What the watcher makes of the file system's events: which events it listens to, what a burst
of them asks for (``Pending``), the handler watchdog calls, and the words for what changed."""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)

if TYPE_CHECKING:
    from vaultsync.incremental.index import VaultIndex

log = logging.getLogger("vaultsync.drivers.watch")

#: The events that can change what a note says. Opening or reading a note (Obsidian does it all
#: the time) and a folder's own "modified" are left to the kernel.
EVENTS = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileAttribEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

#: File systems whose changes inotify does not see (made on another machine, or by Windows).
REMOTE_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "drvfs",
        "fuse.sshfs",
        "sshfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "vboxsf",
        "fuse.grpcfuse",
        "fakeowner",
        "afs",
    }
)


def remote_file_system(path: Path, mounts: str | None = None) -> str | None:
    """The type of the network or Windows file system ``path`` lies on, or None.

    Reads ``/proc/self/mounts`` (Linux; elsewhere the answer is None) unless ``mounts`` is given.
    """
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = str(path)
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind if kind in REMOTE_FILE_SYSTEMS else None


def native_failure(err: OSError) -> str:
    """Why inotify (or the platform's watcher) could not start, and what to do about it."""
    if err.errno == errno.ENOSPC:
        return "the inotify watch limit is reached (raise it: sudo sysctl fs.inotify.max_user_watches=524288)"
    if err.errno == errno.EMFILE:
        return "too many inotify instances are open (raise it: sudo sysctl fs.inotify.max_user_instances=512)"
    return f"the file system cannot be watched: {err.strerror or err}"


@dataclass
class Pending:
    """What the events of the current burst asked for."""

    paths: set[str] = field(default_factory=set)
    rescan: bool = False  # a folder appeared, vanished or moved: walk the vault
    settings: bool = False  # .vaultsync.toml changed
    relink: bool = False  # .obsidian/ appeared or vanished: note links change
    outputs: set[str] = field(default_factory=set)  # our own files, deleted or moved away
    first: float = 0.0  # monotonic time of the first event of the burst
    last: float = 0.0  # ... and of the latest

    def __bool__(self) -> bool:
        return bool(self.paths or self.rescan or self.settings or self.relink or self.outputs)


def unexpected(what: str, err: Exception) -> None:
    """A bug must not end live mode: one line, and the traceback only with -v."""
    log.error("%s: unexpected error, still watching: %r", what, err, exc_info=log.isEnabledFor(logging.DEBUG))


class Handler(FileSystemEventHandler):
    def __init__(self, mark: Callable[[FileSystemEvent], None]) -> None:
        self._mark = mark

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self._mark(event)
        except Exception as err:  # raised here, it would end watchdog's thread
            unexpected(f"{event.event_type} {os.fsdecode(event.src_path)}", err)


def folder_id(path: Path) -> tuple[int, int] | None:
    """The device and inode of the folder at ``path`` (links followed), None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def describe(paths: list[str], index: VaultIndex, known: set[str]) -> str:
    """What happened to the notes whose entries changed (``known``: the paths the index held before)."""
    notes = [p for p in paths if p != "."]
    if not notes:
        return "folders changed"
    said = [(p, "deleted" if p not in index else "changed" if p in known else "added") for p in notes]
    if len(said) == 1:
        return " ".join(said[0])
    kinds = {kind for _, kind in said}
    one_kind = kinds.pop() if len(kinds) == 1 else None
    shown = ", ".join(path if one_kind else f"{path} {kind}" for path, kind in said[:3])
    more = f", +{len(notes) - 3} more" if len(notes) > 3 else ""
    return f"{len(notes)} notes {one_kind or 'changed'} ({shown}{more})"
