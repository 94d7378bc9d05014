"""What the rules and the calendar make of one contact, reusing what it gave before: shared by the
watcher's memo (``incremental.memo``) and a build through the entry cache (``pipeline.build``).

An event made here is its ``event_order``, its VEVENT bytes and its ``Brief``. A build through
the cache leaves the bytes out (None) of every event a crowded day's digest could gather: most
of them are gathered (``outputs.digest``), and which are shown is known only once every contact
is made; ``serialised`` then writes those shown (``pipeline.build``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.deadlines import deadlines
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now
from vaultsync.model.rules import contact_findings
from vaultsync.outputs.calendar import event_bytes, event_zones
from vaultsync.outputs.events import Brief, Item, NoteLinks, contact_items, event_order

#: An event, its bytes perhaps not yet written (None): see the module's docstring.
Kept = tuple[tuple[dt.date, str], "bytes | None", "Brief | None"]
Exactly = tuple[Item, frozenset[str]]  # what makes an event's bytes (``exactly``)


class Before(NamedTuple):
    """What a contact gave before: the contact as it was, the moment, settings and links of
    then, and its events' bytes."""

    contact: Contact
    now: Now
    settings: Settings
    links: NoteLinks
    events: tuple[Kept, ...]


def contact_results(
    contact: Contact,
    now: Now,
    settings: Settings,
    links: NoteLinks,
    before: Before | None = None,
    *,
    shown_only: bool = False,
) -> tuple[tuple[Finding, ...], tuple[Kept, ...], frozenset[str]]:
    """What the rules find about ``contact`` at ``now``, its events (in ``contact_items`` order)
    and the time zones they use; an event exactly as it was ``before`` keeps its bytes.
    ``shown_only``: the bytes of an event a digest could gather are left out, unless kept."""
    open_deadlines = deadlines(contact, now, settings)
    items = contact_items(open_deadlines, now, settings, links(contact.path))
    serialised: dict[Exactly, Kept] = {}
    if before is not None and any(event[1] is not None for event in before.events):
        old, then_now, were = before.contact, before.now, before.settings
        then = contact_items(deadlines(old, then_now, were), then_now, were, before.links(old.path))
        serialised = {
            key: event
            for key, event in zip(map(exactly, then), before.events, strict=True)
            if event[1] is not None
        }
    made: list[Kept] = []
    for item in items:
        kept = serialised.get(exactly(item)) if serialised else None
        if kept is not None:
            made.append(kept)
        elif shown_only and item.brief is not None:
            made.append((event_order(item), None, item.brief))
        else:
            made.append((event_order(item), event_bytes(item), item.brief))
    return (
        tuple(contact_findings(contact, now, settings, open_deadlines)),
        tuple(made),
        frozenset().union(*map(event_zones, items)),
    )


def serialised(
    contact: Contact,
    events: tuple[Kept, ...],
    wanted: Iterable[Kept],
    now: Now,
    settings: Settings,
    links: NoteLinks,
) -> tuple[Kept, ...]:
    """``events`` (``contact``'s at ``now``, by ``contact_results``) with the bytes of those of
    ``wanted`` written."""
    wanted_ids = {id(event) for event in wanted}
    items = contact_items(deadlines(contact, now, settings), now, settings, links(contact.path))
    return tuple(
        (event[0], event_bytes(item), event[2]) if id(event) in wanted_ids else event
        for event, item in zip(events, items, strict=True)
    )


def exactly(item: Item) -> Exactly:
    """What makes an event's bytes: its Item, and its time zones (two times at the same instant in
    two zones with the same offset compare equal, but are written with different TZIDs)."""
    return item, event_zones(item)
