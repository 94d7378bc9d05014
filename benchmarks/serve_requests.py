"""How fast `vaultsync serve` answers, with and without stalled clients holding connections.

    python3 benchmarks/serve_requests.py [--requests 2000] [--clients 8] [--stalled 50]

Serves the sample vault's calendar on 127.0.0.1 (a free port), then GETs it from ``--clients``
threads: full bodies (200), then conditional requests (304), then again while ``--stalled``
connections each hold a half-sent request. Prints requests per second and latency percentiles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vaultsync.drivers.server import CalendarServer, Feed  # noqa: E402
from vaultsync.outputs.calendar import calendar_bytes  # noqa: E402
from vaultsync.store.loader import load_vault  # noqa: E402

TOKEN = "benchmark-token-0123456789abcdefghij"


def timed_get(address: tuple[str, int], path: str, headers: dict[str, str]) -> tuple[int, float]:
    start = time.perf_counter()
    connection = http.client.HTTPConnection(*address, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    finally:
        connection.close()


def run(
    label: str, address: tuple[str, int], path: str, headers: dict[str, str], n: int, clients: int
) -> None:
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda _: timed_get(address, path, headers), range(n)))
    elapsed = time.perf_counter() - start
    statuses = sorted({status for status, _ in results})
    latencies = sorted(seconds * 1000 for _, seconds in results)
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]
    print(f"{label:<34} {n / elapsed:8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   status {statuses}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--stalled", type=int, default=50)
    args = parser.parse_args()

    data = calendar_bytes(load_vault(ROOT / "sample-vault"), dt.date(2026, 11, 20))
    feed = Feed()
    feed.publish(data, dt.datetime.now(dt.UTC))
    server = CalendarServer(feed, TOKEN, request_seconds=60, head_seconds=60)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = server.server_address[:2]
    path = server.calendar_path
    etag = feed.snapshot.etag  # type: ignore[union-attr]
    print(f"calendar: {len(data)} bytes; {args.requests} requests from {args.clients} threads")
    run("GET, full body (200)", address, path, {}, args.requests, args.clients)
    run("GET, If-None-Match (304)", address, path, {"If-None-Match": etag}, args.requests, args.clients)
    stalled = []
    for _ in range(args.stalled):
        sock = socket.create_connection(address)
        sock.sendall(b"GET " + path.encode())  # never finished
        stalled.append(sock)
    run(f"GET (200), {args.stalled} clients stalled", address, path, {}, args.requests, args.clients)
    for sock in stalled:
        sock.close()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
