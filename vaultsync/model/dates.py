"""Date values from front-matter: what counts as a date, and the reason when something doesn't.

Nothing is guessed: ``next tuesday``, ``2026-02-30`` or the number YAML makes of ``10:30`` are
reported, never turned into a date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from vaultsync.reading.front_matter import InvalidDate
from vaultsync.reading.note import flow_text

#: A date, or a date and a time (naive = the user's local time, or aware with an offset).
Moment = dt.date | dt.datetime

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_WIKILINKED = re.compile(r"\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]")
#: The years a date may fall in. Outside lie typing mistakes (0206 for 2026) and, near datetime's
#: own limits (years 1 and 9999), deadlines that overflow when the days after an interview are added.
YEARS = range(1900, 3000)


def parse_moment(value: Any, written: Any = None) -> Moment | str:
    """A date or date-time, or a str saying why ``value`` is not one.

    ``written`` is the value as the note writes it (``note.Note.written``), for a value YAML
    typed otherwise (``yes`` is true, ``10:30`` is 630): the message quotes what was typed."""
    if isinstance(value, InvalidDate):
        return f"{value} is not a real date"
    if isinstance(value, (dt.date, dt.datetime)):
        return out_of_range(value) or value
    if not isinstance(value, str):
        value = written if isinstance(written, str) else flow_text(value if written is None else written)
    text = value.strip()
    linked = _WIKILINKED.fullmatch(text)  # "[[2026-11-20]]": a link to a daily note
    if linked:
        text = linked.group(1).strip()
    if not _ISO.fullmatch(text):
        return f"{value!r} is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)"
    try:
        moment = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        return f"{value!r} is not a real date"
    return out_of_range(moment) or moment


_CLOCK = re.compile(r"\d{2}:\d{2}(?::\d{2})?")


def parse_interview(value: Any, written: Any = None) -> tuple[Moment, dt.datetime | None] | str:
    """An interview's start and its end when the note gives one, ISO 8601's way
    (``2026-11-20T15:00/16:15``, or a whole date-time after the slash); else a str saying why not."""
    if not (isinstance(value, str) and "/" in value):
        parsed = parse_moment(value, written)
        return parsed if isinstance(parsed, str) else (parsed, None)
    first, _, second = (part.strip() for part in value.partition("/"))
    start = parse_moment(first)
    if isinstance(start, str):
        return start
    if not isinstance(start, dt.datetime):
        return f"{value!r}: an end needs a start time (write YYYY-MM-DDTHH:MM/HH:MM)"
    end: Moment | str
    if _CLOCK.fullmatch(second):
        try:
            end = dt.datetime.combine(start.date(), dt.time.fromisoformat(second), start.tzinfo)
        except ValueError:
            return f"{value!r}: {second!r} is not a time of day"
    else:
        end = parse_moment(second)
    if isinstance(end, str):
        return end
    if not isinstance(end, dt.datetime) or (end.tzinfo is None) != (start.tzinfo is None):
        return f"{value!r}: write the end as HH:MM, or as a date and time like the start"
    if end <= start:
        return (
            f"{value!r} ends before it starts (an interview that ends the next day: "
            f"write the whole end, {start.date() + dt.timedelta(days=1)}T{second})"
        )
    return start, end


def out_of_range(moment: Moment) -> str | None:
    """Why ``moment`` cannot be used (its year is outside YEARS), or None when it can."""
    if moment.year in YEARS:
        return None
    return f"{moment.isoformat()} is outside the years {YEARS[0]} to {YEARS[-1]}: check the date"


def day_of(moment: Moment) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def has_time(moment: Moment) -> bool:
    return isinstance(moment, dt.datetime)


def moment_sort_key(moment: Moment) -> tuple[dt.date, dt.time]:
    if isinstance(moment, dt.datetime):
        return (moment.date(), moment.time().replace(tzinfo=None))
    return (moment, dt.time.min)


def add_business_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th business day after ``day``, Monday to Friday (public holidays are not
    known): a Friday plus 1 is the Monday, a Saturday plus 1 too."""
    while count > 0:
        day += _ONE_DAY
        if day.weekday() < 5:
            count -= 1
    return day


_ONE_DAY = dt.timedelta(days=1)
