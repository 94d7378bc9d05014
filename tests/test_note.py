"""Reading one note: every malformed shape becomes a NoteError with a path, a line and a reason."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest
from conftest import calls

from vaultsync.reading.front_matter import InvalidDate
from vaultsync.reading.note import MAX_NOTE_BYTES, Note, NoteError, parse_note


def parse(text: str | bytes) -> Note | NoteError:
    return parse_note("n.md", text.encode() if isinstance(text, str) else text)


def test_plain_note_and_body_line():
    note = parse("---\nname: Jane\ninterviews: [2026-11-20]\n---\nBody\n")
    assert isinstance(note, Note)
    assert note.meta == {"name": "Jane", "interviews": [dt.date(2026, 11, 20)]}
    assert (note.body, note.body_line) == ("Body\n", 5)
    assert note.key_lines == {"name": 2, "interviews": 3}


def test_no_front_matter_is_a_body():
    note = parse("# Title\n\n---\nnot: front-matter\n---\n")
    assert isinstance(note, Note) and note.meta == {} and note.body_line == 1


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf---\nname: Jane\n---\nBody\n",  # BOM
        b"---\r\nname: Jane\r\n---\r\nBody\r\n",  # CRLF
        b"---\rname: Jane\r---\rBody\r",  # lone CR (old Mac)
        b"\xef\xbb\xbf---\r\nname: Jane\r\n...\r\nBody\r\n",  # BOM, CRLF, YAML's ... end marker
    ],
)
def test_bom_and_line_endings(data):
    note = parse(data)
    assert isinstance(note, Note), note
    assert (note.meta, note.body, note.body_line) == ({"name": "Jane"}, "Body\n", 4)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "---\nname: Jane\ncreated: {{date}}\n---\n",
            3,
            "invalid YAML in the front-matter: while constructing a mapping; found unhashable key"
            " (a template placeholder like {{date}} must be filled in or quoted)",
        ),
        (
            '---\nname: "Jane\nrole: x\n---\n',
            2,
            "invalid YAML in the front-matter: while scanning a quoted scalar; found unexpected end of stream",
        ),
        ("---\n- a\n- b\n---\n", 2, "the front-matter is a list, not properties (key: value lines)"),
        ("---\njust text\n---\n", 2, "the front-matter is a single value, not properties (key: value lines)"),
        ("---\nname: Jane\n", 1, "the front-matter opened on line 1 is never closed with ---"),
        (
            "---\na: &a [*a]\n---\n",
            2,
            "the front-matter is too large or too deeply nested (over 20000 values or 32 levels,"
            " or a self-referencing YAML alias)",
        ),
    ],
)
def test_unreadable_notes(text, line, message):
    assert parse(text) == NoteError("n.md", line, message)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_latin1_is_reported_with_its_line(bom: bytes):
    """With or without a byte-order mark before it: the same line, the same byte."""
    assert parse(bom + b"---\nname: Jos\xe9\n---\n") == NoteError(
        "n.md", 2, "not UTF-8 (byte 0xE9): re-save the note as UTF-8"
    )
    assert parse(bom + b"---\na: 1\n---\nok\n\xff\n") == NoteError(
        "n.md", 5, "not UTF-8 (byte 0xFF): re-save the note as UTF-8"
    )


def test_billion_laughs_is_refused_quickly():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    result = parse("---\n" + "\n".join(levels) + "\n---\n")
    assert isinstance(result, NoteError) and "too large" in result.message


def test_huge_and_binary_files_are_refused():
    assert parse(b"x" * (MAX_NOTE_BYTES + 1)) == NoteError("n.md", None, "larger than 4 MiB: not read")
    assert parse(b"---\nname: a\0b\n---\n") == NoteError("n.md", None, "contains NUL bytes: not a text note")


def test_impossible_date_is_kept_as_text_for_the_property_to_report():
    note = parse("---\ninterviews: [2026-02-30, 2026-03-01]\n---\n")
    assert isinstance(note, Note)
    bad, good = note.meta["interviews"]
    assert isinstance(bad, InvalidDate) and bad == "2026-02-30"
    assert good == dt.date(2026, 3, 1)


def test_keys_python_frontmatter_refuses_are_read():
    note = parse("---\ncontent: x\nhandler: y\n1: one\n---\n")
    assert isinstance(note, Note) and note.meta == {"content": "x", "handler": "y", "1": "one"}


def test_the_reference_loader_is_python_frontmatters_handler_with_libyaml(monkeypatch: pytest.MonkeyPatch):
    """The fast paths are checked against ``NoteReader(fast_paths=False)``: python-frontmatter's
    YAML handler, given our libyaml loader (a key written twice noted, an impossible date kept
    as text), on the block the note's own split found: its traps (``content``, a BOM, blank
    lines before ``---``) never reach it."""
    from frontmatter.default_handlers import YAMLHandler

    from vaultsync.reading.front_matter import HAVE_LIBYAML, Duplicate
    from vaultsync.reading.note import NoteReader

    handed = calls(monkeypatch, YAMLHandler, "load", argument=1)
    data = "\ufeff---\r\ncontent: x\r\nname: Ana\r\nname: Ana B\r\nwhen: 2026-02-30\r\n---\r\nBody\r\n"
    note = NoteReader(fast_paths=False).parse("x.md", data.encode())
    assert handed == ["content: x\nname: Ana\nname: Ana B\nwhen: 2026-02-30"]
    assert isinstance(note, Note) and note.meta == {"content": "x", "name": "Ana B", "when": "2026-02-30"}
    assert isinstance(note.meta["when"], InvalidDate) and note.body == "Body\n"
    assert note.duplicates == (Duplicate("name", (3, 4), 4, True),)
    assert HAVE_LIBYAML  # the venv's PyYAML has libyaml; doctor says so when it has not
    blank_first = NoteReader(fast_paths=False).parse("x.md", b"\n---\na: 1\n---\n")
    assert blank_first == Note("x.md", {}, "\n---\na: 1\n---\n", 1)  # no properties, as in Obsidian


def test_yaml_typing_traps_survive_as_values():
    note = parse("---\ntime: 10:30\nfollow_up: no\nwhen: 2026-11-20T10:30\n---\n")
    assert isinstance(note, Note)
    assert note.meta == {"time": 630, "follow_up": False, "when": "2026-11-20T10:30"}


def test_reading_takes_what_a_file_object_would():
    """Short reads (a pipe hands over what was written so far) are read on to the limit or the end."""
    from vaultsync.reading.note import read_up_to

    for limit, expected in ((3, b"abc"), (10, b"abcdef"), (0, b"")):
        read, write = os.pipe()

        def slowly(write: int = write) -> None:
            for part in (b"ab", b"cd", b"ef"):
                os.write(write, part)
                time.sleep(0.02)  # the reader has taken what there was: its next read waits
            os.close(write)

        writer = threading.Thread(target=slowly)
        writer.start()
        try:
            assert read_up_to(read, limit) == expected
        finally:
            writer.join()
            os.close(read)
