"""One HTTP exchange of the calendar server: a request head already read, its answer made by
http.server's parsing; and what the server's loop keeps of one connection."""

from __future__ import annotations

import datetime as dt
import io
import socket
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol

from vaultsync.drivers.feed import Feed, Snapshot

CONTENT_TYPE = "text/calendar; charset=utf-8"
#: Until the first build is ready, clients are asked to come back this many seconds later.
RETRY_AFTER = 5


class Owner(Protocol):
    """What an exchange needs of its server."""

    feed: Feed

    def is_calendar(self, target: str) -> bool: ...

    def log_line(self, line: str) -> None: ...


class Exchange(BaseHTTPRequestHandler):
    """One request and its answer, made by http.server from a request head already read: the
    server's loop does all the reading and writing, so no thread ever waits on a client."""

    def __init__(self, owner: Owner, client_address: Any, head: bytes) -> None:
        self.owner = owner  # not socketserver's ``server``: there is none
        self.client_address = client_address
        self.rfile = io.BytesIO(head)
        self.head = io.BytesIO()  # the status line and headers (and a short body)
        self.wfile = self.head
        self.body = b""  # the calendar, when it is sent
        self.handle_one_request()

    def version_string(self) -> str:
        return "vaultsync"

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
        if not self.owner.is_calendar(self.path):
            self._plain(404, "Not found.")
            return
        snapshot = self.owner.feed.snapshot
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
            self.body = snapshot.data  # written by the server's loop, never copied

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
        self.owner.log_line(f"{self.client_address[0]} {format % args}")


class Connection:
    """One client connection: what it sent so far, what is left to send it, and until when."""

    __slots__ = ("sock", "client", "opened", "deadline", "received", "scanned", "out", "state")

    def __init__(self, sock: socket.socket, client: Any, now: float, head_seconds: float) -> None:
        self.sock = sock
        self.client = client
        self.opened = now
        self.deadline = now + head_seconds  # for the whole request head
        self.received = bytearray()
        self.scanned = 0  # how far ``received`` was searched for the end of the head
        self.out: list[memoryview] = []
        self.state = "head"  # then "answer", then "linger"


def head_end(data: bytearray, start: int) -> int | None:
    """Where the request line and headers in ``data`` end (after the empty line), or None when
    they have not all come yet; ``data[:start]`` was searched before. A request line without a
    version has no headers (HTTP/0.9, or a line http.server refuses)."""
    first = data.find(b"\n")
    if first < 0:
        return None
    if len(data[:first].split()) < 3:
        return first + 1
    ends = [
        at + len(blank)
        for blank in (b"\n\r\n", b"\n\n")
        if (at := data.find(blank, max(first, start - 2))) >= 0
    ]
    return min(ends, default=None)
