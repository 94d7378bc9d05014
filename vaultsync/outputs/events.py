"""The calendar's events, one kind of deadline at a time: each open deadline as the ``Item``s
(VEVENTs before they become text) it shows, with their words, days, alarms and stamps.

UIDs come from the note, the rule and the interview date; stamps from the record and the day,
never from the clock (see docs/subscribing.md). ``outputs.calendar`` writes them as iCalendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.dates import day_of
from vaultsync.model.deadlines import (
    CHECK_IN,
    CLOSE_LOOP,
    INTERVIEW,
    KEEP_IN_TOUCH,
    NO_REPLY_FOLLOW_UP,
    NO_REPLY_MOVE_ON,
    NO_REPLY_OTHER,
    REFERRAL,
    SEARCH_ENDED,
    THANK_YOU,
    Deadline,
    interview_end,
    lapsed,
)
from vaultsync.model.now import Now
from vaultsync.model.replies import no_reply_text

#: The rule id each kind of event carries in CATEGORIES.
CATEGORY = {THANK_YOU: "thank-you", CHECK_IN: "check-in", INTERVIEW: "prepare"}
#: Awaiting a reply: each stage's event title (its rule id is its kind).
NO_REPLY_TITLE = {
    NO_REPLY_OTHER: "No reply yet from {}: write to someone else",
    NO_REPLY_FOLLOW_UP: "Follow up with {}",
    NO_REPLY_MOVE_ON: "No answer from {}: move on",
}
CATEGORY |= {kind: kind for kind in NO_REPLY_TITLE}
CATEGORY |= {REFERRAL: "referral", CLOSE_LOOP: "close-loop"}  # the rules across contacts: person_items
CATEGORY |= {KEEP_IN_TOUCH: "keep-in-touch", SEARCH_ENDED: "search-ended"}
#: What one event of each kind is about, once and more than once: how a crowded day's digest
#: counts those it gathers (``outputs.digest``).
NOUNS = {
    THANK_YOU: ("thank-you letter", "thank-you letters"),
    CHECK_IN: ("check-in", "check-ins"),
    INTERVIEW: ("informational interview", "informational interviews"),
    NO_REPLY_OTHER: ("request awaiting a reply", "requests awaiting a reply"),
    NO_REPLY_FOLLOW_UP: ("follow-up to write", "follow-ups to write"),
    NO_REPLY_MOVE_ON: ("request to move on from", "requests to move on from"),
    REFERRAL: ("person to reach out to", "people to reach out to"),
    CLOSE_LOOP: ("referrer to tell", "referrers to tell"),
    KEEP_IN_TOUCH: ("contact to keep in touch with", "contacts to keep in touch with"),
    SEARCH_ENDED: ("contact to tell how your search ended", "contacts to tell how your search ended"),
}
NOUNS = {CATEGORY[kind]: nouns for kind, nouns in NOUNS.items()}  # by CATEGORY, as events carry it
#: The UID suffix of the events a deadline has besides its first one.
CLOSES, OVERDUE = "-closes", "-overdue"
#: The events a crowded day's digest gathers: their day, CATEGORY, and OVERDUE for the overdue
#: events of deadlines ("" for any other).
Group = tuple[dt.date, str, str]
#: Of an event a digest may gather, what the deadline is: OVERDUE or "", its last day, whom it is
#: about and their organization ("": none).
About = tuple[str, dt.date, str, str]
#: What a digest reads of an event (plain values: a build's cache keeps them): its Group, then
#: its About but the role, and its stamp. None: never gathered (a timed interview).
Brief = tuple[Group, dt.date, str, str, dt.datetime]
#: Where each day begins first (UTC+14, Kiribati): a stamp at the start of a day there is never in
#: the future once that day has begun anywhere, so never later than the build, wherever it runs.
_FIRST_ZONE = dt.timezone(dt.timedelta(hours=14))
#: The stamp of an event the record dates no day for: a scheduled interview with nothing before it.
UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Item:
    """One VEVENT, before it becomes iCalendar text."""

    uid: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    summary: str
    description: str
    category: str
    alarms: tuple[tuple[dt.timedelta, str], ...]  # (trigger relative to the start, text)
    url: str
    stamp: dt.datetime  # DTSTAMP and LAST-MODIFIED: when the event took this form
    sequence: int  # counts the moves of its start
    busy: bool  # TRANSP:OPAQUE (a meeting) rather than TRANSPARENT (a reminder)
    brief: Brief | None = None  # what a digest reads of it (``outputs.digest``)


@dataclass(frozen=True)
class NoteLinks:
    """Links that open a note: in Obsidian when the vault is one, else as a file.

    A value, so a driver can tell whether the links changed since its last build."""

    root: Path  # resolved
    obsidian: str | None  # the vault's name, quoted, when it has .obsidian/

    def __call__(self, path: str) -> str:
        if self.obsidian is not None:
            return f"obsidian://open?vault={self.obsidian}&file={quote(path.removesuffix('.md'), safe='')}"
        return (self.root / path).as_uri()

    def vault(self) -> str:
        """A link that opens the vault itself."""
        if self.obsidian is not None:
            return f"obsidian://open?vault={self.obsidian}"
        return self.root.as_uri()


def note_linker(root: Path) -> NoteLinks:
    root = root.resolve()
    return NoteLinks(root, quote(root.name, safe="") if (root / ".obsidian").is_dir() else None)


def _uid(deadline: Deadline, suffix: str = "") -> str:
    note = hashlib.sha256(deadline.contact.path.encode()).hexdigest()[:16]
    anchor = deadline.anchor.isoformat().replace(":", "")
    return f"{CATEGORY[deadline.kind]}-{anchor}-{note}{suffix}@vaultsync"


def day_stamp(day: dt.date) -> dt.datetime:
    """DTSTAMP and LAST-MODIFIED of an event that took its form on ``day``."""
    return dt.datetime.combine(day, dt.time(), _FIRST_ZONE).astimezone(dt.UTC)


def _interview_stamp(deadline: Deadline, now: Now) -> dt.datetime:
    """When a scheduled interview took its form, as far as the record tells: the last day the note
    records before it (an interview held, a letter sent, a check-in), not after today.

    The note never says when the interview was planned, and a stamp that followed ``today`` would
    rewrite every interview ahead each day (the watcher and push write every event whose bytes
    change)."""
    contact, day = deadline.contact, deadline.interview_day
    recorded = (*map(now.day_of, contact.interviews), *contact.thank_you_sent, *contact.check_ins)
    known = [d for d in recorded if d < day and d <= now.day]
    return day_stamp(max(known)) if known else UNDATED


def _context(contact: Contact, link: str) -> str:
    """What helps write the letter: advice, referrals, and the way back to the note."""
    parts = []
    if contact.advice:
        parts.append("Advice they offered:\n" + "\n".join(f"- {a}" for a in contact.advice))
    if contact.referrals:
        people = (f"- {p.name}" + (f" ({p.detail})" if p.detail else "") for p in contact.referrals)
        parts.append("People they suggested:\n" + "\n".join(people))
    parts.append(f"Open the note: {link}")
    return "\n\n".join(parts)


def day_event(
    uid: str,
    days: tuple[dt.date, dt.date],
    summary: str,
    description: str,
    category: str,
    alarms: tuple[tuple[dt.timedelta, str], ...],
    link: str,
    stamp: dt.datetime,
    sequence: int = 0,
    about: About | None = None,
) -> Item:
    """An all-day reminder from the first of ``days`` to the last inclusive, shown as free time;
    a digest may gather it when it is ``about`` a deadline."""
    first, last = days
    end = last + _ONE_DAY
    brief = None if about is None else ((first, category, about[0]), *about[1:], stamp)
    return Item(uid, first, end, summary, description, category, alarms, link, stamp, sequence, False, brief)


def _items(deadline: Deadline, now: Now, settings: Settings, link: str) -> list[Item]:
    contact, today = deadline.contact, now.day
    context = _context(contact, link)
    stamp = day_stamp(deadline.interview_day)  # the deadline comes with the interview it follows
    at_reminder = reminder_offset(settings)
    held = deadline.interview_day
    category = CATEGORY[deadline.kind]
    if deadline.kind == INTERVIEW:
        return [_interview(deadline, now, settings, context, link, at_reminder)]
    if deadline.kind == THANK_YOU:
        summary = f"Thank-you letter: {contact.display}"
        text = (
            f"Send a thank-you letter for the {held} interview by {deadline.end}. Mention what "
            "you enjoyed, the advice that helped and what you plan to do with it. No typos."
        )
        # shown from the day after the interview through the due day: best written at once
        first = min(held + _ONE_DAY, deadline.end)
        alarms = [
            (at_reminder + (deadline.end - first), f"Last day for the thank-you letter to {contact.display}")
        ]
        if first < deadline.end:
            alarms.insert(
                0, (at_reminder, f"Write the thank-you letter to {contact.display}, due {deadline.end}")
            )
        items = [
            day_event(
                _uid(deadline),
                (first, deadline.end),
                summary,
                f"{text}\n\n{context}",
                category,
                tuple(alarms),
                link,
                stamp,
                about=("", deadline.end, contact.name, contact.organization),
            )
        ]
    elif deadline.kind in NO_REPLY_TITLE:  # one day, the stage's first
        summary = NO_REPLY_TITLE[deadline.kind].format(contact.display)
        text = no_reply_text(deadline, now, settings)
        days, alarm = (deadline.start, deadline.start), (at_reminder, summary)
        about = ("", deadline.end, contact.name, contact.organization)
        description = f"{text}\n\n{context}"
        items = [
            day_event(
                _uid(deadline), days, summary, description, category, (alarm,), link, stamp, about=about
            )
        ]
    else:
        summary, closing, text = _WINDOWS[deadline.kind](deadline)
        shown = [("", deadline.start, summary)]
        ahead = deadline.start < deadline.end and today <= deadline.end  # its closing day, still ahead
        if closing and ahead:
            shown.append((CLOSES, deadline.end, closing))
        items = [
            day_event(
                _uid(deadline, suffix),
                (day, day),
                title,
                f"{text}\n\n{context}",
                category,
                ((at_reminder, title),),
                link,
                stamp,
                about=("", deadline.end, contact.name, contact.organization),
            )
            for suffix, day, title in shown
        ]
    if today > deadline.end:  # one event, on today: its own days are past (docs/subscribing.md)
        return [
            overdue_event(
                _uid(deadline, OVERDUE),
                (deadline.end, today),
                (summary, text, context),
                (contact.name, contact.organization),
                category,
                at_reminder,
                link,
            )
        ]
    return items


def _check_in_words(deadline: Deadline) -> tuple[str, str | None, str]:
    """A check-in window's summary, its closing day's title (None: no event that day), and what to do."""
    who = deadline.contact.display
    text = (
        f"Write again between {deadline.start} and {deadline.end} (interview {deadline.interview_day}): "
        "how their advice helped, how your search is going."
    )
    return f"Check in with {who}", f"Last day to check in with {who}", text


def _keep_in_touch_words(deadline: Deadline) -> tuple[str, str | None, str]:
    """No event on its last day: a nudge every few months needs one day, and the overdue copy
    follows it (each contact met has one, so a second would swell the feed)."""
    who = deadline.contact.display
    text = (
        f"Write again by {deadline.end}: you were last in touch on {deadline.interview_day}. "
        "News of your search, how their advice helped."
    )
    return f"Keep in touch with {who}", None, text


def _search_ended_words(deadline: Deadline) -> tuple[str, str | None, str]:
    who = deadline.contact.display
    text = (
        f"Your search ended on {deadline.start}: tell them how it ended and thank them for their "
        f"help, by {deadline.end}."
    )
    return f"Tell {who} how your search ended", f"Last day to tell {who} how your search ended", text


#: The words of each kind of deadline shown as a window: its first day, its last, then overdue.
_WINDOWS = {CHECK_IN: _check_in_words, KEEP_IN_TOUCH: _keep_in_touch_words, SEARCH_ENDED: _search_ended_words}


def overdue_event(
    uid: str,
    days: tuple[dt.date, dt.date],
    words: tuple[str, str, str],
    about: tuple[str, str],
    category: str,
    at_reminder: dt.timedelta,
    link: str,
) -> Item:
    """The event of a deadline past its last day: on today, moving to each new day. ``days``: its
    last day and today; ``words``: its summary, what to do, the context; ``about``: whom it is
    about and their organization."""
    (end, today), (summary, text, context) = days, words
    overdue = f"Overdue: {summary[0].lower()}{summary[1:]}"
    return day_event(
        uid,
        (today, today),
        overdue,
        f"Overdue since {end}. {text}\n\n{context}",
        category,
        ((at_reminder, overdue),),
        link,
        day_stamp(today),  # it moves to each new day: that is its change
        (today - end).days - 1,  # 0 on the first day overdue
        (OVERDUE, end, *about),
    )


def _interview(
    deadline: Deadline, now: Now, settings: Settings, context: str, link: str, at_reminder: dt.timedelta
) -> Item:
    """A scheduled interview: a busy half hour, or an all-day reminder when the note gives no time."""
    contact = deadline.contact
    start, end = _interview_times(deadline, settings)
    timed = isinstance(start, dt.datetime)
    # the day before: at the interview's own time, or at reminder_time for a day without one
    before = -_ONE_DAY if timed else at_reminder - _ONE_DAY
    text = (
        f"Informational interview with {contact.display}. "
        "Prepare the questions most important to you; respect their time."
    )
    stamp, who = _interview_stamp(deadline, now), (contact.name, contact.organization)
    return Item(
        _uid(deadline),
        start,
        end,
        f"Informational interview: {contact.display}",
        f"{text}\n\n{context}",
        CATEGORY[INTERVIEW],
        ((before, f"Tomorrow: informational interview with {contact.display}. Prepare your questions."),),
        link,
        stamp,
        0,
        busy=timed,
        # a meeting at a time is never gathered in a digest: it is the day's plan, not a reminder
        brief=None
        if timed
        else ((day_of(start), CATEGORY[INTERVIEW], ""), deadline.interview_day, *who, stamp),
    )


def _interview_times(
    deadline: Deadline, settings: Settings
) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime]:
    moment, end = deadline.anchor, interview_end(deadline.contact, deadline.anchor, settings)
    if not isinstance(moment, dt.datetime) or not isinstance(end, dt.datetime):
        return moment, moment + dt.timedelta(days=1)
    return _event_time(moment, settings.timezone), _event_time(end, settings.timezone)


def _event_time(moment: dt.datetime, timezone: str) -> dt.datetime:
    """A time as the calendar writes it: in UTC when the note gives an offset, in the
    ``timezone`` setting when set, else floating (the phone's own clock)."""
    if moment.tzinfo is not None:
        return moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=ZoneInfo(timezone)) if timezone else moment


def reminder_offset(settings: Settings) -> dt.timedelta:
    return dt.timedelta(hours=int(settings.reminder_time[:2]), minutes=int(settings.reminder_time[3:]))


def contact_items(open_deadlines: Iterable[Deadline], now: Now, settings: Settings, link: str) -> list[Item]:
    """The events of one contact: its open deadlines at ``now`` but those that lapsed
    (``deadlines.lapsed``), whose note opens at ``link``."""
    return [
        item
        for deadline in open_deadlines
        if not lapsed(deadline.end, now.day, settings)
        for item in _items(deadline, now, settings, link)
    ]


def event_order(item: Item) -> tuple[dt.date, str]:
    """Where an event goes in the calendar: by day, then by UID."""
    return day_of(item.start), item.uid
