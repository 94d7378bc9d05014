"""The .ics calendar: every open deadline as an RFC 5545 VEVENT, byte-for-byte deterministic.

Same vault and same moment give the same bytes: UIDs come from the note, the rule and the
interview date; DTSTAMP and LAST-MODIFIED from the record and the day, never from the clock or
a file's times, and they move only when the event does (see docs/subscribing.md). What each
kind of deadline shows is ``outputs.events``; here the events become text and the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from vaultsync import __version__
from vaultsync.config import Settings
from vaultsync.model.across import across_contacts
from vaultsync.model.deadlines import deadlines
from vaultsync.model.now import Asked, judged_at
from vaultsync.model.referral import PersonDeadline
from vaultsync.model.vault import Vault
from vaultsync.outputs import ical_text as ical
from vaultsync.outputs.digest import Calm, calm_items
from vaultsync.outputs.events import (
    Brief,
    Item,
    NoteLinks,
    contact_items,
    event_order,
    note_linker,
)
from vaultsync.outputs.generated import PRODID_START, vault_file
from vaultsync.outputs.person_events import person_items

PRODID = f"{PRODID_START}{__version__}//EN"
#: An event as a build gathers them: its ``event_order``, its VEVENT bytes, its ``Brief``.
Event = tuple[tuple[dt.date, str], bytes, Brief | None]


def person_events(
    deadline: PersonDeadline, today: dt.date, settings: Settings, links: NoteLinks
) -> tuple[Event, ...]:
    """``person_items`` as ``Event``s."""
    return tuple(
        (event_order(item), event_bytes(item), item.brief)
        for item in person_items(deadline, today, settings, links)
    )


def calm_events(events: Sequence[Event], today: dt.date, settings: Settings, links: NoteLinks) -> list[bytes]:
    """The bytes of ``events`` (in ``event_order``) as the calendar holds them: a crowded day's
    rest of a kind as its digest (``outputs.digest``), the only events serialised here."""
    calm = calm_bytes(today, settings, links)
    calm.add(events)
    return calm.shown(events)


def calm_bytes(today: dt.date, settings: Settings, links: NoteLinks) -> Calm[bytes]:
    """A ``Calm`` of events as bytes."""
    return Calm(today, settings, links, event_bytes)


def calendar_items(vault: Vault, when: Asked) -> list[Item]:
    """Every event of the calendar at ``when`` (see ``vaultsync.model.now.judged_at``), in a stable order."""
    link, settings = note_linker(vault.root), vault.settings
    now = judged_at(when, settings)
    items = [
        item
        for contact in vault.contacts
        for item in contact_items(deadlines(contact, now, settings), now, settings, link(contact.path))
    ]
    for deadline in across_contacts(vault.contacts, now, settings).deadlines:
        items += person_items(deadline, now.day, settings, link)
    return calm_items(sorted(items, key=event_order), now.day, settings, link)


def event_bytes(item: Item) -> bytes:
    """One VEVENT as iCalendar text: the bytes icalendar writes for it (``icalendar_event_bytes``),
    written here when its times are dates, UTC or floating (icalendar builds, sorts and folds a
    tree of objects for each event: most of a build's time); a time in a named zone, whose TZID
    icalendar works out, goes to icalendar."""
    start, end = item.start, item.end
    if not _plain_times(item):
        return icalendar_event_bytes(item)
    stamp = ical.when(item.stamp)
    parts = [
        b"BEGIN:VEVENT\r\n",
        ical.fold(f"SUMMARY:{ical.text(item.summary)}".encode()),
        f"\r\nDTSTART{ical.when(start)}\r\nDTEND{ical.when(end)}\r\nDTSTAMP{stamp}\r\n".encode(),
        ical.fold(f"UID:{ical.text(item.uid)}".encode()),
        f"\r\nSEQUENCE:{item.sequence}\r\n".encode(),
        ical.fold(f"CATEGORIES:{ical.text(item.category)}".encode()),
        b"\r\n",
        ical.fold(f"DESCRIPTION:{ical.text(item.description)}".encode()),
        f"\r\nLAST-MODIFIED{stamp}\r\nTRANSP:{'OPAQUE' if item.busy else 'TRANSPARENT'}\r\n".encode(),
        ical.fold(f"URL:{item.url}".encode()),
    ]
    for trigger, said in item.alarms:
        parts.append(b"\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n")
        parts.append(ical.fold(f"DESCRIPTION:{ical.text(said)}".encode()))
        parts.append(b"\r\nTRIGGER:%s\r\nEND:VALARM" % ical.duration(trigger))
    parts.append(b"\r\nEND:VEVENT\r\n")
    return b"".join(parts)


def icalendar_event_bytes(item: Item) -> bytes:
    """One VEVENT as icalendar writes it (imported only when an event needs it: it takes longer
    to import than a warm build takes)."""
    data: bytes = _event(item).to_ical()
    return data


#: The time zones ``event_bytes`` writes itself: UTC (a trailing Z) and none (floating).
_PLAIN_ZONES: tuple[dt.tzinfo | None, ...] = (None, dt.UTC)


def _plain_times(item: Item) -> bool:
    """Whether the event's times are dates, or times in UTC or floating: no TZID to work out."""
    start, end = item.start, item.end
    if not isinstance(start, dt.datetime):
        return True
    return isinstance(end, dt.datetime) and start.tzinfo in _PLAIN_ZONES and end.tzinfo in _PLAIN_ZONES


def event_zones(item: Item) -> frozenset[str]:
    """The TZIDs icalendar writes on the event's times (its VTIMEZONE must come first)."""
    if _plain_times(item):
        return frozenset()
    from icalendar import vDDDTypes

    return frozenset(filter(None, (vDDDTypes(t).params.get("TZID") for t in (item.start, item.end))))


_END = b"END:VCALENDAR\r\n"


def calendar_head(settings: Settings, zones: Iterable[str]) -> bytes:
    """What comes before the events: the calendar's properties and the VTIMEZONEs of ``zones``.

    Without a time zone, written here as icalendar writes it (so a build need not import it)."""
    refresh = dt.timedelta(minutes=settings.refresh_minutes)
    if not settings.timezone:
        name, every = ical.text(settings.calendar_name), ical.duration(refresh).decode()
        lines = (
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{ical.text(PRODID)}",
            "CALSCALE:GREGORIAN",
            f"NAME:{name}",
            f"X-WR-CALNAME:{name}",
            f"REFRESH-INTERVAL;VALUE=DURATION:{every}",
            f"X-PUBLISHED-TTL:{every}",
        )
        return b"".join(ical.fold(line.encode()) + b"\r\n" for line in lines)
    from icalendar import Calendar, Timezone, vDuration, vText

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # vText: icalendar writes a plain str in these properties unescaped, and vobject then cuts
    # a name at its first comma (tests/test_interop.py)
    cal.add("name", vText(settings.calendar_name))
    cal.add("x-wr-calname", vText(settings.calendar_name))
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    if settings.timezone:
        cal.add("x-wr-timezone", settings.timezone)
        for tzid in sorted(zones):  # as Calendar.add_missing_timezones makes them
            with contextlib.suppress(ValueError):  # a zone icalendar does not know is left out
                cal.add_component(Timezone.from_tzid(tzid))
    data: bytes = cal.to_ical()
    return data.removesuffix(_END)


def calendar_pieces(head: bytes, events: Iterable[bytes]) -> list[bytes]:
    """The whole calendar, in pieces: ``calendar_head``, the VEVENTs in ``event_order``, the end."""
    pieces = [head]
    pieces += events
    pieces.append(_END)
    return pieces


def calendar_bytes(vault: Vault, when: Asked) -> bytes:
    """The whole calendar as iCalendar bytes (CRLF, folded at 75 octets).

    The same bytes as one icalendar ``Calendar`` holding every event, but each event is
    serialised on its own, so a driver that builds again and again (``vaultsync.incremental.memo``) can
    keep the bytes of the events that did not change.
    """
    return b"".join(calendar_parts(vault, when))


def calendar_parts(vault: Vault, when: Asked) -> list[bytes]:
    """``calendar_bytes`` in its ``calendar_pieces``: the head, each event, the end."""
    items = calendar_items(vault, when)
    zones = frozenset().union(*map(event_zones, items))
    return calendar_pieces(calendar_head(vault.settings, zones), map(event_bytes, items))


def _event(item: Item) -> Any:
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.stamp)
    event.add("last-modified", item.stamp)
    event.add("sequence", item.sequence)
    event.add("dtstart", item.start)
    event.add("dtend", item.end)
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("categories", [item.category])
    event.add("transp", "OPAQUE" if item.busy else "TRANSPARENT")
    event.add("url", item.url)
    for trigger, text in item.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", text)
        alarm.add("trigger", trigger)
        event.add_component(alarm)
    return event


def calendar_path(vault: Vault) -> Path:
    return vault_file(vault.root, vault.settings.calendar_path)
