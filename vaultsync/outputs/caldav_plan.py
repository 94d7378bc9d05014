"""What a push writes: the calendar split into one resource per event, each marked with its
digest, and the writes that make the server's calendar hold exactly those.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

MARK = "X-VAULTSYNC-DIGEST"


@dataclass(frozen=True)
class Resource:
    """One calendar object resource: a VCALENDAR holding one event (and its time zone)."""

    uid: str
    digest: str
    ics: bytes


@dataclass
class PushResult:
    """What a push did to the calendar at ``url`` (given without credentials)."""

    url: str
    made_calendar: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    foreign: list[str] = field(default_factory=list)  # a UID we would write, held by an event not ours

    @property
    def writes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)

    def summary(self) -> str:
        made = "made the calendar, " if self.made_calendar else ""
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


def apply(remote: Any, existing: list[Any], wanted: list[Resource], result: PushResult) -> None:
    """Write to ``remote`` (a caldav Calendar holding ``existing``) what makes it hold exactly
    ``wanted``, noting each write in ``result``: only events carrying MARK are replaced or
    deleted; a wanted UID held by an event not ours is left alone and noted as foreign."""
    ours: dict[str, tuple[Any, str]] = {}
    theirs: set[str] = set()
    for obj in existing:
        component = obj.icalendar_component
        uid = str(component.get("uid", ""))
        mark = component.get(MARK)
        if mark is None:
            theirs.add(uid)
        else:
            ours[uid] = (obj, str(mark))
    for resource in wanted:
        if resource.uid in theirs:
            result.foreign.append(resource.uid)
        elif resource.uid in ours:
            obj, mark = ours.pop(resource.uid)
            if mark == resource.digest:
                result.unchanged += 1
            else:
                obj.data = resource.ics.decode()
                obj.save(increase_seqno=False)
                result.updated.append(resource.uid)
        else:
            remote.add_event(resource.ics.decode(), increase_seqno=False)
            result.created.append(resource.uid)
    for uid, (obj, _) in sorted(ours.items()):
        obj.delete()
        result.deleted.append(uid)
