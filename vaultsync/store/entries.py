"""Reading one note into its entry, with its file identity for the entry cache."""

from __future__ import annotations

import os
from pathlib import Path

from vaultsync.config import Settings
from vaultsync.model.vault import CONFLICT_COPY, Entry, conflict_copy, entry_of
from vaultsync.reading.note import NoteReader
from vaultsync.store.cache import Record, signature, signature_of


def load_entry(root: Path, path: str, settings: Settings, reader: NoteReader | None = None) -> Entry:
    """Read one note (by ``reader``, else by a reader of its own) and decide what it contributes."""
    if CONFLICT_COPY.search(path):
        return conflict_copy(path)
    reader = reader or NoteReader()
    return entry_of(path, reader.read(root, path), settings, reader)


def load_record(
    root: Path, path: str, settings: Settings, now_ns: int, reader: NoteReader | None = None
) -> Record:
    """``load_entry``, with the note's signature (``vaultsync.store.cache``) taken as it was opened,
    before it was read: an edit while it is read is then seen by the next run."""
    if CONFLICT_COPY.search(path):
        return signature(os.path.join(root, path), now_ns), conflict_copy(path)
    reader = reader or NoteReader()
    info, note = reader.read_and_stat(root, path)
    return signature_of(info, now_ns), entry_of(path, note, settings, reader)
