"""What each contact gave the last build, kept for the next one by a driver that builds again and again.

The watcher's ``VaultIndex`` keeps the same Contact object for every note that did not change,
so what the rules found for a contact and the bytes of its calendar events can be reused by
identity, as long as the day, the settings and the note links are those of the last build, and
no interview of that contact has ended since (each contact's results say until when they hold).
Only the saved contact is evaluated again; the vault-wide ``referral`` rule is kept up to date
with what it reads of the contacts that changed (``vaultsync.incremental.referrals``). The rules stay pure:
the memo only remembers their results. A one-shot build needs none of this (``pipeline.build``
without a memo runs the rules and writes the calendar the plain way, to the same bytes).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, compress, count
from operator import attrgetter, ge, is_not, itemgetter
from typing import cast

from vaultsync.config import Settings
from vaultsync.incremental.referrals import Referrals
from vaultsync.incremental.results import Before, Exactly, contact_results, exactly
from vaultsync.model.across import shown
from vaultsync.model.close_loop import telling
from vaultsync.model.contact import Contact
from vaultsync.model.deadlines import next_end
from vaultsync.model.finding import Finding
from vaultsync.model.now import Asked, Now, judged_at
from vaultsync.model.referral import PersonDeadline, ReferralInputs, referral_inputs
from vaultsync.model.settle import settle
from vaultsync.model.vault import Vault
from vaultsync.outputs.calendar import Event, calendar_head, calendar_pieces, calm_bytes, event_bytes
from vaultsync.outputs.digest import Calm
from vaultsync.outputs.events import NoteLinks, event_order, note_linker
from vaultsync.outputs.person_events import person_items
from vaultsync.outputs.vdir import KeptVdir
from vaultsync.store.files import KeptFile

_PATH = attrgetter("path")


@dataclass(frozen=True)
class _Basis:
    """What else than the contact its results depend on (besides the interviews over by then:
    ``_Gave.until``)."""

    today: dt.date  # the user's
    zone: str  # the user's, by name: a zone read from /etc/localtime is a new object at each build
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
    now: Now  # the moment they were made for
    until: dt.datetime | None  # when one of its interviews ends next, and they may change


@dataclass(frozen=True)
class Built:
    """The results of one build: every finding (in groups, in no particular order), how many there
    are at each level, and the calendar."""

    found_in: list[tuple[Finding, ...]]  # each contact's findings, then the referral rule's
    levels: Counter[str]
    calendar: list[bytes]  # the calendar's bytes, in pieces (see files.write_if_changed)
    events: int
    until: dt.datetime  # when to build again though nothing changes: an interview ends, a new day

    @cached_property
    def found(self) -> tuple[Finding, ...]:
        return tuple(chain.from_iterable(self.found_in))


class BuildMemo:
    """Per-contact results of the last build, by note path. One build at a time (the watcher's lock).

    A build compares the vault's contacts with the last build's by identity, from both ends (at C
    speed: no Contact is looked into), and works only on the span between the first and the last
    one that differs. What it hands out is kept up to date by that span's changes, and is the
    same list as the last build's when nothing in it changed: the findings, their levels, the
    calendar's events and time zones. A list once handed out is never changed (a new one is
    made), so a Built stays true. After a save that changes no deadline, a build does the work of
    that one note, and the calendar's pieces are the last build's (not written, not read back).
    """

    def __init__(self) -> None:
        self._basis: _Basis | None = None
        self._contacts: tuple[Contact, ...] = ()  # the last build's
        self._gave: dict[str, _Gave] = {}
        self._findings: list[tuple[Finding, ...]] = [()]  # each contact's in order, then the referrals
        self._levels: Counter[str] = Counter()  # how many of each contact's findings at each level
        self._zones: Counter[str] = Counter()  # how many contacts' events use each time zone
        self._keys: list[tuple[dt.date, str]] = []  # every event's event_order, in that order
        self._events: list[Event] = []  # ... and the event
        self._referrals: Referrals | None = None  # None: to be made again from every contact
        self._referral_found: tuple[Finding, ...] = ()  # the referral rule's findings as found
        self._referral_settled: tuple[tuple[Finding, ...], Counter[str]] = ((), Counter())  # model.settle
        self._referral_on: tuple[dt.date, Settings] | None = None  # the day and settings settled on
        #: The events of the deadlines across contacts (``referral``), each with what makes its bytes;
        #: and, after a build on another day, the last ones, whose bytes the next build may keep.
        self._person_events: dict[PersonDeadline, tuple[tuple[Exactly, Event], ...]] = {}
        self._person_was: dict[PersonDeadline, tuple[tuple[Exactly, Event], ...]] = {}
        self._head: tuple[Hashable, bytes] = (None, b"")
        #: The last findings handed out with the check-ins naming people met (``_told``).
        self._shown: tuple[
            list[tuple[Finding, ...]] | None, dict[str, tuple[str, ...]], list[tuple[Finding, ...]]
        ] = (None, {}, [])
        self._pieces: list[bytes] | None = None  # the last calendar; None: the events changed since
        self._calm: Calm[bytes] | None = None  # its crowded days, on the basis of the last build
        #: No contact's results change by themselves before then (some may later: it is only
        #: made exact when reached).
        self._until: dt.datetime | None = None
        self.calendar_file = KeptFile()  # what the last build wrote: not read back to compare
        self.vdir_folder = KeptVdir()  # ... and in the vdir, when one is kept

    @property
    def paths(self) -> list[str]:
        """The note paths of the contacts whose results it holds (those of the last build), sorted."""
        return sorted(self._gave)

    def build(self, vault: Vault, when: Asked) -> Built:
        """Every finding and the calendar of ``vault`` at ``when`` (``vaultsync.model.now.judged_at``):
        byte for byte a fresh build's."""
        now = judged_at(when, vault.settings)
        basis = _Basis(now.day, str(now.zone), vault.settings, note_linker(vault.root))
        self._evaluate(vault.contacts, basis, now)
        referrals = self._referral_findings(basis, now)
        if self._findings[-1] is not referrals:
            self._findings = [*self._findings[:-1], referrals]
        kept = self._referrals  # made by _referral_findings
        found_in = self._told(self._findings, kept.met() if kept is not None else {})
        head = self._calendar_head(vault.settings)
        if self._pieces is None:
            calm = self._calm  # made with the basis: never None by then
            shown = calm.shown(self._events) if calm is not None else [event[1] for event in self._events]
            self._pieces = calendar_pieces(head, shown)
        elif self._pieces[0] is not head:
            self._pieces = [head, *self._pieces[1:]]
        levels = self._levels + self._referral_settled[1]  # and only the levels found: + drops zeros
        until = now.next_day if self._until is None else min(self._until, now.next_day)
        return Built(found_in, levels, self._pieces, len(self._pieces) - 2, until)

    def _told(
        self, findings: list[tuple[Finding, ...]], met: dict[str, tuple[str, ...]]
    ) -> list[tuple[Finding, ...]]:
        """``findings``, the check-ins of referrers naming whom they suggested and the user has met
        since (``close_loop.telling``): the same list while neither changed. Only the span of
        ``findings`` that changed since the last build, and the referrers whose names changed,
        are looked at."""
        base, named, shown = self._shown
        if findings is base and met is named:
            return shown
        contacts = self._contacts

        def told(at: int) -> tuple[Finding, ...]:
            if at < len(contacts) and contacts[at].path in met:
                return tuple(telling(findings[at], met))
            return findings[at]

        if not met:
            shown = findings
        elif base is None or not named:
            shown = [told(at) for at in range(len(findings))]
        else:
            # the last group, the findings across contacts, is not about one contact: left out
            start, old_end, new_end = _changed_span(base[:-1], findings[:-1])
            shown = [*shown[:start], *map(told, range(start, new_end)), *shown[old_end:-1], findings[-1]]
            if met is not named:  # a referrer's names changed (or they came or went)
                for path in {*met, *named}:
                    if met.get(path) != named.get(path):
                        at = bisect_left(contacts, path, key=_PATH)
                        if at < len(contacts) and contacts[at].path == path:
                            shown[at] = told(at)
        self._shown = (findings, met, shown)
        return shown

    def _evaluate(self, contacts: tuple[Contact, ...], basis: _Basis, now: Now) -> None:
        """Bring every contact's results up to date.

        Nothing is changed until every contact that needs it was evaluated: a rule that raises
        leaves the memo as it was."""
        same_basis = basis == self._basis  # once: comparing settings is not free
        old = self._contacts if same_basis else ()
        ended = same_basis and self._until is not None and now.at >= self._until
        if ended:  # an interview ended since: look at every contact, and work out the next end
            start, old_end, new_end = 0, len(old), len(contacts)
        else:
            start, old_end, new_end = _changed_span(old, contacts)
        paths = [contact.path for contact in contacts[max(start - 1, 0) : new_end + 1]]
        if any(map(ge, paths, paths[1:])):  # what the referral rule's upkeep relies on
            raise ValueError("a Vault's contacts are sorted by path, each path once")
        previous, last = self._gave, self._basis
        replaced = [previous[contact.path] for contact in old[start:old_end]]
        given: list[_Gave] = []
        fresh: list[_Gave] = []
        over: set[str] = set()  # the contacts an interview of which ended since the last build
        for contact in contacts[start:new_end]:
            before = previous.get(contact.path)
            if before is not None and before.contact is contact and same_basis and _holds(before, now):
                given.append(before)
            else:
                if before is not None and not _holds(before, now):
                    over.add(contact.path)
                done = _give(contact, now, basis, before, last)
                given.append(done)
                fresh.append(done)
        if same_basis:
            kept = set(map(id, given))
            stale = [done for done in replaced if id(done) not in kept]
        else:  # every contact was evaluated again: start from nothing
            self._gave, self._findings, self._keys, self._events = {}, [()], [], []
            self._levels, self._zones, self._pieces = Counter(), Counter(), None
            self._calm = calm_bytes(basis.today, basis.settings, basis.links)
            self._referrals = None  # its findings depend on the day too
            self._person_was, self._person_events = self._person_events, {}
            stale = []
        for done in stale:
            del self._gave[done.contact.path]
            self._levels.subtract(map(attrgetter("level"), done.findings))
            self._zones.subtract(done.zones)
        for done in fresh:
            self._gave[done.contact.path] = done
            self._levels.update(map(attrgetter("level"), done.findings))
            self._zones.update(done.zones)
        findings = [done.findings for done in given]
        if findings != self._findings[start:old_end]:
            self._findings = [*self._findings[:start], *findings, *self._findings[old_end:]]
        removed = [event for done in stale for event in done.events]
        added = [event for done in fresh for event in done.events]
        if removed != added:
            self._reorder(removed, added)
            self._pieces = None
        if ended or not same_basis:
            self._until = min(filter(None, (done.until for done in self._gave.values())), default=None)
        else:
            self._until = min(filter(None, (self._until, *(done.until for done in fresh))), default=None)
        self._basis, self._contacts = basis, contacts
        self._update_referrals(previous.values() if not same_basis else stale, fresh, now, over)

    def _reorder(self, removed: list[Event], added: list[Event]) -> None:
        """The calendar's events without ``removed`` and with ``added``, still in calendar order.

        A few changes are made in place, with a binary search each; many, by sorting again."""
        keys, events = self._keys, self._events
        if self._calm is not None:
            self._calm.remove(removed)
            self._calm.add(added)
        if 8 * (len(removed) + len(added)) > len(keys):
            gave = chain.from_iterable(done.events for done in self._gave.values())
            across = (event for entries in self._person_events.values() for _, event in entries)
            events[:] = sorted(chain(gave, across), key=itemgetter(0))
            keys[:] = map(itemgetter(0), events)
            return
        for event in removed:
            at = bisect_left(keys, event[0])
            while events[at] is not event:  # never in practice: no two events share a day and a UID
                at += 1
            del keys[at], events[at]
        for event in added:
            at = bisect_right(keys, event[0])
            keys.insert(at, event[0])
            events.insert(at, event)

    def _update_referrals(self, gone: Iterable[_Gave], fresh: list[_Gave], now: Now, over: set[str]) -> None:
        """Tell the referral rule's upkeep which contacts changed what it reads of them, or had an
        interview end (``over``: what it finds about them changes at ``now``)."""
        if self._referrals is None:
            return  # made from every contact when next read
        old = {done.contact.path: done.referral_inputs for done in gone}
        added = []
        for done in fresh:
            reads = done.referral_inputs
            if old.get(reads.path) == reads and reads.path not in over:
                del old[reads.path]
            else:
                added.append(reads)
        referrals, self._referrals = self._referrals, None  # if it raises, made again next time
        referrals.now = now
        referrals.update(old.values(), added)
        self._referrals = referrals

    def _referral_findings(self, basis: _Basis, now: Now) -> tuple[Finding, ...]:
        """The findings of the rules across contacts: the same tuple while none changed; their
        events brought up to date in the calendar."""
        removed: list[Event] = []
        was, self._person_was = self._person_was, {}
        if self._referrals is None:  # made again: its events too
            removed = [event for entries in self._person_events.values() for _, event in entries]
            was, self._person_events = {**was, **self._person_events}, {}
            self._referrals = Referrals(now, basis.settings)
            self._referrals.update((), (done.referral_inputs for done in self._gave.values()))
        gone, new = self._referrals.take_deadlines()
        new = [d for d in new if shown(d, basis.today, basis.settings)]
        gone = [d for d in gone if d in self._person_events]
        if removed or gone or new:
            for deadline in gone:
                was[deadline] = self._person_events.pop(deadline)
                removed += [event for _, event in was[deadline]]
            known = {key: event for entries in was.values() for key, event in entries}
            added = []
            for deadline in new:
                items = person_items(deadline, basis.today, basis.settings, basis.links)
                entries = tuple(
                    (key, known.get(key) or (event_order(item), event_bytes(item), item.brief))
                    for item, key in zip(items, map(exactly, items), strict=True)
                )
                self._person_events[deadline] = entries
                added += [event for _, event in entries]
            self._reorder(removed, added)
            self._pieces = None
        found = self._referrals.findings()
        on = (self._basis.today, self._basis.settings) if self._basis else None
        if found is not self._referral_found or on != self._referral_on:
            settled = tuple(settle(found, *on)) if on else found
            self._referral_found, self._referral_on = found, on
            self._referral_settled = (settled, Counter(map(attrgetter("level"), settled)))
        return self._referral_settled[0]

    def _calendar_head(self, settings: Settings) -> bytes:
        """``calendar_head``, made again only when the settings or the time zones used changed."""
        zones = frozenset[str]()
        if settings.timezone:
            zones = frozenset(zone for zone, uses in self._zones.items() if uses > 0)
        if (settings, zones) != self._head[0]:
            self._head = ((settings, zones), calendar_head(settings, zones))
        return self._head[1]


def _changed_span(old: Sequence[object], new: Sequence[object]) -> tuple[int, int, int]:
    """Where ``old`` and ``new`` differ: (start, end in old, end in new). Before ``start`` and after
    the ends they hold the same objects, in the same order."""
    if old is new:
        return len(old), len(old), len(new)
    shorter = min(len(old), len(new))
    start = next(compress(count(), map(is_not, old, new)), shorter)
    same_end = next(compress(count(), map(is_not, reversed(old), reversed(new))), shorter)
    same_end = min(same_end, shorter - start)
    return start, len(old) - same_end, len(new) - same_end


def _holds(done: _Gave, now: Now) -> bool:
    """Whether what a contact gave still holds at ``now``: none of its interviews ended since."""
    return done.until is None or now.at < done.until


def _give(contact: Contact, now: Now, basis: _Basis, previous: _Gave | None, last: _Basis | None) -> _Gave:
    """Evaluate ``contact`` at ``now``; serialise only the events that ``previous`` (made on
    ``last``) did not have."""
    before = None
    if previous is not None and last is not None:
        before = Before(previous.contact, previous.now, last.settings, last.links, previous.events)
    findings, made, zones = contact_results(contact, now, basis.settings, basis.links, before)
    events = cast(tuple[Event, ...], made)  # not shown_only: every event has its bytes
    until = next_end(contact, now, basis.settings)
    return _Gave(contact, findings, events, zones, referral_inputs(contact), now, until)
