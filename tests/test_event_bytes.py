"""The calendar's own VEVENT writer gives exactly icalendar's bytes (calendar.event_bytes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultsync.config import DEFAULTS
from vaultsync.outputs.calendar import calendar_head, event_bytes, icalendar_event_bytes
from vaultsync.outputs.events import Item

# The hard cases of escaping and folding: multi-byte characters, the escapes, line ends, carets.
_CHARS = st.sampled_from(list("ab ,;:\\^\r\nN\t\"'é€😀ß-") + ["\\N", "\r\n"])
TEXT = st.lists(_CHARS, max_size=200).map("".join) | st.text(max_size=300)
DAY = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 30))
MOMENT = st.datetimes(
    min_value=dt.datetime(1, 1, 2),
    max_value=dt.datetime(9999, 12, 30),
    timezones=st.sampled_from([None, dt.UTC]),
)
STAMP = st.datetimes(
    min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.just(dt.UTC)
)
#: A URI value is not escaped: any text but line ends (the notes' links are percent-encoded).
URL = st.text(alphabet=st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)), max_size=200)
TRIGGER = st.timedeltas(min_value=dt.timedelta(days=-400), max_value=dt.timedelta(days=400))


@st.composite
def items(draw: st.DrawFn, times: st.SearchStrategy[dt.date] = DAY | MOMENT) -> Item:
    start = draw(times)
    # the end drawn on its own (all-day events end a day later, timed ones later the same day),
    # of the start's kind: a date, or a time in UTC or floating, not necessarily the start's
    end = draw(MOMENT if isinstance(start, dt.datetime) else DAY)
    return Item(
        uid=draw(TEXT),
        start=start,
        end=end,
        summary=draw(TEXT),
        description=draw(TEXT),
        category=draw(TEXT),
        alarms=tuple(draw(st.lists(st.tuples(TRIGGER, TEXT), max_size=3))),
        url=draw(URL),
        stamp=draw(STAMP),
        sequence=draw(st.integers(min_value=0, max_value=10**6)),
        busy=draw(st.booleans()),
    )


@settings(max_examples=600, deadline=None)
@given(items())
def test_event_bytes_are_icalendars(item: Item) -> None:
    assert event_bytes(item) == icalendar_event_bytes(item)


def test_a_time_in_a_named_zone_is_written_by_icalendar() -> None:
    start = dt.datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    item = Item(
        "u@x", start, start + dt.timedelta(minutes=30), "S", "D", "prepare", (), "file:///n", start, 0, True
    )
    written = event_bytes(item)
    assert written == icalendar_event_bytes(item)
    assert b"DTSTART;TZID=Europe/Berlin:20261120T103000\r\n" in written


def test_a_long_line_folds_before_75_octets_and_keeps_escapes_whole() -> None:
    text = "x" * 65 + "," + "é" * 40
    item = Item("u", dt.date(2026, 1, 1), dt.date(2026, 1, 2), text, "", "c", (), "", STAMP_0, 0, False)
    lines = event_bytes(item).split(b"\r\n")
    assert lines[1] == b"SUMMARY:" + b"x" * 65  # the escaped comma's backslash went to the next piece
    assert lines[2] == b" \\," + "é".encode() * 36  # 2 + 72 octets: no é cut in two
    assert lines[3] == b" " + "é".encode() * 4
    assert all(len(line) <= 75 for line in lines)


STAMP_0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=1, max_size=200),
    st.integers(min_value=1, max_value=60 * 24 * 400),
)
def test_the_head_without_a_time_zone_is_icalendars(name: str, minutes: int) -> None:
    plain = replace(DEFAULTS, calendar_name=name, refresh_minutes=minutes, timezone="")
    # with a time zone (any: no event uses one) icalendar writes the head, X-WR-TIMEZONE added
    zoned = replace(plain, timezone="Europe/Berlin")
    expected = calendar_head(zoned, frozenset()).replace(b"X-WR-TIMEZONE:Europe/Berlin\r\n", b"")
    assert calendar_head(plain, frozenset()) == expected
