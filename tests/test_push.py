"""push against a real Radicale server on loopback: the calendar ends up holding exactly the
notes' events, a second push writes nothing, and events push did not add are left alone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from awkward_vault import make_awkward_vault
from caldav_server import Radicale, counting_client, radicale
from conftest import REPO, SAMPLE_TODAY, SAMPLE_VAULT, run_cli, write_note
from processes import line_queue

from vaultsync.caldav_push import MARK, PushError, check_url, public_url, push, resources
from vaultsync.calendar import calendar_bytes
from vaultsync.calendar_check import Reading, expected_reading, icalendar_reading, reading_differences
from vaultsync.errors import UsageError
from vaultsync.vault import load_vault

USER, PASSWORD = "alice", "correct horse"
FOREIGN = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone else//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
    "DTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261125\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    with radicale(tmp_path_factory.mktemp("radicale"), {USER: PASSWORD}) as running:
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
    assert result.made_calendar and len(result.created) == events == 21
    assert (result.updated, result.deleted, result.unchanged, result.foreign) == ([], [], 0, [])
    assert [m for m, _ in log] == ["REPORT", "MKCALENDAR", "PROPPATCH"] + ["PUT"] * events
    assert_holds_exactly_the_notes(url, awkward)
    import caldav

    with caldav.DAVClient(url=url, username=USER, password=PASSWORD, enable_rfc6764=False) as dav:
        assert dav.calendar(url=url).get_display_name() == "Interviews, 2026; ✨ \\ and more"


def test_a_second_push_with_no_change_writes_nothing(url: str, awkward: Path) -> None:
    push_vault(awkward, url)
    log: list[tuple[str, str]] = []
    result = push_vault(awkward, url, log)
    assert log == [("REPORT", url)]  # one read, no write
    assert (result.writes, result.unchanged, result.made_calendar) == (0, 21, False)
    assert result.summary() == f"pushed to {url}: 0 added, 0 replaced, 0 deleted, 21 unchanged"
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
    # 李小龙's thank-you, overdue copy, check-in and its closing day: the organization changed
    assert len(result.updated) == 4
    assert len(result.created) == 3  # New One's thank-you, check-in and its closing day
    assert sorted(m for m, _ in log) == ["DELETE"] + ["PUT"] * 7 + ["REPORT"]
    assert result.unchanged == 21 - 1 - 4
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
    assert len(result.deleted) == 20 and result.foreign == []
    left = {str(o.icalendar_component["uid"]): o for o in server_objects(url)}
    assert sorted(left) == sorted(["dentist@example.com", taken])
    assert all(MARK not in obj.icalendar_component for obj in left.values())
    assert str(left[taken].icalendar_component["summary"]) == "Imported by hand"

    restored = make_awkward_vault(tmp_path / "again")
    result = push_vault(restored, url)
    assert result.foreign == [taken] and len(result.created) == 20
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
    assert len(result.created) == 25
    assert_holds_exactly_the_notes(url, SAMPLE_VAULT)


def test_resources_carry_their_time_zone_and_a_digest(awkward: Path) -> None:
    data = calendar_bytes(load_vault(awkward), SAMPLE_TODAY)
    split = resources(data)
    assert len(split) == 21 and len({r.digest for r in split}) == 21
    zoned = [r for r in split if b"TZID=America/New_York" in r.ics]
    assert len(zoned) == 1 and zoned[0].ics.count(b"BEGIN:VTIMEZONE") == 1
    assert all(r.ics.count(b"BEGIN:VEVENT") == 1 and f"{MARK}:{r.digest}".encode() in r.ics for r in split)
    assert sum(b"BEGIN:VTIMEZONE" in r.ics for r in split) == 1
    assert resources(data) == split  # deterministic


def test_a_wrong_password_is_refused(url: str, awkward: Path) -> None:
    with pytest.raises(
        PushError, match=r"^http://127\.0\.0\.1:\d+/alice/.*: the server refused the user name or password"
    ):
        push_vault(awkward, url, username=USER, password="wrong")


def test_an_unreachable_server(awkward: Path) -> None:
    from caldav_server import _free_port

    url = f"http://127.0.0.1:{_free_port()}/alice/cal/"
    with pytest.raises(PushError, match=r"cannot reach the server"):
        push_vault(awkward, url)


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
        f"pushed to {url}: made the calendar, 21 added, 0 replaced, 0 deleted, 0 unchanged\n",
        "",
    )
    assert run_cli(*args, env={"VS_PW": PASSWORD})[:2] == (
        0,
        f"pushed to {url}: 0 added, 0 replaced, 0 deleted, 21 unchanged\n",
    )


def test_push_command_asks_for_the_password(url: str, awkward: Path) -> None:
    code, out, err = run_cli(
        "push", str(awkward), "--url", url, "--user", USER, "--today", "2026-11-20", input=PASSWORD + "\n"
    )
    assert code == 0 and out.endswith("21 added, 0 replaced, 0 deleted, 0 unchanged\n")
    assert err == f"Password for {USER}: \n" and PASSWORD not in out + err


def test_push_command_reports_unreadable_notes_and_exits_1(url: str) -> None:
    code, out, err = run_cli(*push_args(SAMPLE_VAULT, url), env={"VS_PW": PASSWORD})
    assert code == 1 and "25 added" in out
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
        ([], {}, "vaultsync: Missing option '--url'. (see 'vaultsync push --help')\n"),
    ],
)
def test_push_command_usage_errors(awkward: Path, args: list[str], env: dict[str, str], message: str) -> None:
    assert run_cli("push", str(awkward), *args, env=env) == (2, "", message)


def test_push_command_server_failure_is_one_line(awkward: Path) -> None:
    from caldav_server import _free_port

    url = f"http://127.0.0.1:{_free_port()}/alice/cal/"
    code, out, err = run_cli("push", str(awkward), "--url", url, "--today", "2026-11-20")
    assert (code, out) == (1, "")
    assert err.startswith(f"vaultsync: {url}: cannot reach the server: ") and err.count("\n") == 1


# --- pushing after each build (`watch --push-url`)


def test_the_pusher_pushes_changed_builds_and_retries_after_a_failure(
    url: str, awkward: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from caldav_server import _free_port

    from vaultsync.caldav_push import Pusher
    from vaultsync.sync import build

    calendar = tmp_path / "out.ics"
    log: list[tuple[str, str]] = []
    pusher = Pusher(url, username=USER, password=PASSWORD, client=counting_client(log))
    first = pusher(build(awkward, SAMPLE_TODAY, calendar))
    assert first is not None and len(first.created) == 21 and pusher.in_step

    unchanged = build(awkward, SAMPLE_TODAY, calendar)
    assert not unchanged.written and pusher(unchanged) is None  # nothing sent at all
    assert sum(m == "REPORT" for m, _ in log) == 1

    (awkward / "Contacts/李小龙.md").unlink()
    changed = build(awkward, SAMPLE_TODAY, calendar)
    result = pusher(changed)
    assert result is not None and len(result.deleted) == 4 and result.created == []
    assert_holds_exactly_the_notes(url, awkward)

    down = Pusher(f"http://127.0.0.1:{_free_port()}/alice/x/", username=USER, password=PASSWORD)
    with caplog.at_level("ERROR", logger="vaultsync.push"):
        assert down(changed) is None
    assert not down.in_step
    assert caplog.messages[-1].startswith(
        "push failed (trying again after the next build): http://127.0.0.1:"
    )
    down.url = url  # the server is back: the next build is pushed even though the file did not change
    assert down(build(awkward, SAMPLE_TODAY, calendar)) is not None and down.in_step


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
    try:
        _wait_until(lambda: len(server_objects_or_none(url)) == 21)
        assert_holds_exactly_the_notes(url, awkward)
        (awkward / "Contacts/李小龙.md").unlink()
        _wait_until(lambda: len(server_objects_or_none(url)) == 17)
        assert_holds_exactly_the_notes(url, awkward)
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "Traceback" not in err and PASSWORD not in err
    assert f"pushed to {url}: made the calendar, 21 added, 0 replaced, 0 deleted, 0 unchanged" in err
    assert f"pushed to {url}: 0 added, 0 replaced, 4 deleted, 17 unchanged" in err


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
            .startswith(f"push failed (trying again after the next build): {url}: cannot reach")
        )
        assert process.poll() is None  # still watching
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    while line := lines.get(timeout=20):
        seen.append(line)
    assert process.returncode == 0 and not any("Traceback" in line for line in seen)


def server_objects_or_none(url: str) -> list[Any]:
    """The server's events, or none while the calendar does not exist yet."""
    from caldav.lib import error

    try:
        return server_objects(url)
    except error.NotFoundError:
        return []


def test_watch_credentials_need_a_push_url(awkward: Path) -> None:
    assert run_cli("watch", str(awkward), "--user", "alice") == (
        2,
        "",
        "vaultsync: --user and --password-env go with --push-url\n",
    )
