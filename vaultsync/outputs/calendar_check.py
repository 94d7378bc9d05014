"""Is a calendar sound? The one place that says: its bytes follow RFC 5545's framing, and a
parser's reading of every event matches what the notes say.

Parsers accept broken input silently (a bad date becomes some other date, an unescaped comma
cuts a summary), so "it parsed" proves little. Each parser's reading is reduced to a *view* per
event, a plain JSON-able dict, and compared field by field with the view of the event the notes
produce. The interoperability tests compute views with other parsers (ical.js, libical,
vobject) in the same shape; ``vaultsync doctor`` uses icalendar's.

A view::

    {"uid": "...", "start": "2026-11-23", "end": "2026-11-24", "all_day": True,
     "summary": "...", "description": "...", "transp": "TRANSPARENT",
     "stamp": "2026-11-17T10:00:00Z", "modified": "2026-11-17T10:00:00Z", "sequence": 0,
     "alarms": [{"action": "DISPLAY", "trigger": 32400, "description": "..."}]}

``start``/``end`` are ISO text: a date for all-day events, a local time without offset for
floating times, UTC with ``Z`` for anything zoned; ``stamp`` and ``modified`` (DTSTAMP,
LAST-MODIFIED) too. ``trigger`` is seconds from the start. A property the calendar leaves out
reads as None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vaultsync.model.now import Asked
from vaultsync.model.vault import Vault
from vaultsync.outputs.calendar import calendar_items
from vaultsync.outputs.events import Item

#: RFC 5545 3.1: content lines SHOULD NOT be longer than 75 octets, excluding the line break.
MAX_OCTETS = 75
#: The fields every view holds, in the order differences are reported.
FIELDS = (
    "uid",
    "start",
    "end",
    "all_day",
    "summary",
    "description",
    "transp",
    "stamp",
    "modified",
    "sequence",
    "alarms",
)

View = dict[str, Any]


def moment_text(value: dt.date | dt.datetime) -> tuple[str, bool]:
    """``(ISO text, all_day)`` for a DTSTART/DTEND value, as every view writes it."""
    if not isinstance(value, dt.datetime):
        return value.isoformat(), True
    if value.tzinfo is None:
        return value.isoformat(timespec="seconds"), False
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z", False


def item_view(item: Item) -> View:
    """What a faithful parser must read back for this event."""
    start, all_day = moment_text(item.start)
    return {
        "uid": item.uid,
        "start": start,
        "end": moment_text(item.end)[0],
        "all_day": all_day,
        "summary": item.summary,
        "description": item.description,
        "transp": "OPAQUE" if item.busy else "TRANSPARENT",
        "stamp": moment_text(item.stamp)[0],
        "modified": moment_text(item.stamp)[0],
        "sequence": item.sequence,
        "alarms": [
            {"action": "DISPLAY", "trigger": int(trigger.total_seconds()), "description": text}
            for trigger, text in item.alarms
        ],
    }


def format_problems(data: bytes) -> list[str]:
    """RFC 5545 framing: UTF-8, CRLF line ends, lines of at most 75 octets, unique UIDs."""
    problems = []
    if not data.startswith(b"BEGIN:VCALENDAR\r\n"):
        problems.append("does not start with BEGIN:VCALENDAR and CRLF")
    if not data.endswith(b"END:VCALENDAR\r\n"):
        problems.append("does not end with END:VCALENDAR and CRLF")
    parts = re.split(rb"(\r\n|\n|\r)", data)
    lines, ends = parts[0::2], parts[1::2]
    if lines and not lines[-1]:
        lines.pop()  # after the final line break
    for what, numbers in (
        ("end in a bare LF or CR instead of CRLF", [n for n, end in enumerate(ends, 1) if end != b"\r\n"]),
        (
            f"are longer than {MAX_OCTETS} octets",
            [n for n, line in enumerate(lines, 1) if len(line) > MAX_OCTETS],
        ),
        (
            "are not UTF-8, or were folded inside a character",
            [n for n, line in enumerate(lines, 1) if not _utf8(line)],
        ),
    ):
        if numbers:
            problems.append(f"{len(numbers)} line(s) {what} (first: line {numbers[0]})")
    unfolded = unfold(lines)
    bad = next((n for n, line in enumerate(unfolded, 1) if not _utf8(line)), None)
    if bad is not None:
        problems.append(f"not UTF-8 (content line {bad})")
    uids = Counter(_values(unfolded, b"UID"))
    repeated = sorted(uid for uid, count in uids.items() if count > 1)
    if repeated:
        problems.append(f"{len(repeated)} UID(s) used more than once (first: {repeated[0]})")
    return problems


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def unfold(lines: list[bytes]) -> list[bytes]:
    """The content lines of ``lines``: each line that begins with a space or a tab continues the
    one before. Each content line is joined once, from all its pieces: adding them one by one
    would copy a long value once per fold: quadratic in its length."""
    pieces: list[list[bytes]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and pieces:
            pieces[-1].append(line[1:])
        else:
            pieces.append([line])
    return [b"".join(parts) for parts in pieces]


def _values(lines: list[bytes], name: bytes) -> Iterable[str]:
    """The values of every ``name`` property (without parameters) of unfolded lines."""
    pattern = re.compile(rb"^" + name + rb"(;[^:]*)?:(.*)$", re.IGNORECASE)
    for line in lines:
        match = pattern.match(line)
        if match:
            yield match.group(2).decode("utf-8", "replace")


@dataclass(frozen=True)
class Reading:
    """What one parser read: the calendar's name, every event's view, the errors it noted."""

    name: str | None
    events: list[View]
    errors: list[str] = field(default_factory=list)


def expected_reading(vault: Vault, when: Asked) -> Reading:
    """What a faithful parser must read in the calendar the notes give at ``when``."""
    return Reading(vault.settings.calendar_name, [item_view(i) for i in calendar_items(vault, when)])


def icalendar_reading(data: bytes) -> Reading:
    """icalendar's reading, with the problems it noted (it never refuses a calendar it can split)."""
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(data)
    except ValueError as err:
        return Reading(None, [], [f"cannot parse it: {err}"])
    errors = [
        " ".join(filter(None, (component.name, str(component.get("uid", "")), f"{prop}: {message}")))
        for component in cal.walk()
        for prop, message in component.errors
    ]
    # icalendar keeps an X- property as raw text: unescape it as the TEXT it is
    name = _unescape_text(str(cal["x-wr-calname"])) if "x-wr-calname" in cal else None
    return Reading(name, [_event_view(event) for event in cal.walk("VEVENT")], errors)


def _unescape_text(raw: str) -> str:
    """RFC 5545 3.3.11 TEXT, in one pass (so an escaped backslash before ``n`` stays a backslash)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


def _moment(event: Any, name: str) -> tuple[str | None, bool | None]:
    """Like moment_text; a value icalendar could not read (it noted why) is kept as its text."""
    if name not in event:
        return None, None
    value = event.decoded(name)
    return moment_text(value) if isinstance(value, dt.date) else (str(value), None)


def _event_view(event: Any) -> View:
    start, all_day = _moment(event, "dtstart")
    return {
        "uid": str(event.get("uid", "")),
        "start": start,
        "end": _moment(event, "dtend")[0],
        "all_day": all_day,
        "summary": str(event.get("summary", "")),
        "description": str(event.get("description", "")),
        "transp": str(event["transp"]) if "transp" in event else None,
        "stamp": _moment(event, "dtstamp")[0],
        "modified": _moment(event, "last-modified")[0],
        "sequence": int(event["sequence"]) if "sequence" in event else None,
        "alarms": [
            {
                "action": str(alarm.get("action", "")),
                "trigger": _seconds(alarm.decoded("trigger")) if "trigger" in alarm else None,
                "description": str(alarm.get("description", "")),
            }
            for alarm in event.walk("VALARM")
        ],
    }


def _seconds(trigger: Any) -> int | str:
    if isinstance(trigger, dt.timedelta):
        return int(trigger.total_seconds())
    return str(trigger)  # an absolute trigger: never what vaultsync writes


def reading_differences(expected: Reading, actual: Reading, reader: str) -> list[str]:
    """Every way ``reader``'s reading differs from the expected one, one line each."""
    problems = [f"{reader}: {error}" for error in actual.errors]
    if expected.name != actual.name:
        problems.append(f"calendar name: the notes give {expected.name!r}, {reader} read {actual.name!r}")
    want = {view["uid"]: view for view in expected.events}
    got: dict[str, View] = {}
    for view in actual.events:
        if view["uid"] in got:
            problems.append(f"{view['uid']}: {reader} read this UID twice")
        got[view["uid"]] = view
    problems += [f"{uid}: missing in {reader}'s reading" for uid in sorted(want.keys() - got.keys())]
    problems += [
        f"{uid}: {reader} read an event the notes do not give" for uid in sorted(got.keys() - want.keys())
    ]
    for uid in sorted(want.keys() & got.keys()):
        problems += [
            f"{uid}: {key}: the notes give {want[uid].get(key)!r}, {reader} read {got[uid].get(key)!r}"
            for key in FIELDS
            if want[uid].get(key) != got[uid].get(key)
        ]
    return problems


def calendar_problems(data: bytes, expected: Reading | None = None) -> list[str]:
    """Everything wrong with a calendar's bytes: framing, what icalendar noted while parsing, and
    (given ``expected``) every difference between icalendar's reading and the notes."""
    reading = icalendar_reading(data)
    problems = format_problems(data)
    if expected is None:
        return problems + [f"icalendar: {error}" for error in reading.errors]
    return problems + reading_differences(expected, reading, "icalendar")
