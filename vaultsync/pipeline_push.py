"""The pipeline's ways of sending the vault elsewhere: its deadlines and contacts pushed to a
CalDAV calendar and a CardDAV address book (``push``), its contacts written to a vCard file
(``export_vcards``). Beside ``pipeline`` (audit, report, build), in the same layer.

The calendar and the CalDAV and CardDAV clients are imported inside the functions, as the
pipeline's are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vaultsync.model.now import Asked
from vaultsync.model.vault import Vault
from vaultsync.store.loader import load_vault

if TYPE_CHECKING:
    from vaultsync.outputs.caldav_push import PushResult


class Exported(NamedTuple):
    vault: Vault
    path: Path
    cards: int
    written: bool  # False when the file already held these cards


def export_vcards(root: Path, path: Path) -> Exported:
    """Write every contact of the vault at ``root`` to ``path`` as vCard 4.0, when it changed
    (``vaultsync.outputs.vcard``); a file there that vaultsync did not write is left alone."""
    from vaultsync.outputs.events import note_linker
    from vaultsync.outputs.generated import VCARDS
    from vaultsync.outputs.vcard import vcards
    from vaultsync.store.files import write_if_changed

    vault = load_vault(root)
    data = vcards(vault.contacts, note_linker(vault.root))
    return Exported(vault, path, len(vault.contacts), write_if_changed(path, data, VCARDS))


@dataclass(frozen=True)
class Pushed:
    vault: Vault
    result: PushResult | None  # the calendar's push, when a calendar URL was given
    cards: PushResult | None = None  # the address book's push, when its URL was given


def push(
    root: Path,
    when: Asked,
    url: str | None,
    *,
    contacts: str | None = None,
    username: str | None = None,
    password: str | None = None,
    timeout: float | None = None,
    after: Callable[[Vault], None] | None = None,
    done: Callable[[PushResult], None] | None = None,
) -> Pushed:
    """Make the CalDAV calendar at ``url`` hold exactly the vault's deadlines at ``when``
    (see ``vaultsync.outputs.caldav_push.push``), and the CardDAV address book at ``contacts``
    exactly its contacts, leaving the cards of notes that cannot be read as they are
    (``vaultsync.outputs.carddav_push``); ``timeout``: for each request.

    ``after`` is called with the vault once the pushes are over, whether they succeeded or
    failed (the CLI lists the unreadable notes there, before any failure is reported); ``done``
    with each push's result as it succeeds (the calendar's is said even when the contacts' push
    then fails)."""
    from vaultsync.outputs.caldav_push import TIMEOUT
    from vaultsync.outputs.caldav_push import push as push_calendar
    from vaultsync.outputs.calendar import calendar_bytes
    from vaultsync.outputs.carddav_push import ADDRESS_BOOK_NAME, card_resources, push_contacts
    from vaultsync.outputs.events import note_linker
    from vaultsync.outputs.vcard import path_uid

    vault = load_vault(root)
    timeout = TIMEOUT if timeout is None else timeout
    result = cards = None
    try:
        if url is not None:
            data, name = calendar_bytes(vault, when), vault.settings.calendar_name
            result = push_calendar(
                data, url, name=name, username=username, password=password, timeout=timeout
            )
            if done is not None:
                done(result)
        if contacts is not None:
            wanted = card_resources(vault.contacts, note_linker(vault.root))
            unread = {path_uid(err.path) for err in vault.errors} - {card.uid for card in wanted}
            cards = push_contacts(
                wanted,
                contacts,
                name=ADDRESS_BOOK_NAME,
                keep=unread,
                username=username,
                password=password,
                timeout=timeout,
            )
            if done is not None:
                done(cards)
    finally:
        if after is not None:
            after(vault)
    return Pushed(vault, result, cards)
