"""Interaction notes: a meeting, a chat or a message kept in its own note that links the people.

A note that is not a contact, has a date (``interaction_dates``) and links contacts (through
``interaction_links``, or wikilinks under a Participants/Attendees heading) gives each contact it
links that date, once the whole vault is read (``with_interactions``): as an informational
interview when the note is marked as one (``interview_marks`` in its type, tags or categories),
as outreach or a reply when it records a message sent or received (``Comm-Type: Sent``), else as
a date of contact (``Contact.contacted``). Reading one such note: ``model.interaction_note``.
See docs/dates.md.
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from vaultsync.model.contact import Contact
from vaultsync.model.dates import day_of, moment_sort_key
from vaultsync.model.interaction_note import Interaction
from vaultsync.model.links import Key, PeopleIndex, contact_keys, lookups
from vaultsync.reading.sections import EMPTY, Sections


def with_interactions(
    contacts: tuple[Contact, ...], interactions: Iterable[Interaction]
) -> tuple[Contact, ...]:
    """``contacts`` (sorted by path), each with the dates of the interaction notes that link it."""
    interactions = sorted(interactions, key=lambda i: i.path)
    if not interactions:
        return contacts
    index = PeopleIndex(contacts)
    gains: dict[str, list[tuple[Interaction, bool]]] = {}
    for interaction in interactions:
        people: dict[str, Contact] = {}
        for link in interaction.links:
            found = index.find(link)
            if found is not None:
                people.setdefault(found.path, found)
        for path in people:
            gains.setdefault(path, []).append((interaction, len(people) == 1))
    if not gains:
        return contacts
    return tuple(
        contact if (gained := gains.get(contact.path)) is None else _with(contact, tuple(gained))
        for contact in contacts
    )


class Join:
    """``with_interactions`` kept in step one note at a time, for a driver that builds again and
    again (the watcher): a saved interaction note changes the contacts it links and linked
    before; a saved contact, the interaction notes whose links its names (old and new) answer.
    Every other contact stays the same object (the memo reuses its results by identity)."""

    def __init__(self) -> None:
        self._contacts: dict[str, Contact] = {}  # as their notes give them
        #: Each key's contacts by path (the first has it); made at the first interaction note, so
        #: a vault without any holds no index of names.
        self._named: dict[Key, list[str]] | None = None
        self._interactions: dict[str, Interaction] = {}
        self._people: dict[str, tuple[str, ...]] = {}  # interaction -> the contacts it links
        self._asking: dict[Key, set[str]] = {}  # key -> the interactions whose links look it up
        self._gains: dict[str, set[str]] = {}  # contact -> the interactions that link it
        self._changed: set[str] = set()  # contacts whose joined value is to be made again

    def contact(self, path: str, contact: Contact | None) -> None:
        """The note at ``path`` now gives ``contact`` (None: no contact)."""
        before = self._contacts.get(path)
        if before is contact:
            return
        if contact is None:
            del self._contacts[path]
        else:
            self._contacts[path] = contact
        self._changed.add(path)
        if self._named is None:
            return
        old = contact_keys(before) if before is not None else ()
        new = contact_keys(contact) if contact is not None else ()
        for key in old:
            if key not in new:
                paths = self._named[key]
                paths.remove(path)
                if not paths:
                    del self._named[key]
        for key in new:
            if key not in old:
                insort(self._named.setdefault(key, []), path)
        asking = set[str]().union(*(self._asking.get(key, ()) for key in {*old, *new}))
        for linking in sorted(asking):
            self._resolve(linking)

    def interaction(self, path: str, interaction: Interaction | None) -> None:
        """The note at ``path`` now records ``interaction`` (None: none)."""
        before = self._interactions.get(path)
        if before == interaction:
            return
        if self._named is None:
            self._named = {}
            for person in sorted(self._contacts):
                for key in contact_keys(self._contacts[person]):
                    self._named.setdefault(key, []).append(person)
        for key in _keys_of(before):
            asking = self._asking[key]
            asking.discard(path)
            if not asking:
                del self._asking[key]
        if interaction is None:
            del self._interactions[path]
        else:
            self._interactions[path] = interaction
            for key in _keys_of(interaction):
                self._asking.setdefault(key, set()).add(path)
        for person in self._people.get(path, ()):
            self._changed.add(person)  # linked before: its gain from this note changed or went
        self._resolve(path)

    def _resolve(self, path: str) -> None:
        """Which contacts the interaction note at ``path`` links now."""
        interaction = self._interactions.get(path)
        people: dict[str, None] = {}
        for link in interaction.links if interaction is not None else ():
            for key in lookups(link):
                named = self._named.get(key) if self._named is not None else None
                if named:
                    people.setdefault(named[0])
                    break
        now, was = tuple(people), self._people.get(path, ())
        if now == was:
            return
        for person in was:
            gains = self._gains[person]
            gains.discard(path)
            if not gains:
                del self._gains[person]
        for person in now:
            self._gains.setdefault(person, set()).add(path)
        if now:
            self._people[path] = now
        else:
            self._people.pop(path, None)
        self._changed.update(was, now)

    def changed(self) -> list[tuple[str, Contact | None]]:
        """Each contact whose joined value changed since the last call, by path, with that value
        (None: no longer a contact)."""
        out = []
        for path in sorted(self._changed):
            contact = self._contacts.get(path)
            gains = self._gains.get(path)
            if contact is not None and gains:
                gained = tuple(
                    (self._interactions[linking], len(self._people[linking]) == 1)
                    for linking in sorted(gains)
                )
                contact = _with(contact, gained)
            out.append((path, contact))
        self._changed.clear()
        return out


def _keys_of(interaction: Interaction | None) -> set[Key]:
    if interaction is None:
        return set()
    return {key for link in interaction.links for key in lookups(link)}


#: The Contact field that each kind of interaction adds its dates to.
_FIELDS = {"interview": "interviews", "outreach": "outreach", "reply": "replies", "contacted": "contacted"}


def _with(contact: Contact, gained: tuple[tuple[Interaction, bool], ...]) -> Contact:
    """``contact`` with the dates (and, from a note that links only them, the sections) of the
    interactions ``gained``."""
    dates: dict[str, set[Any]] = {}
    ends: dict[dt.datetime, dt.datetime] | None = None
    sources = set(contact.sources)
    sections = contact.sections
    for interaction, alone in gained:
        kind, moments, path = interaction.kind, interaction.moments, interaction.path
        days = dates.get(kind)
        if days is None:
            days = dates[kind] = set(getattr(contact, _FIELDS[kind]))
        days.update(moments if kind == "interview" else map(day_of, moments))
        if kind == "interview" and interaction.ends:
            if ends is None:
                ends = dict(contact.interview_ends)
            for start, end in interaction.ends:
                ends.setdefault(start, end)  # the contact's own note says first
        sources.update([(kind, moment.isoformat(), path) for moment in moments])
        if alone and interaction.sections != EMPTY:
            sections = _merged(sections, interaction.sections)
    # dataclasses.replace checks every field again: for thousands of contacts, most of the join
    state = contact.__dict__.copy()
    state["sources"] = tuple(sorted(sources))
    if ends is not None:
        state["interview_ends"] = tuple(sorted(ends.items()))
    for kind, days in dates.items():
        state[_FIELDS[kind]] = tuple(sorted(days, key=moment_sort_key if kind == "interview" else None))
    if sections is not contact.sections:
        advice = [*contact.advice]
        advice += [text for text, _ in sections.advice if text and text not in advice]
        state["sections"], state["advice"] = sections, tuple(advice)
    joined = object.__new__(Contact)
    object.__setattr__(joined, "__dict__", state)
    return joined


def _merged(own: Sections, other: Sections) -> Sections:
    """The contact's own sections, each one it leaves empty taken from ``other`` (so a section's
    lines all come from one note)."""
    return replace(
        own,
        questions=own.questions or other.questions,
        advice=own.advice or other.advice,
        letter=own.letter or other.letter,
        plan=own.plan or other.plan,
        has_questions_heading=own.has_questions_heading or other.has_questions_heading,
        has_letter=own.has_letter or other.has_letter,
    )


def gained(contact: Contact) -> tuple[object, ...] | None:
    """What interaction notes gave ``contact`` (None: nothing), all that its value depends on
    besides its own note: a driver that keeps what it derived from the contact compares it."""
    if not contact.sources:
        return None
    return contact.sources, contact.sections, contact.advice


def dates_of(contact: Contact) -> list[tuple[str, str, str]]:
    """Every date of contact with ``contact`` as (kind, date as ISO text, the note it came from):
    its own note's interviews, outreach, replies and other contact, and what interaction notes
    gave it (a date both give is listed once, from the interaction note)."""
    linked = {(kind, when) for kind, when, _ in contact.sources}
    # a contact keeps outreach, replies and other contact as days: an interaction note's time matches by day
    linked |= {(kind, when[:10]) for kind, when, _ in contact.sources if kind != "interview"}
    own = [("interview", m.isoformat(), contact.path) for m in contact.interviews]
    for kind, days in (
        ("outreach", contact.outreach),
        ("reply", contact.replies),
        ("contacted", contact.contacted),
    ):
        own += [(kind, day.isoformat(), contact.path) for day in days]
    return sorted([*(d for d in own if d[:2] not in linked), *contact.sources])
