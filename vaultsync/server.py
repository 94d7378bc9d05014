"""Serving the calendar over HTTP: one secret URL, conditional GETs, and nothing else.

The bytes served are held in memory (a ``Feed``) and replaced whole when a build changes them,
so a request sees the old calendar or the new one, never a mix, and never any other file. Each
connection has its own thread and a hard deadline, so a client that stalls holds up no one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import hmac
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from vaultsync.errors import VaultsyncError
from vaultsync.files import file_state

if TYPE_CHECKING:
    from vaultsync.sync import Build

log = logging.getLogger("vaultsync.serve")

CALENDAR_FILE = "vaultsync.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8"
#: The request line and headers together; a calendar client sends well under 2 KiB.
MAX_HEAD = 16 * 1024
#: A connection is cut this many seconds after it opened, whatever it is doing.
REQUEST_SECONDS = 10.0
#: How long ``serve_until`` waits for the source (the watcher) to finish once stopped.
SOURCE_STOP_SECONDS = 10.0
#: Until the first build is ready, clients are asked to come back this many seconds later.
RETRY_AFTER = 5
#: What a client sends reaches the log with its control characters (C0, DEL, C1) written as
#: ``\\xNN``, and a backslash doubled, as http.server's own log does: no forged lines.
_ESCAPES = str.maketrans(
    {**{code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}, ord("\\"): "\\\\"}
)


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
        the state it was last read in is not read again (at 10,000 contacts it is 18 MB)."""
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


class _TooLarge(Exception):
    pass


class _BoundedReader:
    """The request's input, refusing more than ``limit`` bytes of request line and headers."""

    def __init__(self, raw: BinaryIO, limit: int) -> None:
        self._raw = raw
        self._left = limit

    def readline(self, size: int = -1) -> bytes:
        allowed = self._left + 1 if size < 0 else min(size, self._left + 1)
        line = self._raw.readline(allowed)
        self._left -= len(line)
        if self._left < 0:
            raise _TooLarge
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _Handler(BaseHTTPRequestHandler):
    server: CalendarServer
    timeout = REQUEST_SECONDS  # each read; the whole connection is bounded in handle()

    def version_string(self) -> str:
        return "vaultsync"

    def setup(self) -> None:
        super().setup()
        self.rfile = _BoundedReader(self.rfile, MAX_HEAD)  # type: ignore[assignment,arg-type]

    def handle(self) -> None:
        deadline = threading.Timer(self.server.request_seconds, self._cut)
        deadline.daemon = True
        deadline.start()
        try:
            super().handle()
        except _TooLarge:
            self._raw_reply(b"431 Request Header Fields Too Large")
        except OSError:
            pass  # the client went away, or was cut at the deadline
        finally:
            deadline.cancel()

    def _cut(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _raw_reply(self, status: bytes) -> None:
        with contextlib.suppress(OSError):
            self.wfile.write(b"HTTP/1.0 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        self.server.log_line(f"{self.client_address[0]} request too large: {status.decode()}")

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _not_allowed(self) -> None:
        self._plain(405, "Only GET and HEAD.", {"Allow": "GET, HEAD"})

    def __getattr__(self, name: str) -> Any:
        # The base class answers a method it has no do_ for with 501 (a server error): every
        # method but GET and HEAD is refused alike, 405, as docs/subscribing.md says.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _serve(self, body: bool) -> None:
        if not self.server.is_calendar(self.path):
            self._plain(404, "Not found.")
            return
        snapshot = self.server.feed.snapshot
        if snapshot is None:
            self._plain(503, "The calendar is being built.", {"Retry-After": str(RETRY_AFTER)})
            return
        fresh = self._not_modified(snapshot)
        self.send_response(304 if fresh else 200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("ETag", snapshot.etag)
        self.send_header("Last-Modified", format_datetime(snapshot.modified, usegmt=True))
        self.send_header("Cache-Control", "no-cache")
        if not fresh:
            self.send_header("Content-Length", str(len(snapshot.data)))
        self.end_headers()
        if body and not fresh:
            self.wfile.write(snapshot.data)

    def _not_modified(self, snapshot: Snapshot) -> bool:
        """RFC 9110 13.2.2: If-None-Match decides when present; else If-Modified-Since."""
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return "*" in tags or snapshot.etag in tags
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored, as RFC 9110 says
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        if snapshot.shared_second:  # a client holding the earlier version sends this very date
            return snapshot.modified < when
        return snapshot.modified <= when

    def _plain(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        data = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log_line(f"{self.client_address[0]} {format % args}")


class CalendarServer(ThreadingHTTPServer):
    """Serves ``feed`` at ``/<token>/vaultsync.ics``; every other path is 404.

    ``port=0`` picks a free port (see ``server_address``). ``log`` receives one line per
    request, with the token replaced by ``<token>``.
    """

    daemon_threads = True
    #: socketserver's default backlog is 5: under a burst of clients the kernel drops their
    #: connection requests, which then wait out retransmission (1, 3, 7, 15 s ...).
    request_queue_size = socket.SOMAXCONN

    def __init__(
        self,
        feed: Feed,
        token: str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log: Callable[[str], None] | None = None,
        request_seconds: float = REQUEST_SECONDS,
    ) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.feed = feed
        self.token = token
        self.log = log or (lambda line: None)
        self.request_seconds = request_seconds
        self.calendar_path = f"/{token}/{CALENDAR_FILE}"
        super().__init__((host, port), _Handler)

    def is_calendar(self, target: str) -> bool:
        """The request target names the calendar (a query string is ignored); constant time."""
        path = target.partition("?")[0]
        return hmac.compare_digest(path.encode(), self.calendar_path.encode())

    def url(self, scheme: str = "http") -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        if host in ("0.0.0.0", "::"):
            host = socket.gethostname()
        elif ":" in host:
            host = f"[{host}]"
        return f"{scheme}://{host}:{port}{self.calendar_path}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line in the log, never a traceback on the terminal."""
        error = sys.exc_info()[1]
        self.log_line(f"{client_address[0]} error: {type(error).__name__}: {error}")

    def log_line(self, line: str) -> None:
        """``log`` the line with the token hidden and control characters escaped."""
        self.log(line.replace(self.token, "<token>").translate(_ESCAPES))


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


def serve(
    root: Path,
    token: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    calendar: Path | None = None,
    today: dt.date | None = None,
    polling: bool = False,
    ready: Callable[[CalendarServer, Build], None] | None = None,
) -> None:
    """``vaultsync serve``: build, then serve the calendar while the watcher keeps it current,
    until Ctrl-C or SIGTERM. ``ready`` is called once the first build is served."""
    from vaultsync.watch import Watcher, stop_on_signals

    feed = Feed()
    watcher = Watcher(root, calendar=calendar, today=today, polling=polling, on_build=feed.publish_build)
    stop = threading.Event()
    with stop_on_signals(stop):  # from the start: a SIGTERM right after the URL is printed stops cleanly
        first = watcher.build_now()
        try:
            server = CalendarServer(feed, token, host, port, log=log.info)
        except OSError as err:
            raise VaultsyncError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
        if ready is not None:
            ready(server, first)
        serve_until(server, watcher.run, stop)
    log.info("stopped")
