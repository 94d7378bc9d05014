"""Files on disk: one file's identity (``file_state``), and the one atomic writer.

Outputs are written atomically, only when the bytes change, and only over our own.

A reader (a calendar client, the HTTP server) sees the old file or the new one, never a part;
an unchanged build touches nothing, so an idle vault means an idle disk. A file that is not the
output vaultsync writes there (a note a setting points at by mistake) is never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultsync.errors import OutputError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

#: How much of an existing file is read to tell whether vaultsync wrote it.
HEAD_BYTES = 4096
#: A file changed more recently than this is not trusted to be known by its state alone: two
#: writes within one timestamp tick can leave the same state ("racy", as git calls it).
RACY_NS = 2_000_000_000

#: One file as it is on disk: (st_dev, st_ino, st_size, st_mtime_ns, st_ctime_ns).
FileState = tuple[int, ...]


@dataclass(frozen=True)
class Ours:
    """What the output vaultsync writes at a path looks like, so that nothing else is replaced.

    ``foreign(head)`` is given the first lines of the file found there (whole lines, up to
    ``HEAD_BYTES``) and says what that file is when vaultsync did not write it, else None.
    ``thing`` names it in the message ("file", "note").
    """

    foreign: Callable[[bytes], str | None]
    thing: str = "file"


#: For files only vaultsync ever writes (in its own config folder): whatever is there is ours.
ANY = Ours(lambda head: None)


def write_if_changed(path: Path, data: bytes | Sequence[bytes], ours: Ours) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written.

    ``data`` may also be the pieces of the bytes, in order (a calendar's events): they are then
    compared and written a block at a time, never joined into one more copy of the whole file.
    A file at ``path`` that ``ours`` does not recognise is left as it is (OutputError).
    """
    pieces = [data] if isinstance(data, bytes) else data
    if _file_holds(path, pieces):
        _remove_abandoned(path)  # a writer killed while replacing it with other bytes
        return False
    _replace(path, pieces, ours)
    return True


class KeptFile:
    """One file that this process writes again and again (the watcher's calendar), and what it
    wrote there last. While the file's status is the one that write left, it holds those pieces:
    the same pieces (compared by identity first: a memo hands out the same bytes objects) need
    neither a read nor a write, and other pieces are written without reading the file first.
    When anyone else changed the file (a new status), it is compared as ``write_if_changed`` does.
    Abandoned temporary files are looked for at the first call for a path only, written or not
    (a listing of the folder each time would cost more than the write in a vault of notes in
    one folder).
    """

    def __init__(self) -> None:
        self._last: tuple[Path, FileState, Sequence[bytes]] | None = None
        self._cleaned: Path | None = None
        self.compared = 0  # how many times the file was read back to compare it with the pieces

    def write(self, path: Path, pieces: Sequence[bytes], ours: Ours) -> bool:
        """``write_if_changed(path, pieces, ours)``. ``pieces`` is kept as it is: never change it after."""
        last = self._last  # a write that fails leaves the file as it was: still known
        if last is not None and last[0] == path and _status(path) == last[1]:
            if pieces == last[2]:
                return False
        elif self._compare(path, pieces):
            status = _status(path)
            self._last = None if status is None else (path, status, pieces)
            if path != self._cleaned:
                _remove_abandoned(path)
                self._cleaned = path
            return False
        self._last = (path, _replace(path, pieces, ours, clean=path != self._cleaned), pieces)
        self._cleaned = path
        return True

    def _compare(self, path: Path, pieces: Sequence[bytes]) -> bool:
        self.compared += 1
        return _file_holds(path, pieces)


def _file_holds(path: Path, pieces: Sequence[bytes]) -> bool:
    try:
        return _holds(path, pieces)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from None


def _replace(path: Path, pieces: Sequence[bytes], ours: Ours, *, clean: bool = True) -> FileState:
    """Put a file that holds ``pieces`` in the place of ``path``, unless a file there is not
    ``ours``; the new file's status. ``clean``: first remove what killed writers left."""
    _refuse_foreign(path, ours)
    return write_atomically(path, pieces, clean=clean)


def write_atomically(
    path: Path,
    pieces: Sequence[bytes],
    *,
    durable: bool = True,
    mode: int | None = None,
    clean: bool = True,
    new: bool = False,
) -> FileState:
    """Put a file that holds ``pieces`` (joined) in the place of ``path``: a reader sees the old
    file or the new one, never a part; the new file's state. ``durable``: on disk before it
    replaces the old one (fsync). ``mode``: its permissions (default: the old file's, else the
    usual 0o666 less the umask). ``clean``: first remove what killed writers left. ``new``: only
    where no file is (a new note): FileExistsError when one is, even one made meanwhile.
    OutputError when it cannot be written (the previous file is then unchanged)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if clean:
            _remove_abandoned(path)
        fd, temp = _locked_temp(path)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for block in _blocks(pieces):
                handle.write(block)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            os.chmod(temp, _mode_for(path) if mode is None else mode)
            if new:
                _link_new(temp, path)
            else:
                os.replace(temp, path)
            return file_state(os.fstat(handle.fileno()))  # of this file, whoever writes next
    except FileExistsError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise OutputError(
            f"cannot write {path}: {err.strerror or err}; the previous file is unchanged"
        ) from None


def _link_new(temp: str, path: Path) -> None:
    """Give the whole file ``temp`` the name ``path`` unless a file has it: a hard link fails
    when the name is taken, where a rename would replace it. File systems without hard links
    (FAT, some network drives) get a rename after a check instead."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(temp, path)
    else:
        os.unlink(temp)


def _temp_name(path: Path) -> re.Pattern[str]:
    """The names of ``path``'s temporary files: ``.NAME.`` and mkstemp's eight characters (as
    every version of vaultsync named them), then ``.tmp``."""
    return re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")


def _locked_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, locked (flock) until it is closed: a writer killed
    with -9 leaves it unlocked, which tells ``_remove_abandoned`` that nobody is writing it."""
    while True:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        if fcntl is not None:
            with contextlib.suppress(OSError):  # a file system without locks: kept by all cleaners
                fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            return fd, temp
        os.close(fd)  # a cleaner removed it between its making and its locking: make another


def _remove_abandoned(path: Path) -> None:
    """Remove the temporary files of ``path`` that no writer holds locked (what a killed writer
    left), and only those: other names, links, folders and files that cannot be locked stay."""
    if fcntl is None:  # no flock (Windows): a writer's file could not be told from an abandoned one
        return
    pattern = _temp_name(path)
    try:
        with os.scandir(path.parent) as entries:
            names = [e.name for e in entries if pattern.fullmatch(e.name) and not e.is_symlink()]
    except OSError:  # a folder that can be written but not listed: the write goes on
        return
    for name in names:
        temp = path.parent / name
        with contextlib.suppress(OSError):
            fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises while a writer holds it
                held = os.fstat(fd)  # a regular file, still under that name (not renamed into place)
                if stat.S_ISREG(held.st_mode) and os.stat(temp).st_ino == held.st_ino:
                    os.unlink(temp)
            finally:
                os.close(fd)


def _refuse_foreign(path: Path, ours: Ours) -> None:
    """OutputError unless ``path`` is free, empty, or holds what ``ours`` recognises.

    An empty file has nothing to lose (a ``touch``, or what a crashed copy left), so it is
    replaced; a folder, a pipe or a device never is. O_NONBLOCK: opening a pipe must not wait.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise OutputError(f"{path} is a folder: not replaced; choose a file's path")
        if not stat.S_ISREG(mode):
            raise OutputError(f"{path} is not a regular file: not replaced; choose another path")
        head = os.read(fd, HEAD_BYTES + 1)
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from None
    finally:
        os.close(fd)
    if len(head) > HEAD_BYTES:  # whole lines, where it has any: never half a character
        head = head[: head.rfind(b"\n", 0, HEAD_BYTES) + 1 or HEAD_BYTES]
    what = ours.foreign(head) if head else None
    if what is not None:
        raise OutputError(
            f"{path} exists and was not written by vaultsync ({what}): not replaced; "
            f"choose another path or move that {ours.thing}"
        )


def _status(path: Path) -> FileState | None:
    try:
        return file_state(os.stat(path))
    except OSError:
        return None


def file_state(st: os.stat_result) -> FileState:
    """What changes when anyone writes, replaces or truncates a file (ctime: even a write that
    keeps the size and sets the old mtime back): while it is the same, so are the bytes."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def settled_state(st: os.stat_result, now_ns: int) -> FileState | None:
    """``file_state``, or None when the file changed less than RACY_NS before ``now_ns`` (or
    after): a second write within the same timestamp tick could then leave the same state."""
    if now_ns - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return None
    return file_state(st)


def _holds(path: Path, pieces: Sequence[bytes]) -> bool:
    """Whether the file at ``path`` is a regular file holding exactly ``pieces``, joined."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe must not wait for a writer
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode) or status.st_size != sum(map(len, pieces)):
        os.close(fd)
        return False
    with open(fd, "rb") as handle:
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
