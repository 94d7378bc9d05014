"""Interaction notes: a meeting, a chat or a message kept in its own note that links the people.

A note that is not a contact, has a date (``interaction_dates``) and links contacts (through
``interaction_links``, or wikilinks under a Participants/Attendees heading) gives each contact it
links that date, once the whole vault is read (``with_interactions``): as an informational
interview when the note is marked as one (``interview_marks`` in its type, tags or categories),
as outreach or a reply when it records a message sent or received (``Comm-Type: Sent``), else as
a date of contact (``Contact.contacted``). See docs/dates.md.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from vaultsync.config import Settings
from vaultsync.model.contact import WIKILINK, Contact
from vaultsync.model.dates import Moment, day_of, moment_sort_key, parse_interview, parse_moment
from vaultsync.model.links import Key, PeopleIndex, contact_keys, link_texts, lookups
from vaultsync.properties import property_key
from vaultsync.reading.note import Note, NoteError
from vaultsync.reading.sections import EMPTY, Sections, read_sections

#: What an interaction gives its contacts, as ``Contact.sources`` and the JSON report name it.
KINDS = ("interview", "outreach", "reply", "contacted")
#: The properties that say whether a logged message was sent or received, and their values.
_DIRECTION_KEYS = ("commtype", "communicationtype", "direction")
_DIRECTIONS = {
    "sent": "outreach",
    "outgoing": "outreach",
    "outbound": "outreach",
    "received": "reply",
    "incoming": "reply",
    "inbound": "reply",
}
_PEOPLE_HEADING = re.compile(
    r"^ {0,3}#{1,6}[ \t]+(?:participants|attendees|people|with)\b.*$", re.IGNORECASE | re.MULTILINE
)
#: The same two after a newline: a search for a plain character first skips in C to each
#: newline, where one that starts with "^" is tried at every character.
_PEOPLE_HEADING_AFTER_NEWLINE = re.compile("\n" + _PEOPLE_HEADING.pattern[1:], _PEOPLE_HEADING.flags)
_NEXT_HEADING_AFTER_NEWLINE = re.compile(r"\n {0,3}#{1,6}[ \t]")
_FOLD = re.compile(r"[\s_\-]+")


@dataclass(frozen=True)
class Interaction:
    """One interaction note, as read: its dates, what kind of contact it records, its links."""

    path: str
    moments: tuple[Moment, ...]
    kind: str  # one of KINDS
    links: tuple[str, ...]  # as written: wikilinks, Markdown links, names or slugs
    sections: Sections = EMPTY  # read only when it links one person
    ends: tuple[tuple[dt.datetime, dt.datetime], ...] = ()  # timed meetings whose end it gives


#: A date and time with an end after a slash (ISO 8601's interval): ``2026-11-20T15:00/16:15``.
_INTERVAL = re.compile(r"\s*\d{4}-\d{2}-\d{2}T[^/]*/")


@lru_cache(maxsize=4096)  # the same few types and tags recur in every meeting note
def _mark(value: str) -> str:
    """A type, tag or category folded for comparing with the settings' marks: "[[Job Interviews]]",
    "job-interview" and "#JobInterview" meet."""
    link = WIKILINK.search(value)
    text = (link.group(1) if link else value).rpartition("/")[2]
    return _FOLD.sub("", text.strip().lstrip("#")).casefold().removesuffix("s")


@cache
def _marks(marks: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_mark(m) for m in marks)


def _words_of(value: Any) -> list[str]:
    """A type, tags or categories value as the words to compare: each item whole (``coffee chat``)
    and, for tags written as one text (``#meeting #coffee-chat``), each of its words."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        while isinstance(item, list) and len(item) == 1:  # an unquoted [[Link]]
            item = item[0]
        if isinstance(item, str):
            out += [item] if "[[" in item else [item, *re.split(r"[,\s]+", item)]
    return out


def interaction_of(note: Note, settings: Settings) -> tuple[Interaction | None, list[NoteError]]:
    """The interaction ``note`` records (None when it has no date or links nobody), and, when it
    links people, the problem with each of its dates that could not be read."""
    keys = {property_key(k): k for k in note.meta}
    moments: list[Moment] = []
    ends: dict[dt.datetime, dt.datetime] = {}
    unread: list[NoteError] = []
    for name in settings.interaction_dates:
        key = keys.get(property_key(name))
        value = note.meta.get(key) if key is not None else None
        if value is None or value == "":
            continue
        # A value YAML typed otherwise (``yes``, ``10:30``) is quoted as written: composing the
        # front-matter again costs more than reading the note, so only for those.
        typed = not isinstance(value, (str, list, dt.date))
        written = note.written(key) if typed and key is not None else None
        for item in value if isinstance(value, list) else [value]:
            if item is None or (isinstance(item, str) and not item.strip()):
                continue  # an empty item (a template's "- "): no date yet, not a wrong one
            # only an ISO start takes an end after "/": 12/01/2026 stays a date to tell about
            interval = isinstance(item, str) and _INTERVAL.match(item) is not None
            parsed = parse_interview(item) if interval else parse_moment(item, written)
            if isinstance(parsed, str):
                unread.append(NoteError(note.path, note.line_of(str(key)), f"{key}: {parsed}"))
            else:
                start, end = parsed if isinstance(parsed, tuple) else (parsed, None)
                moments.append(start)
                if end is not None and isinstance(start, dt.datetime):
                    ends.setdefault(start, end)
        if moments:
            break
    if not moments and not unread:
        return None, []
    links: list[str] = []
    for name in settings.interaction_links:
        key = keys.get(property_key(name))
        if key is not None and note.meta[key] is not None:
            links += link_texts(note.meta[key])
    if "#" in note.body:
        links += _heading_links(note.body)
    links = list(dict.fromkeys(links))
    if not links:
        return None, []
    if not moments:
        return None, unread
    sections = read_sections(note.body, note.body_line) if len(links) == 1 else EMPTY
    moments.sort(key=moment_sort_key)
    unread += _end_property(note, keys, moments, ends, settings)
    meta = {property_key(k): v for k, v in note.meta.items()}
    interaction = Interaction(
        note.path,
        tuple(dict.fromkeys(moments)),
        _kind(meta, settings),
        tuple(links),
        sections,
        tuple(sorted(ends.items())),
    )
    return interaction, unread


def _end_property(
    note: Note,
    keys: dict[str, str],
    moments: list[Moment],
    ends: dict[dt.datetime, dt.datetime],
    settings: Settings,
) -> list[NoteError]:
    """Add to ``ends`` the end an ``interaction_ends`` property gives the note's one timed meeting
    (``end: 16:15``, as calendar and meeting templates write it); the problem with it, if any.
    A note dated by days, or with several times, keeps its ``end`` to itself."""
    for name in settings.interaction_ends:
        key = keys.get(property_key(name))
        value = note.meta.get(key) if key is not None else None
        if key is None or value is None or value == "":
            continue
        timed = [m for m in moments if isinstance(m, dt.datetime)]
        if len(timed) != 1:  # a trip's or a conference's last day, or which meeting's end?
            return []
        line = note.line_of(str(key))
        # YAML reads 16:15 as a number (sexagesimal): the end as written, then
        text = note.written(key) if not isinstance(value, (str, dt.datetime)) else value
        end_text = text.isoformat() if isinstance(text, dt.datetime) else str(text).strip()
        start = timed[0].isoformat(timespec="minutes" if not timed[0].second else "seconds")
        parsed = parse_interview(f"{start}/{end_text}")
        if isinstance(parsed, str):
            return [NoteError(note.path, line, f"{key}: {parsed}")]
        if parsed[1] is not None:
            ends.setdefault(timed[0], parsed[1])
        return []
    return []


def _heading_links(body: str) -> list[str]:
    """The wikilinks under a Participants, Attendees, People or With heading."""
    found = []
    first = _PEOPLE_HEADING.match(body)
    ends = [first.end()] if first else []
    ends += [heading.end() for heading in _PEOPLE_HEADING_AFTER_NEWLINE.finditer(body)]
    for start in ends:
        end = _NEXT_HEADING_AFTER_NEWLINE.search(body, start)
        part = body[start : end.start() + 1 if end else len(body)]
        found += [m.group(0) for m in WIKILINK.finditer(part) if not m.group(0).startswith("!")]
    return found


def _kind(meta: dict[str, Any], settings: Settings) -> str:
    marks = _marks(settings.interview_marks)
    for key in ("type", "tags", "categories"):
        if any(_mark(word) in marks for word in _words_of(meta.get(key))):
            return "interview"
    for key in _DIRECTION_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and (kind := _DIRECTIONS.get(value.strip().casefold())):
            return kind
    return "contacted"


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
