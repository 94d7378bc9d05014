"""The referral network: who introduced whom, and how far the user got with each person.

Built from both ends of a referral (``referrals`` on the referrer, ``referred_by`` on the
person referred), so a link written on either note counts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vaultsync.config import Settings
from vaultsync.model.contact import Contact, PersonRef, find_person, index_by_name, name_key
from vaultsync.model.deadlines import held
from vaultsync.model.now import Now

MET = "met"  # an interview has been held (it has ended)
SCHEDULED = "scheduled"  # an interview is planned or under way, none held yet
NOT_CONTACTED = "not-contacted"  # suggested, no interview recorded (with or without a note)
OTHER = "other"  # named only as who introduced someone, and not a contact: a list, an event
STATES = (MET, SCHEDULED, NOT_CONTACTED, OTHER)


@dataclass(frozen=True)
class Person:
    key: str  # the contact's note path, or "?" + the folded name of someone without a note
    name: str
    state: str
    path: str | None = None  # the contact note, when there is one


@dataclass(frozen=True)
class Network:
    people: tuple[Person, ...]  # everyone at either end of a referral, sorted by key
    edges: tuple[tuple[str, str], ...]  # (referrer key, referred key), sorted


def contact_state(contact: Contact, now: Now, settings: Settings) -> str:
    if not contact.interviews:
        return NOT_CONTACTED
    return MET if held(contact, now, settings) else SCHEDULED


def referral_network(contacts: Iterable[Contact], now: Now, settings: Settings) -> Network:
    """Every referral among ``contacts`` as a directed edge, with the state of each person at ``now``."""
    contacts = list(contacts)
    by_name = index_by_name(contacts)
    people: dict[str, Person] = {}
    edges: set[tuple[str, str]] = set()

    def node(ref: PersonRef, suggested: bool) -> str:
        note = find_person(ref, by_name)
        if note is not None:
            return add(note)
        key = "?" + name_key(ref.name)
        known = people.get(key)
        if known is None or (suggested and known.state == OTHER):
            people[key] = Person(key, ref.name, NOT_CONTACTED if suggested else OTHER)
        return key

    def add(contact: Contact) -> str:
        if contact.path not in people:
            people[contact.path] = Person(
                contact.path, contact.name, contact_state(contact, now, settings), contact.path
            )
        return contact.path

    for contact in contacts:
        for ref in contact.referrals:
            edges.add((add(contact), node(ref, suggested=True)))
        for ref in contact.referred_by:
            edges.add((node(ref, suggested=False), add(contact)))
    edges = {(a, b) for a, b in edges if a != b}
    linked = {key for edge in edges for key in edge}
    return Network(
        tuple(people[key] for key in sorted(linked)),
        tuple(sorted(edges)),
    )
