"""One interaction note, as read: a meeting, a chat or a message kept in its own note that links
the people (``model.interactions`` joins them to the contacts they link).

A note that is not a contact, has a date (``interaction_dates``, its end beside it:
``interaction_ends``) and links contacts (through ``interaction_links``, or wikilinks under a
Participants/Attendees heading) is an interaction: an informational interview when the note is
marked as one (``interview_marks`` in its type, tags or categories), outreach or a reply when it
records a message sent or received (``Comm-Type: Sent``), else a date of contact. See docs/dates.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from vaultsync.config import Settings
from vaultsync.model.contact import WIKILINK
from vaultsync.model.dates import Moment, moment_sort_key, parse_interview, parse_moment
from vaultsync.model.links import link_texts
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
