"""The last step of every rule's findings: the end of the search, and reminders that lapsed.

Each rule says how urgent its own deadlines are; this step, run on every finding the rules make
(``rules.contact_findings``, ``across.referral``, the watcher's memo), applies what holds for
all of them, so a new rule gets it without code of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from vaultsync.config import Settings
from vaultsync.model.deadlines import lapsed, search_over
from vaultsync.model.finding import LAPSED, Finding

#: The rules that still speak once the search has ended: what you owe people (the thank-you, the
#: word of how it ended), the interviews the notes still plan, and the record itself. The others
#: (check-in, keep in touch, referrals, asking for referrals, replies) help a search go on.
AFTER_SEARCH_RULES = frozenset({"thank-you", "prepare", "search-ended", "record", "job-ask"})


def settle(found: Iterable[Finding], today: dt.date, settings: Settings) -> list[Finding]:
    """``found`` as the user sees it on ``today``: without the rules that stop once the search has
    ended, and a finding more than ``lapse_days`` past its due day (overdue, or a suggestion for
    a letter that was due then) as ``lapsed``."""
    ended = search_over(today, settings)
    return [
        as_lapsed(f) if f.due and lapsed(f.due, today, settings) else f
        for f in found
        if not ended or f.rule in AFTER_SEARCH_RULES
    ]


def as_lapsed(found: Finding) -> Finding:
    """``found`` with the level ``lapsed``: ``dataclasses.replace``'s value, made without
    looking the fields up again (in a large vault most reminders of the past have lapsed)."""
    f = found
    return Finding(f.rule, LAPSED, f.contact, f.path, f.due, f.message, f.line)
