"""A crowded day made calm: at most ``calendar_day_limit`` events of one kind on one day, and
the rest of that kind on that day gathered in one event that lists them, a digest
(docs/subscribing.md).

A kind is a CATEGORY (``events.Group``), and the overdue events on today are a kind of their
own: their digest says so. The most urgent stay on their own: the earliest due, then by UID.
Which ones is worked out from each event's ``Brief`` once the events are made, so a build that
keeps the bytes of each contact's events (``incremental.memo``, the entry cache) keeps them
still: only the digests are made, and the watcher's memo makes again only those that changed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import chain, compress, groupby
from operator import itemgetter, not_
from typing import Generic, TypeVar

from vaultsync.config import Settings
from vaultsync.outputs.events import (
    NOUNS,
    UNDATED,
    Brief,
    Group,
    Item,
    NoteLinks,
    day_event,
    day_stamp,
    event_order,
    reminder_offset,
)

Key = tuple[dt.date, str]  # an event's ``event_order``
T = TypeVar("T")
#: An event as the calendar gathers them: its ``event_order``, what the calendar holds of it (an
#: Item, or its bytes), and its ``Brief``.
Entry = tuple[Key, T, Brief | None]


def _urgency(entry: Entry[T]) -> tuple[dt.date, str]:
    """The most urgent first: the earliest due, then by UID."""
    brief = entry[2]
    assert brief is not None  # only entries with a brief are in a group
    return brief[1], entry[0][1]


class Calm(Generic[T]):
    """The calendar's events as a crowded day shows them, kept up to date as events come and go
    (the watcher's memo keeps one from build to build): each group's events in order of urgency,
    and each crowded group's digest, made again only when the events it gathers change.

    ``make`` turns a digest into what the calendar holds; all is for one day, one settings and
    one note links."""

    def __init__(
        self, today: dt.date, settings: Settings, links: NoteLinks, make: Callable[[Item], T]
    ) -> None:
        self._on, self._limit, self._make = (today, settings, links), settings.calendar_day_limit, make
        self._groups: defaultdict[Group, list[Entry[T]]] = defaultdict(list)
        self._changed: set[Group] = set()
        self._digests: dict[Group, tuple[tuple[Entry[T], ...], Entry[T]]] = {}  # what each gathers
        self._gathered: set[int] = set()  # the ids of the entries the digests hold

    def add(self, entries: Iterable[Entry[T]]) -> None:
        for entry in entries:
            if entry[2] is not None:
                self._groups[entry[2][0]].append(entry)  # put in order by ``shown``
                self._changed.add(entry[2][0])

    def remove(self, entries: Iterable[Entry[T]]) -> None:
        for entry in entries:
            if entry[2] is not None:
                self._groups[entry[2][0]].remove(entry)
                self._changed.add(entry[2][0])

    def shown(self, entries: Sequence[Entry[T]]) -> list[T]:
        """What the calendar holds of ``entries`` (those added and not removed, in ``event_order``):
        of each crowded group the ``calendar_day_limit`` most urgent, and a digest of the rest."""
        return list(map(itemgetter(1), self.shown_entries(entries)))

    def shown_entries(self, entries: Sequence[Entry[T]]) -> list[Entry[T]]:
        """``shown``, each with its key and brief: the entries themselves, and the digests."""
        limit = self._limit
        for group in self._changed:
            those = self._groups[group]
            those.sort(key=_urgency)
            rest = tuple(those[limit:]) if limit else ()
            before = self._digests.pop(group, None)
            if before is not None:
                self._gathered.difference_update(map(id, before[0]))
            if not rest:
                continue
            if before is None or before[0] != rest:
                item = digest(group, [entry[2] for entry in rest if entry[2]], *self._on)
                before = (rest, (event_order(item), self._make(item), None))
            self._digests[group] = (rest, before[1])
            self._gathered.update(map(id, rest))  # the entries it holds: no other has their ids
        self._changed.clear()
        if not self._digests:
            return list(entries)
        kept = compress(entries, map(not_, map(self._gathered.__contains__, map(id, entries))))
        made = (event for _, event in self._digests.values())
        return sorted(chain(kept, made), key=itemgetter(0))


def calm_items(items: list[Item], today: dt.date, settings: Settings, links: NoteLinks) -> list[Item]:
    """``items`` (in ``event_order``) with each crowded day's rest of a kind as its digest."""
    entries = [(event_order(item), item, item.brief) for item in items]
    calm = Calm(today, settings, links, lambda item: item)
    calm.add(entries)
    return calm.shown(entries)


def digest(
    group: Group, briefs: Sequence[Brief], today: dt.date, settings: Settings, links: NoteLinks
) -> Item:
    """The one event of the ``briefs`` a crowded ``group`` does not show on their own, in order
    (``Calm`` gives them).

    Its UID is its kind's and its day's; an overdue digest, like an overdue event, is on today
    and moves to each new day under one UID, stamped with the day and counting the days."""
    day, category, role = group
    one, many = NOUNS[category]
    summary = f"{'Overdue: ' if role else ''}{len(briefs):,} more {one if len(briefs) == 1 else many}"
    due = (f"Due {when}:\n" + _who(those) for when, those in groupby(briefs, key=itemgetter(1)))
    description = "\n\n".join(
        (
            f"{summary}: the calendar shows the {settings.calendar_day_limit} most urgent on their "
            "own (calendar_day_limit); here are the rest, by the day each is due.",
            *due,
            "`vaultsync audit` lists them all, as does the dashboard note when you keep one.",
        )
    )
    if role:
        uid, stamp, sequence = (
            f"{category}{role}-more@vaultsync",
            day_stamp(today),
            (today - UNDATED.date()).days,
        )
    else:
        uid, stamp, sequence = f"{category}-{day}-more@vaultsync", max(map(itemgetter(4), briefs)), 0
    alarms = ((reminder_offset(settings), summary),)
    return day_event(uid, (day, day), summary, description, category, alarms, links.vault(), stamp, sequence)


def _who(briefs: Iterable[Brief]) -> str:
    """Whom ``briefs`` are about, a line for each organization (its people by name), then a line
    for each without one."""
    lines, alone = [], []
    for organization, those in groupby(sorted(briefs, key=itemgetter(3, 2)), key=itemgetter(3)):
        names = map(itemgetter(2), those)
        if organization:
            lines.append(f"- {organization}: {', '.join(names)}")
        else:
            alone = [f"- {name}" for name in names]
    return "\n".join(lines + alone)
