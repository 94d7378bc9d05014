"""The process around a watcher: logging, signals and the garbage collector's pause at the start
(shared with other long-running commands, and with the one-shot commands' pause)."""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Protocol

log = logging.getLogger("vaultsync.drivers.watch")


class Runs(Protocol):
    """A long-running driver (``vaultsync.drivers.watch.Watcher``): runs until ``stop`` is set."""

    def open(self, *, watch: bool = False) -> None: ...

    def run(self, stop: threading.Event) -> None: ...


def configure_logging(verbosity: int = 0) -> None:
    """One line per message on stderr; -1 = problems only, 0 = one line per build, 1 = every event."""
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s vaultsync: %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name, floor in (("vaultsync", level), ("watchdog", max(level, logging.WARNING))):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(floor)
        logger.propagate = False


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """Ctrl-C and SIGTERM set ``stop`` (and nothing else) while inside the block."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in wanted}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection inside the block, and what exists at its end set aside
    (``gc.freeze``) before collection resumes: for reading a whole vault, whose entries hold no
    cycles and would be walked again by every collection. An interpreter-wide change, so only
    the edge of a process makes it: a one-shot command, a long-running driver's start."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def run_until_signalled(watcher: Runs) -> None:
    """Run ``watcher`` in this process until Ctrl-C or SIGTERM; the calendar is left complete.
    The vault is first read with collection paused (``collection_paused``), and watched from
    before its notes are read."""
    stop = threading.Event()
    with stop_on_signals(stop):
        with collection_paused():
            watcher.open(watch=True)
        watcher.run(stop)
    log.info("stopped")
