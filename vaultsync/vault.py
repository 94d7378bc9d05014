"""The vault: which files are notes, and the index of every contact and every problem in them."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vaultsync.config import CONFIG_FILE, Settings, load_settings
from vaultsync.contact import Contact, build_contact, is_contact
from vaultsync.errors import UsageError
from vaultsync.note import NoteError, read_note

#: Copies that sync tools make when two devices changed the same note.
CONFLICT_COPY = re.compile(r"\.sync-conflict-\d{8}-\d{6}-\w+|\(.*conflicted copy.*\)", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """What one note contributes to the vault: a contact or not, and its problems."""

    path: str
    contact: Contact | None
    errors: tuple[NoteError, ...] = ()


@dataclass(frozen=True)
class Vault:
    root: Path
    settings: Settings
    contacts: tuple[Contact, ...]
    errors: tuple[NoteError, ...]
    notes: int  # how many notes were looked at

    @classmethod
    def from_entries(cls, root: Path, settings: Settings, entries: Iterable[Entry]) -> Vault:
        entries = sorted(entries, key=lambda e: e.path)
        return cls(
            root=root,
            settings=settings,
            contacts=tuple(e.contact for e in entries if e.contact is not None),
            errors=tuple(err for e in entries for err in e.errors),
            notes=len(entries),
        )


def vault_root(path: str | os.PathLike[str]) -> Path:
    """The vault folder, or a UsageError when there is none."""
    root = Path(path)
    if not root.exists():
        raise UsageError(f"vault not found: {root}")
    if not root.is_dir():
        raise UsageError(f"not a folder: {root}")
    return root


def is_ignored(path: str, settings: Settings) -> bool:
    """Never a contact and never reported: hidden files and folders, templates, non-notes, the dashboard."""
    parts = path.split("/")
    if any(part.startswith(".") for part in parts) or not path.endswith(".md") or path == settings.dashboard:
        return True
    return any(path.startswith(folder + "/") for folder in settings.templates_folders)


def note_paths(root: Path, settings: Settings, errors: list[NoteError]) -> Iterator[str]:
    """Every note of the vault as a '/'-separated path, sorted; links are not followed."""

    def unreadable(err: OSError) -> None:
        where = Path(err.filename).relative_to(root).as_posix() if err.filename else "."
        errors.append(NoteError(where, None, f"cannot read folder: {err.strerror or err}"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and not os.path.islink(os.path.join(folder, d))
            and not is_ignored(prefix + d + "/x.md", settings)
        )
        for name in sorted(files):
            path = prefix + name
            if is_ignored(path, settings) or os.path.islink(os.path.join(folder, name)):
                continue
            yield path


def load_entry(root: Path, path: str, settings: Settings) -> Entry:
    """Read one note and decide what it contributes."""
    if CONFLICT_COPY.search(path):
        original = CONFLICT_COPY.sub("", path).replace(" .md", ".md")
        return Entry(
            path,
            None,
            (
                NoteError(
                    path, None, f"a sync tool's conflict copy of {original}: merge it there and delete it"
                ),
            ),
        )
    note = read_note(root, path)
    if isinstance(note, NoteError):
        return Entry(path, None, (note,))
    if not is_contact(note, settings):
        return Entry(path, None)
    contact, problems = build_contact(note, settings)
    return Entry(path, contact, tuple(problems))


def load_vault(root: Path, settings: Settings | None = None) -> Vault:
    """Read every note of the vault at ``root`` (its own settings unless given)."""
    root = vault_root(root)
    settings = settings or load_settings(root)
    folder_errors: list[NoteError] = []
    entries = [load_entry(root, path, settings) for path in note_paths(root, settings, folder_errors)]
    entries += [Entry(err.path, None, (err,)) for err in folder_errors]
    return Vault.from_entries(root, settings, entries)


def find_vault(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.obsidian/`` or ``.vaultsync.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".obsidian").is_dir() or (folder / CONFIG_FILE).is_file():
            return folder
    return None


def locate_vault(given: Path | None, start: Path) -> Path:
    """The vault a command works in: ``given`` (--vault), else the one around ``start``, else ``start``."""
    if given is not None:
        return vault_root(given)
    return find_vault(start) or vault_root(start)
