"""iCalendar content lines written as icalendar writes them: the values of the properties
vaultsync's events and calendar head hold, escaped and folded (``outputs.calendar.event_bytes``).
"""

from __future__ import annotations

import datetime as dt

#: icalendar folds a line before it reaches 75 octets, so each piece holds 74.
_FOLD = 74


def when(moment: dt.date | dt.datetime) -> str:
    """A DATE or DATE-TIME property's parameters and value, from its colon (as vDDDTypes writes them)."""
    if not isinstance(moment, dt.datetime):
        return f";VALUE=DATE:{moment.isoformat().replace('-', '')}"
    written = moment.replace(microsecond=0, tzinfo=None).isoformat().replace("-", "").replace(":", "")
    return f":{written}Z" if moment.tzinfo is dt.UTC else f":{written}"


def duration(trigger: dt.timedelta) -> bytes:
    """A DURATION value as vDuration writes it."""
    sign = ""
    if trigger.days < 0:
        sign, trigger = "-", -trigger
    time = ""
    if trigger.seconds:
        hours, minutes, seconds = trigger.seconds // 3600, trigger.seconds % 3600 // 60, trigger.seconds % 60
        time = "T" + (f"{hours}H" if hours else "")
        time += f"{minutes}M" if minutes or (hours and seconds) else ""
        time += f"{seconds}S" if seconds else ""
    days = "" if trigger.days == 0 and time else f"{trigger.days}D"
    return f"{sign}P{days}{time}".encode()


def text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (RFC 5545 3.3.11; line ends become \\n)."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def fold(line: bytes) -> bytes:
    """A content line folded as icalendar folds it: pieces of at most 74 octets, never splitting a
    character nor ending in a backslash or a caret (it moves to the next piece), each after the
    first led by a space."""
    if len(line) <= _FOLD:
        return line
    pieces, start = [], 0
    while len(line) - start > _FOLD:
        end = start + _FOLD
        while line[end] & 0xC0 == 0x80:  # inside a character: it goes to the next piece
            end -= 1
        if end - start > 1 and line[end - 1] in b"\\^":
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)
