"""The vault as a value: what each note contributes (an ``Entry``), and the index of them all."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from vaultsync.config import Settings
from vaultsync.reading.marker import is_generated
from vaultsync.reading.note import Note, NoteError, NoteReader

if TYPE_CHECKING:
    from vaultsync.model.contact import Contact
    from vaultsync.model.interaction_note import Interaction

#: Copies that sync tools make when two devices changed the same note.
CONFLICT_COPY = re.compile(r"\.sync-conflict-\d{8}-\d{6}-\w+|\(.*conflicted copy.*\)", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """What one note contributes to the vault: a contact or not, and its problems."""

    path: str
    contact: Contact | None
    errors: tuple[NoteError, ...] = ()
    interaction: Interaction | None = None  # a note that is not a contact, dated, linking contacts


@dataclass(frozen=True)
class Vault:
    root: Path
    settings: Settings
    contacts: tuple[Contact, ...]
    errors: tuple[NoteError, ...]
    notes: int  # how many notes were looked at
    interactions: tuple[Interaction, ...] = ()  # their dates are in the contacts they link

    @classmethod
    def from_entries(cls, root: Path, settings: Settings, entries: Iterable[Entry]) -> Vault:
        entries = sorted(entries, key=lambda e: e.path)
        contacts = tuple(e.contact for e in entries if e.contact is not None)
        interactions = tuple(e.interaction for e in entries if e.interaction is not None)
        if interactions:
            from vaultsync.model.interactions import with_interactions

            contacts = with_interactions(contacts, interactions)
        return cls(
            root=root,
            settings=settings,
            contacts=contacts,
            errors=tuple(err for e in entries for err in e.errors),
            notes=len(entries),
            interactions=interactions,
        )


def conflict_copy(path: str) -> Entry:
    """What a sync tool's conflict copy contributes: a problem to report, never a contact."""
    original = CONFLICT_COPY.sub("", path).replace(" .md", ".md")
    message = f"a sync tool's conflict copy of {original}: merge it there and delete it"
    return Entry(path, None, (NoteError(path, None, message),))


def entry_of(
    path: str, note: Note | NoteError, settings: Settings, reader: NoteReader | None = None
) -> Entry:
    """What the note at ``path`` (or the problem reading it) contributes to the vault; ``reader``
    (the one that read it) reads its sections."""
    if isinstance(note, NoteError):
        return Entry(path, None, (note,))
    contact_mark, build_contact, interaction_of, in_people_folder = _deciders()
    mark = contact_mark(note, settings)
    if mark is None:
        # A meeting note kept in a person's folder is a meeting, not another person.
        interaction, unread = interaction_of(note, settings)
        if interaction is not None or is_generated(note.meta) or not in_people_folder(note, settings):
            return Entry(path, None, tuple(unread), interaction=interaction)
        mark = "people folder"
    contact, problems = build_contact(note, settings, reader, mark)
    return Entry(path, contact, tuple(problems))


@cache
def _deciders() -> tuple[
    Callable[[Note, Settings], str | None],
    Callable[[Note, Settings, NoteReader | None, str], tuple[Contact, list[NoteError]]],
    Callable[[Note, Settings], tuple[Interaction | None, list[NoteError]]],
    Callable[[Note, Settings], bool],
]:
    """What ``entry_of`` decides with, imported when first needed (not to scan or serve the
    cache), once: an import statement in ``entry_of`` costs a lookup for every note read."""
    from vaultsync.model.contact import contact_mark
    from vaultsync.model.contact_values import build_contact
    from vaultsync.model.interaction_note import interaction_of
    from vaultsync.model.people import in_people_folder

    return contact_mark, build_contact, interaction_of, in_people_folder
