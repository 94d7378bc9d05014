"""A NOTE argument, as every command that acts on one contact takes it: a note's path, or the
name of a contact (its file name, ``name`` or one of its ``aliases``, whatever the case, the
accents or the Unicode form, see ``contact.name_key``).

A name that several contacts answer to is never settled by a guess: the command lists them
and asks for the path (a UsageError, exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultsync.errors import UsageError, VaultsyncError
from vaultsync.model.contact import Contact, named
from vaultsync.model.contact_values import build_contact
from vaultsync.model.vault import Vault
from vaultsync.outputs.report import error_line
from vaultsync.reading.listing import vault_root
from vaultsync.reading.note import Note, NoteError, read_note
from vaultsync.store.loader import load_vault
from vaultsync.store.locate import find_vault, holds_contacts, locate_vault


@dataclass(frozen=True)
class Opened:
    """A contact note opened for a command, with the vault around it."""

    vault: Vault
    contact: Contact
    problems: tuple[NoteError, ...]  # values of the note that could not be read


def open_contact(note: str, vault_dir: Path | None, cwd: Path) -> Opened:
    """The contact of NOTE: a path relative to ``cwd`` or to the vault, or a contact's name.

    The vault is ``vault_dir`` (--vault), else the nearest folder at or above the note holding
    ``.obsidian/`` or ``.vaultsync.toml``, else the current folder when the note is inside it
    and it holds contact notes, else the note's folder.
    """
    candidates = [cwd / note, *([vault_dir / note] if vault_dir else [])]
    candidates += [c.with_name(c.name + ".md") for c in candidates if not note.endswith(".md")]
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        return _by_name(note, locate_vault(vault_dir, cwd))
    root = vault_root(vault_dir) if vault_dir else (find_vault(path.parent) or _unmarked_vault(path, cwd))
    try:
        relpath = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{note} is not inside the vault {root}") from None
    vault = load_vault(root)
    problems = tuple(e for e in vault.errors if e.path == relpath)
    found = next((c for c in vault.contacts if c.path == relpath), None)
    if found is None:
        read = read_note(root, relpath)
        if not isinstance(read, Note):
            raise VaultsyncError(error_line(read))
        found, more = build_contact(read, vault.settings)
        problems += tuple(more)
    return Opened(vault, found, problems)


def _unmarked_vault(path: Path, cwd: Path) -> Path:
    """Without .obsidian/ or .vaultsync.toml: the current folder if the note is in it and it holds
    contact notes itself (a home folder is not read whole), else the note's."""
    return cwd if path.resolve().is_relative_to(cwd.resolve()) and holds_contacts(cwd) else path.parent


def _by_name(name: str, root: Path) -> Opened:
    vault = load_vault(root)
    found = named(vault.contacts, name)
    if not found:
        raise UsageError(f"no note {name!r} here or in the vault {root}, and no contact of that name")
    if len(found) > 1:
        raise UsageError(
            f"{name!r} is the name of {len(found)} contacts in the vault {root}; "
            f"give the path of the one you mean:\n{listed(found)}"
        )
    contact = found[0][0]
    return Opened(vault, contact, tuple(e for e in vault.errors if e.path == contact.path))


def listed(found: Sequence[tuple[Contact | str, str]]) -> str:
    """Notes found for a name, one a line: ``  Contacts/Ana Ortiz.md (its aliases)``."""
    return "\n".join(f"  {c if isinstance(c, str) else c.path} ({how})" for c, how in found)
