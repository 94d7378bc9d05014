"""KeptFile: a file written again and again is read back only when someone else changed it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from sandbox import reachable_tmp, unprivileged

from vaultsync.errors import OutputError
from vaultsync.store.files import ANY, KeptFile, file_state, write_if_changed

PIECES = [b"BEGIN:VCALENDAR\r\n", b"one\r\n", b"two\r\n", b"END:VCALENDAR\r\n"]


def test_what_it_wrote_is_neither_read_nor_written_again(tmp_path: Path) -> None:
    path, kept = tmp_path / "out.ics", KeptFile()
    assert kept.write(path, PIECES, ANY) is True
    assert path.read_bytes() == b"".join(PIECES) and kept.compared == 1  # nothing known: compared
    status = os.stat(path)
    assert kept.write(path, PIECES, ANY) is False
    assert kept.write(path, list(PIECES), ANY) is False  # equal pieces in another list
    assert kept.compared == 1 and os.stat(path) == status


def test_other_pieces_are_written_without_reading_the_file(tmp_path: Path) -> None:
    path, kept = tmp_path / "out.ics", KeptFile()
    kept.write(path, PIECES, ANY)
    other = [*PIECES[:2], b"three\r\n", PIECES[3]]
    assert kept.write(path, other, ANY) is True
    assert path.read_bytes() == b"".join(other) and kept.compared == 1


@pytest.mark.parametrize(
    "change",
    [
        "rewritten in place, same size, old times set back",
        "replaced by another file",
        "deleted",
    ],
)
def test_a_file_someone_else_changed_is_compared_again(tmp_path: Path, change: str) -> None:
    path, kept = tmp_path / "out.ics", KeptFile()
    kept.write(path, PIECES, ANY)
    before = os.stat(path)
    if change.startswith("rewritten"):
        with open(path, "r+b") as handle:
            handle.write(b"BEGIN:VCALENDAR\r\nONE\r\n")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif change.startswith("replaced"):
        (tmp_path / "other").write_bytes(b"".join(PIECES))
        os.replace(tmp_path / "other", path)
    else:
        path.unlink()
    written = kept.write(path, PIECES, ANY)
    assert path.read_bytes() == b"".join(PIECES)
    assert written is (change != "replaced by another file")  # that one already held these bytes
    assert kept.compared == 2
    assert kept.write(path, PIECES, ANY) is False and kept.compared == 2  # known again


def test_a_write_that_failed_is_not_taken_as_written() -> None:
    with reachable_tmp() as folder:  # root writes anywhere: the write runs as nobody
        path, kept = folder / "out.ics", KeptFile()
        kept.write(path, PIECES, ANY)
        other = [b"other\r\n"]
        folder.chmod(0o555)
        with unprivileged(), pytest.raises(OutputError, match="Permission denied"):
            kept.write(path, other, ANY)
        assert path.read_bytes() == b"".join(PIECES)
        folder.chmod(0o755)
        assert kept.write(path, other, ANY) is True
        assert path.read_bytes() == b"other\r\n"


def test_a_write_with_nothing_to_write_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    """A writer killed with -9 while replacing the calendar with other bytes leaves the old
    calendar and its temporary file; the next build may then have the old calendar's bytes to
    write (the same day again): nothing is written, and the temporary file goes all the same."""
    path = tmp_path / "out.ics"
    assert write_if_changed(path, PIECES, ANY) is True
    before = os.stat(path)
    abandoned = tmp_path / ".out.ics.abcd_123.tmp"
    abandoned.write_bytes(PIECES[0])
    assert write_if_changed(path, PIECES, ANY) is False
    assert sorted(os.listdir(tmp_path)) == [path.name]
    abandoned.write_bytes(PIECES[0])
    assert KeptFile().write(path, PIECES, ANY) is False  # the watcher: at its first call
    assert sorted(os.listdir(tmp_path)) == [path.name]
    assert file_state(os.stat(path)) == file_state(before)  # the calendar itself untouched


def test_the_first_write_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    """The watcher's calendar: a temporary file no process holds locked (a writer killed with -9
    left it) goes at the first write; one a live writer holds stays."""
    path, kept = tmp_path / "out.ics", KeptFile()
    abandoned = tmp_path / ".out.ics.abcd_123.tmp"
    abandoned.write_bytes(PIECES[0])
    held = tmp_path / ".out.ics.wxyz_789.tmp"
    held.write_bytes(PIECES[0])
    with open(held, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # as the writer holds its own, from another process
        assert kept.write(path, PIECES, ANY) is True
        assert sorted(os.listdir(tmp_path)) == [held.name, path.name]
