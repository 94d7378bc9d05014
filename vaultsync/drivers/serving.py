"""``vaultsync serve``'s life: the first build, the ``CalendarServer`` (in ``server``) started,
the watcher keeping its feed current beside it, and both stopped together on a signal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vaultsync.drivers.feed import Feed
from vaultsync.drivers.server import MAX_CONNECTIONS, CalendarServer
from vaultsync.errors import VaultsyncError

if TYPE_CHECKING:
    from vaultsync.model.audit import Build

log = logging.getLogger("vaultsync.serve")

#: How long ``serve_until`` waits for the source (the watcher) to finish once stopped.
SOURCE_STOP_SECONDS = 10.0


def serve_until(
    server: CalendarServer, source: Callable[[threading.Event], None], stop: threading.Event
) -> None:
    """Serve until ``stop`` is set, while ``source(stop)`` keeps the feed current in a thread of its
    own (the watcher's ``run``). When the source fails, serving stops and its error is raised here.
    """
    failure: list[Exception] = []

    def keep_current() -> None:
        try:
            source(stop)
        except Exception as err:  # re-raised below, on the caller's thread
            failure.append(err)
        finally:
            stop.set()

    def shut_down_on_stop() -> None:
        stop.wait()
        server.shutdown()

    threads = [
        threading.Thread(target=keep_current, name="vaultsync-source", daemon=True),
        threading.Thread(target=shut_down_on_stop, name="vaultsync-stop", daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        stop.set()
        server.server_close()
        for thread in threads:
            thread.join(timeout=SOURCE_STOP_SECONDS)
    if failure:
        raise failure[0]


def _enough_files() -> None:
    """Let the process hold a file per connection it may keep open, and the watcher's and the
    vault's besides: macOS starts a process with 256, some Linux desktops with 1,024."""
    try:
        import resource
    except ImportError:  # Windows has no such limit
        return
    wanted = MAX_CONNECTIONS + 512
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    with contextlib.suppress(ValueError, OSError):  # the hard limit is lower: what there is
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
        )


@contextlib.contextmanager
def _logged_after() -> Iterator[None]:
    """What vaultsync logs inside the block is handled once it ends (an error too), in order."""
    logger = logging.getLogger("vaultsync")
    held = logging.handlers.BufferingHandler(sys.maxsize)  # never flushed: kept whole
    handlers, propagate = logger.handlers, logger.propagate
    logger.handlers, logger.propagate = [held], False
    try:
        yield
    finally:
        logger.handlers, logger.propagate = handlers, propagate
        for record in held.buffer:
            logger.handle(record)


def serve(
    root: Path,
    token: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    calendar: Path | None = None,
    today: dt.date | dt.datetime | None = None,
    polling: bool = False,
    ready: Callable[[CalendarServer, Build], None] | None = None,
) -> None:
    """``vaultsync serve``: build, then serve the calendar while the watcher keeps it current,
    until Ctrl-C or SIGTERM. ``ready`` is called once the first build is served."""
    from vaultsync.drivers.watch import Watcher, stop_on_signals
    from vaultsync.drivers.watch_process import collection_paused

    _enough_files()
    feed = Feed()
    watcher = Watcher(root, calendar=calendar, today=today, polling=polling, on_build=feed.publish_build)
    stop = threading.Event()
    with stop_on_signals(stop):  # from the start: a SIGTERM right after the URL is printed stops cleanly
        with _logged_after():  # ``ready``'s lines first, then the first build's (its problems)
            with collection_paused():
                watcher.open()
            first = watcher.build_now()
            try:
                server = CalendarServer(feed, token, host, port, log=log.info, detail=log.debug)
            except OSError as err:
                raise VaultsyncError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
            if ready is not None:
                ready(server, first)
        serve_until(server, watcher.run, stop)
    log.info("stopped")
