"""The rules across contacts together: the referral rule (``model.referral``) and the
close-loop rule (``model.close_loop``), settled as every rule is (``model.settle``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from vaultsync.config import Settings
from vaultsync.model.close_loop import close_loops
from vaultsync.model.contact import Contact, index_by_name
from vaultsync.model.deadlines import lapsed, search_over
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now
from vaultsync.model.referral import (
    Pending,
    PersonDeadline,
    gather_suggested,
    pending_of,
    referral_finding,
    resolved,
    suggested,
)
from vaultsync.model.settle import settle


class Across(NamedTuple):
    """What the rules across contacts give at a moment."""

    findings: list[Finding]
    deadlines: list[PersonDeadline]  # for the calendar
    met: dict[str, tuple[str, ...]]  # a referrer's path: whom their check-in can name (``telling``)


def across_contacts(
    contacts: Sequence[Contact],
    now: Now,
    settings: Settings,
    by_name: Mapping[str, Contact] | None = None,
) -> Across:
    """What the rules across contacts find at ``now``, their deadlines, and whom each referrer's
    check-in can name."""
    today = now.day
    by_name = index_by_name(contacts) if by_name is None else by_name
    found = Across([], [], {})
    waiting: Pending = {}
    loops = []
    for referrer in contacts:
        if not referrer.referrals:
            continue
        notes = resolved(referrer, by_name)  # once for both rules
        gather_suggested(waiting, referrer, suggested(referrer, by_name, notes))
        closing, names = close_loops(referrer, notes, now, settings)
        loops += closing
        if names:
            found.met[referrer.path] = names
    for pending in pending_of(waiting):
        made = referral_finding(pending.person, pending.note, pending.referrers, now, settings)
        if made is not None:
            found.findings.append(made[0])
            if made[1] is not None:
                found.deadlines.append(made[1])
    for finding, deadline in loops:
        found.findings.append(finding)
        found.deadlines.append(deadline)
    # as for every rule (``model.settle``)
    found.findings[:] = settle(found.findings, today, settings)
    found.deadlines[:] = [d for d in found.deadlines if shown(d, today, settings)]
    return found


def shown(deadline: PersonDeadline, today: dt.date, settings: Settings) -> bool:
    """Whether ``deadline`` is in the calendar on ``today``: not lapsed, and the search not over
    (no rule across contacts speaks then: ``model.settle``)."""
    return not search_over(today, settings) and not lapsed(deadline.end, today, settings)


def referral(
    contacts: Sequence[Contact],
    now: Now,
    settings: Settings,
    by_name: Mapping[str, Contact] | None = None,
) -> list[Finding]:
    """Guide rule 3's other half: reach out to the people your contacts suggested, and let them
    know once you have met them."""
    return across_contacts(contacts, now, settings, by_name).findings
