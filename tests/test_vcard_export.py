"""`vaultsync export --vcard FILE`: the contacts as vCard 4.0, read back with vobject."""

from __future__ import annotations

from pathlib import Path

import pytest
import vobject
from conftest import SAMPLE_VAULT, run_cli, write_note

from vaultsync.outputs.events import note_linker
from vaultsync.store.loader import load_vault


def cards(path: Path) -> dict[str, vobject.base.Component]:
    """The cards in a vCard file, by FN."""
    return {card.fn.value: card for card in vobject.readComponents(path.read_text(encoding="utf-8"))}


def values(card: vobject.base.Component, name: str) -> list[str]:
    return [line.value for line in card.contents.get(name, [])]


def test_every_contact_of_the_sample_vault_is_a_card_with_what_its_note_records(tmp_path: Path) -> None:
    out = tmp_path / "contacts.vcf"
    code, stdout, stderr = run_cli("export", SAMPLE_VAULT, "--vcard", out)
    vault = load_vault(SAMPLE_VAULT)
    assert code == 1  # the sample vault keeps two broken notes on purpose, listed on stderr
    assert stdout == f"wrote {out}: {len(vault.contacts)} cards\n"
    assert [line.split(":")[0] for line in stderr.splitlines()] == ["vaultsync", "vaultsync"]
    found = cards(out)
    assert sorted(found) == sorted(c.name for c in vault.contacts)
    link = note_linker(SAMPLE_VAULT)
    for contact in vault.contacts:
        card = found[contact.name]
        assert card.version.value == "4.0"
        assert values(card, "org") == ([[contact.organization]] if contact.organization else [])
        assert values(card, "title") == ([contact.role] if contact.role else [])
        assert ", ".join(values(card, "email")) == contact.email.replace("; ", ", ")
        assert values(card, "note") == [f"From your job-search notes: {link(contact.path)}"]
        assert card.uid.value.startswith("urn:uuid:")
    assert len({card.uid.value for card in found.values()}) == len(found)


def test_a_second_export_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "contacts.vcf"
    run_cli("export", SAMPLE_VAULT, "--vcard", out)
    before = out.read_bytes(), out.stat().st_mtime_ns
    code, stdout, _ = run_cli("export", SAMPLE_VAULT, "--vcard", out)
    assert stdout == f"unchanged {out}: {len(load_vault(SAMPLE_VAULT).contacts)} cards\n"
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before


def test_several_emails_and_phones_an_address_and_awkward_names(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write_note(
        vault,
        "Contacts/Carla Díaz.md",
        """
        ---
        type: contact
        organization: Smith, Jones; Partners
        role: Partner
        email: [carla@sj.example, c.diaz@home.example]
        phone: +1 555 0100; +1 555 0199
        address: 1 Main St, Springfield
        linkedin: https://www.linkedin.com/in/carla-diaz
        ---
        """,
    )
    out = tmp_path / "contacts.vcf"
    assert run_cli("export", vault, "--vcard", out)[0] == 0
    card = cards(out)["Carla Díaz"]
    assert values(card, "email") == ["carla@sj.example", "c.diaz@home.example"]
    assert values(card, "tel") == ["+1 555 0100", "+1 555 0199"]
    assert values(card, "org") == [["Smith, Jones; Partners"]]
    assert card.adr.value.street == "1 Main St, Springfield"
    assert values(card, "url") == ["https://www.linkedin.com/in/carla-diaz"]
    assert (card.n.value.given, card.n.value.family) == ("Carla", "Díaz")
    text = out.read_bytes()
    assert all(len(line) <= 75 for line in text.split(b"\r\n"))
    assert b"\n" not in text.replace(b"\r\n", b"")


def test_a_file_vaultsync_did_not_write_is_left_alone(tmp_path: Path) -> None:
    theirs = tmp_path / "phone.vcf"
    kept = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mum\r\nEND:VCARD\r\n"
    theirs.write_bytes(kept)
    code, _, stderr = run_cli("export", SAMPLE_VAULT, "--vcard", theirs)
    assert code == 1
    assert stderr.splitlines()[-1] == (
        f"vaultsync: {theirs} exists and was not written by vaultsync (a vCard file another program "
        "wrote: its PRODID is not vaultsync's): not replaced; choose another path or move that file"
    )
    assert theirs.read_bytes() == kept


@pytest.mark.parametrize("name", ["Ana", "Dr. Ana María López"])
def test_a_name_of_one_word_or_many_gives_a_family_name(tmp_path: Path, name: str) -> None:
    vault = tmp_path / "vault"
    write_note(vault, f"Contacts/{name}.md", "---\ntype: contact\n---\n")
    out = tmp_path / "contacts.vcf"
    run_cli("export", vault, "--vcard", out)
    card = cards(out)[name]
    given, _, family = name.rpartition(" ")
    assert (card.n.value.given, card.n.value.family) == (given, family)


def test_a_phones_kind_is_its_type_not_part_of_the_number(tmp_path: Path) -> None:
    """An import writes "+1 555 0100 (mobile)"; a phone would dial "(mobile)" as digits."""
    vault = tmp_path / "vault"
    write_note(
        vault,
        "Contacts/Theo Brandt.md",
        '---\ntype: contact\nphone:\n  - "+1 (413) 555-0150 (mobile)"\n  - "+1 413 555 0151 (Work)"\n'
        '  - "0800 (FREE) 1234"\n---\n',
    )
    out = tmp_path / "contacts.vcf"
    assert run_cli("export", vault, "--vcard", out)[0] == 0
    tels = cards(out)["Theo Brandt"].contents["tel"]
    assert [(tel.value, tel.params.get("TYPE")) for tel in tels] == [
        ("+1 (413) 555-0150", ["cell"]),
        ("+1 413 555 0151", ["work"]),
        ("0800 (FREE) 1234", None),
    ]
    assert b"TEL;TYPE=cell:+1 (413) 555-0150\r\n" in out.read_bytes()


def test_what_follows_a_comma_in_the_name_is_its_suffix_not_the_family_name(tmp_path: Path) -> None:
    """LinkedIn members write "Asante, PhD" as their last name; the phone sorts by the family name."""
    vault = tmp_path / "vault"
    write_note(vault, "Contacts/Kwame Asante, PhD.md", "---\ntype: contact\n---\n")
    out = tmp_path / "contacts.vcf"
    run_cli("export", vault, "--vcard", out)
    name = cards(out)["Kwame Asante, PhD"].n.value
    assert (name.given, name.family, name.suffix) == ("Kwame", "Asante", "PhD")


def test_an_address_over_lines_or_with_quotes_keeps_the_card_whole(tmp_path: Path) -> None:
    """The address is also the LABEL parameter, where a line break or a double quote cannot be
    written raw (RFC 6868 writes them ^n and ^'); raw, the first broke the card in two and the
    second stopped the export with a traceback."""
    vault = tmp_path / "vault"
    write_note(
        vault,
        "Contacts/Ann Lee.md",
        '---\ntype: contact\naddress: |-\n  Flat 2, "The Willows"\n  Main St ^ Corner\n---\n',
    )
    out = tmp_path / "contacts.vcf"
    assert run_cli("export", vault, "--vcard", out) == (0, f"wrote {out}: 1 card\n", "")
    card = cards(out)["Ann Lee"]
    assert card.adr.value.street == 'Flat 2, "The Willows"\nMain St ^ Corner'
    assert (
        b'\r\nADR;LABEL="Flat 2, ^\'The Willows^\'^nMain St ^^ Corner":;;Flat 2\\, "The' in out.read_bytes()
    )
