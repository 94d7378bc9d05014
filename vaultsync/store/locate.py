"""Which vault a command works in, found as git finds its repository."""

from __future__ import annotations

import os
from pathlib import Path

from vaultsync.config import CONFIG_FILE, DEFAULTS
from vaultsync.errors import UsageError
from vaultsync.reading.listing import is_ignored, vault_root
from vaultsync.reading.note import Note, read_note_and_stat


def find_vault(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.obsidian/`` or ``.vaultsync.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".obsidian").is_dir() or (folder / CONFIG_FILE).is_file():
            return folder
    return None


def holds_contacts(folder: Path) -> bool:
    """Whether a note directly in ``folder`` is a contact: a plain folder of contact notes.
    Its subfolders are not looked into: that would be the walk the question is there to avoid."""
    from vaultsync.model.contact import is_contact  # not needed when the vault is marked

    try:
        with os.scandir(folder) as listing:
            names = sorted(e.name for e in listing if e.name.endswith(".md") and e.is_file())
    except OSError:
        return False
    for name in names:
        note = read_note_and_stat(folder, name)[1]
        if isinstance(note, Note) and not is_ignored(name, DEFAULTS) and is_contact(note, DEFAULTS):
            return True
    return False


def locate_vault(given: Path | None, start: Path, *, name_it: str = "--vault VAULT") -> Path:
    """The vault a command works in, found as git finds its repository.

    ``given`` is read as given. Otherwise the nearest folder at or above ``start`` holding
    ``.obsidian/`` or ``.vaultsync.toml``, else ``start`` when it holds contact notes itself;
    else a UsageError that says what would have been read and how to name the vault
    (``name_it``): run from a home folder, a command would otherwise read every note below it.
    """
    if given is not None:
        return vault_root(given)
    found = find_vault(start)
    if found is not None:
        return found
    start = vault_root(start)
    if holds_contacts(start):
        return start
    raise UsageError(
        f"{start.resolve()} is not in a vault (no .obsidian/ or {CONFIG_FILE} in it or above it, "
        f"and no contact notes in it), so vaultsync would read every note in it and its subfolders: "
        f"name the vault ({name_it}; . for this folder)"
    )
