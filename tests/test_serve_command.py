"""`vaultsync serve` end to end: a real process, its printed URL, the watcher keeping the served
calendar current, a stable token, and a clean stop on SIGTERM."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import REPO, SAMPLE_TODAY, copy_sample_vault
from processes import line_queue

from vaultsync.drivers.server import MAX_CONNECTIONS
from vaultsync.drivers.tokens import TOKENS_FILE
from vaultsync.outputs.calendar_check import calendar_problems, expected_reading
from vaultsync.store.loader import load_vault

TIMEOUT = 20  # seconds for the process to start, answer, or stop


class Serving:
    """A `vaultsync serve` process and the lines it printed."""

    def __init__(self, *args: str, env: dict[str, str], merged: bool = False, **popen: Any) -> None:
        """``merged``: stderr goes where stdout goes, as in a terminal or one log file."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vaultsync", "serve", *args],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merged else subprocess.PIPE,
            text=True,
            **popen,
        )
        self.lines = line_queue(self.process.stdout)
        self.out = [self.lines.get(timeout=TIMEOUT) for _ in range(4)]
        self.url = self.out[-2].split()[-1]

    def get(self, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        try:
            connection.request("GET", parts.path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def stop(self) -> tuple[int, str]:
        """Its exit code and stderr (empty when ``merged``: the rest is in ``lines``)."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(TIMEOUT)
        if self.process.stderr is None:
            return self.process.returncode, ""
        with self.process.stderr:
            return self.process.returncode, self.process.stderr.read()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return copy_sample_vault(tmp_path / "vault")


@pytest.fixture
def serving(vault: Path, env: dict[str, str]) -> Iterator[Serving]:
    running = Serving(str(vault), "--port", "0", "--today", "2026-11-20", env=env)
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(TIMEOUT)
        if running.process.stderr is not None:
            running.process.stderr.close()


def test_serve_prints_the_urls_and_serves_the_calendar(
    serving: Serving, vault: Path, env: dict[str, str]
) -> None:
    token = json.loads((Path(env["XDG_CONFIG_HOME"]) / "vaultsync" / TOKENS_FILE).read_text())[
        str(vault.resolve())
    ]
    port = urlsplit(serving.url).port
    assert serving.out == [
        f"serving 32 events of 'Informational interviews' from {vault}",
        f"  subscribe: webcal://127.0.0.1:{port}/{token}/vaultsync.ics",
        f"  or:        http://127.0.0.1:{port}/{token}/vaultsync.ics",
        "only this computer can reach it (127.0.0.1); a phone: see docs/subscribing.md. Ctrl-C stops.",
    ]
    status, headers, body = serving.get()
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert body == (vault / "vaultsync.ics").read_bytes()
    assert calendar_problems(body, expected_reading(load_vault(vault), SAMPLE_TODAY)) == []
    assert serving.get({"If-None-Match": headers["ETag"]})[0] == 304
    code, err = serving.stop()
    assert code == 0 and "Traceback" not in err and token not in err
    assert '"GET /<token>/vaultsync.ics HTTP/1.1" 200' in err and err.rstrip().endswith("vaultsync: stopped")


def test_the_start_lines_come_before_any_log_line(vault: Path, env: dict[str, str]) -> None:
    """With stdout and stderr in one log, serve's first build ("requested: ...") and the notes'
    problems came before the lines saying where it serves."""
    running = Serving(str(vault), "--port", "0", "--today", "2026-11-20", env=env, merged=True)
    try:
        assert running.out[0] == f"serving 32 events of 'Informational interviews' from {vault}"
        assert running.out[3].startswith("only this computer can reach it")
        assert running.get()[0] == 200
        assert running.stop()[0] == 0
        rest = list(iter(lambda: running.lines.get(timeout=TIMEOUT), ""))
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(TIMEOUT)
    logged = [re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d vaultsync: (.*)", line) for line in rest]
    assert all(logged), rest
    messages = [match[1] for match in logged if match]
    assert messages[0].startswith("Contacts/Chris Park.md:3: invalid YAML")
    assert messages[1].startswith("Contacts/Kofi Mensah.md:6:")
    assert messages[2].startswith("requested: 14 deadlines (3 overdue), 2 notes with problems; wrote ")
    assert '127.0.0.1 "GET /<token>/vaultsync.ics HTTP/1.1" 200 -' in messages[3:]
    assert messages[-1] == "stopped"


def test_a_saved_note_is_served_within_seconds(serving: Serving, vault: Path) -> None:
    _, first, _ = serving.get()
    jane = vault / "Contacts/Jane Doe.md"
    jane.write_text(jane.read_text().replace("Northwind Health", "Northwind Clinic"))
    deadline = time.monotonic() + TIMEOUT
    while serving.get()[1]["ETag"] == first["ETag"]:
        assert time.monotonic() < deadline, "the change was never served"
        time.sleep(0.05)
    _, _, body = serving.get()
    assert b"Check in with Jane Doe (Northwind Clinic)" in body
    assert calendar_problems(body, expected_reading(load_vault(vault), SAMPLE_TODAY)) == []
    assert serving.stop()[0] == 0


def test_the_url_survives_a_restart_until_a_new_token(vault: Path, env: dict[str, str]) -> None:
    urls = []
    for extra in ([], [], ["--new-token"]):
        running = Serving(str(vault), "--port", "0", "--today", "2026-11-20", *extra, env=env)
        urls.append(urlsplit(running.url).path)
        assert running.stop()[0] == 0
    assert urls[0] == urls[1] != urls[2]


@pytest.mark.skipif(not Path("/proc/self/limits").exists(), reason="reads /proc/PID/limits (Linux)")
def test_serve_may_open_a_file_per_connection_it_takes(vault: Path, env: dict[str, str]) -> None:
    """Started with macOS's 256 open files, serve would fail to accept long before its 512
    connections: it raises its own soft limit to what it takes."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < MAX_CONNECTIONS + 512:
        pytest.skip(f"the hard limit on open files is {hard}")
    running = Serving(
        str(vault),
        "--port",
        "0",
        env=env,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)),
    )
    try:
        limits = Path(f"/proc/{running.process.pid}/limits").read_text()
        soft = re.search(r"^Max open files +(\d+)", limits, re.MULTILINE)
        assert soft is not None and int(soft[1]) == MAX_CONNECTIONS + 512
        assert running.stop()[0] == 0
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(TIMEOUT)


def test_a_port_in_use_is_one_line_and_exit_1(vault: Path, env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "vaultsync", "serve", str(vault), "--port", str(port), "-q"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert (done.returncode, done.stdout) == (1, "")
    assert (
        done.stderr.splitlines()[-1]
        == f"vaultsync: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


def test_a_missing_vault_is_a_usage_error(tmp_path: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync", "serve", str(tmp_path / "nope")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"vaultsync: vault not found: {tmp_path / 'nope'}\n",
    )
