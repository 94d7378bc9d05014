"""A crowded day made calm: at most ``calendar_day_limit`` events of one kind on one day, and
the rest of that kind on that day gathered in one event that lists them, a digest
(docs/subscribing.md).

A kind is a CATEGORY (``events.Brief``), and the overdue events on today are a kind of their
own: their digest says so. The most urgent stay on their own: the earliest
due, then by UID. Which ones is worked out from each event's ``Brief`` once the events are made,
so a build that keeps the bytes of each contact's events (``incremental.memo``, the entry cache)
keeps them still: only the digests are made at each build.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter

from vaultsync.config import Settings
from vaultsync.outputs.events import (
    NOUNS,
    UNDATED,
    Brief,
    Item,
    NoteLinks,
    day_event,
    day_stamp,
    event_order,
    reminder_offset,
)

Key = tuple[dt.date, str]  # an event's ``event_order``
Group = tuple[dt.date, str, str]  # its day, CATEGORY and OVERDUE or "": what a digest gathers


def crowded(
    entries: Sequence[tuple[Key, Brief | None]], today: dt.date, settings: Settings, links: NoteLinks
) -> tuple[set[int], list[Item]]:
    """Of the events in ``entries`` (each one's ``event_order`` and ``Brief``), the places of those
    a digest gathers, and the digests in ``event_order``. Nothing when no day is crowded."""
    limit = settings.calendar_day_limit
    if not limit:
        return set(), []
    counts = Counter((key[0], brief[0], brief[1]) for key, brief in entries if brief is not None)
    over = {group for group, n in counts.items() if n > limit}
    if not over:
        return set(), []
    members: defaultdict[Group, list[tuple[dt.date, str, int, Brief]]] = defaultdict(list)
    for at, (key, brief) in enumerate(entries):
        if brief is not None and (group := (key[0], brief[0], brief[1])) in over:
            members[group].append((brief[2], key[1], at, brief))
    gathered: set[int] = set()
    digests = []
    for group, those in members.items():
        those.sort()  # the most urgent first: the earliest due, then by UID
        rest = those[limit:]
        gathered.update(map(itemgetter(2), rest))
        digests.append(_digest(group, [brief for *_, brief in rest], today, settings, links))
    return gathered, sorted(digests, key=event_order)


def calm_items(items: list[Item], today: dt.date, settings: Settings, links: NoteLinks) -> list[Item]:
    """``items`` (in ``event_order``) with each crowded day's rest of a kind as its digest."""
    gathered, digests = crowded([(event_order(item), item.brief) for item in items], today, settings, links)
    if not digests:
        return items
    kept = [item for at, item in enumerate(items) if at not in gathered]
    return sorted([*kept, *digests], key=event_order)


def _digest(group: Group, briefs: list[Brief], today: dt.date, settings: Settings, links: NoteLinks) -> Item:
    """The one event of the ``briefs`` a crowded ``group`` does not show on their own, in order.

    Its UID is its kind's and its day's; an overdue digest, like an overdue event, is on today
    and moves to each new day under one UID, stamped with the day and counting the days."""
    day, category, role = group
    one, many = NOUNS[category]
    summary = f"{'Overdue: ' if role else ''}{len(briefs):,} more {one if len(briefs) == 1 else many}"
    due = (f"Due {when}:\n" + _who(those) for when, those in groupby(briefs, key=itemgetter(2)))
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
        uid, stamp, sequence = f"{category}-{day}-more@vaultsync", max(map(itemgetter(5), briefs)), 0
    alarms = ((reminder_offset(settings), summary),)
    return day_event(uid, (day, day), summary, description, category, alarms, links.vault(), stamp, sequence)


def _who(briefs: Iterable[Brief]) -> str:
    """Whom ``briefs`` are about, a line for each organization (its people by name), then a line
    for each without one."""
    people: defaultdict[str, list[str]] = defaultdict(list)
    for brief in briefs:
        people[brief[4]].append(brief[3])
    lines = [
        f"- {organization}: {', '.join(sorted(people[organization], key=str.casefold))}"
        for organization in sorted(people.keys() - {""}, key=str.casefold)
    ]
    lines += (f"- {name}" for name in sorted(people.get("", ()), key=str.casefold))
    return "\n".join(lines)
