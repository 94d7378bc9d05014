"""The etiquette of informational interviews as rules: pure functions of (contact, now, settings).

Rule ids, levels and the Finding fields are part of the interface (JSON output, calendar
CATEGORIES). No rule reads the clock or the disk: ``now`` (``vaultsync.model.now.Now``) is the
moment they judge by, ``now.day`` the user's today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Protocol

from vaultsync.config import Settings
from vaultsync.model import asks
from vaultsync.model.across import across_contacts
from vaultsync.model.close_loop import telling
from vaultsync.model.contact import Contact
from vaultsync.model.deadlines import (
    CHECK_IN,
    INTERVIEW,
    KEEP_IN_TOUCH,
    SEARCH_ENDED,
    THANK_YOU,
    Deadline,
    deadlines,
    held_since,
    lapsed,
)
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now
from vaultsync.model.replies import LEVEL as NO_REPLY_LEVEL
from vaultsync.model.replies import no_reply
from vaultsync.model.settle import settle
from vaultsync.reading.sections import Line


def _finding(
    rule: str, level: str, contact: Contact, due: dt.date | None, message: str, line: int | None = None
) -> Finding:
    return Finding(rule, level, contact.name, contact.path, due, message, line)


class ContactRule(Protocol):
    """A rule about one contact: a pure function of (contact, now, settings).

    ``known`` may pass ``deadlines(contact, now, settings)`` when the caller has it already
    (four rules start from it); a rule that does not need it ignores it.
    """

    def __call__(
        self, contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
    ) -> list[Finding]: ...


def _open(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None, *kinds: str
) -> list[Deadline]:
    """The contact's open deadlines of these kinds (``known``, or worked out now)."""
    found = deadlines(contact, now, settings) if known is None else known
    return [d for d in found if d.kind in kinds]


def thank_you(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """Guide rule 5: a thank-you letter within three days of each interview."""
    found, today = [], now.day
    for deadline in _open(contact, now, settings, known, THANK_YOU):
        held = deadline.interview_day
        level = "upcoming" if today == held else "due" if today <= deadline.end else "overdue"
        when = f"{'was ' if level == 'overdue' else ''}due {deadline.end}"
        message = (
            f"Send a thank-you letter for the {held} interview ({when}): what you enjoyed, "
            "the advice that helped, what you plan to do with it; then record thank_you_sent."
        )
        found.append(_finding("thank-you", level, contact, deadline.end, message))
    return found


def check_in(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """Guide rule 7: write again a month or two after the latest interview."""
    found, today = [], now.day
    for deadline in _open(contact, now, settings, known, CHECK_IN):
        if today < deadline.start - dt.timedelta(days=settings.check_in_notice_days):
            continue
        level = "upcoming" if today < deadline.start else "due" if today <= deadline.end else "overdue"
        window = f"between {deadline.start} and {deadline.end}"
        found.append(
            _finding(
                "check-in",
                level,
                contact,
                deadline.end,
                (
                    f"{'Write' if level != 'overdue' else 'You meant to write'} again {window} "
                    f"(interview {deadline.interview_day}): how their advice helped, how your search "
                    "is going. Then record it in check_ins."
                ),
            )
        )
    return found


def prepare(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """Guide rule 1: prepare the questions most important to you before a scheduled interview."""
    if contact.sections.questions:
        return []
    today = now.day
    horizon = today + dt.timedelta(days=settings.prepare_days)
    return [
        _finding(
            "prepare",
            "due",
            contact,
            deadline.start,
            (
                f"Prepare the questions most important to you for the {deadline.start} interview "
                "(a ## Questions section with at least one item); respect their time."
            ),
        )
        for deadline in _open(contact, now, settings, known, INTERVIEW)
        if today < deadline.start <= horizon
    ]


def ask_referrals(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """Guide rule 3: ask whether they know other people who could help."""
    if contact.referrals or not held_since(contact, now, settings):
        return []
    letters = _open(contact, now, settings, known, THANK_YOU, CHECK_IN, KEEP_IN_TOUCH)
    if not letters and not contact.follow_up:
        return []  # no letter to ask in, and no writing again
    # the next letter you may still write; else the last one missed, and the ask lapses with it
    live = [d for d in letters if not lapsed(d.end, now.day, settings)]
    end = attrgetter("end")
    chosen = min(live, key=end) if live else max(letters, key=end, default=None)
    due = chosen.end if chosen else None
    where = "next time you write"
    if chosen is not None:
        kept = chosen.kind == KEEP_IN_TOUCH
        where = "when you next keep in touch" if kept else "in your thank-you letter or check-in"
    if not contact.follow_up:
        where = "in your thank-you letter"  # no check-in follows
    return [
        _finding(
            "ask-referrals",
            "info",
            contact,
            due,
            (f"Ask {where} whether they know other people who could help, then record them in referrals."),
        )
    ]


def record(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """Guide rule 6: keep a record of every contact (and one that reads as the user meant)."""
    found = [_finding("record", "warning", contact, None, warning) for warning in contact.warnings]
    if contact.hints:
        found += [_finding("record", "info", contact, None, hint, line) for hint, line in contact.hints]
    # Only for the people one networks with: a vault may keep thousands of people notes.
    networking = contact.interviews or contact.outreach or contact.referrals or contact.referred_by
    if networking and not (contact.email or contact.phone or contact.address or contact.profile):
        found.append(
            _finding("record", "info", contact, None, "Record how to reach them: email, phone or address.")
        )
    held = held_since(contact, now, settings)
    if held and not contact.advice:
        found.append(
            _finding(
                "record",
                "info",
                contact,
                None,
                (
                    f"Record the advice they offered at the {now.day_of(held[-1])} interview "
                    "(the advice property or an ## Advice section)."
                ),
            )
        )
    if not contact.thank_you_sent:
        return found  # most contacts: no letter to check the date of
    first = now.day_of(contact.interviews[0]) if contact.interviews else None
    early = [d for d in contact.thank_you_sent if first is None or d < first]
    if early:
        when = f"before the first interview ({first})" if first else "but no interview is recorded"
        found.append(
            _finding(
                "record", "warning", contact, None, f"thank_you_sent {early[0]} is {when}: check the dates."
            )
        )
    return found


def job_asks(lines: Sequence[Line], settings: Settings) -> list[tuple[int, str]]:
    """(file line, words as written) of each direct ask for a job (see ``vaultsync.asks``),
    with the user's own ``job_ask_phrases``; an ask may span lines."""
    return asks.job_asks(lines, settings.job_ask_phrases)


def job_ask(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """Guide rule 2: never ask directly for a job or internship."""
    sections = contact.sections
    found = []
    for where, lines in (("question", sections.questions), ("letter draft", sections.letter)):
        for line, phrase in job_asks(lines, settings):
            found.append(
                _finding(
                    "job-ask",
                    "warning",
                    contact,
                    None,
                    (
                        f"Line {line}: your {where} asks directly for a job (\u201c{phrase}\u201d). "
                        "Ask instead, at the end and in a general way, whether they know of openings."
                    ),
                    line,
                )
            )
    return found


def _due_then_overdue(
    contact: Contact,
    now: Now,
    settings: Settings,
    known: Sequence[Deadline] | None,
    kind: str,
    say: Callable[[Deadline, bool], str],
) -> list[Finding]:
    """A finding for each open deadline of ``kind`` (its rule id) from its first day: ``due``
    through its last, then ``overdue``; ``say(deadline, late)`` words it."""
    found = []
    for deadline in _open(contact, now, settings, known, kind):
        if now.day >= deadline.start:
            late = now.day > deadline.end
            level = "overdue" if late else "due"
            found.append(_finding(kind, level, contact, deadline.end, say(deadline, late)))
    return found


def keep_in_touch(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """Keep in touch: write again every so often after the check-in, counted from the latest contact."""

    def say(deadline: Deadline, late: bool) -> str:
        return (
            f"{'You meant to keep in touch' if late else 'Keep in touch'} by {deadline.end}: you were "
            f"last in touch on {deadline.interview_day}. Write with news of your search and how their "
            "advice helped; then record it in check_ins."
        )

    return _due_then_overdue(contact, now, settings, known, KEEP_IN_TOUCH, say)


def search_ended(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """The end of the search: tell each person you interviewed how it ended, and thank them."""

    def say(deadline: Deadline, late: bool) -> str:
        return (
            f"{'You meant to tell them' if late else 'Tell them'} by {deadline.end} how your search "
            f"ended ({deadline.start}) and thank them for their help; then record it in check_ins."
        )

    return _due_then_overdue(contact, now, settings, known, SEARCH_ENDED, say)


CONTACT_RULES: tuple[ContactRule, ...] = (thank_you, check_in, prepare, ask_referrals, record, job_ask)
CONTACT_RULES += (no_reply,)
CONTACT_RULES += (keep_in_touch, search_ended)

#: The rules that speak only of open deadlines of these kinds: with none of them open, they find
#: nothing, and are not asked (most contacts have one or two kinds open; ``contact_findings``).
SPEAKS_OF: dict[ContactRule, frozenset[str]] = {
    thank_you: frozenset({THANK_YOU}),
    check_in: frozenset({CHECK_IN}),
    prepare: frozenset({INTERVIEW}),
    no_reply: frozenset(NO_REPLY_LEVEL),
    keep_in_touch: frozenset({KEEP_IN_TOUCH}),
    search_ended: frozenset({SEARCH_ENDED}),
}
_ASKED = tuple((rule, SPEAKS_OF.get(rule)) for rule in CONTACT_RULES)


def contact_findings(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """What every rule about one contact finds (its deadlines worked out once for all of them);
    nothing about a contact not to be contacted (``do_not_contact``)."""
    if contact.do_not_contact:
        return []
    known = deadlines(contact, now, settings) if known is None else known
    kinds = {deadline.kind for deadline in known}
    found = [
        finding
        for rule, speaks_of in _ASKED
        if speaks_of is None or not speaks_of.isdisjoint(kinds)
        for finding in rule(contact, now, settings, known)
    ]
    return settle(found, now.day, settings)


def each_contact_findings(contacts: Iterable[Contact], now: Now, settings: Settings) -> list[Finding]:
    """What the rules about one contact find for each of ``contacts``: all but those across them
    (``across.across_contacts``), and a check-in without the people met since (``telling``),
    so a vault's contacts may be checked a part at a time."""
    return [f for contact in contacts for f in contact_findings(contact, now, settings)]


def findings(contacts: Iterable[Contact], now: Now, settings: Settings) -> list[Finding]:
    """Every finding for the vault's contacts at ``now``, in no particular order."""
    contacts = list(contacts)
    across = across_contacts(contacts, now, settings)
    return telling(each_contact_findings(contacts, now, settings), across.met) + across.findings


def evaluate(contacts: Iterable[Contact], now: Now, settings: Settings) -> list[Finding]:
    """Every finding for the vault's contacts at ``now``, in a stable order."""
    return sorted(findings(contacts, now, settings), key=Finding.sort_key)
