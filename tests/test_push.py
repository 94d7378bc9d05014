"""push against a real Radicale server on loopback: the calendar ends up holding exactly the
notes' events, a second push writes nothing, and events push did not add are left alone."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from awkward_vault import make_awkward_vault
from caldav_server import (
    CALENDAR,
    Radicale,
    by_request,
    counting_client,
    multistatus,
    radicale,
    reply,
    scripted,
    trickle,
)
from conftest import REPO, SAMPLE_TODAY, SAMPLE_VAULT, run_cli, write_note
from processes import line_queue

from vaultsync.errors import UsageError
from vaultsync.outputs.caldav_push import MARK, PushError, check_url, public_url, push, resources
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.outputs.calendar_check import Reading, expected_reading, icalendar_reading, reading_differences
from vaultsync.store.loader import load_vault

USER, PASSWORD = "alice", "correct horse"
CAROL = "carol"  # an account only test_push_to_an_account_url_makes_nothing uses
FOREIGN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone else//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
    "DTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261125\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    with radicale(tmp_path_factory.mktemp("radicale"), {USER: PASSWORD, CAROL: PASSWORD}) as running:
        yield running


@pytest.fixture
def url(server: Radicale, request: pytest.FixtureRequest) -> str:
    """A calendar of its own for each test (Radicale makes it on the first push)."""
    return server.calendar_url(USER, request.node.name.replace("[", "-").replace("]", "").lower())


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    return make_awkward_vault(tmp_path / "vault")


def push_vault(root: Path, url: str, log: list[tuple[str, str]] | None = None, **creds: Any) -> Any:
    vault = load_vault(root)
    creds = creds or {"username": USER, "password": PASSWORD}
    client = counting_client(log if log is not None else [])
    data = calendar_bytes(vault, SAMPLE_TODAY)
    return push(data, url, name=vault.settings.calendar_name, client=client, **creds)


def server_objects(url: str) -> list[Any]:
    import caldav

    with caldav.DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False) as dav:
        return list(dav.calendar(url=url).get_events())


def server_reading(url: str) -> Reading:
    """What the server holds, read back with icalendar, resource by resource."""
    events, errors = [], []
    for obj in server_objects(url):
        reading = icalendar_reading(obj.data.encode())
        events += reading.events
        errors += reading.errors
    return Reading(None, events, errors)


def assert_holds_exactly_the_notes(url: str, root: Path) -> None:
    expected = expected_reading(load_vault(root), SAMPLE_TODAY)
    assert reading_differences(Reading(None, expected.events), server_reading(url), "the server") == []


def test_first_push_makes_the_calendar_and_puts_every_event(url: str, awkward: Path) -> None:
    log: list[tuple[str, str]] = []
    result = push_vault(awkward, url, log)
    events = len(expected_reading(load_vault(awkward), SAMPLE_TODAY).events)
    assert result.made_calendar and len(result.created) == events == 19
    assert (result.updated, result.deleted, result.unchanged, result.foreign) == ([], [], 0, [])
    # what the URL is, what its parent is (not a calendar), then the calendar made and filled
    assert [m for m, _ in log] == ["PROPFIND", "PROPFIND", "MKCALENDAR", "PROPPATCH"] + ["PUT"] * events
    assert_holds_exactly_the_notes(url, awkward)
    import caldav

    with caldav.DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False) as dav:
        assert dav.calendar(url=url).get_display_name() == "Interviews, 2026; ✨ \\ and more"


def test_a_second_push_with_no_change_writes_nothing(url: str, awkward: Path) -> None:
    push_vault(awkward, url)
    log: list[tuple[str, str]] = []
    result = push_vault(awkward, url, log)
    assert log == [("PROPFIND", url), ("REPORT", url)]  # is it a calendar, what it holds; no write
    assert (result.writes, result.unchanged, result.made_calendar) == (0, 19, False)
    assert result.summary() == f"pushed to {url}: 0 added, 0 replaced, 0 deleted, 19 unchanged"
    assert_holds_exactly_the_notes(url, awkward)


def test_changes_replace_add_and_delete_only_what_changed(url: str, awkward: Path) -> None:
    push_vault(awkward, url)
    before = {str(o.icalendar_component["uid"]): o.url for o in server_objects(url)}
    smith = awkward / "Contacts/Smith, Jones; Partners.md"
    smith.write_text(smith.read_text().replace("interviews:", "thank_you_sent: 2026-11-19\ninterviews:"))
    li = awkward / "Contacts/李小龙.md"
    li.write_text(li.read_text().replace("北京大学", "清华大学"))
    write_note(
        awkward,
        "Contacts/New One.md",
        "---\ntype: contact\nemail: n@x.example\ninterviews: [2026-11-19]\n---\n",
    )
    log: list[tuple[str, str]] = []
    result = push_vault(awkward, url, log)
    assert len(result.deleted) == 1 and result.deleted[0].startswith(
        "thank-you-2026-11-18-"
    )  # Smith's letter sent
    # 李小龙's overdue thank-you (one event: on today), check-in and its closing day: the
    # organization changed
    assert len(result.updated) == 3
    assert len(result.created) == 3  # New One's thank-you, check-in and its closing day
    assert sorted(m for m, _ in log) == ["DELETE", "PROPFIND"] + ["PUT"] * 6 + ["REPORT"]
    assert result.unchanged == 19 - 1 - 3
    after = {str(o.icalendar_component["uid"]): o.url for o in server_objects(url)}
    assert all(after[uid] == before[uid] for uid in result.updated)  # replaced in place, same UID
    assert_holds_exactly_the_notes(url, awkward)
    assert push_vault(awkward, url).writes == 0


def test_events_push_did_not_add_are_left_alone(url: str, awkward: Path, tmp_path: Path) -> None:
    import caldav

    ours = resources(calendar_bytes(load_vault(awkward), SAMPLE_TODAY))
    taken = ours[0].uid  # as if the .ics had been imported into this calendar by hand
    push_vault(awkward, url)  # makes the calendar
    for obj in server_objects(url):
        if str(obj.icalendar_component["uid"]) == taken:
            obj.delete()
    with caldav.DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False) as dav:
        calendar = dav.calendar(url=url)
        calendar.add_event(FOREIGN.format(uid="dentist@example.com", summary="Dentist"))
        calendar.add_event(FOREIGN.format(uid=taken, summary="Imported by hand"))
    shutil.rmtree(awkward / "Contacts")  # nothing due any more: every event push added goes
    (awkward / "Contacts").mkdir()
    result = push_vault(awkward, url)
    assert len(result.deleted) == 18 and result.foreign == []
    left = {str(o.icalendar_component["uid"]): o for o in server_objects(url)}
    assert sorted(left) == sorted(["dentist@example.com", taken])
    assert all(MARK not in obj.icalendar_component for obj in left.values())
    assert str(left[taken].icalendar_component["summary"]) == "Imported by hand"

    restored = make_awkward_vault(tmp_path / "again")
    result = push_vault(restored, url)
    assert result.foreign == [taken] and len(result.created) == 18
    assert (
        str(
            {str(o.icalendar_component["uid"]): o for o in server_objects(url)}[taken].icalendar_component[
                "summary"
            ]
        )
        == "Imported by hand"
    )


def test_the_sample_vault_floating_times(url: str) -> None:
    result = push_vault(SAMPLE_VAULT, url)
    assert len(result.created) == 32
    assert_holds_exactly_the_notes(url, SAMPLE_VAULT)


def test_resources_carry_their_time_zone_and_a_digest(awkward: Path) -> None:
    data = calendar_bytes(load_vault(awkward), SAMPLE_TODAY)
    split = resources(data)
    assert len(split) == 19 and len({r.digest for r in split}) == 19
    zoned = [r for r in split if b"TZID=America/New_York" in r.data]
    assert len(zoned) == 1 and zoned[0].data.count(b"BEGIN:VTIMEZONE") == 1
    assert all(r.data.count(b"BEGIN:VEVENT") == 1 and f"{MARK}:{r.digest}".encode() in r.data for r in split)
    assert sum(b"BEGIN:VTIMEZONE" in r.data for r in split) == 1
    assert resources(data) == split  # deterministic


def test_a_wrong_password_is_refused(url: str, awkward: Path) -> None:
    with pytest.raises(PushError) as raised:
        push_vault(awkward, url, username=USER, password="wrong")
    assert (
        str(raised.value)
        == f"{url}: the server refused the user name or password of alice (401 Unauthorized)"
    )


def test_an_unreachable_server(awkward: Path) -> None:
    from caldav_server import _free_port

    url = f"http://127.0.0.1:{_free_port()}/alice/cal/"
    with pytest.raises(PushError) as raised:
        push_vault(awkward, url)
    assert str(raised.value) == (
        f"{url}: nothing answers at 127.0.0.1:{urlsplit(url).port} (connection refused): is the server "
        "running, and the port right?"
    )


def test_check_url() -> None:
    assert check_url("https://cloud.example/dav/cal/", password=True) == []
    assert check_url("http://127.0.0.1:5232/a/b/", password=True) == []
    assert check_url("http://cloud.example/dav/cal/", password=False) == []
    assert check_url("http://cloud.example/dav/cal/", password=True) == [
        "http://cloud.example/dav/cal/ is plain http: the password crosses the network unencrypted"
    ]
    with pytest.raises(UsageError, match="not in the URL, where your shell history keeps it"):
        check_url("https://me:pw@cloud.example/dav/", password=False)
    with pytest.raises(UsageError, match="is not an http:// or https:// URL"):
        check_url("webcal://cloud.example/x", password=False)
    assert public_url("https://me@cloud.example:8443/dav/") == "https://cloud.example:8443/dav/"


# --- the command


def push_args(root: Path, url: str) -> tuple[str, ...]:
    """The push command with the password in VS_PW."""
    return (
        "push",
        str(root),
        "--url",
        url,
        "--user",
        USER,
        "--password-env",
        "VS_PW",
        "--today",
        "2026-11-20",
    )


def test_push_command_with_the_password_in_the_environment(url: str, awkward: Path) -> None:
    args = push_args(awkward, url)
    code, out, err = run_cli(*args, env={"VS_PW": PASSWORD})
    assert (code, out, err) == (
        0,
        f"pushed to {url}: made the calendar, 19 added, 0 replaced, 0 deleted, 0 unchanged\n",
        "",
    )
    assert run_cli(*args, env={"VS_PW": PASSWORD})[:2] == (
        0,
        f"pushed to {url}: 0 added, 0 replaced, 0 deleted, 19 unchanged\n",
    )


def test_push_command_asks_for_the_password_on_a_terminal(url: str, awkward: Path) -> None:
    command = ["push", str(awkward), "--url", url, "--user", USER, "--today", "2026-11-20"]
    code, seen = on_a_terminal(command, PASSWORD + "\n")
    assert code == 0 and seen.startswith(f"Password for {USER}: ")
    assert seen.endswith("19 added, 0 replaced, 0 deleted, 0 unchanged\r\n") and PASSWORD not in seen


def on_a_terminal(command: list[str], typed: str) -> tuple[int, str]:
    """Run ``vaultsync COMMAND`` with a pseudo-terminal as its terminal, type ``typed`` at it:
    (exit code, what the terminal showed)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes vaultsync at once
        os.chdir(REPO)
        os.execv(sys.executable, [sys.executable, "-m", "vaultsync", *command])
    seen = b""
    try:
        while b": " not in seen:
            seen += os.read(fd, 1024)
        os.write(fd, typed.encode())
        with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
            while chunk := os.read(fd, 1024):
                seen += chunk
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode()


def test_push_with_no_terminal_for_the_password_exits_2(awkward: Path) -> None:
    message = (
        f"vaultsync: --user {USER}: no terminal to ask for the password on: put it in an environment "
        "variable and name it with --password-env VAR\n"
    )
    unreachable = "http://127.0.0.1:9/alice/cal/"  # never asked: the password comes first
    assert run_cli("push", str(awkward), "--url", unreachable, "--user", USER, input="") == (2, "", message)
    assert run_cli("watch", str(awkward), "--push-url", unreachable, "--user", USER) == (2, "", message)


def test_push_command_reports_unreadable_notes_and_exits_1(url: str) -> None:
    code, out, err = run_cli(*push_args(SAMPLE_VAULT, url), env={"VS_PW": PASSWORD})
    assert code == 1 and "32 added" in out
    assert err.splitlines() == [
        "vaultsync: Contacts/Chris Park.md:3: invalid YAML in the front-matter: while scanning a quoted scalar; found unexpected end of stream",
        "vaultsync: Contacts/Kofi Mensah.md:6: interviews: 'next tuesday' is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)",
    ]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--url", "https://me:pw@h.example/c/"],
            {},
            "vaultsync: --url: put the password in an environment variable (--password-env VAR), not in the URL, where your shell history keeps it\n",
        ),
        (
            ["--url", "https://h.example/c/", "--password-env", "VS_PW"],
            {"VS_PW": "x"},
            "vaultsync: --password-env needs --user\n",
        ),
        (
            ["--url", "https://h.example/c/", "--user", "a", "--password-env", "VS_NOPE"],
            {},
            "vaultsync: --password-env: the environment variable VS_NOPE is not set\n",
        ),
        (
            [],
            {},
            "vaultsync: push needs --url (a CalDAV calendar), --contacts (a CardDAV address book), or both\n",
        ),
    ],
)
def test_push_command_usage_errors(awkward: Path, args: list[str], env: dict[str, str], message: str) -> None:
    assert run_cli("push", str(awkward), *args, env=env) == (2, "", message)


def test_push_command_server_failure_is_one_line(awkward: Path) -> None:
    from caldav_server import _free_port

    url = f"http://127.0.0.1:{_free_port()}/alice/cal/"
    code, out, err = run_cli("push", str(awkward), "--url", url, "--today", "2026-11-20")
    assert (code, out) == (3, "")
    assert err.startswith(f"vaultsync: {url}: nothing answers at ") and err.count("\n") == 1


# --- pushing after each build (`watch --push-url`)


def test_the_pusher_pushes_changed_builds_and_retries_after_a_failure(
    url: str, awkward: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from caldav_server import _free_port

    from vaultsync.outputs.caldav_push import Pusher
    from vaultsync.pipeline import build

    calendar = tmp_path / "out.ics"
    log: list[tuple[str, str]] = []
    pusher = Pusher(url, username=USER, password=PASSWORD, client=counting_client(log))
    first = pusher.push_now(build(awkward, SAMPLE_TODAY, calendar))
    assert first is not None and len(first.created) == 19 and pusher.in_step

    unchanged = build(awkward, SAMPLE_TODAY, calendar)
    assert not unchanged.written and pusher.push_now(unchanged) is None  # nothing sent at all
    assert sum(m == "MKCALENDAR" for m, _ in log) == 1 and len(log) == 4 + 19  # the first push only

    (awkward / "Contacts/李小龙.md").unlink()
    changed = build(awkward, SAMPLE_TODAY, calendar)
    result = pusher.push_now(changed)
    assert result is not None and len(result.deleted) == 3 and result.created == []
    assert_holds_exactly_the_notes(url, awkward)

    down = Pusher(f"http://127.0.0.1:{_free_port()}/alice/x/", username=USER, password=PASSWORD)
    with caplog.at_level("ERROR", logger="vaultsync.push"):
        assert down.push_now(changed) is None
    assert not down.in_step
    assert caplog.messages[-1].startswith(
        "push failed (trying again after the next build): http://127.0.0.1:"
    )
    down.url = url  # the server is back: the next build is pushed even though the file did not change
    assert down.push_now(build(awkward, SAMPLE_TODAY, calendar)) is not None and down.in_step


def _wait_until(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def start_watch(root: Path, url: str, *options: str, env: dict[str, str] | None = None) -> Any:
    """`vaultsync watch ROOT --push-url URL OPTIONS` in a process of its own, stderr piped."""
    command = ["watch", str(root), "--today", "2026-11-20", "--push-url", url, *options]
    return subprocess.Popen(
        [sys.executable, "-m", "vaultsync", *command], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True
    )


def test_watch_push_url_pushes_each_change(url: str, awkward: Path, tmp_path: Path) -> None:
    env = {**os.environ, "VS_PW": PASSWORD, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    process = start_watch(awkward, url, "--user", USER, "--password-env", "VS_PW", env=env)
    lines = line_queue(process.stderr)
    seen: list[str] = []

    def said(text: str) -> None:
        # The push's own line, not the server's events: all of them are there before its thread
        # returns, and a stop in between ends the push as "stopped", its line never written.
        while not seen or not seen[-1].endswith(f"vaultsync: {text}"):
            seen.append(lines.get(timeout=20))
            assert seen[-1], "the watcher ended"

    try:
        said(f"pushed to {url}: made the calendar, 19 added, 0 replaced, 0 deleted, 0 unchanged")
        assert_holds_exactly_the_notes(url, awkward)
        (awkward / "Contacts/李小龙.md").unlink()
        said(f"pushed to {url}: 0 added, 0 replaced, 3 deleted, 16 unchanged")
        assert_holds_exactly_the_notes(url, awkward)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    while line := lines.get(timeout=20):
        seen.append(line)
    err = "\n".join(seen)
    assert process.returncode == 0 and "Traceback" not in err and PASSWORD not in err


def test_watch_goes_on_when_a_push_fails(awkward: Path, tmp_path: Path) -> None:
    from caldav_server import _free_port

    url = f"http://127.0.0.1:{_free_port()}/alice/cal/"
    process = start_watch(awkward, url)
    lines = line_queue(process.stderr)
    seen: list[str] = []
    try:
        while not seen or "push failed" not in seen[-1]:
            seen.append(lines.get(timeout=20))
            assert seen[-1], "the watcher ended"
        assert (
            seen[-1]
            .split("vaultsync: ", 1)[1]
            .startswith(f"push failed (trying again after the next build): {url}: nothing answers at")
        )
        assert process.poll() is None  # still watching
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    while line := lines.get(timeout=20):
        seen.append(line)
    assert process.returncode == 0 and not any("Traceback" in line for line in seen)


def test_watch_credentials_need_a_push_url(awkward: Path) -> None:
    assert run_cli("watch", str(awkward), "--user", "alice") == (
        2,
        "",
        "vaultsync: --user and --password-env go with --push-url\n",
    )


# --- what the URL is, and each way a push fails (exit 3, one line)


def push_as(root: Path, url: str, user: str | None = USER, *options: str) -> tuple[int, str, str]:
    """The push command as ``user`` (password PASSWORD, from VS_PW), or with no credentials."""
    creds = ("--user", user, "--password-env", "VS_PW") if user else ()
    return run_cli(
        "push", str(root), "--url", url, *creds, "--today", "2026-11-20", *options, env={"VS_PW": PASSWORD}
    )


def test_push_to_an_account_url_makes_nothing_and_says_where_to_push(server: Radicale, awkward: Path) -> None:
    account = f"{server.base}{CAROL}/"
    calendar = f"{account}interviews/"
    assert push_as(awkward, calendar, CAROL)[0] == 0
    message = (
        f"vaultsync: {account} is an account (a principal), not a calendar: push to one of your calendars "
        f"({calendar}), or to a new one such as {account}vaultsync/\n"
    )
    for _ in range(2):  # Radicale used to make a calendar per event, at every push
        assert push_as(awkward, account, CAROL) == (3, "", message)
    assert sorted(p.name for p in (server.storage / "collection-root" / CAROL).iterdir()) == ["interviews"]
    assert push_as(awkward, calendar, CAROL)[:2] == (
        0,
        f"pushed to {calendar}: 0 added, 0 replaced, 0 deleted, 19 unchanged\n",
    )


def test_push_to_the_server_root_finds_the_calendars(server: Radicale, awkward: Path) -> None:
    code, out, err = push_as(awkward, server.base, CAROL)
    assert (code, out) == (3, "")
    assert err.startswith(f"vaultsync: {server.base} is a folder (a collection), not a calendar: ")
    assert err.endswith(f"or to a new one such as {server.base}{CAROL}/vaultsync/\n")


def test_radicale_refusals(server: Radicale, url: str, awkward: Path) -> None:
    carols = f"{server.base}{CAROL}/interviews/"
    assert push_as(awkward, carols, CAROL)[0] == 0  # exists (or already did)
    assert push_as(awkward, carols) == (
        3,
        "",
        f"vaultsync: {carols}: alice may not write to this calendar (403 Forbidden): check that the URL "
        "names one of your own calendars (or one shared with you for writing)\n",
    )
    assert push_as(awkward, url, None) == (
        3,
        "",
        f"vaultsync: {url}: the server asks for a user name and password: give --user (and --password-env VAR)\n",
    )
    code, out, err = run_cli(*push_args(awkward, url), env={"VS_PW": "wrong"})
    assert (code, out, err) == (
        3,
        "",
        f"vaultsync: {url}: the server refused the user name or password of alice (401 Unauthorized)\n",
    )
    tls = url.replace("http:", "https:")  # https to Radicale's plain http port
    assert push_as(awkward, tls) == (
        3,
        "",
        f"vaultsync: {tls}: the TLS handshake failed (wrong version number): is the port one for https?\n",
    )


MISSING = reply("404 Not Found", "text/plain", b"")
FOLDER = multistatus("<collection/>")
CONFLICT = reply("409 Conflict", "text/plain", b"")
FORBIDDEN = reply("403 Forbidden", "text/plain", b"")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (
            reply("200 OK", "text/html; charset=utf-8", b"<html><body>Log in to the Wi-Fi</body></html>"),
            "the server answered with a web page, not CalDAV: a Wi-Fi login page, or a calendar's web "
            "address instead of its CalDAV one (see docs/subscribing.md)",
        ),
        (
            reply(
                "207 Multi-Status", "text/xml", b'<?xml version="1.0"?><multistatus xmlns="DAV:"><response>'
            ),
            "the server's answer is not WebDAV (its XML is malformed or missing): is this the calendar's CalDAV URL?",
        ),
        (
            reply("207 Multi-Status", "text/html", b"<p>not xml"),
            "the server's answer is not WebDAV (its XML is malformed or missing): is this the calendar's CalDAV URL?",
        ),
        (
            reply("405 Method Not Allowed", "text/plain", b""),
            "this is not a CalDAV address (PROPFIND answered 405 Method Not Allowed): use the calendar's "
            "CalDAV URL (see docs/subscribing.md)",
        ),
        (
            reply("500 Internal Server Error", "text/plain", b"boom"),
            "the server failed a request: 500 Internal Server Error",
        ),
        (
            MISSING,
            "not found, nor is {parent}: check the URL (its last part is the calendar, the part before it "
            "your account's calendars)",
        ),
        (
            by_request({"PROPFIND /alice/cal/": MISSING, "PROPFIND": FOLDER, "MKCALENDAR": CONFLICT}),
            "not found, nor is {parent}: check the URL (its last part is the calendar, the part before it "
            "your account's calendars)",
        ),
        (
            by_request({"PROPFIND /alice/cal/": MISSING, "PROPFIND": FOLDER, "MKCALENDAR": FORBIDDEN}),
            "nothing is there, and the server does not let alice make a calendar there: make one in your "
            "calendar app and push to its URL",
        ),
        (
            by_request({"PROPFIND /alice/cal/": MISSING, "PROPFIND": multistatus(CALENDAR)}),
            "nothing is there, and {parent} is a calendar: push to it, or to a new calendar beside it",
        ),
    ],
    ids=[
        "web page",
        "malformed xml",
        "207 not xml",
        "no webdav",
        "server error",
        "no parent",
        "mkcalendar 409",
        "mkcalendar 403",
        "in a calendar",
    ],
)
def test_push_command_failures(awkward: Path, answer: Any, message: str) -> None:
    with scripted(answer) as fake:
        parent = fake.url.rsplit("/", 2)[0] + "/"
        expected = f"vaultsync: {fake.url}: {message.format(parent=parent)}\n"
        assert push_as(awkward, fake.url) == (3, "", expected)
        assert [head.split(" ", 1)[0] for head in fake.requests][-1] != "PUT"  # nothing written


def test_credentials_go_with_the_first_request(awkward: Path) -> None:
    import base64

    with scripted(reply("500 Internal Server Error", "text/plain", b"")) as fake:
        assert push_as(awkward, fake.url)[0] == 3
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert len(fake.requests) == 1 and f"\r\nAuthorization: Basic {token}" in fake.requests[0]


def test_an_untrusted_certificate(awkward: Path, tmp_path: Path) -> None:
    import ssl

    if shutil.which("openssl") is None:
        pytest.skip("openssl is missing")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with scripted(MISSING, tls=context) as fake:
        url = fake.url.replace("http:", "https:")
        assert push_as(awkward, url) == (
            3,
            "",
            f"vaultsync: {url}: its TLS certificate is not trusted (self-signed certificate)\n",
        )


# --- a server that stalls


def timed(answer: Any, arrivals: list[float]) -> Any:
    """``answer``, noting when each request arrived: a push's bounds start with its first
    request, not with the vault read and the imports before it (slow on a busy machine)."""

    def noting(connection: Any, request: str) -> None:
        arrivals.append(time.monotonic())
        answer(connection, request)

    return noting


def test_a_stalling_server_ends_the_push_within_its_timeout(awkward: Path) -> None:
    arrivals: list[float] = []
    with scripted(timed(trickle(0.25), arrivals)) as fake:  # no read ever waits as long as the timeout
        started = time.monotonic()
        code, out, err = push_as(awkward, fake.url, USER, "--timeout", "1")
        ended = time.monotonic()
    assert (code, out, err) == (
        3,
        "",
        f"vaultsync: {fake.url}: the server did not answer within 1 s (try again later, or give a longer --timeout)\n",
    )
    assert ended - started >= 1 and ended - arrivals[0] < 1 + 1.5


def slow_calendar(delay: float) -> Any:
    """A calendar server that takes ``delay`` s over each answer, each within the timeout."""
    answers = {
        "PROPFIND": multistatus(CALENDAR),
        "REPORT": reply("207 Multi-Status", "text/xml", b'<multistatus xmlns="DAV:"/>'),
        "PUT": reply("201 Created", "text/plain", b""),
    }

    def answer(connection: Any, request: str) -> None:
        time.sleep(delay)
        by_request(answers)(connection, request)

    return answer


def test_a_slow_server_ends_the_whole_push_within_its_deadline(awkward: Path) -> None:
    data = calendar_bytes(load_vault(awkward), SAMPLE_TODAY)
    arrivals: list[float] = []
    with scripted(timed(slow_calendar(0.3), arrivals)) as fake:
        started = time.monotonic()
        with pytest.raises(PushError) as raised:
            push(data, fake.url, name="x", timeout=1, deadline=2)
        ended = time.monotonic()
    assert str(raised.value) == f"{fake.url}: the push did not finish within 2 s (the server is too slow)"
    assert ended - started >= 2 and ended - arrivals[0] < 2 + 1.5
    # Writing had begun, each answer within the timeout; far from all the events when cut. How
    # many PUTs fit in the 2 s depends on the machine's load (3 or 4 here with two CPU burners).
    assert 1 <= sum(head.startswith("PUT ") for head in fake.requests) < 16


def test_a_watcher_pushing_to_a_stalling_server_keeps_its_calendar_and_stops(
    awkward: Path, tmp_path: Path
) -> None:
    import threading

    from vaultsync.drivers.watch import Watcher
    from vaultsync.outputs.caldav_push import Pusher

    calendar = tmp_path / "out.ics"
    with scripted(trickle(0.25)) as fake:
        pusher = Pusher(fake.url, username=USER, password=PASSWORD)  # the default timeout: 30 s
        watcher = Watcher(awkward, calendar=calendar, today=SAMPLE_TODAY, on_build=pusher)
        stop = threading.Event()
        thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        thread.start()
        _wait_until(lambda: calendar.exists() and fake.requests)  # built, and the push is stuck
        before = calendar.read_bytes()
        saved = time.monotonic()
        (awkward / "Contacts/李小龙.md").unlink()
        _wait_until(lambda: calendar.read_bytes() != before, watcher.debounce + 1)
        assert time.monotonic() - saved < watcher.debounce + 1
        stopping = time.monotonic()
        stop.set()
        thread.join(Pusher.CLOSE_SECONDS + 1)
        assert not thread.is_alive() and time.monotonic() - stopping < Pusher.CLOSE_SECONDS
        assert len(fake.requests) == 1  # the one push stuck; the second build waited for it


def test_the_exit_codes_are_documented() -> None:
    code, out, _ = run_cli("push", "--help")
    assert code == 0 and "  1  pushed, but a note could not be read" in out
    assert "  3  the push failed: the server could not be reached, refused the\n" in out
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "| 3 | `push` failed: " in readme


# --- a second real server: Xandikos (no authentication; it answers a missing URL with a 207)


@pytest.fixture(scope="module")
def xandikos_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from caldav_server import xandikos

    with xandikos(tmp_path_factory.mktemp("xandikos")) as base:
        yield base


def test_xandikos_push_makes_fills_and_keeps_the_calendar(xandikos_base: str, awkward: Path) -> None:
    url = f"{xandikos_base}user/calendars/interviews/"
    first = push_vault(awkward, url, username=None, password=None)
    assert first.made_calendar and len(first.created) == 19
    assert_holds_exactly_the_notes(url, awkward)
    log: list[tuple[str, str]] = []
    assert push_vault(awkward, url, log, username=None, password=None).writes == 0
    assert log == [("PROPFIND", url), ("REPORT", url)]
    (awkward / "Contacts/李小龙.md").unlink()
    assert len(push_vault(awkward, url, username=None, password=None).deleted) == 3
    assert_holds_exactly_the_notes(url, awkward)


def test_xandikos_refuses_what_is_not_a_calendar(xandikos_base: str, awkward: Path, tmp_path: Path) -> None:
    home = f"{xandikos_base}user/calendars/"

    def calendars() -> list[str]:
        import caldav

        with caldav.DAVClient(url=home, enable_rfc6764=False) as dav:
            return sorted(str(c.url) for c in dav.principal().get_calendars())

    before = calendars()
    assert f"{home}calendar/" in before  # made by --defaults
    for url, what in [
        (f"{xandikos_base}user/", "an account (a principal)"),
        (home, "a folder (a collection)"),
    ]:
        for _ in range(2):
            code, out, err = push_as(awkward, url, None)
            assert (code, out) == (3, "")
            assert err == (
                f"vaultsync: {url} is {what}, not a calendar: push to one of your calendars "
                f"({', '.join(before)}), or to a new one such as {home}vaultsync/\n"
            )
    inside = f"{home}calendar/x/"
    assert push_as(awkward, inside, None) == (
        3,
        "",
        f"vaultsync: {inside}: nothing is there, and {home}calendar/ is a calendar: push to it, or to a "
        "new calendar beside it\n",
    )
    lost = f"{xandikos_base}nope/deeper/cal/"
    assert push_as(awkward, lost, None) == (
        3,
        "",
        f"vaultsync: {lost}: not found, nor is {xandikos_base}nope/deeper/: check the URL (its last part "
        "is the calendar, the part before it your account's calendars)\n",
    )
    assert calendars() == before
