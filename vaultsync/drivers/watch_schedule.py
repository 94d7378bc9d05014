"""When the watcher builds: a burst of events once it has settled (``debounce``, ``max_wait``),
the vault folder looked at each ``tick`` (in place, replaced, or missing for longer than
``vanished_grace``), and the moment by the clock against the time the last build said its
outputs hold until. ``watch.Watcher`` inherits these and holds the state they read.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from vaultsync.drivers.watch_events import Pending, folder_id
from vaultsync.errors import VaultsyncError
from vaultsync.incremental.index import VaultIndex
from vaultsync.model.now import Now, judged_at


class Schedule:
    """The watcher's timing; the state it reads is the ``Watcher``'s (set in its ``__init__``)."""

    root: Path
    debounce: float
    max_wait: float
    tick: float
    vanished_grace: float
    _clock: Callable[[], dt.date | dt.datetime]
    _cond: threading.Condition
    _pending: Pending
    _index: VaultIndex | None
    _root_id: tuple[int, int] | None
    _root_lost: bool
    _vanished: float | None
    _until: dt.datetime | None

    def _next_burst(self) -> Pending | None:
        """Wait up to ``tick``; the pending burst once it has settled, else None."""
        with self._cond:
            pending = self._pending
            if pending:
                due = min(pending.last + self.debounce, pending.first + self.max_wait)
                wait = due - time.monotonic()
            else:
                wait = self.tick
            if wait > 0:
                self._cond.wait(min(wait, self.tick))
            pending = self._pending
            now = time.monotonic()
            if pending and (now >= pending.last + self.debounce or now >= pending.first + self.max_wait):
                self._pending = Pending()
                return pending
            return None

    def _look_at_root(self) -> Literal["in place", "replaced", "missing"]:
        """Whether the vault folder is in place, replaced (another folder has its path now, or it
        went and came back) or missing; a VaultsyncError once missing for ``vanished_grace``."""
        now_id = folder_id(self.root)
        if now_id is None:
            now = time.monotonic()
            self._vanished = self._vanished or now
            if now - self._vanished > self.vanished_grace:
                raise VaultsyncError(f"the vault folder is gone: {self.root}")
            return "missing"
        came_back, self._vanished = self._vanished is not None, None
        return "replaced" if came_back or self._root_lost or now_id != self._root_id else "in place"

    def _now(self) -> Now:
        """The moment by the clock (or as pinned), in the vault's time zone."""
        assert self._index is not None
        return judged_at(self._clock(), self._index.settings)

    def _moved(self, now: Now) -> bool:
        """Whether the time came that the last build said its outputs change by themselves."""
        return self._until is None or now.at >= self._until
