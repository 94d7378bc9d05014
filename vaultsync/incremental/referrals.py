"""The referral rule kept up to date one changed contact at a time, for a driver that builds again
and again (the watcher's ``BuildMemo``).

``referral.referral`` looks across every contact: whom each one suggested, and whether that person
has a note and an interview yet. Run whole, it takes tens of milliseconds at 10,000 contacts, and
a save that changes someone's name or referrals would pay it every time. ``Referrals`` keeps what
the rule reads (each contact's ``ReferralInputs``) indexed both ways: the contacts that hold each
name key, and the referrers that look each key up. A changed contact then touches only itself,
the referrers that look up one of its names, and the people those suggest. The findings are
``referral.referral``'s (a test compares them after random changes), in no particular order.

Like ``index_by_name``, a name key belongs to the first contact that has it, in the vault's
order: by path (``Vault.contacts`` is sorted so).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from operator import attrgetter

from vaultsync.model.contact import PersonRef, looked_up
from vaultsync.model.finding import Finding
from vaultsync.model.referral import ReferralInputs, referral_finding, suggested

_PATH = attrgetter("path")
Suggestion = tuple[str, PersonRef, ReferralInputs | None]  # as referral.suggested gives them


class Referrals:
    """The referral rule's findings for a set of contacts, given as their ReferralInputs."""

    def __init__(self) -> None:
        self._holders: dict[str, list[ReferralInputs]] = {}  # name key: the contacts that have it, by path
        self._by_name: dict[str, ReferralInputs] = {}  # name key: the first of them
        self._referrers: dict[str, ReferralInputs] = {}  # path: a contact that suggests someone
        self._keys_of: dict[str, tuple[str, ...]] = {}  # a referrer's path: the name keys it looks up
        self._looks_up: dict[str, set[str]] = {}  # name key: the paths of the referrers that look it up
        self._suggests: dict[str, list[Suggestion]] = {}  # a referrer's path: who is still to be contacted
        self._groups: dict[str, list[str]] = {}  # a person's group key: the paths of their referrers, sorted
        self._found: dict[str, Finding] = {}  # group key: the finding
        self._findings: tuple[Finding, ...] | None = ()  # None: to gather again

    def findings(self) -> tuple[Finding, ...]:
        """Every finding, in no particular order; the same tuple until one changes."""
        if self._findings is None:
            self._findings = tuple(self._found.values())
        return self._findings

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
        if referrer is None:
            return groups
        keys = tuple(dict.fromkeys(key for person in referrer.referrals for key in looked_up(person)))
        self._keys_of[path] = keys
        for key in keys:
            self._looks_up.setdefault(key, set()).add(path)
        suggestions = suggested(referrer, self._by_name)
        if suggestions:
            self._suggests[path] = suggestions
        for group in dict.fromkeys(group for group, _, _ in suggestions):
            insort(self._groups.setdefault(group, []), path)
            groups.append(group)
        return groups

    def _regroup(self, group: str) -> None:
        """The finding for ``group`` (one person still to be contacted), made again."""
        paths = self._groups.get(group)
        if not paths:
            self._groups.pop(group, None)
            if self._found.pop(group, None) is not None:
                self._findings = None
            return
        person, note = next((p, n) for g, p, n in self._suggests[paths[0]] if g == group)
        finding = referral_finding(person, note, [self._referrers[path] for path in paths])
        if self._found.get(group) != finding:
            self._found[group] = finding
            self._findings = None
