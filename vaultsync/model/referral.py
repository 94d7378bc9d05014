"""The referral rule: reach out to the people your contacts suggested (it looks across contacts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

from vaultsync.config import Settings
from vaultsync.model.contact import Contact, PersonRef, find_person, index_by_name, name_key, name_keys
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now


@dataclass(frozen=True)
class PendingReferral:
    """Someone a contact suggested whom the user has not interviewed yet."""

    person: PersonRef  # as the (first) referrer wrote it
    note: Contact | None  # their contact note, when there is one
    referrers: tuple[Contact, ...]


def pending_referrals(
    contacts: Sequence[Contact], by_name: Mapping[str, Contact] | None = None
) -> list[PendingReferral]:
    """People suggested by a contact (who still wants reminders) with no note or no interview yet.

    ``by_name``: ``index_by_name(contacts)``, when the caller has it already."""
    by_name = index_by_name(contacts) if by_name is None else by_name
    pending: dict[str, tuple[PersonRef, Contact | None, list[Contact]]] = {}
    for referrer in contacts:
        if not referrer.follow_up or not referrer.referrals:
            continue
        for key, person, note in suggested(referrer, by_name):
            entry = pending.setdefault(key, (person, note, []))
            if referrer not in entry[2]:
                entry[2].append(referrer)
    return [PendingReferral(person, note, tuple(referrers)) for person, note, referrers in pending.values()]


class Referrer(Protocol):
    """What ``suggested`` reads of a contact: a Contact, or its ReferralInputs."""

    @property
    def path(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def follow_up(self) -> bool: ...
    @property
    def interviewed(self) -> bool: ...
    @property
    def referrals(self) -> tuple[PersonRef, ...]: ...


R = TypeVar("R", bound=Referrer)


def suggested(referrer: R, by_name: Mapping[str, R]) -> list[tuple[str, PersonRef, R | None]]:
    """The people ``referrer`` suggested who are still to be contacted: (the key they are grouped
    by, the person as written, their note when there is one). ``referrer.follow_up`` is not read."""
    found = []
    for person in referrer.referrals:
        note = find_person(person, by_name)
        if note is not None and (note.interviewed or not note.follow_up):
            continue
        found.append((note.path if note else name_key(person.name), person, note))
    return found


def referral(
    contacts: Sequence[Contact],
    now: Now,
    settings: Settings,
    by_name: Mapping[str, Contact] | None = None,
) -> list[Finding]:
    """Guide rule 3's other half: reach out to the people your contacts suggested."""
    return [referral_finding(p.person, p.note, p.referrers) for p in pending_referrals(contacts, by_name)]


def referral_finding(person: PersonRef, note: Referrer | None, referrers: Sequence[Referrer]) -> Finding:
    """The finding for one person still to be contacted (``PendingReferral``'s fields)."""
    by = " and ".join(r.name for r in referrers)
    detail = f" ({person.detail})" if person.detail else ""
    if note is None:
        message = f"Reach out to {person.name}{detail}, suggested by {by}; no note for them yet."
        return Finding("referral", "info", person.name, referrers[0].path, None, message)
    message = f"Reach out to {note.name}{detail}, suggested by {by}; no interview yet."
    return Finding("referral", "info", note.name, note.path, None, message)


class ReferralInputs(NamedTuple):
    """All that ``referral`` reads of one contact: contacts whose inputs are equal, in the same
    order, have the same referral findings (so a driver that builds again and again can keep them)."""

    path: str
    name: str
    keys: tuple[str, ...]  # name_keys: how a referral may name them
    follow_up: bool
    interviewed: bool  # any interview at all, held or scheduled
    referrals: tuple[PersonRef, ...]


def referral_inputs(contact: Contact) -> ReferralInputs:
    return ReferralInputs(
        contact.path,
        contact.name,
        tuple(name_keys(contact)),
        contact.follow_up,
        bool(contact.interviews),
        contact.referrals,
    )
