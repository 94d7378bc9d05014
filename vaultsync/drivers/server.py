"""Serving the calendar over HTTP: one secret URL, conditional GETs, and nothing else.

The bytes served are held in memory (a ``Feed``, in ``feed``) and replaced whole when a build
changes them; each request is answered by an ``Exchange`` (in ``exchange``). One
thread serves every connection through a selector: a connection costs a socket and its
buffers, never a thread; connections are bounded in all and per client address, and each has
hard deadlines, so neither a client that stalls nor a burst of connections holds up anyone.
Starting and stopping it beside the watcher, for ``vaultsync serve``, is ``serving``.
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import selectors
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from vaultsync.drivers.exchange import CONTENT_TYPE as CONTENT_TYPE  # the API the tests and docs name
from vaultsync.drivers.exchange import Connection, Exchange, head_end
from vaultsync.drivers.feed import Feed
from vaultsync.drivers.feed import Snapshot as Snapshot

CALENDAR_FILE = "vaultsync.ics"
#: The request line and headers together; a calendar client sends well under 2 KiB.
MAX_HEAD = 16 * 1024
#: A connection is cut this many seconds after it opened, whatever it is doing,
REQUEST_SECONDS = 10.0
#: and this many seconds after it opened when its request line and headers have not all come.
HEAD_SECONDS = 5.0
#: Connections open at once, in all and from one address. One address may be a whole network
#: behind a proxy (a tunnel, a reverse proxy in front of every client), or 200 clients at once.
MAX_CONNECTIONS = 512
MAX_PER_CLIENT = 256
#: After its answer, a connection is kept while the client closes it, at most this long.
LINGER_SECONDS = 1.0
#: How often the deadlines are checked, and how many connections are accepted in one go.
CHECK_SECONDS = 0.05
ACCEPT_AT_ONCE = 64
#: A connection refused over a limit is logged; the next ones for this long only in detail.
REFUSALS_QUIET = 10.0
REFUSED = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 22\r\nRetry-After: 5\r\nConnection: close\r\n\r\nToo many connections.\n"
)
TOO_LARGE = b"HTTP/1.0 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
#: What a client sends reaches the log with its control characters (C0, DEL, C1) written as
#: ``\\xNN``, and a backslash doubled, as http.server's own log does: no forged lines.
_ESCAPES = str.maketrans(
    {**{code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}, ord("\\"): "\\\\"}
)


class CalendarServer:
    """Serves ``feed`` at ``/<token>/vaultsync.ics``; every other path is 404.

    ``port=0`` picks a free port (see ``server_address``). ``log`` receives one line per
    request, with the token replaced by ``<token>``; ``detail`` what a connection did besides
    (cut at a deadline, refused over a limit). One thread serves every connection through a
    selector (``serve_forever``, stopped by ``shutdown``, as socketserver's are): at most
    ``max_connections`` open, ``max_per_client`` from one address, each closed when its request
    has not come ``head_seconds`` after it opened and ``request_seconds`` after it opened.
    """

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
        detail: Callable[[str], None] | None = None,
        request_seconds: float = REQUEST_SECONDS,
        head_seconds: float = HEAD_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
        max_per_client: int = MAX_PER_CLIENT,
    ) -> None:
        self.feed = feed
        self.token = token
        self.log = log or (lambda line: None)
        self.detail = detail or (lambda line: None)
        self.request_seconds = request_seconds
        self.head_seconds = min(head_seconds, request_seconds)
        self.max_connections = max_connections
        self.max_per_client = max_per_client
        self.calendar_path = f"/{token}/{CALENDAR_FILE}"
        self.socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        try:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind((host, port))
            self.socket.listen(self.request_queue_size)
        except OSError:
            self.socket.close()
            raise
        self.socket.setblocking(False)
        self.server_address: tuple[Any, ...] = self.socket.getsockname()
        self._connections: dict[int, Connection] = {}
        self._per_client: Counter[str] = Counter()
        self._selector = selectors.DefaultSelector()
        self._waker, self._wake = socket.socketpair()  # shutdown() ends the loop's wait at once
        self._waker.setblocking(False)
        self._stopping = False
        self._stopped = threading.Event()
        self._stopped.set()
        self._accepting = True
        self._refusals_logged = -REFUSALS_QUIET  # when a refusal was last logged with ``log``

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

    def log_line(self, line: str) -> None:
        """``log`` the line with the token hidden and control characters escaped."""
        self.log(line.replace(self.token, "<token>").translate(_ESCAPES))

    # --- the loop

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve until ``shutdown``; deadlines are checked every ``CHECK_SECONDS`` (and at least
        every ``poll_interval``)."""
        self._stopped.clear()
        selector = self._selector
        selector.register(self.socket, selectors.EVENT_READ)
        selector.register(self._waker, selectors.EVENT_READ)
        try:
            check = time.monotonic() + CHECK_SECONDS
            while not self._stopping:
                ready = selector.select(max(0.0, min(poll_interval, check - time.monotonic())))
                accept = False
                for key, events in ready:
                    if key.fileobj is self.socket:
                        accept = True
                    elif key.fileobj is self._waker:
                        with contextlib.suppress(OSError):
                            self._waker.recv(64)
                    else:
                        self._service(key.data, events)
                if accept:  # after the others: a client's next connection counts once its last is closed
                    self._accept()
                now = time.monotonic()
                if now >= check:
                    self._expire(now)
                    check = now + CHECK_SECONDS
        finally:
            for fileobj in (self.socket, self._waker):
                with contextlib.suppress(KeyError, ValueError):
                    selector.unregister(fileobj)
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop ``serve_forever`` and wait until it has returned (call it from another thread)."""
        self._stopping = True
        with contextlib.suppress(OSError):
            self._wake.send(b"x")
        self._stopped.wait()

    def server_close(self) -> None:
        """Close the listening socket and every connection still open."""
        for connection in list(self._connections.values()):
            self._close(connection)
        self.socket.close()
        self._selector.close()
        self._waker.close()
        self._wake.close()

    def _accept(self) -> None:
        for _ in range(ACCEPT_AT_ONCE):  # then the connections already open have their turn
            try:
                sock, address = self.socket.accept()
            except BlockingIOError:
                return
            except OSError as err:
                if err.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    self._selector.unregister(self.socket)  # until the next check: no busy loop
                    self._accepting = False
                    self.detail(f"not accepting connections for now: {err.strerror or err}")
                return  # else the client gave up before it was accepted
            client = str(address[0])
            refusal = self._refusal(client)
            if refusal is not None:
                self._refuse(sock, client, refusal)
                continue
            sock.setblocking(False)
            connection = Connection(sock, address, time.monotonic(), self.head_seconds)
            self._connections[sock.fileno()] = connection
            self._per_client[client] += 1
            self._selector.register(sock, selectors.EVENT_READ, connection)

    def _refusal(self, client: str) -> str | None:
        if len(self._connections) >= self.max_connections:
            return f"{len(self._connections)} connections open, the most this server takes"
        if self._per_client[client] >= self.max_per_client:
            return f"{self._per_client[client]} connections open from that address, the most one may have"
        return None

    def _refuse(self, sock: socket.socket, client: str, reason: str) -> None:
        """Answer 503 and close: one send to a new connection, never a wait."""
        with contextlib.suppress(OSError):
            sock.setblocking(False)
            sock.send(REFUSED)
        sock.close()
        now = time.monotonic()
        line = f"{client} refused: {reason}"
        if now - self._refusals_logged >= REFUSALS_QUIET:
            self._refusals_logged = now
            self.log_line(f"{line} (the next {REFUSALS_QUIET:g} s of refusals: verbose log only)")
        else:
            self.detail(line)

    def _service(self, connection: Connection, events: int) -> None:
        try:
            if events & selectors.EVENT_WRITE:
                self._send(connection)
            elif connection.state == "head":
                self._read_head(connection)
            else:  # lingering: what the client still sends is read and dropped until it closes
                if not connection.sock.recv(65536):
                    self._close(connection)
        except OSError:
            self._close(connection)  # the client went away
        except Exception as err:  # a bug answers one line in the log, never a traceback
            self.log_line(f"{connection.client[0]} error: {type(err).__name__}: {err}")
            self._close(connection)

    def _read_head(self, connection: Connection) -> None:
        try:
            data = connection.sock.recv(MAX_HEAD + 1 - len(connection.received))  # no more is kept
        except BlockingIOError:
            return
        if not data:
            self._close(connection)  # closed before a whole request: nothing to answer
            return
        received = connection.received
        received += data
        end = head_end(received, connection.scanned)
        connection.scanned = len(received)
        if end is None and len(received) <= MAX_HEAD:
            return
        if end is None or end > MAX_HEAD:
            self.log_line(f"{connection.client[0]} request too large: 431 Request Header Fields Too Large")
            self._answer(connection, [TOO_LARGE])
            return
        exchange = Exchange(self, connection.client, bytes(received[:end]))
        self._answer(connection, [exchange.head.getvalue(), exchange.body])

    def _answer(self, connection: Connection, pieces: list[bytes]) -> None:
        connection.state = "answer"
        connection.deadline = connection.opened + self.request_seconds
        connection.out = [memoryview(piece) for piece in pieces if piece]
        connection.received = bytearray()
        self._selector.modify(connection.sock, selectors.EVENT_WRITE, connection)
        self._send(connection)

    def _send(self, connection: Connection) -> None:
        out = connection.out
        while out:
            try:
                sent = connection.sock.send(out[0])
            except BlockingIOError:
                return
            if sent < len(out[0]):
                out[0] = out[0][sent:]
                return
            out.pop(0)
        # All sent. Closing now would reset a client whose request is not all read (the kernel
        # then drops the answer it has not yet delivered): end our side, read until it closes.
        connection.sock.shutdown(socket.SHUT_WR)
        connection.state = "linger"
        connection.deadline = min(connection.deadline, time.monotonic() + LINGER_SECONDS)
        self._selector.modify(connection.sock, selectors.EVENT_READ, connection)

    def _expire(self, now: float) -> None:
        if not self._accepting:
            self._selector.register(self.socket, selectors.EVENT_READ)
            self._accepting = True
        for connection in [c for c in self._connections.values() if now >= c.deadline]:
            if connection.state == "head":
                self.detail(f"{connection.client[0]} cut: no whole request within {self.head_seconds:g} s")
            elif connection.state == "answer":
                self.detail(
                    f"{connection.client[0]} cut: the answer not taken within {self.request_seconds:g} s"
                )
            self._close(connection)

    def _close(self, connection: Connection) -> None:
        sock = connection.sock
        if self._connections.pop(sock.fileno(), None) is None:
            return
        client = str(connection.client[0])
        self._per_client[client] -= 1
        if not self._per_client[client]:
            del self._per_client[client]
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(sock)
        sock.close()
