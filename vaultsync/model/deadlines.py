"""Open deadlines of one contact: the thank-you letters, check-ins and interviews still ahead.

Both the rules (which say how urgent each is today) and the calendar (which shows them all)
start from here, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.dates import Moment, day_of

THANK_YOU = "thank-you"
CHECK_IN = "check-in"
INTERVIEW = "interview"
REFERRAL, CLOSE_LOOP = "referral", "close-loop"  # across contacts: model/referral.py


@dataclass(frozen=True)
class Deadline:
    kind: str  # THANK_YOU, CHECK_IN or INTERVIEW
    contact: Contact
    anchor: Moment  # the interview this follows from (for INTERVIEW, the interview itself)
    start: dt.date  # the day it becomes due: letter due date, window opens, interview day
    end: dt.date  # the last day: letter due date, window closes, interview day

    @property
    def interview_day(self) -> dt.date:
        return day_of(self.anchor)


def held_since(contact: Contact, today: dt.date, settings: Settings) -> tuple[Moment, ...]:
    """The interviews held by ``today`` that start reminders: those on or after ``since``."""
    held = contact.held(today)
    since = settings.since
    return held if since is None else tuple(m for m in held if day_of(m) >= since)


def deadlines(contact: Contact, today: dt.date, settings: Settings) -> list[Deadline]:
    """Every open deadline of ``contact`` on ``today``; none when follow_up is false."""
    if not contact.follow_up:
        return []
    found = []
    held = held_since(contact, today, settings)
    for interview in held:
        day = day_of(interview)
        if not any(sent >= day for sent in contact.thank_you_sent):
            due = day + dt.timedelta(days=settings.thank_you_days)
            found.append(Deadline(THANK_YOU, contact, interview, due, due))
    if held:
        latest = held[-1]
        day = day_of(latest)
        if not any(done > day for done in contact.check_ins):
            opens = day + dt.timedelta(days=settings.check_in_opens_days)
            closes = day + dt.timedelta(days=settings.check_in_closes_days)
            found.append(Deadline(CHECK_IN, contact, latest, opens, closes))
    for interview in contact.scheduled(today - dt.timedelta(days=1)):
        day = day_of(interview)
        found.append(Deadline(INTERVIEW, contact, interview, day, day))
    return found
