"""The calendar being served: its bytes held in memory and replaced whole when a build changes
them, so a request sees the old calendar or the new one, never a mix, and never any other file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vaultsync.store.files import file_state

if TYPE_CHECKING:
    from vaultsync.model.audit import Build

log = logging.getLogger("vaultsync.serve")


@dataclass(frozen=True)
class Snapshot:
    """One version of the calendar, as served: its bytes, ETag and Last-Modified."""

    data: bytes
    etag: str
    modified: dt.datetime  # UTC, whole seconds (HTTP dates have no fractions)
    shared_second: bool = False  # an earlier version was served with the same Last-Modified

    @classmethod
    def of(cls, data: bytes, modified: dt.datetime) -> Snapshot:
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        return cls(data, etag, modified.astimezone(dt.UTC).replace(microsecond=0))


class Feed:
    """The calendar being served. ``publish`` swaps in a whole new snapshot (one reference
    assignment, atomic for the readers); unchanged bytes keep their ETag and Last-Modified."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._read: tuple[Path, tuple[int, ...]] | None = None  # the file it was read from, and its state

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    def publish(self, data: bytes, modified: dt.datetime) -> bool:
        """Serve ``data`` from now on; True when it differs from what was served."""
        self._read = None
        current = self._snapshot
        if current is not None and current.data == data:
            return False
        snapshot = Snapshot.of(data, modified)
        if current is not None and current.modified == snapshot.modified:
            snapshot = dataclasses.replace(snapshot, shared_second=True)
        self._snapshot = snapshot
        return True

    def publish_file(self, path: Path) -> bool:
        """Serve the calendar file at ``path``; its modification time is Last-Modified. A file in
        the state it was last read in is not read again (a large vault's calendar is megabytes)."""
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            read = (path, file_state(info))
            if read == self._read:
                return False
            data = handle.read()
        published = self.publish(data, dt.datetime.fromtimestamp(info.st_mtime, dt.UTC))
        self._read = read
        return published

    def publish_build(self, build: Build) -> None:
        """``on_build`` for the watcher: serve what the build wrote (the last good one if unreadable)."""
        try:
            self.publish_file(build.path)
        except OSError as err:
            log.error(
                "cannot read %s: %s (still serving the previous calendar)", build.path, err.strerror or err
            )
