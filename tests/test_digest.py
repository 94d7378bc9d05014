"""A crowded day made calm (outputs/digest.py): at most ``calendar_day_limit`` events of one kind
on one day, the rest in one event that lists them. Calendars parsed back with icalendar and
compared with the deadlines; every writer (the file, the vdir, push, the memo, the entry cache)
shows the same events."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from caldav_server import Radicale, radicale
from conftest import calls, write_note

from vaultsync import pipeline
from vaultsync.config import settings_from_mapping
from vaultsync.errors import ConfigError
from vaultsync.incremental.index import VaultIndex
from vaultsync.incremental.memo import BuildMemo
from vaultsync.outputs import digest as digest_module
from vaultsync.outputs.caldav_push import push
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.outputs.calendar_check import Reading, expected_reading, icalendar_reading, reading_differences
from vaultsync.outputs.doctor import OK, WARN, diagnose
from vaultsync.store.loader import load_vault

D = dt.date
TODAY = D(2026, 11, 20)
EPOCH_DAYS = (TODAY - D(1970, 1, 1)).days  # an overdue digest's SEQUENCE on TODAY
TAIL = "`vaultsync audit` lists them all, as does the dashboard note when you keep one."


def person(vault: Path, number: int, interview: str, organization: str = "Acme") -> None:
    org = f"organization: {organization}\n" if organization else ""
    write_note(
        vault, f"Contacts/Person {number:02}.md", f"---\ntype: contact\n{org}interviews: [{interview}]\n---\n"
    )


def uid_note(number: int) -> str:
    """The note part of the UIDs of Person ``number``'s events."""
    return hashlib.sha256(f"Contacts/Person {number:02}.md".encode()).hexdigest()[:16]


def events(vault: Path, day: dt.date = TODAY) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(calendar_bytes(load_vault(vault), day)).walk("VEVENT"))


def view(event: icalendar.Event) -> tuple[str, str, dt.date, str]:
    return (str(event["UID"]), str(event["SUMMARY"]), event.decoded("DTSTART"), event.categories[0])


def who(event: icalendar.Event) -> str:
    """Whom an event is about (``Person 03 (Acme)``), or its summary when it names nobody."""
    found = re.search(r"Person \d\d( \(\w+\))?", str(event["SUMMARY"]))
    return found.group(0) if found else str(event["SUMMARY"])


def on(shown: list[icalendar.Event], day: dt.date, category: str) -> list[icalendar.Event]:
    return [e for e in shown if e.decoded("DTSTART") == day and e.categories == [category]]


@pytest.mark.parametrize(
    ("people", "limit", "alone", "gathered"),
    [(10, 10, 10, 0), (11, 10, 10, 1), (12, 10, 10, 2), (11, 0, 11, 0), (3, 1, 1, 2), (2, 2, 2, 0)],
)
def test_at_most_the_limit_of_a_kind_on_a_day_then_one_event(
    vault: Path, people: int, limit: int, alone: int, gathered: int
) -> None:
    """Interviewed the same day: their letters start on one day, their check-in windows open on
    one day and close on one day. Each of the three is a kind on its day."""
    (vault / ".vaultsync.toml").write_text(f"calendar_day_limit = {limit}\n")
    for number in range(people):
        person(vault, number, "2026-11-18")
    shown = events(vault)
    for day, category, noun in (
        (D(2026, 11, 19), "thank-you", "thank-you letter"),
        (D(2026, 12, 18), "check-in", "check-in"),
        (D(2027, 1, 17), "check-in", "check-in"),
    ):
        those = on(shown, day, category)
        digests = [e for e in those if str(e["UID"]).endswith("-more@vaultsync")]
        assert len(those) == alone + (1 if gathered else 0)
        if not gathered:
            assert digests == []
            continue
        (digest,) = digests
        plural = "s" if gathered > 1 else ""
        assert view(digest) == (
            f"{category}-{day}-more@vaultsync",
            f"{gathered} more {noun}{plural}",
            day,
            category,
        )
        # the most urgent stay on their own (all due alike here): then by UID
        ordered = sorted(range(people), key=uid_note)
        names = ", ".join(f"Person {n:02}" for n in sorted(ordered[alone:]))
        due = D(2026, 11, 21) if category == "thank-you" else D(2027, 1, 17)
        assert str(digest["DESCRIPTION"]) == (
            f"{gathered} more {noun}{plural}: the calendar shows the {limit} most urgent on their own "
            "(calendar_day_limit); here are the rest, by the day each is due.\n\n"
            f"Due {due}:\n- Acme: {names}\n\n{TAIL}"
        )
        assert sorted(map(who, those)) == sorted(
            [f"Person {n:02} (Acme)" for n in ordered[:alone]] + [f"{gathered} more {noun}{plural}"]
        )
        assert (
            digest.decoded("DTEND") == day + dt.timedelta(days=1) and str(digest["TRANSP"]) == "TRANSPARENT"
        )
        assert [(a.decoded("TRIGGER"), str(a["DESCRIPTION"])) for a in digest.walk("VALARM")] == [
            (dt.timedelta(hours=9), f"{gathered} more {noun}{plural}")
        ]
        assert int(digest["SEQUENCE"]) == 0
        assert digest.decoded("DTSTAMP") == dt.datetime(2026, 11, 17, 10, tzinfo=dt.UTC)  # the interview's
        assert str(digest["URL"]) == vault.resolve().as_uri()


def late_letters(vault: Path) -> None:
    """Fifteen letters overdue on TODAY, due 2026-10-28 to 2026-11-09: Person 10 to 14 the last."""
    for number in range(13):
        person(
            vault, number, f"{D(2026, 10, 25) + dt.timedelta(days=number)}", ("Acme", "Globex")[number % 2]
        )
    person(vault, 12, "2026-11-06", "")  # due 2026-11-09, with no organization
    person(vault, 13, "2026-11-06")
    person(vault, 14, "2026-11-06")


def overdue_letters(shown: list[icalendar.Event], day: dt.date) -> list[icalendar.Event]:
    return [e for e in on(shown, day, "thank-you") if "overdue" in str(e["UID"])]


def test_the_most_urgent_overdue_stay_and_the_digest_moves_with_today(vault: Path) -> None:
    late_letters(vault)
    shown = events(vault)
    late = overdue_letters(shown, TODAY)
    assert [e for e in shown if e.categories == ["thank-you"]] == late  # only on today: one event each
    digest = late[-1]
    assert view(digest) == (
        "thank-you-overdue-more@vaultsync",
        "Overdue: 5 more thank-you letters",
        TODAY,
        "thank-you",
    )
    assert str(digest["DESCRIPTION"]) == (
        "Overdue: 5 more thank-you letters: the calendar shows the 10 most urgent on their own "
        "(calendar_day_limit); here are the rest, by the day each is due.\n\n"
        "Due 2026-11-07:\n- Acme: Person 10\n\n"
        "Due 2026-11-08:\n- Globex: Person 11\n\n"
        "Due 2026-11-09:\n- Acme: Person 13, Person 14\n- Person 12\n\n"
        f"{TAIL}"
    )
    alone = sorted(who(e) for e in late[:-1])
    assert alone == [f"Person {n:02} ({('Acme', 'Globex')[n % 2]})" for n in range(10)]  # due first
    assert (int(digest["SEQUENCE"]), digest.decoded("DTSTAMP")) == (
        EPOCH_DAYS,
        dt.datetime(2026, 11, 19, 10, tzinfo=dt.UTC),
    )
    # the next day: one UID, on the new day, stamped with it, its SEQUENCE one more
    tomorrow = overdue_letters(events(vault, TODAY + dt.timedelta(days=1)), TODAY + dt.timedelta(days=1))
    moved = tomorrow[-1]
    assert view(moved)[:2] == view(digest)[:2] and moved.decoded("DTSTART") == D(2026, 11, 21)
    assert (int(moved["SEQUENCE"]), moved.decoded("DTSTAMP")) == (
        EPOCH_DAYS + 1,
        dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC),
    )
    assert sorted(map(who, tomorrow[:-1])) == alone
    # Person 00's letter lapses on 2026-11-28 (more than 30 days past 2026-10-28): Person 10 shows
    later = overdue_letters(events(vault, D(2026, 11, 28)), D(2026, 11, 28))
    assert str(later[-1]["SUMMARY"]) == "Overdue: 4 more thank-you letters"
    assert sorted(map(who, later[:-1])) == [
        f"Person {n:02} ({('Acme', 'Globex')[n % 2]})" for n in range(1, 11)
    ]
    assert str(later[-1]["UID"]) == "thank-you-overdue-more@vaultsync"


def test_every_overdue_deadline_is_shown_alone_or_listed(vault: Path) -> None:
    """The events on their own and the names a digest lists are the audit's overdue letters."""
    late_letters(vault)
    audit = pipeline.audit(vault, TODAY)
    owed = sorted(f.contact for f in audit.findings if (f.rule, f.level) == ("thank-you", "overdue"))
    late = overdue_letters(events(vault), TODAY)
    listed = [
        name.strip()
        for line in str(late[-1]["DESCRIPTION"]).split("\n")
        if line.startswith("- ")
        for name in line[2:].rsplit(": ", 1)[-1].split(", ")
    ]
    assert sorted([who(e).split(" (")[0] for e in late[:-1]] + listed) == owed
    assert len(owed) == 15


def test_timed_interviews_are_never_gathered_all_day_ones_are(vault: Path) -> None:
    for number in range(12):
        person(vault, number, f"2026-11-25T{9 + number // 2:02}:{30 * (number % 2):02}")
    for number in range(12, 24):
        person(vault, number, "2026-11-26")
    shown = events(vault)
    timed = [
        e for e in shown if e.categories == ["prepare"] and isinstance(e.decoded("DTSTART"), dt.datetime)
    ]
    assert len(timed) == 12 and all(str(e["TRANSP"]) == "OPAQUE" for e in timed)
    all_day = on(shown, D(2026, 11, 26), "prepare")
    assert len(all_day) == 11
    assert view(all_day[-1]) == (
        "prepare-2026-11-26-more@vaultsync",
        "2 more informational interviews",
        D(2026, 11, 26),
        "prepare",
    )


def test_the_same_events_from_every_way_of_building(vault: Path, tmp_path: Path) -> None:
    """A one-shot build of the folder (with and without the entry cache), of a Vault, the
    watcher's memo, calendar_bytes, the vdir: the same events, day after day and after an edit."""
    (vault / ".vaultsync.toml").write_text("calendar_day_limit = 3\n")
    late_letters(vault)
    for number in range(15, 22):
        person(vault, number, "2026-11-18", "Initech")
    index, memo = VaultIndex(vault), BuildMemo()
    out = tmp_path / "out"
    out.mkdir()
    days = [TODAY, TODAY + dt.timedelta(days=1), D(2026, 11, 28), D(2026, 12, 20)]
    for at, day in enumerate(days):
        if at == 2:  # an edit: a letter sent, another interview
            write_note(
                vault,
                "Contacts/Person 03.md",
                "---\ntype: contact\ninterviews: [2026-10-28]\nthank_you_sent: 2026-10-29\n---\n",
            )
            person(vault, 22, "2026-11-18", "Initech")
        index.scan()
        memoised = pipeline.build(index.vault(), day, out / "memo.ics", memo=memo)
        fresh = pipeline.build(load_vault(vault), day, out / "fresh.ics")
        cached = [pipeline.build(vault, day, out / f"cached{n}.ics", cache=True) for n in (1, 2)]
        plain = pipeline.build(vault, day, out / "plain.ics", vdir=out / "vdir")
        data = calendar_bytes(load_vault(vault), day)
        for name in ("memo", "fresh", "cached1", "cached2", "plain"):
            assert (out / f"{name}.ics").read_bytes() == data, (day, name)
        assert (
            memoised.events == fresh.events == cached[0].events == plain.events == data.count(b"BEGIN:VEVENT")
        )
        uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
        assert any(uid.endswith("-more@vaultsync") for uid in uids)
        assert {p.name for p in (out / "vdir").iterdir()} == {f"{uid}.ics" for uid in uids}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    with radicale(tmp_path_factory.mktemp("radicale"), {"alice": "pw"}) as running:
        yield running


def test_push_holds_the_same_events(vault: Path, server: Radicale) -> None:
    import caldav

    late_letters(vault)
    url = server.calendar_url("alice", "crowded")
    loaded = load_vault(vault)
    data = calendar_bytes(loaded, TODAY)
    result = push(data, url, name="crowded", username="alice", password="pw")
    expected = expected_reading(loaded, TODAY)
    assert len(result.created) == len(expected.events) == data.count(b"BEGIN:VEVENT")
    with caldav.DAVClient(url=url, username="alice", password="pw", enable_rfc6764=False) as dav:
        held = [icalendar_reading(obj.data.encode()) for obj in dav.calendar(url=url).get_events()]
    on_server = Reading(None, [event for reading in held for event in reading.events])
    assert reading_differences(Reading(None, expected.events), on_server, "the server") == []
    assert "thank-you-overdue-more@vaultsync" in {event["uid"] for event in on_server.events}


@pytest.mark.parametrize("value", [-1, True, "10", 100_001, 2.5])
def test_a_bad_limit_is_refused(value: object) -> None:
    with pytest.raises(ConfigError) as raised:
        settings_from_mapping({"calendar_day_limit": value})
    assert str(raised.value) == (
        ".vaultsync.toml: calendar_day_limit: expected a whole number of events from 0 (no limit) to 100000"
    )


def test_doctor_finds_the_crowded_calendar_sound_and_a_stale_digest(vault: Path) -> None:
    """The calendar check compares the feed with the notes under the same rules: a calendar built
    today holds exactly what they give; the day after, the overdue digest (and each overdue
    event) has moved, and the check says so."""
    late_letters(vault)
    pipeline.build(vault, TODAY)
    checks = [(c.status, c.topic, c.message) for c in diagnose(vault, TODAY, None).checks]
    count = len(events(vault))
    assert checks[-2:] == [
        (OK, "calendar", f"{count} events; CRLF, lines within 75 octets, unique UIDs, parses back"),
        (OK, "calendar", "holds exactly what the notes give on 2026-11-20"),
    ]
    stale = [c for c in diagnose(vault, TODAY + dt.timedelta(days=1), None).checks if c.topic == "calendar"]
    assert stale[-1].status == WARN and "differs from what the notes give on 2026-11-21" in stale[-1].message


def test_the_memo_makes_a_digest_again_only_when_what_it_lists_changes(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    late_letters(vault)
    index, memo = VaultIndex(vault), BuildMemo()
    index.scan()
    first = pipeline.build(index.vault(), TODAY, tmp_path / "memo.ics", memo=memo)
    made = calls(monkeypatch, digest_module, "digest")
    for number, organization, again in ((3, "Initech", 0), (12, "Initech", 1)):  # shown; gathered
        person(vault, number, f"{D(2026, 10, 25) + dt.timedelta(days=number)}", organization)
        index.scan()
        built = pipeline.build(index.vault(), TODAY, tmp_path / "memo.ics", memo=memo)
        assert len(made) == again and built.events == first.events
        assert (tmp_path / "memo.ics").read_bytes() == calendar_bytes(load_vault(vault), TODAY)
        made.clear()
