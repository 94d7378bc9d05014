"""Reach out to the people your contacts suggested (guide rule 3): the referral rule, and what
the rules across contacts share (``model.close_loop`` lets the referrer know; ``model.across``
runs both).

They judge by the moment, as the rules about one contact do: an interview is held from its end
(``deadlines.interview_end``), on the user's day. A note does not date its referrals: they count
from the referrer's latest interview held by then (on or after ``since``), the meeting at which
they are recorded. Before that meeting has ended they give nothing; a referral whose referrer has
no interview at all to date it stays an undated ``info`` finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

from vaultsync.config import Settings
from vaultsync.model.contact import Contact, PersonRef, find_person, index_by_name, name_key, name_keys
from vaultsync.model.dates import Moment
from vaultsync.model.deadlines import REFERRAL, interview_end
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now


@dataclass(frozen=True)
class PendingReferral:
    """Someone a contact suggested whom the user has not interviewed yet."""

    person: PersonRef  # as the (first) referrer wrote it
    note: Contact | None  # their contact note, when there is one
    referrers: tuple[Contact, ...]


#: The people still to be reached, as gathered: their group key -> (the person as first written,
#: their note, the referrers who suggested them).
Pending = dict[str, tuple[PersonRef, Contact | None, list[Contact]]]


def pending_referrals(
    contacts: Sequence[Contact], by_name: Mapping[str, Contact] | None = None
) -> list[PendingReferral]:
    """People suggested by a contact with no note or no interview yet (whatever the contact's own
    ``follow_up`` and ``do_not_contact`` say: their advice stands).

    ``by_name``: ``index_by_name(contacts)``, when the caller has it already."""
    by_name = index_by_name(contacts) if by_name is None else by_name
    pending: Pending = {}
    for referrer in contacts:
        if referrer.referrals:
            gather_suggested(pending, referrer, suggested(referrer, by_name))
    return pending_of(pending)


def gather_suggested(
    pending: Pending, referrer: Contact, found: list[tuple[str, PersonRef, Contact | None]]
) -> None:
    """Add the people ``referrer`` suggested (``suggested``) to ``pending``, each person once."""
    for key, person, note in found:
        entry = pending.setdefault(key, (person, note, []))
        if not entry[2] or entry[2][-1] is not referrer:  # a person suggested twice: once
            entry[2].append(referrer)


def pending_of(pending: Pending) -> list[PendingReferral]:
    return [PendingReferral(person, note, tuple(referrers)) for person, note, referrers in pending.values()]


class Referrer(Protocol):
    """What the rules across contacts read of a contact: a Contact, or its ReferralInputs."""

    @property
    def path(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def follow_up(self) -> bool: ...
    @property
    def do_not_contact(self) -> bool: ...
    @property
    def referrals(self) -> tuple[PersonRef, ...]: ...
    @property
    def interviews(self) -> tuple[Moment, ...]: ...
    @property
    def thank_you_sent(self) -> tuple[dt.date, ...]: ...
    @property
    def check_ins(self) -> tuple[dt.date, ...]: ...
    @property
    def outreach(self) -> tuple[dt.date, ...]: ...
    @property
    def replies(self) -> tuple[dt.date, ...]: ...
    @property
    def contacted(self) -> tuple[dt.date, ...]: ...
    @property
    def interview_minutes(self) -> int | None: ...
    @property
    def interview_ends(self) -> tuple[tuple[dt.datetime, dt.datetime], ...]: ...
    @property
    def keep_in_touch(self) -> int | None: ...


R = TypeVar("R", bound=Referrer)
ONE_DAY = dt.timedelta(days=1)


def reached(person: Referrer) -> bool:
    """Whether the user has reached ``person`` (or need not): an interview held or planned, a
    message either way, another contact; or they want no reminders, or are not to be contacted."""
    return (
        bool(person.interviews or person.outreach or person.replies or person.contacted)
        or not person.follow_up
        or person.do_not_contact
    )


def resolved(referrer: R, by_name: Mapping[str, R]) -> list[tuple[PersonRef, R | None]]:
    """Each person ``referrer`` suggested, with their note when there is one (looked up once for
    both rules across contacts)."""
    return [(person, find_person(person, by_name)) for person in referrer.referrals]


def suggested(
    referrer: R, by_name: Mapping[str, R], notes: Sequence[tuple[PersonRef, R | None]] | None = None
) -> list[tuple[str, PersonRef, R | None]]:
    """The people ``referrer`` suggested who are still to be reached: (the key they are grouped
    by, the person as written, their note when there is one). ``referrer.follow_up`` is not read.
    ``notes``: ``resolved(referrer, by_name)``, when the caller has it already."""
    found = []
    for person, note in resolved(referrer, by_name) if notes is None else notes:
        if note is not None and reached(note):
            continue
        found.append((note.path if note else name_key(person.name), person, note))
    return found


def held_days(person: Referrer, now: Now, settings: Settings) -> list[dt.date]:
    """The user's days of ``person``'s interviews over by ``now`` (``deadlines.interview_end``)
    that start reminders (on or after ``since``), in order."""
    return list(days_held(person, now, settings, settings.since))


def days_held(person: Referrer, now: Now, settings: Settings, since: dt.date | None) -> Iterator[dt.date]:
    """The user's days of ``person``'s interviews over by ``now``, on or after ``since``, in order."""
    for moment in person.interviews:
        if isinstance(moment, dt.datetime):
            if not now.reached(interview_end(person, moment, settings)):
                continue
            day = now.day_of(moment)
        elif moment <= now.day:
            day = moment
        else:
            continue
        if since is None or day >= since:
            yield day


def referral_day(referrer: Referrer, now: Now, settings: Settings) -> dt.date | None:
    """The day ``referrer``'s referrals count from: their latest interview held by ``now``
    (a note does not date its referrals; they are recorded at a meeting, or after it)."""
    held = held_days(referrer, now, settings)
    return held[-1] if held else None


def ahead(person: Referrer, now: Now, settings: Settings) -> bool:
    """Whether one of ``person``'s interviews has not ended by ``now`` (planned, or under way)."""
    return any(not now.reached(interview_end(person, m, settings)) for m in reversed(person.interviews))


@dataclass(frozen=True)
class PersonDeadline:
    """A deadline about someone a contact suggested: reach them (REFERRAL), or let the referrer
    know you met them (CLOSE_LOOP). The rules and the calendar both start from it."""

    kind: str  # REFERRAL or CLOSE_LOOP
    person: str  # the person suggested, as their note names them, else as the referrer wrote it
    detail: str  # what the referrer wrote after the name
    referrers: tuple[str, ...]  # who suggested them (CLOSE_LOOP: the one to tell)
    path: (
        str  # the note the finding is about: the person's (REFERRAL, when they have one), else the referrer's
    )
    link: str  # the note the event opens: the referrer's
    key: str  # what the event's UID is made of, with the kind and the anchor
    anchor: dt.date  # REFERRAL: the day of the referral; CLOSE_LOOP: the meeting with the person
    start: dt.date  # the first day it is due: the day after the anchor (or the due day)
    end: dt.date  # the due day

    def level(self, today: dt.date) -> str:
        """As a thank-you: ``upcoming`` on the anchor's day, ``due`` through the due day, then ``overdue``."""
        return "upcoming" if today <= self.anchor else "due" if today <= self.end else "overdue"


def window(anchor: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """(start, end) of a deadline ``days`` after ``anchor``."""
    end = anchor + dt.timedelta(days=days)
    return min(anchor + dt.timedelta(days=1), end), end


def referral_deadline(
    person: PersonRef,
    note: Referrer | None,
    referrers: Sequence[Referrer],
    now: Now,
    settings: Settings,
) -> PersonDeadline | None:
    """When to reach ``person``: ``referral_days`` after the first of ``referrers`` suggested them
    (``referral_day``); None when none of them has an interview held that dates it."""
    dated = [(day, r) for r in referrers if (day := referral_day(r, now, settings)) is not None]
    if not dated:
        return None
    day, first = min(dated, key=lambda pair: pair[0])
    return PersonDeadline(
        REFERRAL,
        note.name if note else person.name,
        person.detail,
        tuple(r.name for r in referrers),
        note.path if note else referrers[0].path,
        first.path,
        f"{first.path}\n{note.path if note else name_key(person.name)}",  # as suggested() groups them
        day,
        *window(day, settings.referral_days),
    )


def referral_finding(
    person: PersonRef,
    note: Referrer | None,
    referrers: Sequence[Referrer],
    now: Now,
    settings: Settings,
) -> tuple[Finding, PersonDeadline | None] | None:
    """The finding for one person still to be reached (``PendingReferral``'s fields), and its
    deadline; None while the meeting at which they were suggested has not ended (no referrer
    dates them, and one has an interview ahead): nothing that follows an interview comes before it."""
    deadline = referral_deadline(person, note, referrers, now, settings)
    if deadline is None and any(ahead(r, now, settings) for r in referrers):
        return None
    by = " and ".join(r.name for r in referrers)
    detail = f" ({person.detail})" if person.detail else ""
    name, path = (note.name, note.path) if note else (person.name, referrers[0].path)
    if deadline is None:
        if note is None:
            message = f"Reach out to {name}{detail}, suggested by {by}; no note for them yet."
        else:
            message = f"Reach out to {name}{detail}, suggested by {by}; no interview yet."
        return Finding("referral", "info", name, path, None, message), None
    level = deadline.level(now.day)
    when = f"interview {deadline.anchor}; {'was ' if level == 'overdue' else ''}due {deadline.end}"
    if note is None:
        rest = "no note for them yet. Then record the date in a note for them (outreach)."
    else:
        rest = "no outreach or interview yet. Then record the date in outreach."
    message = f"Reach out to {name}{detail}, suggested by {by} ({when}); {rest}"
    return Finding("referral", level, name, path, deadline.end, message), deadline


class ReferralInputs(NamedTuple):
    """All that the rules across contacts read of one contact: contacts whose inputs are equal,
    in the same order, have the same findings on a day (so a driver that builds again and again
    can keep them)."""

    path: str
    name: str
    keys: tuple[str, ...]  # name_keys: how a referral may name them
    follow_up: bool
    do_not_contact: bool
    referrals: tuple[PersonRef, ...]
    interviews: tuple[Moment, ...]
    thank_you_sent: tuple[dt.date, ...]
    check_ins: tuple[dt.date, ...]
    outreach: tuple[dt.date, ...]
    replies: tuple[dt.date, ...]
    contacted: tuple[dt.date, ...]
    interview_minutes: int | None  # how long their interviews last (``deadlines.interview_end``)
    interview_ends: tuple[tuple[dt.datetime, dt.datetime], ...]
    keep_in_touch: int | None  # when they are written to again (``letter_listed``)


def referral_inputs(contact: Contact) -> ReferralInputs:
    return ReferralInputs(
        contact.path,
        contact.name,
        tuple(name_keys(contact)),
        contact.follow_up,
        contact.do_not_contact,
        contact.referrals,
        contact.interviews,
        contact.thank_you_sent,
        contact.check_ins,
        contact.outreach,
        contact.replies,
        contact.contacted,
        contact.interview_minutes,
        contact.interview_ends,
        contact.keep_in_touch,
    )
