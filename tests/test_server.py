"""The calendar server: the one secret URL, conditional requests, bounds, and stalled clients."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import multiprocessing
import os
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_TODAY, SAMPLE_VAULT, copy_sample_vault

from vaultsync.drivers.server import CONTENT_TYPE, MAX_HEAD, CalendarServer, Feed, Snapshot
from vaultsync.drivers.serving import serve_until
from vaultsync.drivers.tokens import TOKENS_FILE, config_dir, vault_token
from vaultsync.errors import ConfigError, VaultsyncError
from vaultsync.outputs.calendar_check import calendar_problems, expected_reading
from vaultsync.pipeline import build
from vaultsync.store.loader import load_vault

TOKEN = "s3cret-token-0123456789abcdefghij"
CALENDAR = f"/{TOKEN}/vaultsync.ics"
WHEN = dt.datetime(2026, 11, 20, 8, 30, 15, 999, tzinfo=dt.UTC)
TIMEOUT = 10  # seconds for any one socket operation in these tests


@pytest.fixture(scope="module")
def sample_ics(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cal") / "sample.ics"
    build(SAMPLE_VAULT, SAMPLE_TODAY, path)
    return path


@pytest.fixture
def feed(sample_ics: Path) -> Feed:
    feed = Feed()
    feed.publish(sample_ics.read_bytes(), WHEN)
    return feed


@pytest.fixture
def logs() -> list[str]:
    return []


def _start(feed: Feed, logs: list[str], **options: float) -> Iterator[CalendarServer]:
    server = CalendarServer(feed, TOKEN, log=logs.append, **options)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


@pytest.fixture
def server(feed: Feed, logs: list[str]) -> Iterator[CalendarServer]:
    yield from _start(feed, logs)


def request(
    server: CalendarServer, method: str = "GET", path: str = CALENDAR, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=TIMEOUT)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_get_serves_the_calendar_with_validators(
    server: CalendarServer, feed: Feed, sample_ics: Path
) -> None:
    status, headers, body = request(server)
    assert status == 200
    assert body == sample_ics.read_bytes() == feed.snapshot.data  # type: ignore[union-attr]
    assert headers["Content-Type"] == CONTENT_TYPE == "text/calendar; charset=utf-8"
    assert headers["Content-Length"] == str(len(body))
    assert headers["ETag"] == feed.snapshot.etag and headers["ETag"].startswith('"')  # type: ignore[union-attr]
    assert headers["Last-Modified"] == "Fri, 20 Nov 2026 08:30:15 GMT"
    assert headers["Cache-Control"] == "no-cache"
    vault = build(SAMPLE_VAULT, SAMPLE_TODAY, sample_ics).audit.vault
    assert calendar_problems(body, expected_reading(vault, SAMPLE_TODAY)) == []


def test_head_gives_the_headers_without_the_body(server: CalendarServer) -> None:
    _, get_headers, body = request(server)
    status, headers, empty = request(server, "HEAD")
    assert (status, empty) == (200, b"")
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert headers[name] == get_headers[name]
    assert request(server, "HEAD", "/nope")[::2] == (404, b"")


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("If-None-Match", "{etag}", 304),
        ("If-None-Match", '"other", {etag}', 304),
        ("If-None-Match", "W/{etag}", 304),
        ("If-None-Match", "*", 304),
        ("If-None-Match", '"other"', 200),
        ("If-Modified-Since", "Fri, 20 Nov 2026 08:30:15 GMT", 304),
        ("If-Modified-Since", "Sat, 21 Nov 2026 00:00:00 GMT", 304),
        ("If-Modified-Since", "Fri, 20 Nov 2026 08:30:14 GMT", 200),
        ("If-Modified-Since", "yesterday", 200),
    ],
)
def test_conditional_get(server: CalendarServer, feed: Feed, header: str, value: str, status: int) -> None:
    etag = feed.snapshot.etag  # type: ignore[union-attr]
    got, headers, body = request(server, headers={header: value.format(etag=etag)})
    assert got == status
    assert headers["ETag"] == etag
    assert body == (b"" if status == 304 else feed.snapshot.data)  # type: ignore[union-attr]


def test_if_none_match_wins_over_if_modified_since(server: CalendarServer) -> None:
    headers = {"If-None-Match": '"other"', "If-Modified-Since": "Sat, 21 Nov 2026 00:00:00 GMT"}
    assert request(server, headers=headers)[0] == 200


def test_a_new_build_is_served_at_once_and_old_validators_fail(server: CalendarServer, feed: Feed) -> None:
    _, before, _ = request(server)
    later = WHEN + dt.timedelta(hours=1)
    assert feed.publish(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", later) is True
    status, headers, body = request(server, headers={"If-None-Match": before["ETag"]})
    assert (status, body) == (200, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert headers["ETag"] != before["ETag"]
    assert headers["Last-Modified"] == "Fri, 20 Nov 2026 09:30:15 GMT"


def test_two_versions_in_one_second_are_told_apart(server: CalendarServer, feed: Feed) -> None:
    """Last-Modified has whole seconds: a client holding the first of two versions built within
    one second sent back that second and got a 304 for the second version, until the next
    change. Found by the load test (tests/test_reliability_serve.py)."""
    first = feed.snapshot
    assert first is not None
    assert feed.publish(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", WHEN + dt.timedelta(milliseconds=600))
    since = {"If-Modified-Since": "Fri, 20 Nov 2026 08:30:15 GMT"}
    assert request(server, headers=since)[0] == 200
    assert request(server, headers={"If-None-Match": first.etag})[0] == 200
    assert feed.publish(first.data, WHEN + dt.timedelta(seconds=1))  # a later second: 304s again
    assert request(server, headers={"If-Modified-Since": "Fri, 20 Nov 2026 08:30:16 GMT"})[0] == 304


def test_the_listen_backlog_takes_a_burst_of_clients(server: CalendarServer) -> None:
    """socketserver listens with a backlog of 5: 200 clients at once waited out SYN retries and
    timed out (tests/test_reliability_serve.py shows it under load)."""
    assert server.request_queue_size >= 128


def test_the_same_bytes_keep_their_validators(feed: Feed) -> None:
    snapshot = feed.snapshot
    assert snapshot is not None
    assert feed.publish(snapshot.data, WHEN + dt.timedelta(days=1)) is False
    assert feed.snapshot is snapshot


def test_publish_file_uses_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "c.ics"
    path.write_bytes(b"x")
    os.utime(path, (1_700_000_000.5, 1_700_000_000.5))
    feed = Feed()
    assert feed.publish_file(path) is True
    assert feed.snapshot == Snapshot.of(b"x", dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC))


def test_a_file_in_the_state_it_was_read_in_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.ics"
    path.write_bytes(b"one")
    feed = Feed()
    assert feed.publish_file(path) is True
    reads = []
    monkeypatch.setattr(Feed, "publish", lambda self, data, modified: reads.append(data) or True)
    assert feed.publish_file(path) is False and reads == []
    before = path.stat()
    with open(path, "r+b") as handle:  # the same size, the modification time set back
        handle.write(b"two")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert feed.publish_file(path) is True and reads == [b"two"]


def test_published_bytes_are_served_until_a_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "c.ics"
    path.write_bytes(b"from the file")
    feed = Feed()
    feed.publish_file(path)
    feed.publish(b"given", WHEN)
    assert feed.publish_file(path) is True
    assert feed.snapshot is not None and feed.snapshot.data == b"from the file"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/vaultsync.ics",
        f"/{TOKEN}",
        f"/{TOKEN}/",
        f"/{TOKEN}/other.ics",
        f"/{TOKEN}/vaultsync.ics/",
        f"/{TOKEN}x/vaultsync.ics",
        f"/{TOKEN[:-1]}/vaultsync.ics",
        f"/{TOKEN}/../{TOKEN}/vaultsync.ics",
        f"/{TOKEN}/%2e%2e/etc/passwd",
        "/../../../../etc/passwd",
        "/pyproject.toml",
        f"/{TOKEN}/vaultsync.ics%3F",
    ],
)
def test_anything_else_is_404(server: CalendarServer, path: str) -> None:
    status, headers, body = request(server, path=path)
    assert (status, body) == (404, b"Not found.\n")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_query_string_is_ignored(server: CalendarServer) -> None:
    assert request(server, path=CALENDAR + "?refresh=1")[0] == 200


@pytest.mark.parametrize(
    "method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE", "CONNECT", "BREW", "get"]
)
def test_only_get_and_head(server: CalendarServer, method: str) -> None:
    """Known or not (BREW used to get 501, a server error), every other method is a 405."""
    status, headers, _ = request(server, method)
    assert status == 405 and headers["Allow"] == "GET, HEAD"


def test_503_until_the_first_build(logs: list[str]) -> None:
    for server in _start(Feed(), logs):
        status, headers, body = request(server)
        assert (status, headers["Retry-After"], body) == (503, "5", b"The calendar is being built.\n")


def _raw(server: CalendarServer, data: bytes) -> bytes:
    """Send ``data`` on a fresh connection and read everything the server answers."""
    with socket.create_connection(server.server_address[:2], timeout=TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def test_a_request_head_over_the_limit_is_refused(server: CalendarServer) -> None:
    big = b"GET " + CALENDAR.encode() + b" HTTP/1.1\r\nX-Pad: " + b"a" * MAX_HEAD + b"\r\n\r\n"
    assert _raw(server, big).startswith(b"HTTP/1.0 431 Request Header Fields Too Large\r\n")
    many = b"GET " + CALENDAR.encode() + b" HTTP/1.1\r\n" + b"X-A: b\r\n" * (MAX_HEAD // 8) + b"\r\n"
    assert _raw(server, many).startswith(b"HTTP/1.0 431")
    assert _raw(server, b"GET /" + b"a" * MAX_HEAD + b" HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.0 431")


def test_a_stalled_client_is_cut_and_holds_up_no_one(feed: Feed, logs: list[str]) -> None:
    # Each request has the same deadline: long enough for three on a loaded machine.
    for server in _start(feed, logs, request_seconds=2):
        with socket.create_connection(server.server_address[:2], timeout=TIMEOUT) as stalled:
            stalled.sendall(b"GET " + CALENDAR.encode())  # and never the rest
            for _ in range(3):
                assert request(server)[0] == 200  # served while the other one waits
            assert stalled.recv(1024) == b""  # cut at its deadline (the socket timeout bounds this)


def test_a_dribbling_client_is_cut_at_the_deadline(feed: Feed, logs: list[str]) -> None:
    """One byte at a time keeps every read alive; the deadline still ends the connection."""
    stop = threading.Event()
    for server in _start(feed, logs, request_seconds=0.5):
        with socket.create_connection(server.server_address[:2], timeout=TIMEOUT) as slow:
            slow.sendall(b"GET ")

            def dribble() -> None:
                while not stop.wait(0.05):
                    try:
                        slow.sendall(b"a")
                    except OSError:
                        return

            writer = threading.Thread(target=dribble, daemon=True)
            writer.start()
            try:
                try:
                    cut = slow.recv(1024) == b""
                except ConnectionResetError:  # closed with our last bytes unread: the kernel resets
                    cut = True
                assert cut
            finally:
                stop.set()
                writer.join(TIMEOUT)


def _from(source: str, server: CalendarServer) -> socket.socket:
    """A connection to ``server`` from the loopback address ``source`` (127.0.0.x), sending nothing."""
    try:
        return socket.create_connection(server.server_address[:2], TIMEOUT, (source, 0))
    except OSError as err:
        pytest.skip(f"cannot connect from {source}: {err}")


def _answer(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


REFUSED = b"HTTP/1.0 503 Service Unavailable\r\n"


def test_connections_over_the_limit_of_one_address_are_refused(feed: Feed, logs: list[str]) -> None:
    """One address holding its connections idle takes no thread and no more than its share:
    the next one from it gets a 503 at once, another address is served as before."""
    details: list[str] = []
    for server in _start(feed, logs, max_per_client=3, detail=details.append):  # type: ignore[arg-type]
        idle = [_from("127.0.0.1", server) for _ in range(3)]
        with _from("127.0.0.1", server) as over:
            answer = _answer(over)
        assert answer.startswith(REFUSED) and b"Retry-After: 5\r\n" in answer
        assert answer.endswith(b"\r\n\r\nToo many connections.\n")
        with _from("127.0.0.1", server) as again:
            assert _answer(again).startswith(REFUSED)
        with _from("127.0.0.2", server) as other:
            other.sendall(b"GET " + CALENDAR.encode() + b" HTTP/1.1\r\n\r\n")
            assert _answer(other).startswith(b"HTTP/1.0 200 OK\r\n")
        idle.pop().close()
        wait_for(lambda: request(server)[0] == 200)  # noqa: B023 (called at once, in the loop)
        for sock in idle:
            sock.close()
    assert logs[0] == (
        "127.0.0.1 refused: 3 connections open from that address, the most one may have "
        "(the next 10 s of refusals: verbose log only)"
    )
    assert details[0] == "127.0.0.1 refused: 3 connections open from that address, the most one may have"
    assert not [line for line in logs if "127.0.0.2" in line and " 200 " not in line]


def test_connections_over_the_limit_in_all_are_refused(feed: Feed, logs: list[str]) -> None:
    for server in _start(feed, logs, max_connections=2):
        idle = [_from("127.0.0.1", server), _from("127.0.0.2", server)]
        with _from("127.0.0.3", server) as over:
            assert _answer(over).startswith(REFUSED)
        refused = (
            "127.0.0.3 refused: 2 connections open, the most this server takes "
            "(the next 10 s of refusals: verbose log only)"
        )
        # the server's thread logs the refusal once it has sent it: the client may read it first
        wait_for(lambda: logs == [refused])  # noqa: B023 (called at once, in the loop)
        idle.pop().close()
        wait_for(lambda: request(server)[0] == 200)  # noqa: B023 (called at once, in the loop)
        idle.pop().close()


def test_a_connection_without_a_request_is_closed_at_the_head_deadline(feed: Feed, logs: list[str]) -> None:
    """An idle connection (or one sending its request slowly) is closed after ``head_seconds``,
    long before the deadline of a whole exchange; it said so in detail only."""
    details: list[str] = []
    for server in _start(feed, logs, head_seconds=0.3, detail=details.append):  # type: ignore[arg-type]
        opened = time.monotonic()
        with _from("127.0.0.1", server) as idle:
            idle.sendall(b"GET " + CALENDAR.encode())
            assert _answer(idle) == b""
        # at the head's deadline, not the whole exchange's (a loaded machine may take a while)
        assert 0.3 <= time.monotonic() - opened < server.request_seconds / 2
        assert details == ["127.0.0.1 cut: no whole request within 0.3 s"] and logs == []


def test_the_log_never_shows_the_token(server: CalendarServer, logs: list[str]) -> None:
    request(server)
    request(server, path="/" + TOKEN)
    assert logs and all(TOKEN not in line for line in logs)
    assert logs[0] == '127.0.0.1 "GET /<token>/vaultsync.ics HTTP/1.1" 200 -'


def test_binds_loopback_by_default(server: CalendarServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url() == f"http://127.0.0.1:{server.server_address[1]}{CALENDAR}"
    assert server.url("webcal").startswith("webcal://127.0.0.1:")


def test_ipv6_loopback(feed: Feed, logs: list[str]) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        servers = _start(feed, logs, host="::1")  # type: ignore[arg-type]
        server = next(servers)
    except OSError as err:
        pytest.skip(f"cannot bind ::1: {err}")
    try:
        assert server.url().startswith("http://[::1]:")
        assert request(server)[0] == 200
    finally:
        servers.close()


# --- the token


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"


def test_a_token_is_made_once_per_vault_and_kept_private(config_home: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    first = vault_token(one)
    assert len(first) >= 32 and first.replace("-", "").replace("_", "").isalnum()
    assert vault_token(one) == first
    assert vault_token(two) != first
    store = config_home / "vaultsync" / TOKENS_FILE
    assert config_dir() == config_home / "vaultsync"
    assert json.loads(store.read_text()) == {str(one.resolve()): first, str(two.resolve()): vault_token(two)}
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    renewed = vault_token(one, new=True)
    assert renewed != first and vault_token(one) == renewed
    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_a_broken_token_file_is_a_config_error(config_home: Path, tmp_path: Path) -> None:
    store = config_home / "vaultsync" / TOKENS_FILE
    store.parent.mkdir(parents=True)
    store.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read the serve tokens .*; delete it to make new ones"):
        vault_token(tmp_path)
    store.write_text("[1, 2]")
    with pytest.raises(ConfigError, match="not a JSON object"):
        vault_token(tmp_path)


#: Seconds for the spawned processes to start: each imports this module and what it imports,
#: six at once on what may be two busy cores.
SPAWN_SECONDS = 60


def _tokens_of(store: Path, vaults: list[Path], start: Any, tokens: Any) -> None:
    """`serve` starting for each of ``vaults`` (in a process of its own), once all are ready."""
    start.wait(SPAWN_SECONDS)
    tokens.put({str(vault): vault_token(vault, store=store) for vault in vaults})


def test_serves_starting_at_once_keep_every_token(tmp_path: Path) -> None:
    """Each `serve` read the token file, added its vault's token and wrote it back: two at once
    and one of the tokens was lost (its subscription URL then 404). Made under a lock now."""
    store = tmp_path / "config" / TOKENS_FILE
    processes, per_process = 6, 10
    vaults = [[tmp_path / f"vault-{p}-{v}" for v in range(per_process)] for p in range(processes)]
    context = multiprocessing.get_context("spawn")
    start, tokens = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_tokens_of, args=(store, own, start, tokens)) for own in vaults]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(SPAWN_SECONDS + TIMEOUT)
    assert [worker.exitcode for worker in workers] == [0] * processes
    made = {}
    for _ in workers:
        made.update(tokens.get(timeout=TIMEOUT))
    assert len(made) == processes * per_process
    assert json.loads(store.read_text()) == made
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert sorted(p.name for p in store.parent.iterdir()) == [TOKENS_FILE, TOKENS_FILE + ".lock"]


# --- serving while a source keeps the feed current (the watcher in `vaultsync serve`)


def stub_source(root: Path, calendar: Path, feed: Feed) -> Callable[[threading.Event], None]:
    """Stands in for the watcher: rebuilds with sync.build whenever a note's mtime changes."""

    def run(stop: threading.Event) -> None:
        seen = None
        while not stop.is_set():
            # The size too: a note truncated, then written within one tick of the file system's
            # clock, keeps the mtime it had when this looked at it empty.
            stamp = sorted((p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*.md"))
            if stamp != seen:
                seen = stamp
                feed.publish_file(build(root, SAMPLE_TODAY, calendar).path)
            stop.wait(0.02)

    return run


def wait_for(condition: Callable[[], bool], seconds: float = TIMEOUT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_serve_until_serves_each_new_build(tmp_path: Path, logs: list[str]) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    calendar = tmp_path / "out.ics"
    feed = Feed()
    server = CalendarServer(feed, TOKEN, log=logs.append)
    stop = threading.Event()
    serving = threading.Thread(target=serve_until, args=(server, stub_source(root, calendar, feed), stop))
    serving.start()
    try:
        wait_for(lambda: feed.snapshot is not None)
        status, first, body = request(server)
        assert status == 200 and body == calendar.read_bytes()
        jane = root / "Contacts/Jane Doe.md"
        jane.write_text(jane.read_text().replace("Northwind Health", "Northwind Clinic"))
        # not the first new ETag: a build may have read the note while it was being written
        wait_for(lambda: b"Check in with Jane Doe (Northwind Clinic)" in request(server)[2])
        _, headers, body = request(server)
        assert headers["ETag"] != first["ETag"]
        assert calendar_problems(body, expected_reading(load_vault(root), SAMPLE_TODAY)) == []
    finally:
        stop.set()
        serving.join(TIMEOUT)
    assert not serving.is_alive()
    with pytest.raises(OSError):
        socket.create_connection(server.server_address[:2], timeout=TIMEOUT).close()


def test_a_failing_source_stops_serving_with_its_error(feed: Feed, logs: list[str]) -> None:
    def failing(stop: threading.Event) -> None:
        raise VaultsyncError("the vault folder is gone: /x")

    server = CalendarServer(feed, TOKEN, log=logs.append)
    with pytest.raises(VaultsyncError, match="the vault folder is gone"):
        serve_until(server, failing, threading.Event())


@pytest.mark.parametrize(
    ("sent", "logged"),
    [
        (b"GET /\x1b[31mred\x1b[0m HTTP/1.1", [r'"GET /\x1b[31mred\x1b[0m HTTP/1.1" 404 -']),
        (b"GET /a\\x0a HTTP/1.1", [r'"GET /a\\x0a HTTP/1.1" 404 -']),
        (
            b"GET /a\rb HTTP/1.1",
            [
                r"code 400, message Bad request syntax ('GET /a\\rb HTTP/1.1')",
                r'"GET /a\x0db HTTP/1.1" 400 -',
            ],
        ),
        (
            b"GET /\x85\x9b HTTP/1.1",
            [
                r"code 400, message Bad request syntax ('GET /\\x85\\x9b HTTP/1.1')",
                r'"GET /\x85\x9b HTTP/1.1" 400 -',
            ],
        ),
        (
            b"GET / HTTP/1.1\x1b[2K",
            [r"code 400, message Bad request version ('HTTP/1.1\\x1b[2K')", r'"GET / HTTP/1.1\x1b[2K" 400 -'],
        ),
        (b'GET /a\n127.0.0.1 "GET /forged HTTP/1.1" 200 -', ['"GET /a" 404 -']),
    ],
)
def test_control_characters_reach_the_log_escaped(
    server: CalendarServer, logs: list[str], sent: bytes, logged: list[str]
) -> None:
    """A client could write lines of its own (or terminal escapes) into the log: every control
    character, and the backslash that could fake one, is written as an escape; a line feed ends
    the request line, so the rest of it is never logged."""
    _raw(server, sent + b"\r\n\r\n")
    assert logs == [f"127.0.0.1 {line}" for line in logged]
