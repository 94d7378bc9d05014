"""Reading one note into its entry, with its file identity for the entry cache."""

from __future__ import annotations

import os
from pathlib import Path

from vaultsync.config import Settings
from vaultsync.model.vault import CONFLICT_COPY, Entry, conflict_copy, entry_of
from vaultsync.reading.note import read_note_and_stat
from vaultsync.store.cache import Record, signature, signature_of


def load_entry(root: Path, path: str, settings: Settings) -> Entry:
    """Read one note and decide what it contributes."""
    if CONFLICT_COPY.search(path):
        return conflict_copy(path)
    return entry_of(path, read_note_and_stat(root, path)[1], settings)


def load_record(root: Path, path: str, settings: Settings, now_ns: int) -> Record:
    """``load_entry``, with the note's signature (``vaultsync.store.cache``) taken as it was opened,
    before it was read: an edit while it is read is then seen by the next run."""
    if CONFLICT_COPY.search(path):
        return signature(os.path.join(root, path), now_ns), conflict_copy(path)
    info, note = read_note_and_stat(root, path)
    return signature_of(info, now_ns), entry_of(path, note, settings)
