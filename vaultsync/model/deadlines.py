"""Open deadlines of one contact: the thank-you letters, check-ins and interviews still ahead.

Both the rules (which say how urgent each is today) and the calendar (which shows them all)
start from here, so the two can never disagree. An interview with a time is held from its end:
nothing that follows it is open before then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.dates import Moment, day_of
from vaultsync.model.now import Now

THANK_YOU = "thank-you"
CHECK_IN = "check-in"
INTERVIEW = "interview"


@dataclass(frozen=True)
class Deadline:
    kind: str  # THANK_YOU, CHECK_IN or INTERVIEW
    contact: Contact
    anchor: Moment  # the interview this follows from (for INTERVIEW, the interview itself)
    start: dt.date  # the day it becomes due: letter due date, window opens, interview day
    end: dt.date  # the last day: letter due date, window closes, interview day
    #: The anchor's day for the user (``Now.day_of``), when it has a time; else the anchor itself.
    anchor_day: dt.date | None = None

    @property
    def interview_day(self) -> dt.date:
        return self.anchor_day or day_of(self.anchor)


def interview_end(contact: Contact, interview: Moment, settings: Settings) -> Moment:
    """When ``interview`` ends: the end the note writes, else its start plus the contact's
    ``interview_minutes`` or the setting's. An interview without a time is held on its day."""
    if not isinstance(interview, dt.datetime):
        return interview
    for start, end in contact.interview_ends:
        if start == interview:
            return end
    return interview + dt.timedelta(minutes=contact.interview_minutes or settings.interview_minutes)


def held(contact: Contact, now: Now, settings: Settings) -> tuple[Moment, ...]:
    """The interviews over by ``now``, in order."""
    return tuple(m for m in contact.interviews if now.reached(interview_end(contact, m, settings)))


def held_since(contact: Contact, now: Now, settings: Settings) -> tuple[Moment, ...]:
    """The interviews over by ``now`` that start reminders: those on or after ``since``."""
    over = held(contact, now, settings)
    since = settings.since
    return over if since is None else tuple(m for m in over if now.day_of(m) >= since)


def next_end(contact: Contact, now: Now, settings: Settings) -> dt.datetime | None:
    """The first instant after ``now`` at which one of the contact's timed interviews ends (and
    what the rules find may change), or None."""
    ends = (interview_end(contact, m, settings) for m in contact.interviews if isinstance(m, dt.datetime))
    ahead = [now.instant(end) for end in ends if isinstance(end, dt.datetime) and not now.reached(end)]
    return min(ahead, default=None)


def next_change(contacts: Iterable[Contact], now: Now, settings: Settings) -> dt.datetime:
    """When what the rules find about ``contacts`` may next change by itself: the next end of
    an interview, or the user's next day."""
    ends = filter(None, (next_end(contact, now, settings) for contact in contacts))
    return min((*ends, now.next_day))


def deadlines(contact: Contact, now: Now, settings: Settings) -> list[Deadline]:
    """Every open deadline of ``contact`` at ``now``; none when follow_up is false."""
    if not contact.follow_up:
        return []
    found = []
    over = held_since(contact, now, settings)
    for interview in over:
        day = now.day_of(interview)
        if not any(sent >= day for sent in contact.thank_you_sent):
            due = day + dt.timedelta(days=settings.thank_you_days)
            found.append(Deadline(THANK_YOU, contact, interview, due, due, day))
    if over:
        latest = over[-1]
        day = now.day_of(latest)
        if not any(done > day for done in contact.check_ins):
            opens = day + dt.timedelta(days=settings.check_in_opens_days)
            closes = day + dt.timedelta(days=settings.check_in_closes_days)
            found.append(Deadline(CHECK_IN, contact, latest, opens, closes, day))
    for interview in contact.interviews:
        day = now.day_of(interview)
        if day >= now.day:  # shown all its day, held or not
            found.append(Deadline(INTERVIEW, contact, interview, day, day, day))
    return found
