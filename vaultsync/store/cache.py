"""The entry cache: what each note contributed the last time it was read, kept between runs.

One file per vault under ``$XDG_CACHE_HOME/vaultsync/`` (default ``~/.cache/vaultsync/``). An
entry is served only when the note's signature is unchanged: device, inode, size, mtime and
ctime, all to the nanosecond. The kernel sets ctime on every write, rename, chmod and utime, and
no tool can set it back (``touch -d``, ``rsync -t`` and ``git checkout`` set mtime only), so an
edit that keeps the size and restores the mtime is still seen. Two writes within one timestamp
tick could share a signature, so a note changed in the last two seconds is never cached
("racy", as git calls it); it is simply read again next time. Hashing contents would need
every note read, which is what the cache exists to avoid.

The file holds a header (format, the code and settings that built the entries, the vault) and
segments, each a pickled ``{path: (signature, Entry)}`` with its CRC32. A segment whose entries
are all still current is written back verbatim; the others are rebuilt from their live entries.
Anything unexpected when reading (truncated, corrupt, another version, another vault, other
settings) gives an empty cache and the notes are read again: the cache is never an error. It
is written to a temporary file and renamed over the old one, so two processes at once each
leave a whole file (the last one wins) and a reader never sees half of one.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultsync import __version__
from vaultsync.errors import OutputError
from vaultsync.store.files import FileState, settled_state, write_atomically

if TYPE_CHECKING:
    from vaultsync.config import Settings
    from vaultsync.model.vault import Entry
    from vaultsync.reading.listing import Scan

#: 2: section lines are plain tuples; 3: contacts keep warnings, values as written; 4: findings, and the
#: values derived from entries (DerivedCache), which use the same fingerprint; 6: contacts keep
#: interview ends, derived values and reports say until when they hold; 7: derived events keep what
#: a crowded day's digest reads of them; 8: derived values in segments, pickled where they are made
FORMAT = 8
MAGIC = "vaultsync entry cache"
#: Entries per segment: small enough that one edit rewrites little, large enough to pickle well.
SEGMENT_SIZE = 250

#: A note's file identity (``files.file_state``); None for a note too recently changed.
Signature = FileState
Record = tuple[Signature | None, "Entry"]

#: The classes an entry is made of: nothing else may be unpickled from a cache file.
_ALLOWED = {
    ("vaultsync.model.vault", "Entry"),
    ("vaultsync.model.contact", "Contact"),
    ("vaultsync.model.contact", "PersonRef"),
    ("vaultsync.model.interaction_note", "Interaction"),
    ("vaultsync.reading.sections", "Sections"),
    ("vaultsync.reading.note", "NoteError"),
    ("vaultsync.model.finding", "Finding"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
}
#: Libraries whose upgrade could change what a note reads as, or a report.
_LIBRARIES = ("yaml", "frontmatter", "markdown_it", "icalendar")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/vaultsync``, or ``~/.cache/vaultsync`` when that is unset or relative."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vaultsync"


def signature(note: os.DirEntry[str] | str, now_ns: int) -> Signature | None:
    """The signature of a note (its directory entry, or its path), or None when it changed less
    than ``files.RACY_NS`` before ``now_ns`` (or after), or vanished."""
    try:
        stat = os.lstat(note) if isinstance(note, str) else note.stat(follow_symlinks=False)
    except OSError:
        return None
    return signature_of(stat, now_ns)


def signature_of(stat: os.stat_result | None, now_ns: int) -> Signature | None:
    """``signature`` from a note's status (None: it could not be had)."""
    return None if stat is None else settled_state(stat, now_ns)


class _EntryUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of an entry")
        return super().find_class(module, name)


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError("the cache header holds plain values only")


def dump_records(records: dict[str, Record]) -> bytes:
    return pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)


def load_records(blob: bytes) -> dict[str, Record]:
    records = _EntryUnpickler(io.BytesIO(blob)).load()
    if not isinstance(records, dict):
        raise pickle.UnpicklingError("a segment is not a mapping")
    return records


def fingerprint(settings: Settings) -> str:
    """What built the entries and reports besides the notes: vaultsync's code (each module's size
    and mtime, so an edit in a checkout counts too), the libraries' installed files, Python, and
    the settings. Compared whole, never hashed: nothing to collide."""
    from importlib.util import find_spec

    parts: list[object] = [FORMAT, __version__, sys.version, repr(settings)]
    package = Path(__file__).parent.parent
    for source in sorted(package.rglob("*.py")):
        stat = source.stat()
        parts.append((source.relative_to(package).as_posix(), stat.st_size, stat.st_mtime_ns))
    for name in _LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec else None
        installed = os.stat(origin) if origin and os.path.exists(origin) else None
        parts.append((name, origin, installed and (installed.st_size, installed.st_mtime_ns)))
    return repr(parts)


class EntryCache:
    """The cached entries of one vault: look them up, add new ones, save when anything changed."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = str(root.resolve())
        self.fingerprint = fingerprint(settings)
        self.path = _cache_file(self.root, "entries")
        self._segments: list[tuple[int, bytes]] = []  # (crc32, pickled records) as read
        self._sizes: list[int] = []  # entries in each segment
        self._hits: list[int] = []  # entries of each segment served by get()
        self._served: set[str] = set()
        self._index: dict[
            str, tuple[Signature | None, int, Entry]
        ] = {}  # path -> (signature, segment, entry)
        self._new: dict[str, Record] = {}
        self._kept: list[tuple[int, bytes]] = []  # new segments pickled by a loader, with their size

    @classmethod
    def open(cls, root: Path, settings: Settings) -> EntryCache:
        cache = cls(root, settings)
        cache._read()
        return cache

    def _read(self) -> None:
        try:
            data = self.path.read_bytes()
        except OSError:
            return
        try:
            magic, form, fingerprint, root, segments = _PlainUnpickler(io.BytesIO(data)).load()
            if (magic, form, fingerprint, root) != (MAGIC, FORMAT, self.fingerprint, self.root):
                return
            index: dict[str, tuple[Signature | None, int, Entry]] = {}
            sizes = []
            for number, (crc, blob) in enumerate(segments):
                if zlib.crc32(blob) != crc:
                    raise ValueError("a segment is corrupt")
                records = load_records(blob)
                for path, (sig, entry) in records.items():
                    index[path] = (sig, number, entry)
                sizes.append(len(records))
        except Exception:  # whatever is wrong with the file, start again from the notes
            return
        self._segments, self._sizes, self._hits, self._index = segments, sizes, [0] * len(sizes), index

    @property
    def empty(self) -> bool:
        """Nothing cached (a first run, or a cache from another version)."""
        return not self._index

    def get(self, path: str, sig: Signature | None) -> Entry | None:
        """The entry of ``path`` if it was cached with this very signature."""
        found = self._index.get(path)
        if found is None or sig is None or found[0] != sig:
            return None
        if path not in self._served:
            self._served.add(path)
            self._hits[found[1]] += 1
        return found[2]

    def add(self, records: dict[str, Record], blob: bytes | None = None) -> None:
        """Entries just read; ``blob`` is ``dump_records(records)`` when a loader already made it."""
        if blob is not None and all(sig is not None for sig, _ in records.values()):
            self._kept.append((len(records), blob))
        else:
            self._new.update(records)

    @property
    def changed(self) -> bool:
        return bool(self._new or self._kept) or self._hits != self._sizes

    def save(self) -> bool:
        """Write the cache if anything changed; False when it could not be written (never raised)."""
        if not self.changed:
            return True
        segments = [
            segment
            for segment, size, hits in zip(self._segments, self._sizes, self._hits, strict=True)
            if hits == size
        ]
        live: dict[str, Record] = {}  # what is still current in the segments rewritten
        for path in self._served:
            sig, number, entry = self._index[path]
            if self._hits[number] != self._sizes[number]:
                live[path] = (sig, entry)
        live.update((path, record) for path, record in self._new.items() if record[0] is not None)
        blobs = [blob for _, blob in self._kept] + list(_segment_blobs(live))
        segments += [(zlib.crc32(blob), blob) for blob in blobs]
        header = (MAGIC, FORMAT, self.fingerprint, self.root, segments)
        return _write_atomically(self.path, pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL))


class DerivedCache:
    """What a driver derived from each note's entry (a contact's calendar events, its findings),
    kept beside the entry cache and under the same fingerprint: a value is given back only with
    the signature of the note it was made from. Plain values only (bytes, text, numbers, dates,
    tuples, findings); what they depend on besides the note (the day, the links) is the
    caller's to keep in them and compare. Read only when asked for: an audit never reads it.

    The file holds segments, each a pickled ``{path: (signature, value)}`` with its CRC32; a
    path in more than one has the value of the last. Segments pickled where the values were
    made (``add``) are written as they are, and so is a segment read whose values mostly still
    hold; the values ``put`` since, and those of the other segments, are pickled anew."""

    def __init__(self, root: str, fingerprint: str) -> None:
        self.root, self.fingerprint = root, fingerprint
        self.path = _cache_file(root, "derived")
        self._values: dict[str, tuple[Signature, Any]] = {}
        self._segments: list[tuple[int, bytes, int]] = []  # (crc32, pickled records, how many)
        self._from: dict[str, int] = {}  # the segment each value is from; not there: put since
        self._changed = False
        try:
            data = self.path.read_bytes()
            magic, form, made_by, where, segments = _PlainUnpickler(io.BytesIO(data)).load()
            if (magic, form, made_by, where) == (MAGIC, FORMAT, fingerprint, root):
                for crc, blob in segments:
                    if zlib.crc32(blob) != crc:
                        raise ValueError("a segment is corrupt")
                    self._take(_EntryUnpickler(io.BytesIO(blob)).load(), crc, blob)
        except Exception:  # whatever is wrong with the file, derive everything again
            self._values, self._segments, self._from = {}, [], {}

    def _take(self, records: Any, crc: int, blob: bytes) -> None:
        if not isinstance(records, dict):
            raise pickle.UnpicklingError("a segment is not a mapping")
        number = len(self._segments)
        self._segments.append((crc, blob, len(records)))
        self._values.update(records)
        self._from.update(dict.fromkeys(records, number))

    def get(self, path: str, sig: Signature | None) -> Any:
        """What was derived from ``path`` as it is now (``sig``), or None."""
        found = self._values.get(path)
        return found[1] if found is not None and sig is not None and found[0] == sig else None

    def put(self, path: str, sig: Signature | None, value: Any) -> None:
        """Keep ``value``, derived from ``path`` at ``sig`` (not kept when None: too recent)."""
        found = self._values.get(path)
        if sig is not None and (found is None or found[0] != sig or found[1] is not value):
            self._values[path] = (sig, value)
            self._from.pop(path, None)
            self._changed = True

    def add(self, records: dict[str, tuple[Signature | None, Any]], blob: bytes) -> None:
        """Keep ``records``, pickled as ``blob`` where they were made (``dump_records``' form); a
        record without a signature (too recent) is never given back."""
        self._take(records, zlib.crc32(blob), blob)
        self._changed = True

    def save(self, paths: Iterable[str]) -> bool:
        """Write what was derived from ``paths`` (the vault's notes now), if anything changed."""
        live = set(paths)
        holding = Counter(number for path, number in self._from.items() if path in live)
        verbatim = {
            number for number, (_, _, size) in enumerate(self._segments) if 2 * holding[number] >= size
        }
        if not self._changed and len(verbatim) == len(self._segments):
            return True
        loose = {
            path: self._values[path]
            for path in sorted(live & self._values.keys())
            if self._from.get(path) not in verbatim
        }
        segments = [(crc, blob) for number, (crc, blob, _) in enumerate(self._segments) if number in verbatim]
        segments += [(zlib.crc32(blob), blob) for blob in _segment_blobs(loose)]
        data = (MAGIC, FORMAT, self.fingerprint, self.root, segments)
        return _write_atomically(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


class ReportCache:
    """The last report of a vault in one format, and exactly what it was made from: served again
    only when all of that is equal (the notes' listing and signatures, the code, the settings,
    the day, the vault's label). A report is plain values: text, or a tuple of texts (what a
    build printed, kept as the format "build")."""

    def __init__(self, scan: Scan, fmt: str, *made_of: object) -> None:
        self.root = str(scan.root.resolve())
        self.path = _cache_file(self.root, f"{fmt}-report")
        self.usable = scan.signatures is not None and None not in scan.signatures
        self.key = (
            pickle.dumps(
                (
                    fingerprint(scan.settings),
                    scan.paths,
                    scan.signatures,
                    [e.as_dict() for e in scan.errors],
                    made_of,
                ),
                protocol=pickle.HIGHEST_PROTOCOL,
            )
            if self.usable
            else b""
        )

    @staticmethod
    def stored(root: Path, fmt: str) -> bool:
        """Whether a report of the vault at ``root`` in ``fmt`` is stored (made from what, unknown)."""
        return os.path.exists(_cache_file(str(root.resolve()), f"{fmt}-report"))  # False when unreadable

    def get(self) -> tuple[Any, dict[str, int]] | None:
        """The stored report and its exit codes, when made from the same; else None."""
        if not self.usable:
            return None
        try:
            data = self.path.read_bytes()
            magic, form, root, key, report, codes = _PlainUnpickler(io.BytesIO(data)).load()
        except Exception:  # missing, corrupt, another version: as if empty
            return None
        if (magic, form, root, key) != (MAGIC, FORMAT, self.root, self.key):
            return None
        return report, codes

    def put(self, report: Any, codes: dict[str, int]) -> None:
        """Keep ``report`` and its exit codes (by way of failing) for next time, unless a note
        changed too recently; never raises."""
        if self.usable:
            data = (MAGIC, FORMAT, self.root, self.key, report, codes)
            _write_atomically(self.path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def _cache_file(root: str, kind: str) -> Path:
    """The cache file of the vault at ``root`` (which the file records, so a clash of names only
    costs a miss)."""
    return cache_dir() / f"{zlib.crc32(os.fsencode(root)):08x}.{kind}"


def _segment_blobs(records: dict[str, Any]) -> Iterable[bytes]:
    items = sorted(records.items())
    for start in range(0, len(items), SEGMENT_SIZE):
        yield pickle.dumps(dict(items[start : start + SEGMENT_SIZE]), protocol=pickle.HIGHEST_PROTOCOL)


def _write_atomically(path: Path, data: bytes) -> bool:
    """``files.write_atomically`` without waiting for the disk (a cache lost in a crash only costs
    a miss); False when it could not be written."""
    try:
        write_atomically(path, [data], durable=False, mode=0o600)
    except OutputError:
        return False
    return True
