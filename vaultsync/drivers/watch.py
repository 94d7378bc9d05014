"""Live mode: keep the calendar true while notes change and days pass.

watchdog's callback only marks paths dirty; the loop in ``Watcher.run`` waits until a burst of
events has been quiet for ``debounce`` seconds (or ``max_wait`` has passed), ``stat``-s the
dirty paths through the ``VaultIndex`` and runs ``pipeline.build`` once. What is on disk
decides, never the event type, so every way an editor or a sync tool saves a file comes down to
the same few cases. A full reconcile every ``reconcile_every`` seconds catches events the OS
dropped, and the clock is looked at every ``tick`` so overdue items move to the new day, and the
thank-you of an interview appears as the interview ends (each build says until when it holds). At each
tick the vault folder itself is looked at too: a folder put in its place (a restore, a fresh
clone) is watched anew and read again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from vaultsync import pipeline
from vaultsync.config import CONFIG_FILE, load_settings
from vaultsync.drivers.watch_events import (
    EVENTS,
    REMOTE_FILE_SYSTEMS,
    Handler,
    Pending,
    describe,
    folder_id,
    native_failure,
    remote_file_system,
    unexpected,
)
from vaultsync.drivers.watch_process import configure_logging, run_until_signalled, stop_on_signals
from vaultsync.drivers.watch_schedule import Schedule
from vaultsync.errors import ConfigError, VaultsyncError
from vaultsync.incremental.index import VaultIndex
from vaultsync.incremental.memo import BuildMemo
from vaultsync.model.audit import Build
from vaultsync.outputs.generated import output_paths
from vaultsync.outputs.report import build_lines, error_line, plural
from vaultsync.reading.listing import is_ignored, vault_root
from vaultsync.reading.note import NoteError

__all__ = [
    "REMOTE_FILE_SYSTEMS",
    "Watcher",
    "configure_logging",
    "remote_file_system",
    "run_until_signalled",
    "stop_on_signals",
]

log = logging.getLogger("vaultsync.drivers.watch")


class Watcher(Schedule):
    """Keeps ``calendar`` (default: the vault's configured path) in step with the vault at ``root``.

    ``run(stop)`` builds once, then rebuilds after each settled burst of changes, at each new
    day and as each interview ends (unless ``today`` pins the day or the moment), and when a
    periodic reconcile finds something the events missed; it returns when ``stop`` is set.
    ``on_build`` is called after every build. ``clock`` gives the moment (default: the system's).
    """

    #: Seconds: flush a burst at the latest this long after its first event, even if still busy.
    max_wait = 1.0
    #: Seconds between full reconciles of the index with the disk.
    reconcile_every = 60.0
    #: Seconds between looks at the clock (for a new day and for ``stop``) while idle.
    tick = 0.25
    #: Seconds between two scans of the vault when polling.
    poll_interval = 1.0
    #: Seconds a vanished vault folder has to come back (``rm -rf V && mv V.new V``, a restore)
    #: before the watcher gives up.
    vanished_grace = 10.0

    def __init__(
        self,
        root: Path,
        *,
        calendar: Path | None = None,
        vdir: Path | None = None,
        today: dt.date | dt.datetime | None = None,
        polling: bool = False,
        debounce: float = 0.2,
        on_build: Callable[[Build], None] | None = None,
        clock: Callable[[], dt.date | dt.datetime] | None = None,
    ) -> None:
        self.root = Path(root)
        self.calendar = calendar
        self.vdir = vdir
        self.polling = polling
        self.debounce = debounce
        self.on_build = on_build
        self._clock: Callable[[], dt.date | dt.datetime] = (
            (lambda: today) if today else (clock or (lambda: dt.datetime.now(dt.UTC)))
        )
        self._lock = threading.RLock()  # one build at a time
        self._cond = threading.Condition()  # guards _pending
        self._pending = Pending()
        self._index: VaultIndex | None = None
        self._watched = ""  # the resolved root, as watchdog reports paths under it
        self._root_id: tuple[int, int] | None = None  # the watched folder's device and inode
        self._root_lost = False  # an event said the watched folder itself went away
        self._vanished: float | None = None  # monotonic time the vault folder was found missing
        self._outputs: set[str] = set()  # our own files inside the vault
        self._written: list[Path] = []  # the outputs the last build wrote (or left as they were)
        self._built_day: dt.date | None = None
        self._until: dt.datetime | None = None  # the last build holds until then (pipeline.build)
        self._problems: set[NoteError] = set()
        self._stale = False  # the last build could not write its calendar
        #: What each contact gave the last build: only the contacts that changed are evaluated again.
        self.memo = BuildMemo()
        self.observer: BaseObserver | None = None
        self._polling_because: str | None = None  # why the observer polls; None: it does not

    # --- the loop

    def run(self, stop: threading.Event) -> None:
        """Build, then keep building until ``stop`` is set. UsageError for a missing vault."""
        self.open(watch=True)
        rescan = self.observer is None  # read before watching: what changed since is found by a scan
        if self.observer is None:
            self.observer = self._observe()
        try:
            self._update(reason="start", rescan=rescan, force=True, strict=True)
            next_reconcile = time.monotonic() + self.reconcile_every
            while not stop.is_set():
                burst = self._next_burst()
                try:
                    root = self._look_at_root()
                    if root == "missing":
                        continue  # what the burst asked for is read again when the folder is back
                    if root == "replaced":
                        self._rearm()
                        burst = Pending(settings=True)
                        self._update(burst, reason="the vault folder was replaced", rescan=True, force=True)
                    elif time.monotonic() >= next_reconcile:
                        next_reconcile = time.monotonic() + self.reconcile_every
                        force = self._stale or not all(map(os.path.lexists, self._written))
                        self._update(burst, reason="reconcile", rescan=True, force=force)
                    elif burst or self._moved(self._now()):
                        self._update(burst)
                except VaultsyncError:
                    raise
                except Exception as err:
                    unexpected("rebuild", err)
        finally:
            self._stop_observing()
            close = getattr(self.on_build, "close", None)
            if close is not None:  # a pusher's thread: stops within its own bound
                close()

    def build_now(self) -> Build:
        """Reconcile the index with the disk and build at once, whatever changed (for tests, servers)."""
        self.open()
        build = self._update(reason="requested", rescan=True, force=True, strict=True)
        assert build is not None  # a strict, forced update builds or raises
        return build

    def open(self, *, watch: bool = False) -> None:
        """Read the vault, unless it was read already: what ``run`` and ``build_now`` do first. A
        driver calls it first itself to pause the garbage collector around it (see
        ``watch_process.collection_paused``); the watcher never changes the interpreter's state.

        ``watch``: start the observer too, once the vault is listed and before its notes are
        read (``VaultIndex.load``), so that the first build of ``run`` needs no second look at
        every note: a change made while they are read is an event for the next build. The
        observer is then ``run``'s to stop."""
        with self._lock:
            if self._index is not None:
                return
            root = vault_root(self.root)
            self._watched, self._root_id = str(root.resolve()), folder_id(root)
            index = VaultIndex(root)
            self._use(index)  # the observer's events are sorted by its settings from the start
            try:
                index.load(self._start_observing if watch else None)
            except BaseException:
                self._index = None
                self._stop_observing()
                raise

    def _start_observing(self) -> None:
        self.observer = self._observe()

    def _stop_observing(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)

    def _rearm(self) -> None:
        """Watch the folder that is now at the vault's path instead of the one that was."""
        self._stop_observing()
        with self._cond:
            self._watched, self._root_id = str(self.root.resolve()), folder_id(self.root)
            self._root_lost, self._pending = False, Pending()
        assert self._index is not None
        self._use(self._index)  # the outputs' paths, from the new folder's real path
        self.observer = self._observe()

    # --- events (called on watchdog's thread)

    def _mark(self, event: FileSystemEvent) -> None:
        # The source of a deletion or a move is gone from where it was.
        ends = [(os.fsdecode(event.src_path), event.event_type in ("deleted", "moved"))]
        if event.dest_path:
            ends.append((os.fsdecode(event.dest_path), False))
        with self._cond:
            pending = self._pending
            started = bool(pending)
            if not any([self._classify(end, event.is_directory, pending, gone) for end, gone in ends]):
                return  # an editor's swap file, our own calendar being written: nothing to tell
            now = time.monotonic()
            if not started:
                pending.first = now
            pending.last = now
            self._cond.notify_all()
        if log.isEnabledFor(logging.DEBUG):
            names = [self._relative(end) or end for end, _ in ends]
            log.debug("%s %s", event.event_type, " -> ".join(names))

    def _relative(self, path: str) -> str | None:
        """``path`` (absolute, as watchdog reports it) '/'-separated from the vault; None outside it."""
        if not path.startswith(self._watched + os.sep):
            return None
        return path[len(self._watched) + 1 :].replace(os.sep, "/")

    def _classify(self, path: str, is_directory: bool, pending: Pending, gone: bool) -> bool:
        """Record in ``pending`` what ``path`` (absolute, as watchdog reports it) asks for, if anything.

        ``gone``: the event says nothing is at ``path`` any longer (a deletion, or where a move started).
        """
        if path == self._watched:
            pending.rescan = True
            self._root_lost = self._root_lost or gone
            return True
        relative = self._relative(path)
        if relative is None:
            return False
        assert self._index is not None
        settings = self._index.settings
        lost = [output for output in self._outputs if output == relative or output.startswith(relative + "/")]
        if gone and lost:
            pending.outputs.update(lost)  # written again, though their own events are ignored
        if is_directory:
            if relative == ".obsidian":
                pending.relink = True
            elif not is_ignored(relative + "/x.md", settings):
                pending.rescan = True
            else:
                return bool(gone and lost)
        elif relative == CONFIG_FILE:
            pending.settings = True
        elif relative not in self._outputs and not is_ignored(relative, settings):
            pending.paths.add(relative)
        else:
            return bool(gone and lost)
        return True

    # --- building

    def _update(
        self,
        burst: Pending | None = None,
        *,
        reason: str = "",
        rescan: bool = False,
        force: bool = False,
        strict: bool = False,
    ) -> Build | None:
        """Apply a burst (or a reconcile) to the index and build when anything changed (or ``force``).

        A calendar that cannot be written is raised when ``strict``, else reported and retried.
        """
        with self._lock:
            started = time.perf_counter()
            index = self._index
            assert index is not None
            if not index.root.is_dir():
                if strict:
                    raise VaultsyncError(f"the vault folder is gone: {index.root}")
                return None  # the loop waits for it to come back (``_look_at_root``)
            burst = burst or Pending()
            if burst.settings and self._reload_settings():
                index, rescan, reason = self._index, True, reason or f"{CONFIG_FILE} changed"
                assert index is not None
            rescan = rescan or burst.rescan
            known = set(index.paths() if rescan else filter(index.__contains__, burst.paths))
            changed = index.scan() if rescan else index.refresh(burst.paths)
            now = self._now()
            moved = self._moved(now)
            if not (changed or force or burst.relink or burst.outputs or moved):
                return None
            if not reason and changed:
                reason = describe(changed, index, known)
            elif not reason:
                lost = f"{', '.join(sorted(burst.outputs))} deleted" if burst.outputs else None
                passed = f"new day {now.day}" if now.day != self._built_day else "an interview ended"
                reason = lost or (passed if moved else "rebuild")
            self._built_day, self._until = now.day, now.next_day  # if it fails: tried again at a change
            try:
                build = pipeline.build(index.vault(), now, self.calendar, memo=self.memo, vdir=self.vdir)
            except VaultsyncError as err:
                if strict:
                    raise
                self._stale = True
                log.error("%s: %s (trying again at the next change)", reason, err)
                return None
            self._stale, self._until = False, build.until
            self._written = [build.path, *([build.dashboard] if build.dashboard else [])]
            self._log(build, reason, time.perf_counter() - started)
        if self.on_build is not None:
            try:
                self.on_build(build)
            except Exception as err:
                unexpected("on_build", err)
        return build

    def _reload_settings(self) -> bool:
        """Re-read .vaultsync.toml; True when the settings changed (the index starts over)."""
        assert self._index is not None
        try:
            settings = load_settings(self._index.root)
        except ConfigError as err:
            log.error("%s; keeping the previous settings", err)
            return False
        if settings == self._index.settings:
            return False
        self._use(self._index.with_settings(settings))
        return True

    def _use(self, index: VaultIndex) -> None:
        """Work from ``index`` from now on; what a build writes is never read back as a change."""
        self._index = index
        self._outputs = output_paths(index.root, index.settings, self.calendar)

    def _log(self, build: Build, reason: str, seconds: float) -> None:
        """Each new problem once, then one line: what changed and what the build did."""
        audit = build.audit
        for err in (e for e in audit.vault.errors if e not in self._problems):
            log.warning("%s", error_line(err))
        self._problems = set(audit.vault.errors)
        deadlines = sum(audit.levels[level] for level in ("overdue", "due", "upcoming"))
        did = build_lines(build)
        troubled = len({err.path for err in self._problems})  # a note with several problems is one
        log.info(
            "%s: %s (%d overdue), %s with problems; %s in %.3f s",
            reason,
            plural(deadlines, "deadline"),
            audit.overdue,
            plural(troubled, "note"),
            "; ".join(did),
            seconds,
        )

    # --- the observer

    def _observe(self) -> BaseObserver:
        """watchdog's native observer, or polling when asked to or when it cannot serve."""
        handler = Handler(self._mark)
        # A folder moved out of the vault and back in keeps its inotify watch, which watchdog then
        # re-adds: safe, but it warns on its thread (gorakhargosh/watchdog#1278).
        warnings.filterwarnings("ignore", "Callback with id .* already exists", RuntimeWarning)
        reason = "--polling" if self.polling else None
        kind = None if self.polling else remote_file_system(Path(self._watched))
        if kind:
            reason = f"the vault is on a {kind} file system, whose changes the OS does not report"
        if reason is None:
            observer = Observer()
            try:
                observer.schedule(handler, self._watched, recursive=True, event_filter=EVENTS)
                observer.start()
                self._polling_because = None
                return observer
            except OSError as err:
                reason = native_failure(err)
        if reason != self._polling_because:  # said once, not again for a replaced vault folder
            self._polling_because = reason
            (log.info if self.polling else log.warning)(
                "watching by polling every %.1f s: %s", self.poll_interval, reason
            )
        observer = PollingObserver(timeout=self.poll_interval)
        observer.schedule(handler, self._watched, recursive=True, event_filter=EVENTS)
        observer.start()
        return observer
