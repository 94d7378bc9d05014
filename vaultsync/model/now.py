"""The moment the rules judge by: an instant, and the user's time zone that gives its day.

A driver reads the clock (or takes ``--now`` / ``--today``) and ``judged_at`` turns what it
has into a ``Now``; the rules only read that value, never the clock. The user's zone also
gives the day of an interview written with an offset: 08:00+09:00 in Tokyo is the evening
before in Boston.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vaultsync.config import Settings
from vaultsync.model.dates import Moment


@dataclass(frozen=True)
class Now:
    """An instant (aware) and the user's time zone."""

    at: dt.datetime
    zone: dt.tzinfo

    @cached_property
    def day(self) -> dt.date:
        """The user's date at this instant: the ``today`` of every rule."""
        return self.at.astimezone(self.zone).date()

    @cached_property
    def wall(self) -> dt.datetime:
        """This instant on the user's clock, without its zone (to compare with naive times)."""
        return self.at.astimezone(self.zone).replace(tzinfo=None)

    @cached_property
    def next_day(self) -> dt.datetime:
        """When the user's next day begins (an instant)."""
        return dt.datetime.combine(self.day + dt.timedelta(days=1), dt.time(), self.zone)

    def end_of(self, day: dt.date) -> Now:
        """The last instant of ``day`` in the same zone: judged "by that day"."""
        return Now(dt.datetime.combine(day, dt.time.max, self.zone), self.zone)

    def day_of(self, moment: Moment) -> dt.date:
        """The user's day of ``moment``: a date is its own day, a naive time is on the user's
        clock already, an aware one is seen from the user's zone."""
        if not isinstance(moment, dt.datetime):
            return moment
        if moment.tzinfo is None:
            return moment.date()
        return moment.astimezone(self.zone).date()

    def instant(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` as an instant (a naive time is on the user's clock)."""
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone)

    def reached(self, moment: Moment) -> bool:
        """Whether ``moment`` is now or past: a date from its first minute, a time from itself."""
        if not isinstance(moment, dt.datetime):
            return moment <= self.day
        if moment.tzinfo is None:
            return moment <= self.wall
        return moment <= self.at


#: What a driver may ask for: a day (judged as at its very end, so every interview of that day
#: has been held, as ``--today`` always meant), a time on the user's clock (naive), an instant
#: (aware), or a ``Now`` already made.
Asked = Now | dt.date | dt.datetime


def judged_at(asked: Asked, settings: Settings) -> Now:
    """The ``Now`` a driver's ``asked`` means for a vault with ``settings`` (see ``Asked``)."""
    if isinstance(asked, Now):
        return asked
    zone = user_zone(settings)
    if not isinstance(asked, dt.datetime):
        return Now(dt.datetime.combine(asked, dt.time.max, zone), zone)
    return Now(asked if asked.tzinfo is not None else asked.replace(tzinfo=zone), zone)


def user_zone(settings: Settings) -> dt.tzinfo:
    """The ``timezone`` setting, else the machine's zone."""
    return ZoneInfo(settings.timezone) if settings.timezone else machine_zone()


def machine_zone() -> dt.tzinfo:
    """The machine's time zone, by the stdlib's means: ``TZ``, then what /etc/localtime names
    or holds, else the fixed offset ``time`` knows (Windows without the tzdata package)."""
    names = [os.environ.get("TZ", "").removeprefix(":")]
    with contextlib.suppress(OSError):
        names.append(os.readlink("/etc/localtime").partition("zoneinfo/")[2])
    for name in filter(None, names):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    try:
        with open("/etc/localtime", "rb") as data:
            return ZoneInfo.from_file(data, key="localtime")
    except (OSError, ValueError):
        return dt.timezone(dt.timedelta(seconds=-time.timezone))
