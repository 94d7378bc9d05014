"""The incremental vault index: one Entry per note, re-read only when the file on disk changed.

``load_vault`` reads every note each time; a long-running driver (the watcher) keeps a
``VaultIndex`` instead and, after a burst of file events, ``refresh``-es just the paths that
moved. A note that turns unreadable keeps its last good contact, so a half-written save or a
typo never deletes somebody's deadlines; the problem is reported next to it until it is fixed.
"""

from __future__ import annotations

import os
import stat
import time
from bisect import bisect_left
from collections.abc import Iterable
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vaultsync.config import Settings, load_settings
from vaultsync.note import NoteError
from vaultsync.vault import Entry, Vault, is_ignored, load_entry, note_paths

if TYPE_CHECKING:
    from vaultsync.contact import Contact

#: A file modified this recently may change again within the file system's timestamp
#: granularity (2 s on FAT, a few ms elsewhere) without its signature changing: read it again
#: next time (git's "racily clean" rule).
RACY_NS = 2_000_000_000

_PATH = attrgetter("path")

KEPT = "until it is fixed, vaultsync uses the last version of this note it could read"


class Signature(NamedTuple):
    """What ``stat`` says about a note: when any of it changes, the note is read again."""

    size: int
    mtime_ns: int
    inode: int


def signature(path: Path) -> Signature | None:
    """The note's signature, or None when it is not a regular file (gone, a folder, a link)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return Signature(st.st_size, st.st_mtime_ns, st.st_ino)


class VaultIndex:
    """Every note of one vault as an Entry, kept in step with the disk by ``scan`` and ``refresh``."""

    def __init__(self, root: Path, settings: Settings | None = None) -> None:
        self.root = root
        self.settings = settings or load_settings(root)
        self._entries: dict[str, Entry] = {}
        self._signatures: dict[str, Signature | None] = {}  # None: read again next time
        self._folder_errors: tuple[NoteError, ...] = ()
        # The Vault of the entries, kept in step one changed entry at a time (at 10,000 contacts,
        # sorting every entry into a new Vault after each save costs milliseconds):
        self._contacts: list[Contact] = []  # sorted by path
        self._problems: dict[str, tuple[NoteError, ...]] = {}  # the entries that have errors
        self._errors: tuple[NoteError, ...] | None = None  # None: gather them again
        self._vault: Vault | None = None  # None: changed since the last vault()

    def __len__(self) -> int:
        return len(self._entries)

    def scan(self) -> list[str]:
        """Walk the whole vault; re-read new and changed notes, drop vanished ones.

        Returns the paths whose entry changed (added, removed or different), sorted.
        """
        folder_errors: list[NoteError] = []
        present = set(note_paths(self.root, self.settings, folder_errors))
        changed = self.refresh(present | self._entries.keys())
        if tuple(folder_errors) != self._folder_errors:
            self._folder_errors = tuple(folder_errors)
            self._errors = self._vault = None
            changed.append(".")
        return changed

    def refresh(self, paths: Iterable[str]) -> list[str]:
        """Bring the given notes ('/'-separated, relative to the root) in step with the disk.

        Each path is ``stat``-ed: gone or ignored paths leave the index, notes whose signature
        changed are read again, the rest are reused. Returns the paths whose entry changed.
        """
        changed = []
        for path in sorted(set(paths)):
            if self._update(path):
                changed.append(path)
        return changed

    def vault(self) -> Vault:
        """The index as a Vault, ready for ``sync.build_vault``: what ``Vault.from_entries`` makes
        of the entries (and the folders' errors), and the same object until an entry changes."""
        if self._vault is None:
            if self._errors is None:
                problems = [*self._problems.items(), *((err.path, (err,)) for err in self._folder_errors)]
                problems.sort(key=itemgetter(0))  # stable: a note's own errors stay in their order
                self._errors = tuple(chain.from_iterable(errors for _, errors in problems))
            notes = len(self._entries) + len(self._folder_errors)
            self._vault = Vault(self.root, self.settings, tuple(self._contacts), self._errors, notes)
        return self._vault

    def _update(self, path: str) -> bool:
        sig = None if is_ignored(path, self.settings) else signature(self.root / path)
        before = self._entries.get(path)
        if sig is None:
            self._signatures.pop(path, None)
            if before is None:
                return False
            del self._entries[path]
            self._place(path, before, None)
            return True
        if self._signatures.get(path) == sig:  # None (never read, or read racily) never equals
            return False
        entry = self._kept(load_entry(self.root, path, self.settings), sig)
        racy = time.time_ns() - sig.mtime_ns < RACY_NS
        self._signatures[path] = None if racy else sig
        if before == entry:
            return False
        self._entries[path] = entry
        self._place(path, before, entry)
        return True

    def _place(self, path: str, before: Entry | None, after: Entry | None) -> None:
        """Bring the parts of the next Vault in step with the entry of ``path`` (``after``, None
        when the note is gone), which was ``before``."""
        self._vault = None
        was = before.contact if before is not None else None
        now = after.contact if after is not None else None
        if was is not None or now is not None:
            at = bisect_left(self._contacts, path, key=_PATH)
            if was is None and now is not None:
                self._contacts.insert(at, now)
            elif now is None:
                del self._contacts[at]
            else:
                self._contacts[at] = now
        errors = after.errors if after is not None else ()
        if errors or (before is not None and before.errors):
            self._errors = None
            if errors:
                self._problems[path] = errors
            else:
                self._problems.pop(path, None)

    def _kept(self, entry: Entry, sig: Signature) -> Entry:
        """``entry``, or the last good contact with the new problems when the note became unreadable.

        Unreadable means: it could not be parsed at all, or it is empty (an editor that
        truncates before writing, seen between the two). A note that parses but is no longer
        a contact is taken as meant.
        """
        previous = self._entries.get(entry.path)
        if previous is None or previous.contact is None or entry.contact is not None:
            return entry
        if entry.errors:
            problems = entry.errors
        elif sig.size == 0:
            problems = (NoteError(entry.path, None, "the note is empty"),)
        else:
            return entry
        return Entry(entry.path, previous.contact, (*problems, NoteError(entry.path, None, KEPT)))
