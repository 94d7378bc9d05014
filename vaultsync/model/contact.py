"""The contact model: which notes are contacts, the Contact value, and the names it is found by.

``model.contact_values.build_contact`` reads a note's properties into a Contact.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from vaultsync.config import Settings
from vaultsync.model.dates import Moment, day_of
from vaultsync.properties import property_key
from vaultsync.reading.marker import is_generated
from vaultsync.reading.note import Note
from vaultsync.reading.sections import EMPTY, Sections

WIKILINK = re.compile(r"!?\[\[([^\]|#^]*)(?:[#^][^\]|]*)?(?:\|([^\]]*))?\]\]")
#: A #tag not inside a word, a heading's "##", a path or an entity; "#" first, so that the search
#: skips to each "#" (a pattern that starts with the look-behind is tried at every character).
_BODY_TAG = re.compile(r"#(?<![\w#/&]#)([\w/-]+)")


@dataclass(frozen=True)
class PersonRef:
    """Someone named in ``referrals`` or ``referred_by``: a wikilink or free text."""

    name: str  # who, for messages and matching
    target: str | None = None  # the wikilinked file name, without folder or .md
    detail: str = ""  # what followed the name: a phone number, an email, a note


@dataclass(frozen=True)
class Contact:
    path: str
    name: str
    aliases: tuple[str, ...] = ()
    organization: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    profile: str = ""  # a LinkedIn or other profile URL: a way to reach them too
    interviews: tuple[Moment, ...] = ()  # sorted
    thank_you_sent: tuple[dt.date, ...] = ()
    check_ins: tuple[dt.date, ...] = ()
    referrals: tuple[PersonRef, ...] = ()
    referred_by: tuple[PersonRef, ...] = ()
    advice: tuple[str, ...] = ()  # from the property and the Advice section
    follow_up: bool = True  # false: no reminder to write again (check-in, reply nudges)
    do_not_contact: bool = False  # true: nothing at all about them (their referrals still count)
    sections: Sections = EMPTY
    #: What was read with a guess (a key written twice), for the record rule to warn about.
    warnings: tuple[str, ...] = ()
    #: Messages sent to ask for a conversation, their answers, and other contact: from the note's
    #: own ``outreach``, ``replied`` and ``contacted``, and from the interaction notes that link
    #: this contact (``model.interactions``), each of those with its note in ``sources``.
    outreach: tuple[dt.date, ...] = ()
    replies: tuple[dt.date, ...] = ()
    contacted: tuple[dt.date, ...] = ()
    sources: tuple[tuple[str, str, str], ...] = ()  # (kind, date as ISO text, the note's path)
    hints: tuple[tuple[str, int | None], ...] = ()  # (message, line): unread dates (model.hints)
    keep_in_touch: int | None = None  # days between contacts; 0 = never; None = the setting
    mark: str = ""  # which of MARKS made the note a contact ("": not told)
    #: How long their interviews last (None: the ``interview_minutes`` setting), and the ends the
    #: note writes itself (``2026-11-20T15:00/16:15``) as (start, end).
    interview_minutes: int | None = None
    interview_ends: tuple[tuple[dt.datetime, dt.datetime], ...] = ()

    @property
    def stem(self) -> str:
        return path_stem(self.path)

    def held(self, today: dt.date) -> tuple[Moment, ...]:
        """Interviews on or before ``today``."""
        return tuple(m for m in self.interviews if day_of(m) <= today)

    def scheduled(self, today: dt.date) -> tuple[Moment, ...]:
        """Interviews after ``today``."""
        return tuple(m for m in self.interviews if day_of(m) > today)

    @property
    def interviewed(self) -> bool:
        """Any interview at all, held or scheduled."""
        return bool(self.interviews)

    @property
    def display(self) -> str:
        return f"{self.name} ({self.organization})" if self.organization else self.name


def path_stem(path: str) -> str:
    """``PurePosixPath(path).stem`` for a note's path as the vault writes it, without pathlib's cost."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _folded(values: Any) -> list[str]:
    """A property that may be text or a list of text, each entry as ``[[Link]]``, ``#tag`` or text."""
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    out = []
    for value in values:
        if isinstance(value, list) and len(value) == 1:  # unquoted [[Link]] -> [['Link']]
            value = value[0]
        if isinstance(value, str):
            link = WIKILINK.search(value)
            text = link.group(1) if link else value
            out.append(text.strip().lstrip("#").casefold())
    return out


#: The ways a note is marked as a contact (``contact_mark``; ``doctor`` counts each).
MARKS = ("type", "tag", "category", "folder", "body tag", "people folder")


def is_contact(note: Note, settings: Settings) -> bool:
    """A note is a contact by its type, its tags, its categories, its folder or a #tag in the body."""
    return contact_mark(note, settings) is not None


def contact_mark(note: Note, settings: Settings) -> str | None:
    """Which of ``MARKS`` makes ``note`` a contact, the first that does; None: none of them (a
    note in a people folder is told by ``people.in_people_folder``)."""
    if is_generated(note.meta):
        return None
    meta = {property_key(k): v for k, v in note.meta.items()}
    types, tags, categories, type_keys = _marks(
        settings.contact_types, settings.contact_tags, settings.contact_categories
    )
    if types & set(_folded(meta.get("type"))):
        return "type"
    if any(meta.get(key) is True for key in type_keys):  # person: true
        return "type"
    raw_tags = meta.get("tags")
    if isinstance(raw_tags, str):
        raw_tags = re.split(r"[\s,]+", raw_tags)
    if any(tag in tags or tag.split("/")[0] in tags for tag in _folded(raw_tags)):
        return "tag"
    if categories & set(_folded(meta.get("categories"))):
        return "category"
    if any(note.path.startswith(folder + "/") for folder in settings.contacts_folders):
        return "folder"
    if "#" in note.body and any(
        m.group(1).casefold().split("/")[0] in tags for m in _BODY_TAG.finditer(note.body)
    ):
        return "body tag"
    return None


@cache
def _marks(
    types: tuple[str, ...], tags: tuple[str, ...], categories: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str], frozenset[str], tuple[str, ...]]:
    """The settings' contact types, tags and categories folded, and the types as property keys."""
    return (
        frozenset(t.casefold() for t in types),
        frozenset(t.casefold().lstrip("#") for t in tags),
        frozenset(c.casefold() for c in categories),
        tuple(property_key(t) for t in types),
    )


def name_key(name: str) -> str:
    """A name as every lookup compares it (referrals, wikilinks, aliases, links in meeting notes,
    names typed on the command line): case folded, accents dropped, ``-``, ``_`` and runs of
    spaces as one space, in one Unicode form, so that "Carla Diaz" meets ``Carla Díaz.md``, a
    file name in macOS's decomposed form (NFD) meets a link typed composed (NFC), and
    "ada-lovelace" meets "Ada  Lovelace". Decompose, fold, drop the marks, compose (Unicode's
    canonical caseless matching, D145, without the marks)."""
    if name.isascii():
        return " ".join(name.replace("-", " ").replace("_", " ").split()).casefold()
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFD", name).casefold())
    bare = unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


def name_keys(contact: Contact) -> Iterable[str]:
    """Every way a referral may name this contact, folded: file name, name, aliases."""
    yield name_key(contact.stem)
    yield name_key(contact.name)
    yield from (name_key(alias) for alias in contact.aliases)


def index_by_name(contacts: Iterable[Contact]) -> Mapping[str, Contact]:
    """Each name key of the contacts, to the first contact that has it."""
    index: dict[str, Contact] = {}
    add = index.setdefault
    for contact in contacts:  # name_keys, spelled out: a generator per contact costs a third more
        stem = path_stem(contact.path)
        add(name_key(stem), contact)
        if contact.name != stem:  # most notes are named by their file name: folded once
            add(name_key(contact.name), contact)
        for alias in contact.aliases:
            add(name_key(alias), contact)
    return index


def named(contacts: Iterable[Contact], name: str) -> list[tuple[Contact, str]]:
    """The contacts ``name`` may mean, as a user types it (``name_key``), each with how it
    names them: "its file name", "its name" or "its aliases". Every command that takes a
    contact's name looks it up here."""
    wanted = name_key(name)
    found = []
    for contact in contacts:
        if name_key(contact.stem) == wanted:
            found.append((contact, "its file name"))
        elif name_key(contact.name) == wanted:
            found.append((contact, "its name"))
        elif any(name_key(alias) == wanted for alias in contact.aliases):
            found.append((contact, "its aliases"))
    return found


#: A contact, or what a rule keeps of one (``referral.ReferralInputs``): found by its name keys.
Named = TypeVar("Named")


def find_person(person: PersonRef, by_name: Mapping[str, Named]) -> Named | None:
    """The contact note a referral names: by its wikilink target, else by name or alias."""
    note = by_name.get(name_key(person.target or person.name))
    if note is None and person.target:
        note = by_name.get(name_key(person.name))
    return note


def looked_up(person: PersonRef) -> tuple[str, ...]:
    """The name keys ``find_person`` may look up for ``person``."""
    return name_key(person.target or person.name), name_key(person.name)
