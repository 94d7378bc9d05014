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
    try:
        if _holds(path, pieces):
            return False
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from None
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
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise OutputError(
            f"cannot write {path}: {err.strerror or err}; the previous file is unchanged"
        ) from None
    return True


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
