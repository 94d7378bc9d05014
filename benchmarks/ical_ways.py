"""Serialising a build's events: vaultsync's own writer (outputs/ical_text) against icalendar 7's ways.

    python3 benchmarks/ical_ways.py VAULT     # a vault of benchmarks/generate.py

Only the events the writer takes (dates, UTC or floating times: no TZID). Prints how many of
the first 300 each way writes byte for byte as icalendar's Event + add + to_ical, then the CPU
time per event of each way, in three rounds.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

from icalendar import Alarm, Event, vDDDTypes, vText

from vaultsync.outputs.calendar import calendar_items, event_bytes, event_zones, icalendar_event_bytes
from vaultsync.outputs.events import Item
from vaultsync.store.loader import load_vault


def by_new(item: Item, *, in_order: bool = True) -> bytes:
    """icalendar 7's ``Event.new(...)``, with the alarms as components; ``in_order=False``:
    ``to_ical(sorted=False)``."""
    event = Event.new(
        uid=item.uid,
        stamp=item.stamp,
        last_modified=item.stamp,
        sequence=item.sequence,
        start=item.start,
        end=item.end,
        summary=item.summary,
        description=item.description,
        categories=[item.category],
        transparency="OPAQUE" if item.busy else "TRANSPARENT",
        url=item.url,
    )
    event.subcomponents += [
        Alarm(ACTION=vText("DISPLAY"), DESCRIPTION=vText(said), TRIGGER=vDDDTypes(trigger))
        for trigger, said in item.alarms
    ]
    data: bytes = event.to_ical(sorted=in_order)
    return data


def main(vault_folder: str) -> None:
    vault = load_vault(Path(vault_folder))
    items = [item for item in calendar_items(vault, dt.date(2026, 11, 20)) if not event_zones(item)]
    ways: dict[str, Callable[[Item], bytes]] = {
        "own writer (ical_text)": event_bytes,
        "icalendar Event + add + to_ical": icalendar_event_bytes,
        "icalendar Event.new(...)": by_new,
        "icalendar Event.new(...), to_ical(sorted=False)": lambda item: by_new(item, in_order=False),
    }
    same = {name: sum(way(i) == icalendar_event_bytes(i) for i in items[:300]) for name, way in ways.items()}
    print(f"{len(items)} events; written as icalendar writes them, of the first 300: {same}")
    for round_ in range(3):
        for name, way in ways.items():
            started = time.process_time()
            for item in items:
                way(item)
            print(
                f"round {round_}: {name}: {1e6 * (time.process_time() - started) / len(items):.1f} µs/event"
            )


if __name__ == "__main__":
    main(sys.argv[1])
