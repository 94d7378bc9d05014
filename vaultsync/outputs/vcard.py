"""The contacts as vCard 4.0 (RFC 6350), for the phone's address book: one card per contact.

Rule 6 of the guide asks for each contact's address, phone and email; the phone that makes the
call reads them from its address book. Each card carries what the note records (name,
organization, role, emails, phones, address, profile) and a NOTE with the link back to the note.
Cards are written by vobject, and are the same bytes for the same notes: no REV, the UID made
from the note's path, the cards in the order of their notes' paths.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from vaultsync.model.contact import Contact
from vaultsync.outputs.calendar import PRODID

#: The UIDs of the cards: one namespace, so a card's UID never changes while its note keeps its path.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://vaultsync.invalid/contacts")
#: How the contact model joins several values of one property (``contact_values._joined``); emails
#: may also be written "a@x.org, b@y.org".
_SEVERAL = re.compile(r"\s*;\s*")
_SEVERAL_EMAILS = re.compile(r"\s*[;,]\s*")
#: A phone's kind written after it, as an import writes it ("+1 555 0100 (mobile)"): the card
#: gives it as the TEL's TYPE, or the phone would dial the word as digits.
_PHONE_KIND = re.compile(r"(?P<number>.*?)\s*\((?P<kind>mobile|cell|work|home|fax)\)", re.IGNORECASE)
_TEL_TYPES = {"mobile": "cell", "cell": "cell", "work": "work", "home": "home", "fax": "fax"}


def card_uid(contact: Contact) -> str:
    """The card's UID: a URN made from the note's path (RFC 6350 asks for a URI)."""
    return path_uid(contact.path)


def path_uid(path: str) -> str:
    """The UID of the card of the contact note at ``path``, even one that cannot be read now."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, path)}"


def contact_card(contact: Contact, link: str) -> Any:
    """The vCard of ``contact``, as a vobject component; ``link`` opens its note."""
    import vobject  # imported only for the commands that write cards

    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("prodid").value = PRODID
    card.add("uid").value = card_uid(contact)
    card.add("fn").value = contact.name
    # "Kwame Asante, PhD": what follows a comma is an honorific suffix, not the family name.
    names, _, suffix = contact.name.partition(",")
    given, _, family = names.strip().rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given, suffix=suffix.strip())
    if contact.organization:
        card.add("org").value = [contact.organization]
    if contact.role:
        card.add("title").value = contact.role
    for email in _values(contact.email, _SEVERAL_EMAILS):
        card.add("email").value = email
    for phone in _values(contact.phone, _SEVERAL):
        tel = card.add("tel")
        kind = _PHONE_KIND.fullmatch(phone)
        tel.value = kind.group("number") if kind else phone
        if kind:
            tel.type_param = _TEL_TYPES[kind.group("kind").lower()]
    if contact.address:
        # The note keeps the address as one text: it goes whole into the street, and as the label.
        address = card.add("adr")
        address.value = vobject.vcard.Address(street=contact.address)
        address.label_param = _parameter(contact.address)
    for profile in _values(contact.profile, _SEVERAL):
        card.add("url").value = profile
    card.add("note").value = f"From your job-search notes: {link}"
    return card


def _parameter(text: str) -> str:
    """``text`` as a parameter value (RFC 6868): a line break (any, a lone CR too) or a double
    quote written raw would end the line or the value."""
    lines = text.replace("^", "^^").replace('"', "^'").splitlines()
    return "^n".join(lines)


def _values(text: str, separator: re.Pattern[str]) -> list[str]:
    return [value for value in separator.split(text) if value]


def vcards(contacts: Iterable[Contact], links: Callable[[str], str]) -> bytes:
    """Every contact's card, in the order of their notes' paths (CRLF, folded at 75 octets)."""
    ordered = sorted(contacts, key=lambda contact: contact.path)
    return "".join(contact_card(c, links(c.path)).serialize() for c in ordered).encode()
