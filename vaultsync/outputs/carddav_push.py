"""Pushing the contacts to a CardDAV address book (Nextcloud, iCloud, Fastmail, Radicale, ...),
so that the phone's address book holds them.

As the calendar push does (``caldav_push``): after a push the address book at the URL holds
exactly the vault's contacts; a card vaultsync put there earlier whose contact is gone is
deleted, and cards it did not put there are left alone. Each card carries ``X-VAULTSYNC-DIGEST``,
a hash of the card as sent: it marks the cards a push owns, and tells a changed card from an
unchanged one without comparing with the server's copy. A second push with nothing changed
reads the address book once and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Unpack
from urllib.parse import urljoin

from vaultsync.model.contact import Contact
from vaultsync.outputs.caldav_plan import MARK, PushResult, Resource, apply
from vaultsync.outputs.caldav_server import ADDRESS_BOOKS, CARDDAV, DAV, NOT_XML, Bounds, Target, converse
from vaultsync.outputs.caldav_wire import PushError, public_url
from vaultsync.outputs.vcard import contact_card

QUERY = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<A:addressbook-query xmlns="DAV:" xmlns:A="urn:ietf:params:xml:ns:carddav">'
    "<prop><getetag/><A:address-data/></prop><A:filter/></A:addressbook-query>"
)
VCARD = "text/vcard; charset=utf-8"
#: The display name of an address book a push makes.
ADDRESS_BOOK_NAME = "Job search contacts"


def card_resources(contacts: Iterable[Contact], links: Callable[[str], str]) -> list[Resource]:
    """Each contact's card, marked with the digest of the card as it is without the mark."""
    out = []
    for contact in sorted(contacts, key=lambda c: c.path):
        card = contact_card(contact, links(contact.path))
        digest = hashlib.sha256(card.serialize().encode()).hexdigest()[:32]
        card.add(MARK.lower()).value = digest
        out.append(Resource(card.uid.value, digest, card.serialize().encode()))
    return out


def push_contacts(
    cards: list[Resource],
    url: str,
    *,
    name: str,
    keep: Collection[str] = (),
    **bounds: Unpack[Bounds],
) -> PushResult:
    """Make the CardDAV address book at ``url`` hold exactly ``cards``, and the cards of UIDs
    ``keep`` as they are (the notes that cannot be read now: a typo in one must not take the
    person off the phone).

    Nothing is written unless ``url`` is an address book, or nothing at all, where the address
    book is made (with display name ``name``). The bounds are the calendar push's
    (``caldav_server.Bounds``); every failure is a PushError saying what to do."""
    return converse(url, ADDRESS_BOOKS, lambda target: _AddressBook(target).push(cards, name, keep), **bounds)


@dataclass(frozen=True)
class _AddressBook:
    target: Target

    def push(self, cards: list[Resource], name: str, keep: Collection[str]) -> PushResult:
        target = self.target
        result = PushResult(target.where, noun="address book")
        with target.failures():
            if target.is_there():
                existing = [held for held in self._held() if held[0] not in keep]
            else:
                target.check_parent()
                target.make_address_book(name)
                existing, result.made_calendar = [], True
            apply(existing, cards, _CardWrites(target), result)
        return result

    def _held(self) -> list[tuple[str, str | None, tuple[str, str]]]:
        """(UID, mark, (href, etag)) of every card in the address book, read in one REPORT."""
        target = self.target
        reply = target.dav.request(target.url, "REPORT", QUERY, {"Depth": "1"})
        if reply.status != 207 or reply.tree is None or reply.tree.tag != DAV + "multistatus":
            raise PushError(
                f"{target.where}: the server would not list its cards ({reply.status}): {NOT_XML}"
            )
        held = []
        for answer in reply.tree.iter(DAV + "response"):
            href, data = answer.findtext(DAV + "href"), answer.findtext(f".//{CARDDAV}address-data")
            if not href or data is None:
                continue
            uid, mark = _uid_and_mark(data)
            held.append(
                (uid, mark, (urljoin(target.url, href.strip()), answer.findtext(f".//{DAV}getetag") or ""))
            )
        return held


def _uid_and_mark(data: str) -> tuple[str, str | None]:
    """A card's UID and vaultsync's mark, as vobject reads them (a card it cannot read is
    someone else's: never changed)."""
    import vobject

    try:
        card = vobject.readOne(data)
    except Exception:  # vobject raises a ParseError, a ValueError or worse for a malformed card
        return "", None
    uid = card.contents.get("uid")
    mark = card.contents.get(MARK.lower())
    return (str(uid[0].value) if uid else ""), (str(mark[0].value) if mark else None)


@dataclass(frozen=True)
class _CardWrites:
    """``Writes`` into an address book: each card a resource named by its UID."""

    target: Target

    def add(self, resource: Resource) -> None:
        href = urljoin(self.target.url, _resource_name(resource.uid))
        self._send(href, "PUT", resource.data.decode(), {"Content-Type": VCARD, "If-None-Match": "*"})

    def replace(self, held: tuple[str, str], resource: Resource) -> None:
        href, etag = held
        headers = {"Content-Type": VCARD, **({"If-Match": etag} if etag else {})}
        self._send(href, "PUT", resource.data.decode(), headers)

    def delete(self, held: tuple[str, str]) -> None:
        href, etag = held
        self._send(href, "DELETE", "", {"If-Match": etag} if etag else {})

    def _send(self, href: str, method: str, body: str, headers: dict[str, str]) -> None:
        reply = self.target.dav.request(href, method, body, headers)
        if reply.status == 412:
            raise PushError(f"{public_url(href)}: the card changed on the server during the push: push again")
        if not 200 <= reply.status < 300 and not (method == "DELETE" and reply.status == 404):
            phrase = " ".join(str(reply.reason or "").split()) or "(no reason given)"
            raise PushError(f"{public_url(href)}: the server refused the {method}: {reply.status} {phrase}")


def _resource_name(uid: str) -> str:
    """A card's file name in the address book: its UUID (the UID less ``urn:uuid:``)."""
    return f"{uid.removeprefix('urn:uuid:')}.vcf"
