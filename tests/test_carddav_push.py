"""`push --contacts URL`: a CardDAV address book on a real Radicale holds exactly the vault's contacts.

The address book is read back as any CardDAV client reads it (a PROPFIND for the cards, a GET
of each), independently of vaultsync's own requests, and the cards parsed with vobject.
"""

from __future__ import annotations

import base64
import shutil
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import vobject
from caldav_server import Radicale, counting_client, radicale
from conftest import SAMPLE_VAULT, run_cli, write_note

from vaultsync.outputs.caldav_push import PushError
from vaultsync.outputs.carddav_push import card_resources, push_contacts
from vaultsync.outputs.events import note_linker
from vaultsync.store.loader import load_vault

USER, PASSWORD = "alice", "correct horse"
THEIRS = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:mum-1\r\nFN:Mum\r\nTEL:+1 555 0111\r\nEND:VCARD\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    with radicale(tmp_path_factory.mktemp("radicale"), {USER: PASSWORD}) as running:
        yield running


@pytest.fixture
def url(server: Radicale, request: pytest.FixtureRequest) -> str:
    """An address book of its own for each test (the first push makes it)."""
    return server.calendar_url(USER, request.node.name.replace("_", "-").lower()[:60])


def _http(
    url: str, method: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(
        url, body or None, {"Authorization": f"Basic {token}", **(headers or {})}
    )
    request.method = method
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def server_cards(url: str) -> dict[str, Any]:
    """The cards in the address book at ``url``, by UID: listed by PROPFIND, each fetched by GET."""
    status, body = _http(
        url, "PROPFIND", b'<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>', {"Depth": "1"}
    )
    assert status == 207
    hrefs = [e.text for e in ET.fromstring(body).iter("{DAV:}href") if e.text and e.text.endswith(".vcf")]
    found = {}
    for href in hrefs:
        status, data = _http(urljoin(url, href), "GET")
        assert status == 200
        card = vobject.readOne(data.decode())
        found[card.uid.value] = card
    return found


def is_address_book(url: str) -> bool:
    status, body = _http(
        url, "PROPFIND", b'<propfind xmlns="DAV:"><prop><resourcetype/></prop></propfind>', {"Depth": "0"}
    )
    return status == 207 and b"addressbook" in body


def push_vault(root: Path, url: str, log: list[tuple[str, str]] | None = None) -> Any:
    vault = load_vault(root)
    cards = card_resources(vault.contacts, note_linker(vault.root))
    client = counting_client(log if log is not None else [])
    return push_contacts(
        cards, url, name="Job search contacts", username=USER, password=PASSWORD, client=client
    )


def test_a_first_push_makes_the_address_book_holding_exactly_the_contacts(url: str) -> None:
    result = push_vault(SAMPLE_VAULT, url)
    vault = load_vault(SAMPLE_VAULT)
    count = len(vault.contacts)
    assert result.made_calendar and len(result.created) == count
    assert (
        result.summary()
        == f"pushed to {url}: made the address book, {count} added, 0 replaced, 0 deleted, 0 unchanged"
    )
    assert is_address_book(url)
    cards = server_cards(url)
    assert sorted(card.fn.value for card in cards.values()) == sorted(c.name for c in vault.contacts)
    by_name = {c.name: c for c in vault.contacts}
    for card in cards.values():
        contact = by_name[card.fn.value]
        emails = [line.value for line in card.contents.get("email", [])]
        assert ", ".join(emails) == contact.email.replace("; ", ", ")


def test_a_second_push_reads_once_and_writes_nothing(url: str) -> None:
    push_vault(SAMPLE_VAULT, url)
    log: list[tuple[str, str]] = []
    result = push_vault(SAMPLE_VAULT, url, log)
    assert (result.writes, result.unchanged, result.made_calendar) == (
        0,
        len(load_vault(SAMPLE_VAULT).contacts),
        False,
    )
    assert [method for method, _ in log] == ["PROPFIND", "REPORT"]


def test_changed_and_gone_contacts_are_replaced_and_deleted_and_others_cards_kept(
    url: str, tmp_path: Path
) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, vault)
    push_vault(vault, url)
    assert _http(urljoin(url, "mum.vcf"), "PUT", THEIRS.encode(), {"Content-Type": "text/vcard"})[0] == 201
    priya = vault / "Contacts" / "Priya Natarajan.md"
    priya.write_text(priya.read_text().replace("City of Springfield", "County of Shelby"))
    gone = next(c for c in load_vault(vault).contacts if c.name == "Grace Kim")
    (vault / gone.path).unlink()

    result = push_vault(vault, url)
    unchanged = len(load_vault(vault).contacts) - 1
    assert (len(result.created), len(result.updated), len(result.deleted), result.unchanged) == (
        0,
        1,
        1,
        unchanged,
    )
    cards = server_cards(url)
    assert "mum-1" in cards and cards["mum-1"].fn.value == "Mum"
    assert "Grace Kim" not in {card.fn.value for card in cards.values()}
    assert {card.fn.value: card for card in cards.values()}["Priya Natarajan"].org.value == [
        "County of Shelby"
    ]


def test_a_calendar_url_is_refused_and_nothing_is_written(server: Radicale, url: str) -> None:
    from test_push import push_vault as push_calendar

    push_calendar(SAMPLE_VAULT, url)
    with pytest.raises(PushError) as raised:
        push_vault(SAMPLE_VAULT, url)
    assert str(raised.value).startswith(f"{url} is a calendar, not an address book: push to ")
    assert server_cards(url) == {}


def test_the_push_command_pushes_the_contacts(url: str, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write_note(vault, "Contacts/Carla Díaz.md", "---\ntype: contact\nemail: carla@example.org\n---\n")
    args = ("push", vault, "--contacts", url, "--user", USER, "--password-env", "VS_PW")
    code, out, err = run_cli(*args, env={"VS_PW": PASSWORD})
    assert (code, out, err) == (
        0,
        f"pushed to {url}: made the address book, 1 added, 0 replaced, 0 deleted, 0 unchanged\n",
        "",
    )
    assert [card.fn.value for card in server_cards(url).values()] == ["Carla Díaz"]
    code, out, _ = run_cli(*args, env={"VS_PW": PASSWORD})
    assert (code, out) == (0, f"pushed to {url}: 0 added, 0 replaced, 0 deleted, 1 unchanged\n")


def test_push_needs_a_calendar_or_an_address_book() -> None:
    assert run_cli("push", SAMPLE_VAULT) == (
        2,
        "",
        "vaultsync: push needs --url (a CalDAV calendar), --contacts (a CardDAV address book), or both\n",
    )
    code, _, err = run_cli("push", SAMPLE_VAULT, "--contacts", "ftp://h.example/book/")
    assert (code, err) == (
        2,
        "vaultsync: --contacts: 'ftp://h.example/book/' is not an http:// or https:// URL\n",
    )


def test_xandikos_holds_the_contacts_and_a_second_push_writes_nothing(tmp_path: Path) -> None:
    from caldav_server import xandikos

    with xandikos(tmp_path / "xandikos") as base:
        url = f"{base}user/contacts/vaultsync/"
        vault = load_vault(SAMPLE_VAULT)
        cards = card_resources(vault.contacts, note_linker(vault.root))
        first = push_contacts(cards, url, name="Job search contacts")
        assert first.made_calendar and len(first.created) == len(cards)
        again = push_contacts(cards, url, name="Job search contacts")
        assert (again.writes, again.unchanged) == (0, len(cards))


def test_an_account_url_with_or_without_its_slash_is_told_where_to_push(tmp_path: Path) -> None:
    """The advice names the account's own folder (``/bob`` is ``/bob/``), and never suggests as
    new the address book it has just listed."""
    vault = tmp_path / "vault"
    write_note(vault, "Contacts/Carla Díaz.md", "---\ntype: contact\nemail: carla@example.org\n---\n")
    with radicale(tmp_path / "radicale", {"bob": PASSWORD}) as running:
        account = f"{running.base}bob"
        book = f"{account}/vaultsync-contacts/"

        def push(*target: str) -> tuple[int, str, str]:
            creds = ("--user", "bob", "--password-env", "VS_PW", "--today", "2026-11-20")
            return run_cli("push", vault, *target, *creds, env={"VS_PW": PASSWORD})

        assert push("--contacts", book)[0] == 0
        for url in (account, f"{account}/"):
            assert push("--contacts", url) == (
                3,
                "",
                f"vaultsync: {url} is an account (a principal), not an address book: "
                f"push to one of your address books ({book})\n",
            )
            assert push("--url", url) == (
                3,
                "",
                f"vaultsync: {url} is an account (a principal), not a calendar: "
                f"push to a new calendar such as {account}/vaultsync/ (push makes it)\n",
            )


def test_a_calendar_pushed_before_the_contacts_failed_is_said(url: str, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write_note(vault, "Contacts/Carla Díaz.md", "---\ntype: contact\ninterviews: [2026-11-19]\n---\n")
    missing = urljoin(url, "../nowhere/book/")
    args = ("push", vault, "--url", url, "--contacts", missing, "--user", USER, "--password-env", "VS_PW")
    assert run_cli(*args, "--today", "2026-11-20", env={"VS_PW": PASSWORD}) == (
        3,
        f"pushed to {url}: made the calendar, 3 added, 0 replaced, 0 deleted, 0 unchanged\n",
        f"vaultsync: {missing}: not found, nor is {urljoin(missing, '..')}: check the URL (its last part "
        "is the address book, the part before it your account's address books)\n",
    )


def test_a_note_that_cannot_be_read_keeps_its_card(url: str, tmp_path: Path) -> None:
    """A typo in a note's YAML must not take the person off the phone: their card stays as it
    was until the note reads again (the note is listed on stderr, exit 1)."""
    vault = tmp_path / "vault"
    grace = write_note(vault, "Contacts/Grace Kim.md", "---\ntype: contact\nphone: 617-555-0100\n---\n")
    write_note(vault, "Contacts/Carla Díaz.md", "---\ntype: contact\nemail: carla@example.org\n---\n")
    args = ("push", vault, "--contacts", url, "--user", USER, "--password-env", "VS_PW")
    assert run_cli(*args, env={"VS_PW": PASSWORD})[0] == 0
    grace.write_text('---\ntype: contact\nphone: "617-555-0100\n---\n', encoding="utf-8")
    code, out, err = run_cli(*args, env={"VS_PW": PASSWORD})
    assert (code, out) == (1, f"pushed to {url}: 0 added, 0 replaced, 0 deleted, 1 unchanged\n")
    assert err.startswith("vaultsync: Contacts/Grace Kim.md:3: invalid YAML")
    assert sorted(card.fn.value for card in server_cards(url).values()) == ["Carla Díaz", "Grace Kim"]
    grace.unlink()
    assert run_cli(*args, env={"VS_PW": PASSWORD})[:2] == (
        0,
        f"pushed to {url}: 0 added, 0 replaced, 1 deleted, 1 unchanged\n",
    )
