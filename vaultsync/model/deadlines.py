"""Open deadlines of one contact: the thank-you letters, check-ins and interviews still ahead,
and the stages of awaiting a reply to an outreach.

Both the rules (which say how urgent each is today) and the calendar (which shows them all)
start from here, so the two can never disagree. An interview with a time is held from its end:
nothing that follows it is open before then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.dates import Moment, add_business_days, day_of
from vaultsync.model.now import Now

THANK_YOU = "thank-you"
CHECK_IN = "check-in"
INTERVIEW = "interview"
#: Awaiting a reply to an outreach: write to someone else, follow up once, move on.
NO_REPLY_OTHER = "no-reply-other"
NO_REPLY_FOLLOW_UP = "no-reply-follow-up"
NO_REPLY_MOVE_ON = "no-reply-move-on"
KEEP_IN_TOUCH = "keep-in-touch"
SEARCH_ENDED = "search-ended"
#: The deadlines that stay once the search has ended: what you still owe people (the thank-you
#: for an interview held, the word of how it ended) and the interviews the notes still plan.
AFTER_SEARCH = frozenset({THANK_YOU, INTERVIEW, SEARCH_ENDED})
REFERRAL, CLOSE_LOOP = "referral", "close-loop"  # across contacts: model/referral.py


@dataclass(frozen=True)
class Deadline:
    kind: str  # THANK_YOU, CHECK_IN, INTERVIEW, KEEP_IN_TOUCH, SEARCH_ENDED or a NO_REPLY_ stage
    contact: Contact
    #: the interview this follows from (for INTERVIEW, the interview itself; for KEEP_IN_TOUCH,
    #: the latest contact; for SEARCH_ENDED, the day the search ended; for the NO_REPLY_ stages,
    #: the outreach: the first request, or for NO_REPLY_MOVE_ON the latest follow-up)
    anchor: Moment
    start: dt.date  # the day it becomes due: letter due date, window opens, interview day
    end: dt.date  # the last day: letter due date, window closes, interview day
    #: The anchor's day for the user (``Now.day_of``), when it has a time; else the anchor itself.
    anchor_day: dt.date | None = None

    @property
    def interview_day(self) -> dt.date:
        return self.anchor_day or day_of(self.anchor)


class Timed(Protocol):
    """What ``interview_end`` reads: a Contact, or a rule's copy of one (``referral.ReferralInputs``)."""

    @property
    def interview_minutes(self) -> int | None: ...
    @property
    def interview_ends(self) -> tuple[tuple[dt.datetime, dt.datetime], ...]: ...


def interview_end(contact: Timed, interview: Moment, settings: Settings) -> Moment:
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
    global _last_held
    last = _last_held  # read once: another thread may replace it meanwhile
    if last[0] is contact and last[1] is now and last[2] is settings:
        return last[3]
    ended = tuple(m for m in contact.interviews if now.reached(interview_end(contact, m, settings)))
    _last_held = (contact, now, settings, ended)
    return ended


#: The last answer of ``held``, with what it was asked about: the deadlines and two rules ask
#: again of the same contact at the same moment. Matched by identity, and all three values are
#: frozen, so it cannot go stale; holding them keeps their ids from being reused.
_last_held: tuple[object, object, object, tuple[Moment, ...]] = (None, None, None, ())


def held_since(contact: Contact, now: Now, settings: Settings) -> tuple[Moment, ...]:
    """The interviews over by ``now`` that start reminders: those on or after ``since``."""
    return _since(held(contact, now, settings), now, settings)


def _since(over: tuple[Moment, ...], now: Now, settings: Settings) -> tuple[Moment, ...]:
    """The interviews of ``over`` on or after ``since``."""
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
    """Every open deadline of ``contact`` at ``now``: none for a contact not to be contacted,
    and no reminder to write again (check-in, reply) when follow_up is false."""
    if contact.do_not_contact:
        return []
    found = []
    # worked out once here for every kind below: each interview's end is looked up to tell
    held_all = held(contact, now, settings)
    over = _since(held_all, now, settings)
    if over:
        # a letter sent on or after an interview's day thanks for it: the latest one tells
        thanked = max(contact.thank_you_sent, default=None)
        for interview in over:
            day = now.day_of(interview)
            if thanked is None or thanked < day:
                due = day + dt.timedelta(days=settings.thank_you_days)
                found.append(Deadline(THANK_YOU, contact, interview, due, due, day))
        if contact.follow_up:
            latest = over[-1]  # its day is the loop's last
            if max(contact.check_ins, default=dt.date.min) <= day:  # no check-in after it
                opens = day + dt.timedelta(days=settings.check_in_opens_days)
                closes = day + dt.timedelta(days=settings.check_in_closes_days)
                found.append(Deadline(CHECK_IN, contact, latest, opens, closes, day))
    today = now.day
    for interview in contact.interviews:
        day = now.day_of(interview)
        if day >= today:  # shown all its day, held or not
            found.append(Deadline(INTERVIEW, contact, interview, day, day, day))
    if contact.follow_up and contact.outreach:  # no outreach, nothing to wait for
        found += no_reply_deadlines(contact, now, settings)
    return in_touch(contact, now, settings, found, held_all, over)


def unanswered(contact: Contact, now: Now, settings: Settings) -> tuple[dt.date, ...]:
    """The outreach sent by ``now`` (on or after ``since``) with no reply, interview or other
    contact on or after it. An interview counts when scheduled too: they said yes."""
    if not contact.outreach:
        return ()  # most contacts: nothing to wait for
    answers = (*contact.replies, *contact.contacted, *map(now.day_of, contact.interviews))
    answered = max(answers, default=dt.date.min)
    since = settings.since or dt.date.min
    return tuple(day for day in contact.outreach if answered < day <= now.day and day >= since)


def no_reply_deadlines(contact: Contact, now: Now, settings: Settings) -> list[Deadline]:
    """Awaiting a reply: after a first outreach, write to someone else (from ``no_reply_other_days``
    business days until the follow-up is due), then follow up once (``no_reply_follow_up_days``);
    after a follow-up (a later outreach), move on (``no_reply_move_on_days`` business days after
    it, shown ``no_reply_move_on_shown_days`` days), then nothing."""
    waiting = unanswered(contact, now, settings)
    if not waiting:
        return []
    first, latest = waiting[0], waiting[-1]
    if first == latest:
        other = add_business_days(first, settings.no_reply_other_days)
        follow = add_business_days(first, settings.no_reply_follow_up_days)
        found = [Deadline(NO_REPLY_FOLLOW_UP, contact, first, follow, follow)]
        if other < follow and now.day < follow:
            found.insert(0, Deadline(NO_REPLY_OTHER, contact, first, other, follow - dt.timedelta(days=1)))
        return found
    move_on = add_business_days(latest, settings.no_reply_move_on_days)
    last = move_on + dt.timedelta(days=settings.no_reply_move_on_shown_days - 1)
    if last < move_on or now.day > last:  # shown for no day, or no longer: silence
        return []
    return [Deadline(NO_REPLY_MOVE_ON, contact, latest, move_on, last)]


def lapsed(end: dt.date, today: dt.date, settings: Settings) -> bool:
    """Whether a deadline whose last day is ``end`` has lapsed on ``today``: more than
    ``lapse_days`` past it. Lapsed, it leaves the calendar and its finding is no longer overdue
    (``model.settle``): a reminder missed long ago is history, not an emergency."""
    return (today - end).days > settings.lapse_days


def search_over(today: dt.date, settings: Settings) -> bool:
    """Whether the search has ended by ``today`` (the ``search_ended`` setting)."""
    return settings.search_ended is not None and today >= settings.search_ended


def in_touch(
    contact: Contact,
    now: Now,
    settings: Settings,
    found: list[Deadline],
    held_all: tuple[Moment, ...],
    over: tuple[Moment, ...],
) -> list[Deadline]:
    """``found`` with the keep-in-touch deadline, which takes over from a check-in not done once it
    is due; from the day the search ended, only what ``AFTER_SEARCH`` keeps, and the word of how
    it ended. ``held_all``: the interviews over by ``now``; ``over``: those on or after ``since``."""
    if search_over(now.day, settings):
        ended = search_ended_deadlines(contact, now, settings, held_all, over)
        return [d for d in found if d.kind in AFTER_SEARCH] + ended
    keep = keep_in_touch_deadline(contact, now, settings, held_all, over)
    if keep is None:
        return found
    if now.day >= keep.start:
        found = [d for d in found if d.kind != CHECK_IN]
    return [*found, keep]


def last_contact(contact: Contact, now: Now, settings: Settings) -> dt.date | None:
    """The latest day by ``now`` that the record shows any contact with them."""
    return _last_contact(contact, now, held(contact, now, settings))


def _last_contact(contact: Contact, now: Now, held_all: tuple[Moment, ...]) -> dt.date | None:
    today, latest = now.day, max(map(now.day_of, held_all), default=None)
    for days in (*_words_to(contact), contact.replies):
        for day in days:
            if day <= today and (latest is None or day > latest):
                latest = day
    return latest


def _words_to(contact: Contact) -> tuple[tuple[dt.date, ...], ...]:
    """The days you wrote to or spoke with them, besides interviews, a property's at a time:
    letters, check-ins, outreach, other contact."""
    return (contact.thank_you_sent, contact.check_ins, contact.outreach, contact.contacted)


def keep_in_touch_deadline(
    contact: Contact, now: Now, settings: Settings, held_all: tuple[Moment, ...], over: tuple[Moment, ...]
) -> Deadline | None:
    """Write again ``keep_in_touch_days`` (or the contact's ``keep_in_touch``) after the latest
    contact, once the check-in is done or its window has closed (then not before the day after)."""
    every = settings.keep_in_touch_days if contact.keep_in_touch is None else contact.keep_in_touch
    if not every or not over or not contact.follow_up:
        return None
    interview = now.day_of(over[-1])
    checked = max(contact.check_ins, default=interview) > interview  # a check-in after it
    closes = interview + dt.timedelta(days=settings.check_in_closes_days)
    if not checked and now.day <= closes:
        return None  # the check-in comes first
    last = _last_contact(contact, now, held_all) or interview
    start = last + dt.timedelta(days=every)
    if not checked:
        start = max(start, closes + dt.timedelta(days=1))
    end = start + dt.timedelta(days=settings.keep_in_touch_window_days)
    return Deadline(KEEP_IN_TOUCH, contact, last, start, end)


def search_ended_deadlines(
    contact: Contact, now: Now, settings: Settings, held_all: tuple[Moment, ...], over: tuple[Moment, ...]
) -> list[Deadline]:
    """Tell each contact you interviewed how the search ended, and thank them: due within
    ``search_ended_days`` of ``search_ended``; done by any word sent to them, or a meeting, since
    that day."""
    ended = settings.search_ended
    if ended is None or not contact.follow_up or not over:
        return []
    met = (now.day_of(m) for m in held_all)  # met since: told in person
    if any(ended <= day <= now.day for days in (*_words_to(contact), met) for day in days):
        return []
    end = ended + dt.timedelta(days=settings.search_ended_days)
    return [Deadline(SEARCH_ENDED, contact, ended, ended, end)]
