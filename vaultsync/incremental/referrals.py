"""The rules across contacts kept up to date one changed contact at a time, for a driver that builds
again and again (the watcher's ``BuildMemo``), on one day with one set of settings.

They judge at a moment (``now``, set before each ``update``): what they find changes within the
day only as an interview ends, and the driver then gives that contact again (``update`` with it
removed and added).

``across.referral`` looks across every contact: whom each one suggested, whether that person
has a note and has been reached yet, and whether the referrer was told once they were met. Run
whole, it takes tens of milliseconds at 10,000 contacts, and a save that changes someone's name
or referrals would pay it every time. ``Referrals`` keeps what
the rule reads (each contact's ``ReferralInputs``) indexed both ways: the contacts that hold each
name key, and the referrers that look each key up. A changed contact then touches only itself,
the referrers that look up one of its names, and the people those suggest. The findings and
deadlines are ``across.across_contacts``'s (a test compares them after random changes), in no
particular order.

Like ``index_by_name``, a name key belongs to the first contact that has it, in the vault's
order: by path (``Vault.contacts`` is sorted so).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from operator import attrgetter

from vaultsync.config import Settings
from vaultsync.model.close_loop import close_loops
from vaultsync.model.contact import PersonRef, looked_up
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now
from vaultsync.model.referral import (
    PersonDeadline,
    ReferralInputs,
    referral_finding,
    resolved,
    suggested,
)

_PATH = attrgetter("path")
Suggestion = tuple[str, PersonRef, ReferralInputs | None]  # as referral.suggested gives them
Found = tuple[Finding, PersonDeadline | None]
Loop = tuple[Finding, PersonDeadline]  # as close_loop.close_loops gives them


class Referrals:
    """The findings across contacts for a set of contacts, given as their ReferralInputs, at
    ``now`` (on one day: a new day makes a new one) with ``settings``."""

    def __init__(self, now: Now, settings: Settings) -> None:
        self.now, self.settings = now, settings
        self._holders: dict[str, list[ReferralInputs]] = {}  # name key: the contacts that have it, by path
        self._by_name: dict[str, ReferralInputs] = {}  # name key: the first of them
        self._referrers: dict[str, ReferralInputs] = {}  # path: a contact that suggests someone
        self._keys_of: dict[str, tuple[str, ...]] = {}  # a referrer's path: the name keys it looks up
        self._looks_up: dict[str, set[str]] = {}  # name key: the paths of the referrers that look it up
        self._suggests: dict[str, list[Suggestion]] = {}  # a referrer's path: who is still to be contacted
        self._groups: dict[str, list[str]] = {}  # a person's group key: the paths of their referrers, sorted
        self._found: dict[str, Found] = {}  # group key: the finding and its deadline, when it has one
        self._loops: dict[str, list[Loop]] = {}  # a referrer's path: whom they suggested and you met
        self._findings: tuple[Finding, ...] | None = ()  # None: to gather again
        self._met: dict[str, tuple[str, ...]] = {}  # a referrer's path: whom their check-in can name
        self._met_view: dict[str, tuple[str, ...]] | None = {}  # None: to copy again
        self._gone: list[PersonDeadline] = []  # the deadlines changed since ``take_deadlines``
        self._new: list[PersonDeadline] = []

    def findings(self) -> tuple[Finding, ...]:
        """Every finding, in no particular order; the same tuple until one changes."""
        if self._findings is None:
            loops = (finding for found in self._loops.values() for finding, _ in found)
            self._findings = (*(finding for finding, _ in self._found.values()), *loops)
        return self._findings

    def met(self) -> dict[str, tuple[str, ...]]:
        """``referral.Across.met``: the same dict until it changes (never changed once given)."""
        if self._met_view is None:
            self._met_view = dict(self._met)
        return self._met_view

    def deadlines(self) -> list[PersonDeadline]:
        """Every deadline, in no particular order."""
        found = [*self._found.values(), *(f for loops in self._loops.values() for f in loops)]
        return [deadline for _, deadline in found if deadline is not None]

    def take_deadlines(self) -> tuple[list[PersonDeadline], list[PersonDeadline]]:
        """The deadlines gone and new since the last call (or since this was made)."""
        changes = self._gone, self._new
        self._gone, self._new = [], []
        return changes

    def _changed(self, before: Iterable[Found], after: Iterable[Found]) -> None:
        gone = [d for _, d in before if d is not None]
        new = [d for _, d in after if d is not None]
        if gone != new:
            self._gone += gone
            self._new += new
        self._findings = None

    def update(self, removed: Iterable[ReferralInputs], added: Iterable[ReferralInputs]) -> None:
        """Take out the contacts ``removed`` (as they were given) and put in those ``added``: a new
        version of a contact is one of each."""
        again = set()  # the referrers to work out again
        for reads in removed:
            again.add(reads.path)
            self._referrers.pop(reads.path, None)
            for key in dict.fromkeys(reads.keys):
                holders = self._holders[key]
                first = holders[0]
                holders.remove(reads)
                if not holders:
                    del self._holders[key], self._by_name[key]
                elif holders[0] is not first:
                    self._by_name[key] = holders[0]
                else:
                    continue
                again.update(self._looks_up.get(key, ()))
        for reads in added:
            again.add(reads.path)
            if reads.referrals:
                self._referrers[reads.path] = reads
            for key in dict.fromkeys(reads.keys):
                holders = self._holders.setdefault(key, [])
                at = bisect_left(holders, reads.path, key=_PATH)
                holders.insert(at, reads)
                if at == 0:
                    self._by_name[key] = reads
                    again.update(self._looks_up.get(key, ()))
        changed: set[str] = set()
        for path in again:
            changed.update(self._suggest(path))
        for group in changed:
            self._regroup(group)

    def _suggest(self, path: str) -> list[str]:
        """Work out again whom the referrer at ``path`` suggests; the groups that it left or joined."""
        groups = list(dict.fromkeys(group for group, _, _ in self._suggests.pop(path, ())))
        for group in groups:
            self._groups[group].remove(path)
        for key in self._keys_of.pop(path, ()):
            lookers = self._looks_up[key]
            lookers.discard(path)
            if not lookers:
                del self._looks_up[key]
        referrer = self._referrers.get(path)
        notes = resolved(referrer, self._by_name) if referrer else []
        loops, names = close_loops(referrer, notes, self.now, self.settings) if referrer else ([], ())
        before: list[Loop] = self._loops.pop(path, [])
        if loops:
            self._loops[path] = loops
        if loops != before:
            self._changed(before, loops)
        if names != self._met.get(path, ()):
            if names:
                self._met[path] = names
            else:
                del self._met[path]
            self._met_view = None
        if referrer is None:
            return groups
        keys = tuple(dict.fromkeys(key for person in referrer.referrals for key in looked_up(person)))
        self._keys_of[path] = keys
        for key in keys:
            self._looks_up.setdefault(key, set()).add(path)
        suggestions = suggested(referrer, self._by_name, notes)
        if suggestions:
            self._suggests[path] = suggestions
        for group in dict.fromkeys(group for group, _, _ in suggestions):
            insort(self._groups.setdefault(group, []), path)
            groups.append(group)
        return groups

    def _regroup(self, group: str) -> None:
        """The finding for ``group`` (one person still to be contacted), made again."""
        paths = self._groups.get(group)
        before = self._found.get(group)
        if not paths:
            self._groups.pop(group, None)
            if before is not None:
                del self._found[group]
                self._changed([before], ())
            return
        person, note = next((p, n) for g, p, n in self._suggests[paths[0]] if g == group)
        referrers = [self._referrers[path] for path in paths]
        found = referral_finding(person, note, referrers, self.now, self.settings)
        if before == found:
            return
        if found is None:
            del self._found[group]
        else:
            self._found[group] = found
        self._changed([before] if before is not None else (), [found] if found is not None else ())
