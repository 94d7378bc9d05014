"""Guarantee 1: no input crashes vaultsync (docs/reliability.md).

Every note, however broken, ends in findings or in a reported error with its path: never an
exception. Hypothesis generates the notes (tests/strategies.py); the regressions below are the
cases it found, kept as plain tests.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_cli, write_note
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pipeline import PATH, peak_memory, through_everything
from strategies import SHAPES, bodies, hostile_front_matter, note_bytes

from vaultsync.config import DEFAULTS
from vaultsync.model.contact_values import build_contact
from vaultsync.model.rules import job_asks
from vaultsync.reading import sections
from vaultsync.reading.note import MAX_NOTE_BYTES, Note, NoteError, NoteReader, parse_note


@given(note_bytes, st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_no_note_crashes_the_pipeline(data: bytes, today: dt.date) -> None:
    through_everything(data, today)


def test_explicit_timestamp_tag_on_text_is_reported_not_raised() -> None:
    note = through_everything(b"---\ninterviews:\n  - !!timestamp '1458-10-04 07:11:04+01:16:28'\n---\n")
    assert isinstance(note, Note)
    _, problems = build_contact(note, DEFAULTS)
    assert [p.message for p in problems] == ["interviews: 1458-10-04 07:11:04+01:16:28 is not a real date"]
    assert problems[0].line == 2


TOO_BIG = "the front-matter is too large or too deeply nested"


@pytest.mark.parametrize("nesting", ["[" * 1001 + "]" * 1001, "\n" + "- " * 1001 + "1"])
def test_libyamls_own_depth_limit_reads_as_vaultsyncs(nesting: str) -> None:
    """PyYAML 6.0.4's libyaml stops at 1,000 levels by itself ("exceeded maximum nesting
    depth"): the note read as invalid YAML there, as too deeply nested with PyYAML 6.0.3.
    Short enough to skip the event walk, so libyaml meets the nesting first."""
    refused = parse_note(PATH, f"---\na: {nesting}\n---\n".encode())
    assert isinstance(refused, NoteError)
    assert (refused.line, refused.message) == (
        2,
        TOO_BIG + " (over 20000 values or 32 levels, or a self-referencing YAML alias)",
    )


@pytest.mark.parametrize("kind", SHAPES)
def test_hostile_shapes_are_refused_in_a_child_process(kind: str) -> None:
    """500,000 nested brackets used to overflow libyaml's C stack: the process died (SIGSEGV).

    Run in a child process, so that a regression fails this test instead of killing pytest."""
    code = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from strategies import hostile_front_matter\n"
        "from vaultsync.reading.note import parse_note\n"
        f"print(parse_note('x.md', hostile_front_matter(1_000_000, {kind!r})).message)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(TOO_BIG)


@pytest.mark.parametrize("kind", SHAPES)
def test_hostile_shapes_are_refused_in_bounded_memory(kind: str) -> None:
    """A 4 MiB front-matter of 350,000 small values used to cost 276 MB (and 15 s) to refuse.

    (Before the fix the nested shapes killed the process; the test above proves they don't.)"""
    data = hostile_front_matter(MAX_NOTE_BYTES - 64, kind)
    assert len(data) <= MAX_NOTE_BYTES
    refused, peak = peak_memory(lambda: parse_note(PATH, data))
    assert isinstance(refused, NoteError) and refused.message.startswith(TOO_BIG)
    assert refused.line == 2
    assert peak < 8 * MAX_NOTE_BYTES  # was 20x (a string per line); now about 3x


def test_a_value_spanning_lines_does_not_hide_the_next_property_line() -> None:
    """Key lines were found by a pattern that ran across lines: here it took ``b]\\ninterviews``
    for one key, so the bad date had no line (and a long quoted text made the search quadratic:
    40 KB took 7.5 s)."""
    note = through_everything(b"---\ntags: [a,\nb]\ninterviews: next tuesday\n---\n")
    assert isinstance(note, Note)
    assert note.key_lines == {"tags": 2, "interviews": 4}
    _, problems = build_contact(note, DEFAULTS)
    assert [(p.line, p.message[:26]) for p in problems] == [(4, "interviews: 'next tuesday'")]


@pytest.mark.parametrize(
    ("written", "reported"),
    [
        ("9999-12-31", "9999-12-31 is outside the years 1900 to 2999: check the date"),
        ('"9999-12-31T23:59"', "9999-12-31T23:59:00 is outside the years 1900 to 2999: check the date"),
        (
            "0001-01-01 00:00:00+05:00",
            "0001-01-01T00:00:00+05:00 is outside the years 1900 to 2999: check the date",
        ),
        ("0206-11-20", "0206-11-20 is outside the years 1900 to 2999: check the date"),
    ],
)
def test_dates_at_the_ends_of_time_are_reported_not_overflowed(written: str, reported: str) -> None:
    """Adding the thank-you days to 9999-12-31 raised OverflowError: the whole audit died."""
    note = through_everything(f"---\ninterviews: [2026-11-01, {written}]\n---\n".encode())
    assert isinstance(note, Note)
    contact, problems = build_contact(note, DEFAULTS)
    assert [(p.line, p.message) for p in problems] == [(2, f"interviews: {reported}")]
    assert contact.interviews == (dt.date(2026, 11, 1),)


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_a_today_at_the_ends_of_time_is_a_usage_error(vault: Path, today: str) -> None:
    write_note(vault, "Jane.md", "---\ntype: contact\ninterviews: [2026-11-01]\n---\n")
    for command in ("audit", "build"):
        code, out, err = run_cli(command, vault, "--today", today)
        year = today[:4]
        assert (code, out) == (2, "")
        assert err.startswith(f"vaultsync: --today: {year}-") and "outside the years 1900 to 2999" in err


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "check_in_closes_days = 10000000",
            "check_in_closes_days: expected a whole number of days from 0 to 3650",
        ),
        ("thank_you_days = 3651", "thank_you_days: expected a whole number of days from 0 to 3650"),
        ("refresh_minutes = 10000000000000", "refresh_minutes: expected a whole number of minutes from 1 to"),
    ],
)
def test_settings_that_would_overflow_dates_are_usage_errors(vault: Path, setting: str, message: str) -> None:
    """A check-in window of ten million days used to end the build in an OverflowError traceback."""
    write_note(vault, "Jane.md", "---\ntype: contact\ninterviews: [2026-11-01]\n---\n")
    (vault / ".vaultsync.toml").write_text(setting + "\n", encoding="utf-8")
    code, out, err = run_cli("build", vault, "--today", "2026-11-20")
    assert (code, out) == (2, "")
    assert err.startswith(f"vaultsync: {vault / '.vaultsync.toml'}: {message}")


def test_many_job_asks_keep_their_lines() -> None:
    """Each ask's line was found by scanning every line before it: quadratic (8,000 asks took
    3.6 s, a 4 MiB note of them half an hour). Now a search; the lines must stay the same."""
    asks = 3000
    note = parse_note(
        PATH, ("---\ntype: contact\n---\n## Questions\n" + "- Is your team\n  hiring?\n" * asks).encode()
    )
    assert isinstance(note, Note)
    contact, _ = build_contact(note, DEFAULTS)
    found = job_asks(contact.sections.questions, DEFAULTS)
    assert found == [(5 + 2 * i, "Is your team hiring") for i in range(asks)]


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("---", "never closed"),
        ("---\n", "never closed"),
        ("---\n---", ({}, "", 3)),
        ("---\n---\n", ({}, "", 3)),
        ("---\n\n---\nbody", ({}, "body", 4)),
        ("--- \t\na: 1\n...\t\nbody\n---\nmore", ({"a": 1}, "body\n---\nmore", 4)),
        ("---\na: |\n  ---\n---\n", ({"a": "---"}, "", 5)),  # an indented --- is text
        ("\n---\na: 1\n---\n", ({}, "\n---\na: 1\n---\n", 1)),
        ("x\n---\na: 1\n---\n", ({}, "x\n---\na: 1\n---\n", 1)),
    ],
)
def test_the_front_matter_is_found_by_its_lines(text: str, outcome: object) -> None:
    """The closing line is searched for, not found by splitting the note into lines."""
    note = parse_note(PATH, text.encode())
    if isinstance(outcome, str):
        assert isinstance(note, NoteError) and outcome in note.message
    else:
        assert isinstance(note, Note) and (note.meta, note.body, note.body_line) == outcome


@given(bodies)
def test_sections_are_read_the_same_without_inline_parsing(body: str) -> None:
    """Inline parsing is off (it cost most of the time, quadratic on ``*a _b [c`` runs): the
    sections must come out exactly as with the full parser."""
    body = "## Questions\n" + body
    with_inline = MarkdownIt("commonmark")
    slow = NoteReader(fast_paths=False)
    assert slow.sections(body, 5) == sections.read_sections(body, 5, fast=False, parser=with_inline)
    assert (slow.stats.sections_scan, slow.stats.sections_parser) == (0, 1)  # markdown-it read it


def test_a_body_too_long_to_parse_is_reported_in_bounded_memory() -> None:
    """4 MiB of "## Advice / - a" lines took markdown-it 16 s and 1 GB: such a body's sections
    are not read, and the note says so; its properties are still used."""
    data = b"---\ntype: contact\nemail: a@b.org\n---\n" + b"## Advice\n- a\n" * ((MAX_NOTE_BYTES - 64) // 14)
    note = parse_note(PATH, data)
    assert isinstance(note, Note)
    (contact, problems), peak = peak_memory(lambda: build_contact(note, DEFAULTS))
    assert peak < MAX_NOTE_BYTES
    assert (contact.email, contact.advice) == ("a@b.org", ())
    assert problems == [NoteError(PATH, 5, sections.TOO_LONG.unread)]
    assert problems[0].message.startswith("the body has over 20,000 lines: its Questions, Advice")


def test_a_body_just_short_enough_is_parsed() -> None:
    body = "## Advice\n" + "- a\n" * (sections.MAX_BODY_LINES - 2) + "- last"
    assert body.count("\n") == sections.MAX_BODY_LINES - 1
    read = sections.read_sections(body, 5)
    assert (len(read.advice), read.advice[-1], read.unread) == (
        sections.MAX_BODY_LINES - 1,
        ("last", 5 + sections.MAX_BODY_LINES - 1),
        "",
    )
