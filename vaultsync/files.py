"""Writing output files: atomically, and only when the bytes change.

A reader (a calendar client, the HTTP server) sees the old file or the new one, never a part;
an unchanged build touches nothing, so an idle vault means an idle disk.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from vaultsync.errors import OutputError


def write_if_changed(path: Path, data: bytes | Sequence[bytes]) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written.

    ``data`` may also be the pieces of the bytes, in order (a calendar's events): they are then
    compared and written a block at a time, never joined into one more copy of the whole file.
    """
    pieces = [data] if isinstance(data, bytes) else data
    if _file_holds(path, pieces):
        return False
    _replace(path, pieces)
    return True


class KeptFile:
    """One file that this process writes again and again (the watcher's calendar), and what it
    wrote there last. While the file's status is the one that write left, it holds those pieces:
    the same pieces (compared by identity first: a memo hands out the same bytes objects) need
    neither a read nor a write, and other pieces are written without reading the file first.
    When anyone else changed the file (a new status), it is compared as ``write_if_changed`` does.
    """

    def __init__(self) -> None:
        self._last: tuple[Path, tuple[int, ...], Sequence[bytes]] | None = None

    def write(self, path: Path, pieces: Sequence[bytes]) -> bool:
        """``write_if_changed(path, pieces)``. ``pieces`` is kept as it is: never change it after."""
        last = self._last  # a write that fails leaves the file as it was: still known
        if last is not None and last[0] == path and _status(path) == last[1]:
            if pieces == last[2]:
                return False
        elif _file_holds(path, pieces):
            status = _status(path)
            self._last = None if status is None else (path, status, pieces)
            return False
        self._last = (path, _replace(path, pieces), pieces)
        return True


def _file_holds(path: Path, pieces: Sequence[bytes]) -> bool:
    try:
        return _holds(path, pieces)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from None


def _replace(path: Path, pieces: Sequence[bytes]) -> tuple[int, ...]:
    """Put a file that holds ``pieces`` in the place of ``path``; the new file's status."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for block in _blocks(pieces):
                handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(temp, _mode_for(path))
            os.replace(temp, path)
            return file_state(os.fstat(handle.fileno()))  # of this file, whoever writes next
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise OutputError(
            f"cannot write {path}: {err.strerror or err}; the previous file is unchanged"
        ) from None


def _status(path: Path) -> tuple[int, ...] | None:
    try:
        return file_state(os.stat(path))
    except OSError:
        return None


def file_state(st: os.stat_result) -> tuple[int, ...]:
    """What changes when anyone writes, replaces or truncates a file (ctime: even a write that
    keeps the size and sets the old mtime back): while it is the same, so are the bytes."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _holds(path: Path, pieces: Sequence[bytes]) -> bool:
    """Whether the file at ``path`` holds exactly ``pieces``, joined."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size != sum(map(len, pieces)):
            return False
        return all(handle.read(len(block)) == block for block in _blocks(pieces))


def _blocks(pieces: Sequence[bytes], count: int = 128) -> Iterator[bytes]:
    """``pieces`` joined ``count`` at a time: blocks small enough for the allocator to reuse their
    memory, where each new buffer of megabytes would cost a page fault per 4 KiB."""
    return (b"".join(pieces[at : at + count]) for at in range(0, len(pieces), count))


def _mode_for(path: Path) -> int:
    """Keep the old file's permissions; a new one gets the usual 0o666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
