"""What each contact gave the last build, kept for the next one by a driver that builds again and again.

The watcher's ``VaultIndex`` keeps the same Contact object for every note that did not change,
so what the rules found for a contact and the bytes of its calendar events can be reused by
identity, as long as the day, the settings and the note links are those of the last build.
Only the saved contact is evaluated again; the vault-wide ``referral`` rule runs again only
when what it reads of the contacts changed (``rules.referral_inputs``). The rules stay pure:
the memo only remembers their results. A one-shot build needs none of this (``sync.build_vault``
without a memo runs the rules and writes the calendar the plain way, to the same bytes).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from vaultsync.calendar import (
    Item,
    NoteLinks,
    calendar_head,
    calendar_pieces,
    contact_items,
    event_bytes,
    event_order,
    event_zones,
    note_linker,
)
from vaultsync.config import Settings
from vaultsync.contact import Contact, index_by_name
from vaultsync.deadlines import deadlines
from vaultsync.rules import Finding, ReferralInputs, contact_findings, referral, referral_inputs
from vaultsync.vault import Vault

Event = tuple[tuple[dt.date, str], bytes]  # (event_order, VEVENT bytes)


@dataclass(frozen=True)
class _Basis:
    """What else than the contact its results depend on."""

    today: dt.date
    settings: Settings
    links: NoteLinks


@dataclass(frozen=True, slots=True)
class _Gave:
    """What one contact gave a build: its findings and events, and what the referral rule reads."""

    contact: Contact
    findings: tuple[Finding, ...]
    events: tuple[Event, ...]  # in contact_items order, not yet in the calendar's
    zones: frozenset[str]
    referral_inputs: ReferralInputs


@dataclass(frozen=True)
class Built:
    """The results of one build: every finding (in no particular order) and the calendar."""

    found: tuple[Finding, ...]
    calendar: list[bytes]  # the calendar's bytes, in pieces (see files.write_if_changed)
    events: int


class BuildMemo:
    """Per-contact results of the last build, by note path. One build at a time (the watcher's lock)."""

    def __init__(self) -> None:
        self._basis: _Basis | None = None
        self._gave: dict[str, _Gave] = {}
        self._order: list[Event] = []  # every event of the last calendar, in order
        self._referrals: tuple[Hashable, tuple[Finding, ...]] = (None, ())
        self._head: tuple[Hashable, bytes] = (None, b"")

    def build(self, vault: Vault, today: dt.date) -> Built:
        """Every finding and the calendar of ``vault`` on ``today``: byte for byte a fresh build's."""
        basis = _Basis(today, vault.settings, note_linker(vault.root))
        found, read_by_referral = self._evaluate(vault.contacts, basis)
        found += self._referral_findings(vault, basis, read_by_referral)
        pieces = calendar_pieces(self._calendar_head(vault.settings), map(itemgetter(1), self._order))
        return Built(tuple(found), pieces, len(self._order))

    def _evaluate(
        self, contacts: Iterable[Contact], basis: _Basis
    ) -> tuple[list[Finding], list[ReferralInputs]]:
        """Bring every contact's results up to date; their findings, and what the referral rule reads.

        One pass over the contacts: at 10,000 of them, each pass costs milliseconds."""
        previous, last = self._gave, self._basis
        same_basis = basis == last  # once: comparing settings is not free
        gave: dict[str, _Gave] = {}
        fresh: list[_Gave] = []
        stale: list[_Gave] = []
        found: list[Finding] = []
        read_by_referral: list[ReferralInputs] = []
        for contact in contacts:
            before = previous.get(contact.path)
            if before is not None and before.contact is contact and same_basis:
                done = before
            else:
                done = _give(contact, basis, before, last)
                fresh.append(done)
                if before is not None:
                    stale.append(before)
            gave[contact.path] = done
            found += done.findings
            read_by_referral.append(done.referral_inputs)
        if len(gave) - len(fresh) + len(stale) < len(previous):  # notes gone since the last build
            stale += [done for path, done in previous.items() if path not in gave]
        self._order = _reorder(self._order, stale, fresh)
        self._basis, self._gave = basis, gave  # only now: a rule that raised above left the memo as it was
        return found, read_by_referral

    def _referral_findings(
        self, vault: Vault, basis: _Basis, reads: list[ReferralInputs]
    ) -> tuple[Finding, ...]:
        """The vault-wide referral rule's findings: run again only when what it reads changed."""
        inputs = (basis.today, basis.settings, tuple(reads))
        if inputs != self._referrals[0]:
            by_name = index_by_name(vault.contacts, (read.keys for read in reads))  # names folded once
            found = referral(vault.contacts, basis.today, basis.settings, by_name)
            self._referrals = (inputs, tuple(found))
        return self._referrals[1]

    def _calendar_head(self, settings: Settings) -> bytes:
        """``calendar_head``, made again only when the settings or the time zones used changed."""
        zones = frozenset[str]()
        if settings.timezone:
            zones = zones.union(*(done.zones for done in self._gave.values()))
        if (settings, zones) != self._head[0]:
            self._head = ((settings, zones), calendar_head(settings, zones))
        return self._head[1]


def _reorder(order: list[Event], stale: list[_Gave], fresh: list[_Gave]) -> list[Event]:
    """``order`` without the events of ``stale`` and with those of ``fresh``, still in calendar order.

    A few changes are made in place, with a binary search each; many, by sorting again."""
    removed = [event for done in stale for event in done.events]
    added = [event for done in fresh for event in done.events]
    if 8 * (len(removed) + len(added)) > len(order):
        gone = {id(event) for event in removed}
        order = [event for event in order if id(event) not in gone] + added
        order.sort(key=itemgetter(0))
        return order
    for event in removed:
        at = bisect_left(order, event[0], key=itemgetter(0))
        while order[at] is not event:  # never in practice: no two events share a day and a UID
            at += 1
        del order[at]
    for event in added:
        insort(order, event, key=itemgetter(0))
    return order


def _give(contact: Contact, basis: _Basis, previous: _Gave | None, last: _Basis | None) -> _Gave:
    """Evaluate ``contact``; serialise only the events that ``previous`` (made on ``last``) did not have."""
    today, settings = basis.today, basis.settings
    open_deadlines = deadlines(contact, today, settings)
    items = contact_items(open_deadlines, today, settings, basis.links(contact.path))
    serialised = {}
    if previous is not None and last is not None:
        old, day, were = previous.contact, last.today, last.settings
        before = contact_items(deadlines(old, day, were), day, were, last.links(old.path))
        serialised = dict(zip(map(_exactly, before), (data for _, data in previous.events), strict=True))
    return _Gave(
        contact,
        tuple(contact_findings(contact, today, settings, open_deadlines)),
        tuple((event_order(item), serialised.get(_exactly(item)) or event_bytes(item)) for item in items),
        frozenset().union(*map(event_zones, items)),
        referral_inputs(contact),
    )


def _exactly(item: Item) -> tuple[Item, frozenset[str]]:
    """What makes an event's bytes: its Item, and its time zones (two times at the same instant in
    two zones with the same offset compare equal, but are written with different TZIDs)."""
    return item, event_zones(item)
