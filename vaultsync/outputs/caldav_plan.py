"""What a push writes: the calendar split into one resource per event, each marked with its
digest, and the writes that make the server's calendar hold exactly those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

MARK = "X-VAULTSYNC-DIGEST"
H = TypeVar("H")
H_in = TypeVar("H_in", contravariant=True)


@dataclass(frozen=True)
class Resource:
    """One resource a push writes: a VCALENDAR holding one event (and its time zone), or a vCard."""

    uid: str
    digest: str
    data: bytes  # as sent


@dataclass
class PushResult:
    """What a push did to the calendar at ``url`` (given without credentials)."""

    url: str
    made_calendar: bool = False  # the calendar (the address book: ``noun``) was made by this push
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    foreign: list[str] = field(default_factory=list)  # a UID we would write, held by an event not ours
    noun: str = "calendar"

    @property
    def writes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)

    def summary(self) -> str:
        made = f"made the {self.noun}, " if self.made_calendar else ""
        return (
            f"pushed to {self.url}: {made}{len(self.created)} added, {len(self.updated)} replaced, "
            f"{len(self.deleted)} deleted, {self.unchanged} unchanged"
        )


def resources(calendar: bytes) -> list[Resource]:
    """The calendar split into one resource per event, each marked with its digest."""
    from icalendar import Calendar

    whole = Calendar.from_ical(calendar)
    zones = {str(zone["tzid"]): zone for zone in whole.walk("VTIMEZONE")}
    out = []
    for event in whole.walk("VEVENT"):
        one = Calendar()
        for name in ("prodid", "version", "calscale"):
            if name in whole:
                one.add(name, whole[name])
        used = _tzids(event)
        for tzid in sorted(used & zones.keys()):
            one.add_component(zones[tzid])
        one.add_component(event)
        digest = hashlib.sha256(one.to_ical()).hexdigest()[:32]
        event.add(MARK, digest)
        out.append(Resource(str(event["uid"]), digest, one.to_ical()))
    return out


def _tzids(event: Any) -> set[str]:
    return {
        str(value.params["TZID"])
        for name in ("dtstart", "dtend")
        if (value := event.get(name)) is not None and "TZID" in value.params
    }


class Writes(Protocol[H_in]):
    """The three writes a push makes into a calendar or an address book."""

    def add(self, resource: Resource) -> None: ...
    def replace(self, held: H_in, resource: Resource) -> None: ...
    def delete(self, held: H_in) -> None: ...


def apply(
    existing: Iterable[tuple[str, str | None, H]],
    wanted: list[Resource],
    writes: Writes[H],
    result: PushResult,
) -> None:
    """Make the collection holding ``existing`` ((UID, MARK or None, what ``writes`` needs to
    change it)) hold exactly ``wanted``, noting each write in ``result``: only resources carrying
    MARK are replaced or deleted; a wanted UID held by a resource not ours is left alone and
    noted as foreign."""
    ours: dict[str, tuple[H, str]] = {}
    theirs: set[str] = set()
    for uid, mark, held in existing:
        if mark is None:
            theirs.add(uid)
        else:
            ours[uid] = (held, mark)
    for resource in wanted:
        if resource.uid in theirs:
            result.foreign.append(resource.uid)
        elif resource.uid in ours:
            held, mark = ours.pop(resource.uid)
            if mark == resource.digest:
                result.unchanged += 1
            else:
                writes.replace(held, resource)
                result.updated.append(resource.uid)
        else:
            writes.add(resource)
            result.created.append(resource.uid)
    for uid, (held, _) in sorted(ours.items(), key=lambda item: item[0]):
        writes.delete(held)
        result.deleted.append(uid)


class EventWrites:
    """``Writes`` into a caldav library Calendar, whose events are caldav objects."""

    def __init__(self, remote: Any) -> None:
        self.remote = remote

    def add(self, resource: Resource) -> None:
        self.remote.add_event(resource.data.decode(), increase_seqno=False)

    def replace(self, held: Any, resource: Resource) -> None:
        held.data = resource.data.decode()
        held.save(increase_seqno=False)

    def delete(self, held: Any) -> None:
        held.delete()


def held_events(events: Iterable[Any]) -> list[tuple[str, str | None, Any]]:
    """The caldav library's events as ``apply`` reads them."""
    held = []
    for obj in events:
        component = obj.icalendar_component
        mark = component.get(MARK)
        held.append((str(component.get("uid", "")), None if mark is None else str(mark), obj))
    return held
