"""`build` through the entry cache: each contact's events and findings kept with its entry, by day
and note links, give the same calendar and audit as a build from scratch."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from pathlib import Path

import pytest
from conftest import SAMPLE_TODAY, calls, copy_sample_vault, run_cli, write_note

from vaultsync import pipeline
from vaultsync.incremental import results
from vaultsync.outputs.calendar import calendar_bytes
from vaultsync.store import cache, files
from vaultsync.store.loader import load_vault


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Notes just written count as settled, so the cache keeps them at once."""
    monkeypatch.setattr(files, "RACY_NS", 0)


def built(root: Path, today: dt.date, calendar: Path) -> tuple[bytes, list[object]]:
    result = pipeline.build(root, today, calendar, cache=True)
    fresh = pipeline.audit(load_vault(root), today)
    assert calendar.read_bytes() == calendar_bytes(load_vault(root), today)
    assert result.audit.findings == fresh.findings
    assert result.events == calendar.read_bytes().count(b"BEGIN:VEVENT")
    return calendar.read_bytes(), list(result.audit.findings)


def test_kept_events_give_the_same_calendar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    out = tmp_path / "out.ics"
    serialised = calls(monkeypatch, results, "event_bytes")
    built(root, SAMPLE_TODAY, out)
    events = len(serialised)
    data = out.read_bytes()  # the events across contacts (referrals) are made at each build
    across = data.count(b"CATEGORIES:referral\r\n") + data.count(b"CATEGORIES:close-loop\r\n")
    assert events == data.count(b"BEGIN:VEVENT") - across and across > 0
    built(root, SAMPLE_TODAY, out)  # unchanged, same day: nothing serialised again
    assert len(serialised) == events
    next_day = SAMPLE_TODAY + dt.timedelta(days=1)
    built(root, next_day, out)  # another day: only the events that changed with it
    assert 0 < len(serialised) - events < events
    before = len(serialised)
    write_note(root, "Contacts/Jane Doe.md", "---\ntype: contact\ninterviews: [2026-11-19]\n---\n")
    built(root, next_day, out)  # one note edited: its events only
    again = {item.uid.split("@")[0].removesuffix("-closes").split("-")[-1] for item in serialised[before:]}
    assert again == {"dbc260d7e2141cb4"}  # Jane Doe's events only


def test_other_note_links_serialise_again(tmp_path: Path) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    out = tmp_path / "out.ics"
    obsidian, _ = built(root, SAMPLE_TODAY, out)
    assert b"obsidian://open" in obsidian
    for item in sorted((root / ".obsidian").rglob("*"), reverse=True):
        item.rmdir() if item.is_dir() else item.unlink()
    (root / ".obsidian").rmdir()
    as_files, _ = built(root, SAMPLE_TODAY, out)
    assert b"obsidian://open" not in as_files and b"URL:file://" in as_files


def test_a_damaged_kept_file_is_derived_again(tmp_path: Path) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    out = tmp_path / "out.ics"
    first, _ = built(root, SAMPLE_TODAY, out)
    (kept,) = cache.cache_dir().glob("*.derived")
    kept.write_bytes(kept.read_bytes()[:-100])
    out.unlink()
    assert built(root, SAMPLE_TODAY, out)[0] == first


def test_the_command_says_unchanged_the_second_time(tmp_path: Path) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    out = tmp_path / "out.ics"
    args = ("build", root, "--today", SAMPLE_TODAY.isoformat(), "--calendar", out)
    code, first, errors = run_cli(*args)
    data = out.read_bytes()
    code_again, second, errors_again = run_cli(*args)
    assert (code, errors) == (code_again, errors_again) == (1, errors)  # the sample's unreadable note
    assert errors.startswith("vaultsync: ")
    assert first.startswith(f"wrote {out}: ") and second == first.replace("wrote", "unchanged", 1)
    assert out.read_bytes() == data


def test_an_unchanged_build_is_given_again_without_reading(tmp_path: Path) -> None:
    root = copy_sample_vault(tmp_path / "vault")
    out = tmp_path / "out.ics"
    first = pipeline.build_report(root, SAMPLE_TODAY, out, cache=True)
    data = out.read_bytes()
    assert first.build is not None and first.lines.startswith(f"wrote {out}: ")
    again = pipeline.build_report(root, SAMPLE_TODAY, out, cache=True)
    assert again.build is None  # stored: no note read, the calendar as the first build left it
    assert (again.lines, again.errors, again.code) == (
        first.lines.replace("wrote", "unchanged", 1),
        first.errors,
        first.code,
    )
    assert first.errors and first.code == 1  # the sample vault's unreadable note, said again
    out.write_bytes(data)  # the same bytes, but another file: compared again
    compared = pipeline.build_report(root, SAMPLE_TODAY, out, cache=True)
    assert compared.build is not None and not compared.build.written and compared.lines == again.lines
    out.write_bytes(data[: data.index(b"BEGIN:VEVENT")] + b"END:VCALENDAR\r\n")  # ours, events lost
    rewritten = pipeline.build_report(root, SAMPLE_TODAY, out, cache=True)
    assert rewritten.build is not None and rewritten.build.written and out.read_bytes() == data
    next_day = pipeline.build_report(root, SAMPLE_TODAY + dt.timedelta(days=1), out, cache=True)
    assert next_day.build is not None
    assert out.read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY + dt.timedelta(days=1))


def test_only_the_events_shown_are_serialised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crowded day's digest gathers most events: a build writes the bytes of those it shows,
    keeps them with the entries, and writes none again for an unchanged vault on the same day."""
    root = tmp_path / "vault"
    (root / "Contacts").mkdir(parents=True)
    (root / ".vaultsync.toml").write_text("calendar_day_limit = 2\n")
    for number in range(8):
        write_note(root, f"Contacts/P{number}.md", "---\ntype: contact\ninterviews: [2026-11-18]\n---\n")
    serialised = calls(monkeypatch, results, "event_bytes")
    first, _ = built(root, SAMPLE_TODAY, tmp_path / "first.ics")
    uids = re.findall(rb"\r\nUID:(.*?)\r\n", first)
    assert sorted(item.uid.encode() for item in serialised) == sorted(
        uid for uid in uids if not uid.endswith(b"-more@vaultsync")
    )
    assert len(serialised) == 6  # of the 24 events: 2 on each of 3 crowded days, with 3 digests
    assert len(uids) == 9
    again, _ = built(root, SAMPLE_TODAY, tmp_path / "again.ics")  # another file: read, not stored
    assert again == first and len(serialised) == 6


def test_kept_segments_are_written_as_they_were(tmp_path: Path) -> None:
    """A segment pickled where its values were made, or read with most of them still holding,
    goes back into the file as it was; one that mostly changed is pickled anew."""
    sig = (1, 2, 3, 4, 5)
    records = {"a.md": (sig, "A"), "b.md": (sig, "B")}
    blob = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
    first = cache.DerivedCache(str(tmp_path), "made by")
    first.add(records, blob)
    assert first.save(["a.md", "b.md"])
    second = cache.DerivedCache(str(tmp_path), "made by")
    assert (second.get("a.md", sig), second.get("b.md", sig), second.get("b.md", (9,))) == ("A", "B", None)
    second.put("b.md", sig, "B2")  # one of two changed: the segment is kept, the new value after it
    assert second.save(["a.md", "b.md"])
    assert blob in second.path.read_bytes()
    third = cache.DerivedCache(str(tmp_path), "made by")
    assert (third.get("a.md", sig), third.get("b.md", sig)) == ("A", "B2")
    third.put("a.md", sig, "A2")  # now neither holds: pickled anew, the old segment gone
    assert third.save(["a.md", "b.md"])
    assert blob not in third.path.read_bytes()
    fourth = cache.DerivedCache(str(tmp_path), "made by")
    assert (fourth.get("a.md", sig), fourth.get("b.md", sig)) == ("A2", "B2")
    assert cache.DerivedCache(str(tmp_path), "made by another").get("a.md", sig) is None
