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
from codecs import BOM_UTF8
from collections.abc import Callable, Iterable, KeysView
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultsync.config import Settings, load_settings
from vaultsync.model.interaction_note import Interaction
from vaultsync.model.interactions import Join
from vaultsync.model.vault import Entry, Vault
from vaultsync.reading.listing import Listed, Scan, folder_status, is_ignored, link_problem, note_paths
from vaultsync.reading.note import NoteError
from vaultsync.store.cache import signature_of
from vaultsync.store.entries import load_entry
from vaultsync.store.files import file_state, settled_state
from vaultsync.store.loader import load_entries

if TYPE_CHECKING:
    from vaultsync.model.contact import Contact


_PATH = attrgetter("path")

KEPT = "until it is fixed, vaultsync uses the last version of this note it could read"


#: Every way a note's first bytes can open a front-matter (``---`` on its own line, a BOM before
#: it). A note whose whole content is a proper prefix of one of these is a save in progress.
_OPENINGS = (b"---\n", b"---\r\n", BOM_UTF8 + b"---\n", BOM_UTF8 + b"---\r\n")
_OPENING_SIZE = max(map(len, _OPENINGS))


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _opening_problem(path: Path) -> str | None:
    """Why the note at ``path`` is not yet readable, when all it holds is the start of a
    front-matter's first line (the empty note included): an editor that truncates the file,
    then writes it, shows these states in between."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        try:
            data = os.read(fd, _OPENING_SIZE)
        finally:
            os.close(fd)
    except OSError:
        return None  # load_entry says why
    if not any(opening.startswith(data) and opening != data for opening in _OPENINGS):
        return None
    if not data:
        return "the note is empty"
    return "the note holds only the start of its front-matter's opening ---"


class VaultIndex:
    """Every note of one vault as an Entry, kept in step with the disk by ``scan`` and ``refresh``."""

    def __init__(self, root: Path, settings: Settings | None = None) -> None:
        self.root = root
        self.settings = settings or load_settings(root)
        self._entries: dict[str, Entry] = {}
        #: Each note's ``files.file_state`` as it was read; None: read it again next time.
        self._states: dict[str, tuple[int, ...] | None] = {}
        self._folder_errors: tuple[NoteError, ...] = ()
        #: The last good contacts and interaction notes of an index this one replaces
        #: (``with_settings``), until a scan.
        self._last_good: dict[str, Entry] = {}
        # The Vault of the entries, kept in step one changed entry at a time (at 10,000 contacts,
        # sorting every entry into a new Vault after each save costs milliseconds):
        self._contacts: list[Contact] = []  # sorted by path, with their interactions' dates
        self._problems: dict[str, tuple[NoteError, ...]] = {}  # the entries that have errors
        self._errors: tuple[NoteError, ...] | None = None  # None: gather them again
        self._vault: Vault | None = None  # None: changed since the last vault()
        self._interactions: list[Interaction] = []  # sorted by path
        self._dated: tuple[Interaction, ...] | None = ()  # the same as a tuple; None: changed since
        #: The contacts with the dates of the interaction notes that link them, kept in step.
        self._join = Join()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, path: object) -> bool:
        return path in self._entries

    def paths(self) -> KeysView[str]:
        """The notes of the index (a live view)."""
        return self._entries.keys()

    def with_settings(self, settings: Settings) -> VaultIndex:
        """A new index of this vault under ``settings``: every note is read again at its first
        ``scan``, and a note that cannot be read then keeps its last good contact, as across a save
        (the rules judge it under the new settings)."""
        index = VaultIndex(self.root, settings)
        index._last_good = {path: e for path, e in self._entries.items() if _read_well(e)}
        return index

    def load(self, watch: Callable[[], None] | None = None) -> None:
        """Read every note of a new index at once, through the entry cache and on two cores (as
        ``audit`` reads them: ``store.loader``), each with its state as it was before it was read.
        The next ``scan`` then only compares states; a note that changed meanwhile, or just
        before (racily), is read again there. Call it before any other thread starts: reading
        on two cores forks.

        ``watch``: called after the vault is listed and before any note is read (once the
        reading worker is forked), to start what reports every change from then on (a
        watcher's observer). The index is then in step with the disk as of that call, and no
        ``scan`` is needed: each folder is looked at again, and only when one gained or lost
        an entry since it was listed (or changed just before) is the vault scanned here."""
        if self._entries or self._last_good:
            return
        listed: Listed = []
        listing_from = time.time_ns()
        paths, links, folder_errors = self._listing(listed if watch is not None else None)
        scan = Scan(self.root, self.settings, tuple(paths), ())
        entries, _, read = load_entries(scan, cache=True, before_reading=watch)
        by_path = {entry.path: entry for entry in entries}
        for path, state in zip(scan.paths, read.signatures or [None] * len(scan.paths), strict=True):
            self._states[path] = state
            self._set(path, None, by_path[path])
        for path in sorted(links):
            self._update(path)
        self._folder_errors = tuple(folder_errors)
        if _changed_since(listed, listing_from):
            self.scan()

    def scan(self) -> list[str]:
        """Walk the whole vault; re-read new and changed notes, drop vanished ones.

        Returns the paths whose entry changed (added, removed or different), sorted.
        """
        present, links, folder_errors = self._listing()
        changed = self.refresh(set(present) | links | self._entries.keys())
        self._last_good = {}
        if tuple(folder_errors) != self._folder_errors:
            self._folder_errors = tuple(folder_errors)
            self._errors = self._vault = None
            changed.append(".")
        return changed

    def _listing(self, listed: Listed | None = None) -> tuple[list[str], set[str], list[NoteError]]:
        """The vault's notes as listed, its symbolic links that are reported as their own entry
        (as ``refresh`` finds them) and the folders' other problems."""
        folder_errors: list[NoteError] = []
        present = list(note_paths(self.root, self.settings, folder_errors, listed))
        links = {
            err.path
            for err in folder_errors
            if not is_ignored(err.path, self.settings) and os.path.islink(self.root / err.path)
        }
        return present, links, [err for err in folder_errors if err.path not in links]

    def refresh(self, paths: Iterable[str]) -> list[str]:
        """Bring the given notes ('/'-separated, relative to the root) in step with the disk.

        Each path is ``lstat``-ed: gone or ignored paths leave the index, notes whose
        ``files.file_state`` changed are read again, the rest are reused. A symbolic link out
        of the vault, or nowhere, is reported (as ``scan`` does). Returns the paths whose entry
        changed.
        """
        changed = []
        for path in sorted(set(paths)):
            if self._update(path):
                changed.append(path)
        return changed

    def vault(self) -> Vault:
        """The index as a Vault, ready for ``pipeline.build``: what ``Vault.from_entries`` makes
        of the entries (and the folders' errors), and the same object until an entry changes."""
        if self._vault is None:
            if self._errors is None:
                problems = [*self._problems.items(), *((err.path, (err,)) for err in self._folder_errors)]
                problems.sort(key=itemgetter(0))  # stable: a note's own errors stay in their order
                self._errors = tuple(chain.from_iterable(errors for _, errors in problems))
            notes = len(self._entries) + len(self._folder_errors)
            for path, contact in self._join.changed():
                _put(self._contacts, path, contact)
            if self._dated is None:
                self._dated = tuple(self._interactions)
            contacts = tuple(self._contacts)
            self._vault = Vault(self.root, self.settings, contacts, self._errors, notes, self._dated)
        return self._vault

    def _update(self, path: str) -> bool:
        before = self._entries.get(path)
        st = None if is_ignored(path, self.settings) else _lstat(self.root / path)
        if st is None or not stat.S_ISREG(st.st_mode):
            self._states.pop(path, None)
            return self._set(path, before, self._link(path) if st and stat.S_ISLNK(st.st_mode) else None)
        state = file_state(st)
        if self._states.get(path) == state:  # None (never read, or read racily) never equals
            return False
        entry = self._read(path, st)
        self._states[path] = settled_state(st, time.time_ns())
        return self._set(path, before, entry)

    def _link(self, path: str) -> Entry | None:
        """What a symbolic link at ``path`` contributes: its problem when it leads out of the vault
        or nowhere, else nothing (its target is a note of the vault, read at its own path)."""
        problem = link_problem(self.root.resolve(), str(self.root / path))
        return Entry(path, None, (NoteError(path, None, problem),)) if problem else None

    def _set(self, path: str, before: Entry | None, after: Entry | None) -> bool:
        """Make ``after`` (None: none) the entry of ``path``, which was ``before``; True if it changed."""
        if before == after:
            return False
        if after is None:
            del self._entries[path]
        else:
            self._entries[path] = after
        self._place(path, before, after)
        return True

    def _place(self, path: str, before: Entry | None, after: Entry | None) -> None:
        """Bring the parts of the next Vault in step with the entry of ``path`` (``after``, None
        when the note is gone), which was ``before``."""
        self._vault = None
        was = before.contact if before is not None else None
        now = after.contact if after is not None else None
        if was is not now:
            self._join.contact(path, now)
        was_dated = before.interaction if before is not None else None
        dated = after.interaction if after is not None else None
        if was_dated is not dated:
            _put(self._interactions, path, dated)
            self._dated = None
            self._join.interaction(path, dated)
        errors = after.errors if after is not None else ()
        if errors or (before is not None and before.errors):
            self._errors = None
            if errors:
                self._problems[path] = errors
            else:
                self._problems.pop(path, None)

    def _read(self, path: str, st: os.stat_result) -> Entry:
        """The note's entry; or its last good contact or interaction (a meeting note's dates),
        with the problems, while it is unreadable.

        Unreadable means: it could not be parsed at all, its dates could not be read (a meeting
        note), or it holds only the start of a front-matter, the empty note included (an editor
        that truncates, then writes, seen between the two). A note that parses but is no longer a
        contact or a meeting is taken as meant.
        """
        before = self._entries.get(path)
        last_good = before if before is not None else self._last_good.get(path)
        if last_good is None or not _read_well(last_good):
            return load_entry(self.root, path, self.settings)
        opening = _opening_problem(self.root / path) if st.st_size < _OPENING_SIZE else None
        if opening is not None:
            problems: tuple[NoteError, ...] = (NoteError(path, None, opening),)
        else:
            entry = load_entry(self.root, path, self.settings)
            if _read_well(entry) or not entry.errors:
                return entry
            problems = entry.errors
        kept = (*problems, NoteError(path, None, KEPT))
        return Entry(path, last_good.contact, kept, interaction=last_good.interaction)


def _changed_since(listed: Listed, listed_from: int) -> bool:
    """Whether a folder of ``listed`` (a listing that began at ``listed_from``) has gained or
    lost an entry since it was listed, or was changed too shortly before to tell."""
    for folder, before in listed:
        after = folder_status(folder)
        if signature_of(before, listed_from) != (None if after is None else file_state(after)):
            return True
    return False


def _read_well(entry: Entry) -> bool:
    """Whether ``entry`` gives the vault something to keep: a contact, or an interaction's dates."""
    return entry.contact is not None or entry.interaction is not None


def _put(items: list[Any], path: str, item: Any | None) -> None:
    """Make ``item`` (None: nothing) the one of ``path`` in ``items``, a list sorted by path."""
    at = bisect_left(items, path, key=_PATH)
    present = at < len(items) and items[at].path == path
    if item is None:
        if present:
            del items[at]
    elif present:
        items[at] = item
    else:
        items.insert(at, item)
