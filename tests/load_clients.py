"""Load on ``vaultsync serve``, from a process of its own (standard library only).

    python3 tests/load_clients.py HOST PORT PATH SECONDS CLIENTS SLOW
    python3 tests/load_clients.py burst HOST PORT COUNT HOLD

CLIENTS threads ask for the calendar in turn in every way a client does (plain GET, HEAD,
If-None-Match, If-Modified-Since) and in ways it must refuse (wrong path, wrong token, other
methods, a head over 16 KiB), checking each answer as it comes: a 200 carries a whole calendar
whose SHA-256 begins with its ETag and whose length is its Content-Length; a 304 only when the
ETag sent is the current one; every refused request a 4xx with no calendar in it. SLOW threads
hold connections open by sending one byte every half second until the server cuts them.
Prints one JSON line: counts by kind and status, every ETag served, violations (at most 20),
and for each slow connection how many good answers other clients got while it was held.
Against 127.0.0.1 each client connects from an address of its own (127.0.0.2 and up), as so
many phones would: the server bounds the connections one address may hold.

``burst`` opens COUNT connections as fast as it can, one after the other, and closes each HOLD
seconds after it opened (or at once when the server refused it): every other one sends nothing,
the rest half a request line. Prints one JSON line: how many were opened, how many could not
connect, how many the server had answered or closed by then, and how long the burst took.
"""

from __future__ import annotations

import hashlib
import http.client
import itertools
import json
import socket
import sys
import threading
import time
from collections import Counter

HUGE = "a" * (17 * 1024)
#: What each kind of request must get.
EXPECTED = {
    "get": {200},
    "head": {200},
    "if-none-match": {200, 304},
    "if-modified-since": {200, 304},
    "bad-path": {404},
    "bad-token": {404},
    "post": {405},
    "delete": {405},
    "brew": {405},
    "huge-header": {431},
}
KINDS = list(EXPECTED)


class Load:
    def __init__(self, host: str, port: int, path: str, seconds: float) -> None:
        self.host, self.port, self.path = host, port, path
        self.deadline = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.etags: set[str] = set()
        self.bodies: dict[str, int] = {}  # etag -> length
        self.violations: list[str] = []
        self.good = 0  # answers to good requests so far
        self.held: list[int] = []  # per slow connection: good answers while it was held

    def violation(self, text: str) -> None:
        with self.lock:
            self.counts["violations"] += 1
            if len(self.violations) < 20:
                self.violations.append(text)

    def source(self, number: int) -> tuple[str, int] | None:
        """The address client ``number`` connects from: its own, on the loopback network."""
        return (f"127.0.0.{2 + number % 250}", 0) if self.host == "127.0.0.1" else None

    # --- fast clients

    def client(self, number: int) -> None:
        last_etag, last_modified = None, None
        for turn in itertools.count(number):
            if time.monotonic() >= self.deadline:
                return
            kind = KINDS[turn % len(KINDS)]
            try:
                status, headers, body = self.ask(kind, last_etag, last_modified, self.source(number))
            except OSError as err:
                self.violation(f"{kind}: {type(err).__name__}: {err}")
                continue
            if self.check(kind, status, headers, body, last_etag) and status == 200 and kind != "head":
                last_etag, last_modified = headers.get("etag"), headers.get("last-modified")

    def ask(
        self, kind: str, etag: str | None, modified: str | None, source: tuple[str, int] | None
    ) -> tuple[int, dict[str, str], bytes]:
        if kind == "huge-header":
            return self.raw(f"GET {self.path} HTTP/1.1\r\nX-Pad: {HUGE}\r\n\r\n".encode(), source)
        method, path, headers = "GET", self.path, {}
        if kind == "head":
            method = "HEAD"
        elif kind == "if-none-match" and etag:
            headers["If-None-Match"] = etag
        elif kind == "if-modified-since" and modified:
            headers["If-Modified-Since"] = modified
        elif kind == "bad-path":
            path = self.path.rsplit("/", 1)[0] + "/other.ics"
        elif kind == "bad-token":
            path = "/" + "0" * 32 + "/vaultsync.ics"
        elif kind in ("post", "delete", "brew"):
            method = kind.upper()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30, source_address=source)
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            connection.close()

    def raw(self, data: bytes, source: tuple[str, int] | None) -> tuple[int, dict[str, str], bytes]:
        with socket.create_connection((self.host, self.port), timeout=30, source_address=source) as sock:
            sock.sendall(data)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        return int(head.split()[1]), {}, body

    def check(self, kind: str, status: int, headers: dict[str, str], body: bytes, sent: str | None) -> bool:
        with self.lock:
            self.counts[f"{kind} {status}"] += 1
        if status not in EXPECTED[kind]:
            self.violation(f"{kind}: {status}")
            return False
        if status >= 400:
            if b"VCALENDAR" in body:
                self.violation(f"{kind}: {status} with a calendar in it")
            return status < 500
        etag = headers.get("etag", "")
        if status == 304:
            if body or etag != sent:
                self.violation(f"{kind}: 304 for {sent} while serving {etag}, body {len(body)}")
                return False
        elif kind == "head":
            if body or not headers.get("content-length"):
                self.violation(f"head: body {len(body)}, length {headers.get('content-length')}")
        else:
            whole = body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
            digest = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            if not whole or digest != etag or int(headers.get("content-length", -1)) != len(body):
                self.violation(f"{kind}: a 200 that is not one whole calendar ({len(body)} bytes)")
                return False
            if kind == "if-none-match" and sent == etag:
                self.violation(f"{kind}: 200 although {sent} is current")
            with self.lock:
                self.etags.add(etag)
                self.bodies[etag] = len(body)
        with self.lock:
            self.good += 1
        return True

    # --- slow clients

    def slow(self) -> None:
        """Hold a connection, one byte every half second, until the server cuts it (or the end)."""
        while time.monotonic() < self.deadline - 1:
            with self.lock:
                before = self.good
            outcome = "slow connections held to the end"
            try:
                with socket.create_connection((self.host, self.port), timeout=30) as sock:
                    for byte in f"GET {self.path} HTTP/1.1\r\nX-Slow: ".encode() + b"z" * 1000:
                        sock.sendall(bytes([byte]))
                        time.sleep(0.5)
                        if time.monotonic() >= self.deadline:
                            break
            except OSError:
                outcome = "slow connections cut"  # by the server, at its deadline: as it should
            with self.lock:
                self.held.append(self.good - before)
                self.counts[outcome] += 1


def burst(host: str, port: int, count: int, hold: float) -> dict[str, float]:
    held: list[tuple[float, socket.socket]] = []
    opened = failed = closed = 0
    start = time.monotonic()

    def close_older_than(moment: float) -> None:
        nonlocal closed
        while held and held[0][0] <= moment:
            _, sock = held.pop(0)
            sock.setblocking(False)
            try:
                sock.recv(1)  # an answer (a refusal) or the end: the server is done with it
                closed += 1
            except BlockingIOError:
                pass  # still open
            except OSError:
                closed += 1  # reset by the server
            sock.close()

    for number in range(count):
        try:
            sock = socket.create_connection((host, port), timeout=5)
            if number % 2:
                sock.sendall(b"GET /")
        except OSError:
            failed += 1
            continue
        opened += 1
        held.append((time.monotonic(), sock))
        close_older_than(time.monotonic() - hold)
    while held:
        time.sleep(max(0.0, held[0][0] + hold - time.monotonic()))
        close_older_than(time.monotonic() - hold)
    seconds = time.monotonic() - start
    return {"opened": opened, "failed": failed, "closed by the server": closed, "seconds": round(seconds, 3)}


def main() -> None:
    if sys.argv[1] == "burst":
        host, port, count, hold = sys.argv[2:]
        print(json.dumps(burst(host, int(port), int(count), float(hold))))
        return
    host, port, path, seconds, clients, slow = sys.argv[1:]
    load = Load(host, int(port), path, float(seconds))
    threads = [threading.Thread(target=load.slow) for _ in range(int(slow))]
    threads += [threading.Thread(target=load.client, args=(n,)) for n in range(int(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    summary = {
        "counts": dict(sorted(load.counts.items())),
        "etags": sorted(load.etags),
        "violations": load.violations,
        "held": load.held,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
