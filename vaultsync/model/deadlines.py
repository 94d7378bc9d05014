"""Open deadlines of one contact: the thank-you letters, check-ins and interviews still ahead,
and the stages of awaiting a reply to an outreach.

Both the rules (which say how urgent each is today) and the calendar (which shows them all)
start from here, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.dates import Moment, add_business_days, day_of

THANK_YOU = "thank-you"
CHECK_IN = "check-in"
INTERVIEW = "interview"
#: Awaiting a reply to an outreach: write to someone else, follow up once, move on.
NO_REPLY_OTHER = "no-reply-other"
NO_REPLY_FOLLOW_UP = "no-reply-follow-up"
NO_REPLY_MOVE_ON = "no-reply-move-on"


@dataclass(frozen=True)
class Deadline:
    kind: str  # THANK_YOU, CHECK_IN, INTERVIEW or one of the NO_REPLY_ stages
    contact: Contact
    # the interview this follows from (for INTERVIEW, the interview itself; for the NO_REPLY_
    # stages, the outreach: the first request, or for NO_REPLY_MOVE_ON the latest follow-up)
    anchor: Moment
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
    """Every open deadline of ``contact`` on ``today``: none for a contact not to be contacted,
    and no reminder to write again (check-in, reply) when follow_up is false."""
    if contact.do_not_contact:
        return []
    found = []
    held = held_since(contact, today, settings)
    for interview in held:
        day = day_of(interview)
        if not any(sent >= day for sent in contact.thank_you_sent):
            due = day + dt.timedelta(days=settings.thank_you_days)
            found.append(Deadline(THANK_YOU, contact, interview, due, due))
    if held and contact.follow_up:
        latest = held[-1]
        day = day_of(latest)
        if not any(done > day for done in contact.check_ins):
            opens = day + dt.timedelta(days=settings.check_in_opens_days)
            closes = day + dt.timedelta(days=settings.check_in_closes_days)
            found.append(Deadline(CHECK_IN, contact, latest, opens, closes))
    for interview in contact.scheduled(today - dt.timedelta(days=1)):
        day = day_of(interview)
        found.append(Deadline(INTERVIEW, contact, interview, day, day))
    if contact.follow_up:
        found += no_reply_deadlines(contact, today, settings)
    return found


def unanswered(contact: Contact, today: dt.date, settings: Settings) -> tuple[dt.date, ...]:
    """The outreach sent by ``today`` (on or after ``since``) with no reply, interview or other
    contact on or after it. An interview counts when scheduled too: they said yes."""
    if not contact.outreach:
        return ()  # most contacts: nothing to wait for
    answers = (*contact.replies, *contact.contacted, *(day_of(m) for m in contact.interviews))
    answered = max(answers, default=dt.date.min)
    since = settings.since or dt.date.min
    return tuple(day for day in contact.outreach if answered < day <= today and day >= since)


def no_reply_deadlines(contact: Contact, today: dt.date, settings: Settings) -> list[Deadline]:
    """Awaiting a reply: after a first outreach, write to someone else (from ``no_reply_other_days``
    business days until the follow-up is due), then follow up once (``no_reply_follow_up_days``);
    after a follow-up (a later outreach), move on (``no_reply_move_on_days`` business days after
    it, shown ``no_reply_move_on_shown_days`` days), then nothing."""
    waiting = unanswered(contact, today, settings)
    if not waiting:
        return []
    first, latest = waiting[0], waiting[-1]
    if first == latest:
        other = add_business_days(first, settings.no_reply_other_days)
        follow = add_business_days(first, settings.no_reply_follow_up_days)
        found = [Deadline(NO_REPLY_FOLLOW_UP, contact, first, follow, follow)]
        if other < follow and today < follow:
            found.insert(0, Deadline(NO_REPLY_OTHER, contact, first, other, follow - dt.timedelta(days=1)))
        return found
    move_on = add_business_days(latest, settings.no_reply_move_on_days)
    last = move_on + dt.timedelta(days=settings.no_reply_move_on_shown_days - 1)
    if last < move_on or today > last:  # shown for no day, or no longer: silence
        return []
    return [Deadline(NO_REPLY_MOVE_ON, contact, latest, move_on, last)]
