"""vaultsync doctor: each check passing and failing, exact lines and exit codes, and it only reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_cli, tree_digest, write_note
from pipeline import peak_memory
from sandbox import reachable_tmp, unprivileged

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.outputs import calendar_check
from vaultsync.outputs.doctor import FAIL, OK, WARN, client_notes, diagnose
from vaultsync.pipeline import build
from vaultsync.reading.note import MAX_NOTE_BYTES

TODAY = dt.date(2026, 11, 20)
JANE = """
---
type: contact
email: jane@northwind.example
interviews: [2026-11-18, "2026-11-25T10:00"]
advice: [Volunteer first.]
referrals: ["Ana Ortiz"]
---
## Questions
- How did you start?
"""


@pytest.fixture
def jane(vault: Path) -> Path:
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    return vault


def lines(root: Path, today: dt.date = TODAY, calendar: Path | None = None) -> list[tuple[str, str, str]]:
    return [(c.status, c.topic, c.message) for c in diagnose(root, today, calendar).checks]


def test_a_built_vault_is_healthy(jane: Path) -> None:
    build(jane, TODAY)
    ics = jane / "vaultsync.ics"
    assert lines(jane) == [
        (OK, "config", "no .vaultsync.toml: the defaults"),
        (OK, "notes", "1 contact in 1 note"),
        (OK, "contacts", "1 by type"),
        (OK, "calendar path", f"{ics}: writable, inside the vault, never read as a note (watch ignores it)"),
        (OK, "calendar", "5 events; CRLF, lines within 75 octets, unique UIDs, parses back"),
        (OK, "calendar", "holds exactly what the notes give on 2026-11-20"),
    ]
    code, out, err = run_cli("doctor", str(jane), "--today", "2026-11-20")
    assert (code, err) == (0, "")
    assert out.startswith(
        f"{jane} on 2026-11-20:\n"
        "  ok    config: no .vaultsync.toml: the defaults\n"
        "  ok    notes: 1 contact in 1 note\n"
        "  ok    contacts: 1 by type\n"
        f"  ok    calendar path: {ics}: writable, inside the vault, never read as a note (watch ignores it)\n"
        "  ok    calendar: 5 events; CRLF, lines within 75 octets, unique UIDs, parses back\n"
        "  ok    calendar: holds exactly what the notes give on 2026-11-20\n"
        "\n"
        "Subscribing:\n"
        "  - Apple Calendar"
    )
    assert out.count("\n  - ") == len(client_notes(DEFAULTS)) == 6


def test_not_built_yet(jane: Path) -> None:
    code, out, _ = run_cli("doctor", str(jane), "--today", "2026-11-20")
    assert code == 1
    assert (
        f"  fail  calendar: {jane / 'vaultsync.ics'} is not written yet: run vaultsync build (or keep serve or watch running)\n"
        in out
    )


def test_a_stale_calendar_is_a_warning(jane: Path) -> None:
    build(jane, TODAY)
    checks = diagnose(jane, TODAY + dt.timedelta(days=10), None)
    assert checks.exit_code == 0
    assert checks.checks[-1] == (
        type(checks.checks[-1])(
            WARN,
            "calendar",
            "differs from what the notes give on 2026-11-30 (10 differences): run vaultsync build, or keep serve or watch running",
        )
    )


def test_unreadable_notes_are_a_warning(jane: Path) -> None:
    write_note(jane, "Contacts/Broken.md", "---\ntype: contact\nname: [oops\n---\n")
    build(jane, TODAY)
    result = diagnose(jane, TODAY)
    assert (
        WARN,
        "notes",
        "1 contact in 2 notes; 1 problem reading them (vaultsync audit lists them)",
    ) in lines(jane)
    assert result.exit_code == 0


def test_a_bad_config_fails_and_the_rest_is_checked_with_defaults(jane: Path) -> None:
    (jane / ".vaultsync.toml").write_text("thank_you_days = -1\n")
    checks = lines(jane)
    assert checks[0] == (
        FAIL,
        "config",
        f"{jane / '.vaultsync.toml'}: thank_you_days: expected a whole number of days from 0 to 3650 (ten years) (checking the rest with the defaults)",
    )
    assert checks[1] == (OK, "notes", "1 contact in 1 note")
    assert run_cli("doctor", str(jane), "--today", "2026-11-20")[0] == 1


@pytest.mark.parametrize(
    ("calendar_path", "message"),
    [
        (
            "Calendar.md",
            "{root}/Calendar.md is a note's name inside the vault: every scan would read the calendar as a note, and each build would overwrite a note of yours there; end calendar_path (or --calendar) in .ics",
        ),
        ("Contacts", "{root}/Contacts is a folder: set calendar_path (or --calendar) to a file"),
        (
            "Contacts/Jane Doe.md/cal.ics",
            "{root}/Contacts/Jane Doe.md/cal.ics: {root}/Contacts/Jane Doe.md is a file, not a folder",
        ),
    ],
)
def test_calendar_paths_that_cannot_work(jane: Path, calendar_path: str, message: str) -> None:
    (jane / ".vaultsync.toml").write_text(f'calendar_path = "{calendar_path}"\n')
    assert (FAIL, "calendar path", message.format(root=jane)) in lines(jane)
    assert diagnose(jane, TODAY).exit_code == 1


def test_a_read_only_folder() -> None:
    with reachable_tmp() as scratch:  # root may write anywhere: the check runs as nobody
        vault = scratch / "vault"
        write_note(vault, "Contacts/Jane Doe.md", JANE)
        locked = scratch / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        lines(vault, calendar=locked / "c.ics")  # imports, as root
        with unprivileged():
            assert lines(vault, calendar=locked / "c.ics")[3][0] == FAIL


def test_a_calendar_outside_the_vault(jane: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "new" / "c.ics"
    assert lines(jane, calendar=outside)[3] == (
        OK,
        "calendar path",
        f"{outside}: writable, outside the vault",
    )


def corrupt(root: Path, *replacements: tuple[bytes, bytes]) -> Path:
    """Build the calendar, then break it with each (old, new) replacement."""
    build(root, TODAY)
    ics = root / "vaultsync.ics"
    data = ics.read_bytes()
    for old, new in replacements:
        data = data.replace(old, new)
    ics.write_bytes(data)
    return ics


def test_a_broken_calendar_fails_with_its_problems(jane: Path) -> None:
    ics = corrupt(jane, (b"\r\n", b"\n"), (b"DTSTART;VALUE=DATE:20261119", b"DTSTART;VALUE=DATE:2026-11-19"))
    failures = [m for s, _, m in lines(jane) if s == FAIL]
    newlines = ics.read_bytes().count(b"\n")
    assert failures[:3] == [
        f"{ics}: does not start with BEGIN:VCALENDAR and CRLF",
        f"{ics}: does not end with END:VCALENDAR and CRLF",
        f"{ics}: {newlines} line(s) end in a bare LF or CR instead of CRLF (first: line 1)",
    ]
    assert len(failures) == 5  # the thank-you and the referral to Ana Ortiz start on 11-19
    assert sorted(f.split("VEVENT ")[1].split("-2026-11-18-")[0] for f in failures[3:]) == [
        "referral",
        "thank-you",
    ]
    assert all(
        f.endswith(" DTSTART: Expected datetime, date, or time. Got: '2026-11-19'") for f in failures[3:]
    )


def test_many_problems_are_cut_short(jane: Path) -> None:
    corrupt(jane, (b"DTSTAMP:", b"DTSTAMP:x"), (b"DTSTART", b"DTSTART;VALUE=DATE:x\r\nX-A"))
    failures = [m for s, _, m in lines(jane) if s == FAIL]
    assert len(failures) == 6 and failures[-1].startswith("and ") and failures[-1].endswith(" more")


def test_doctor_only_reads(jane: Path) -> None:
    build(jane, TODAY)
    before = tree_digest(jane.parent)
    run_cli("doctor", str(jane), "--today", "2026-11-20")
    run_cli(
        "doctor", str(jane), "--today", "2026-11-20", "--calendar", str(jane.parent / "not-there" / "c.ics")
    )
    assert tree_digest(jane.parent) == before
    assert not (jane.parent / "not-there").exists()


def test_client_notes_follow_the_settings() -> None:
    floating = client_notes(DEFAULTS)
    zoned = client_notes(settings_from_mapping({"timezone": "Europe/Paris", "refresh_minutes": 90}))
    assert floating[-1].startswith("Interview times are floating") and len(zoned) == 5
    assert "(every 1 hour)" in floating[2] and "(every 90 minutes)" in zoned[2]


def test_a_missing_vault_is_a_usage_error(tmp_path: Path) -> None:
    assert run_cli("doctor", str(tmp_path / "nope")) == (
        2,
        "",
        f"vaultsync: vault not found: {tmp_path / 'nope'}\n",
    )


def test_missing_libyaml_is_a_warning(jane: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultsync.outputs import doctor
    from vaultsync.reading import front_matter

    monkeypatch.setattr(front_matter, "HAVE_LIBYAML", False)
    checks = [(c.status, c.topic, c.message) for c in diagnose(jane, TODAY).checks]
    assert (WARN, "yaml", doctor.LIBYAML_MISSING) in checks
    monkeypatch.setattr(front_matter, "HAVE_LIBYAML", True)
    assert "yaml" not in [c.topic for c in diagnose(jane, TODAY).checks]


class Copied(bytes):
    """Bytes that count what concatenation copies (``a + b`` is a new object holding both)."""

    copied = 0

    def __add__(self, other: bytes) -> Copied:  # type: ignore[override]
        Copied.copied += len(self) + len(other)
        return Copied(bytes.__add__(self, other))

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        got = bytes.__getitem__(self, index)
        return Copied(got) if isinstance(index, slice) else got


def test_a_4_mb_note_is_checked_in_bounded_work(jane: Path) -> None:
    """doctor took 17 s on a 3.9 MB note, nearly all in checking the calendar's framing: unfolding
    added each 75-octet piece of a long line to the pieces before it, copying a 4 MB value once
    per fold (57,000 times). Now each content line is joined once. (icalendar's own reading of
    the calendar, the rest of doctor's time, is linear.) The framing check unfolds with
    ``calendar_check.unfold``."""
    name = "x" * (MAX_NOTE_BYTES - 4096)
    write_note(jane, "Contacts/Long.md", f"---\ntype: contact\ninterviews: [2026-11-18]\nname: {name}\n---\n")
    build(jane, TODAY)
    data = (jane / "vaultsync.ics").read_bytes()
    problems, peak = peak_memory(lambda: calendar_check.format_problems(data))
    assert problems == [] and peak < 6 * len(data)  # the lines as objects, then the content lines
    lines = [Copied(line) for line in data.split(b"\r\n")]
    assert b"\r\n".join(calendar_check.unfold(lines)) == data.replace(b"\r\n ", b"")
    assert Copied.copied <= len(data)


def test_doctor_says_what_meeting_notes_gave_and_what_was_not_read(tmp_path: Path) -> None:
    write_note(tmp_path, "People/Ana.md", "---\nemail: a@x.org\ninterview_date: 2026-11-01\n---\n")
    write_note(tmp_path, "People/Bo.md", "---\nemail: b@x.org\n---\n")
    write_note(tmp_path, "Meetings/a.md", "---\ndate: 2026-11-02\npeople: ['[[Ana]]', '[[Bo]]']\n---\n")
    write_note(tmp_path, "Meetings/b.md", "---\ndate: 2026-11-03\ntype: coffee chat\npeople: [bo]\n---\n")
    write_note(tmp_path, "Contacts/Cy.md", "---\ntags: [person]\n---\nMet at a fair.\n")
    write_note(tmp_path, "Other/Di.md", "---\ncategories: ['[[People]]']\nmet_on: 2026-10-02\n---\n")
    write_note(tmp_path, "Other/Ed.md", "Met at a fair. #person\n")
    write_note(tmp_path, "Other/Fay.md", "---\ntype: contact\n---\n")
    write_note(
        tmp_path, "Logs/c.md", "---\nComm_DateTime: 2026-11-04T10:30\nComm-Type: Sent\nContacts: [Cy]\n---\n"
    )
    assert lines(tmp_path)[1:7] == [
        (OK, "notes", "6 contacts in 9 notes"),
        (OK, "contacts", "1 by type, 1 by tag, 1 by category, 1 by #tag in the body, 2 by people folder"),
        (
            OK,
            "dates",
            "3 interaction notes (meetings, messages) gave 4 dates to 3 contacts: "
            "1 interview, 1 message sent, 2 dates of contact",
        ),
        (
            WARN,
            "hints",
            "2 properties look like dates of contact but are not read: vaultsync audit names the alias to add",
        ),
        (
            WARN,
            "hints",
            "Other/Di.md:3: met_on is not read: if it holds the dates of interviews, add it to "
            '.vaultsync.toml: [property_aliases] interviews = ["met_on"].',
        ),
        (
            WARN,
            "hints",
            "People/Ana.md:3: interview_date is not read: if it holds the dates of interviews, add it to "
            '.vaultsync.toml: [property_aliases] interviews = ["interview_date"].',
        ),
    ]
