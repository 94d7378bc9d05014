"""Real CalDAV servers for the push tests: Radicale and Xandikos, on 127.0.0.1 and a free port,
storing in a temporary folder; a DAVClient that records every request it sends; and scripted
servers that answer as broken, misplaced or stalling servers do."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interop_readers import unavailable

STARTUP_SECONDS = 20


@dataclass(frozen=True)
class Radicale:
    base: str  # http://127.0.0.1:PORT/
    storage: Path

    def calendar_url(self, user: str, name: str) -> str:
        return f"{self.base}{user}/{name}/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def radicale(folder: Path, users: dict[str, str] | None = None) -> Iterator[Radicale]:
    """Run Radicale until the block ends. ``users`` (name: password) turns on htpasswd auth."""
    try:
        import radicale as _  # noqa: F401
    except ImportError:
        unavailable("Radicale is missing: python3 -m pip install -e '.[test]'")
    folder.mkdir(parents=True, exist_ok=True)
    if users:
        htpasswd = folder / "users"
        htpasswd.write_text("".join(f"{u}:{p}\n" for u, p in users.items()))
        auth = f"type = htpasswd\nhtpasswd_filename = {htpasswd}\nhtpasswd_encryption = plain\ndelay = 0\n"
    else:
        auth = "type = none\n"
    config = folder / "config"

    def command(port: int) -> list[str]:
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\n{auth}[rights]\ntype = owner_only\n"
            f"[storage]\nfilesystem_folder = {folder / 'collections'}\n[web]\ntype = none\n"
            "[logging]\nlevel = error\n"
        )
        return [sys.executable, "-m", "radicale", "--config", str(config)]

    with _running(command, folder, "Radicale") as port:
        yield Radicale(f"http://127.0.0.1:{port}/", folder / "collections")


@contextmanager
def xandikos(folder: Path) -> Iterator[str]:
    """Run Xandikos (no authentication) until the block ends: its base URL. Its one account's
    principal is ``user/``, its calendars are under ``user/calendars/``."""
    try:
        import xandikos as _  # noqa: F401
    except ImportError:
        unavailable("Xandikos is missing: python3 -m pip install -e '.[test]'")
    folder.mkdir(parents=True, exist_ok=True)

    def command(port: int) -> list[str]:
        serve = ["serve", "-d", str(folder / "data"), "--defaults", "--state-dir", str(folder / "state")]
        return [sys.executable, "-m", "xandikos", *serve, "-l", "127.0.0.1", "-p", str(port)]

    with _running(command, folder, "Xandikos") as port:
        yield f"http://127.0.0.1:{port}/"


#: Times a server is started on another free port when the one picked was taken meanwhile,
STARTS = 3
#: as its log says: Xandikos names the error, Radicale (logging errors only) its outcome.
TAKEN = ("[Errno 98]", "Address already in use", "No servers started")


@contextmanager
def _running(command: Callable[[int], list[str]], folder: Path, name: str) -> Iterator[int]:
    """Run ``command(port)`` (a server on a free port), logging to ``folder``/log, until the
    block ends: the port, once the server listens on it."""
    for _ in range(STARTS):
        port = _free_port()  # free now: another process may bind it before the server does
        log = (folder / "log").open("wb")
        process = subprocess.Popen(command(port), stdout=log, stderr=subprocess.STDOUT)
        try:
            if _listening(process, port, name, folder / "log"):
                yield port
                return
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
            log.close()
    raise RuntimeError(
        f"{name} could not listen on any of {STARTS} free ports: {(folder / 'log').read_text()}"
    )


def _listening(process: subprocess.Popen[bytes], port: int, name: str, log: Path) -> bool:
    """Wait until ``process`` listens on ``port``: False when it exited because the port was
    taken, RuntimeError when it exited otherwise or took too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            said = log.read_text()
            if any(taken in said for taken in TAKEN):
                return False
            raise RuntimeError(f"{name} exited: {said}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                # An answer in HTTP, not only a connection: with nothing listening the kernel may
                # give the probe the port itself as its own end (connected to itself), and a
                # process that took the port first would take the connection too.
                probe.sendall(b"OPTIONS / HTTP/1.0\r\n\r\n")
                if probe.recv(5) == b"HTTP/" and process.poll() is None:
                    return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start in {STARTUP_SECONDS} s")
        time.sleep(0.05)


def counting_client(requests: list[tuple[str, str]]) -> Any:
    """A caldav.DAVClient class that appends (method, url) to ``requests`` for each request."""
    import caldav

    class Counting(caldav.DAVClient):  # type: ignore[misc,name-defined]
        def request(self, url: Any, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
            requests.append((method, str(url)))
            return super().request(url, method, *args, **kwargs)

    return Counting


@dataclass(frozen=True)
class Scripted:
    url: str  # http://127.0.0.1:PORT/alice/cal/
    requests: list[str]  # the head (request line and headers) of each request received


@contextmanager
def scripted(
    answer: Callable[[socket.socket, str], None], tls: ssl.SSLContext | None = None
) -> Iterator[Scripted]:
    """A server on 127.0.0.1 that reads each request and lets ``answer(connection, request)``
    (``request``: its method and path, ``"PUT /alice/cal/x.ics"``) write whatever it likes back: a broken server, a web page, one that trickles bytes.
    ``tls`` makes it speak https."""
    listener = socket.create_server(("127.0.0.1", 0))
    requests: list[str] = []
    connections: list[socket.socket] = []

    def one(connection: socket.socket) -> None:
        with connection:
            try:
                if tls is not None:
                    connection = tls.wrap_socket(connection, server_side=True)
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                text = head.split(b"\r\n\r\n", 1)[0].decode("latin-1")
                requests.append(text)
                answer(connection, " ".join(text.split(" ", 2)[:2]))
            except OSError:  # the client gave up (or refused our certificate): what these are for
                pass

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = listener.accept()
                connections.append(connection)
                threading.Thread(target=one, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield Scripted(f"http://127.0.0.1:{listener.getsockname()[1]}/alice/cal/", requests)
    finally:
        listener.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def reply(status: str, content_type: str, body: bytes) -> Callable[[socket.socket, str], None]:
    """An answer with this status line, type and body, to every request."""
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )

    def answer(connection: socket.socket, request: str) -> None:
        connection.sendall(head.encode() + body)

    return answer


def trickle(every: float) -> Callable[[socket.socket, str], None]:
    """An answer that never ends: its status line, then one byte of a header every ``every`` s,
    so that no single read of the socket ever waits long."""

    def answer(connection: socket.socket, request: str) -> None:
        connection.sendall(b"HTTP/1.1 207 Multi-Status\r\nContent-Type: text/xml\r\nX-Slow: ")
        while True:
            time.sleep(every)
            connection.sendall(b"a")

    return answer


def by_request(
    answers: dict[str, Callable[[socket.socket, str], None]],
) -> Callable[[socket.socket, str], None]:
    """The answer kept for the request (``"PROPFIND /alice/cal/"``), else for its method."""

    def answer(connection: socket.socket, request: str) -> None:
        (answers.get(request) or answers[request.split(" ", 1)[0]])(connection, request)

    return answer


def multistatus(resourcetype: str) -> Callable[[socket.socket, str], None]:
    """A 207 for a resource of that type (``"<collection/>"``, ``CALENDAR``)."""
    body = (
        '<?xml version="1.0"?><multistatus xmlns="DAV:"><response><href>/alice/cal/</href><propstat>'
        f"<prop><resourcetype>{resourcetype}</resourcetype></prop><status>HTTP/1.1 200 OK</status>"
        "</propstat></response></multistatus>"
    )
    return reply("207 Multi-Status", "text/xml", body.encode())


CALENDAR = '<collection/><calendar xmlns="urn:ietf:params:xml:ns:caldav"/>'
