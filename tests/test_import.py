"""`vaultsync import`: contact notes from LinkedIn's Connections.csv, phones' vCard files and CSVs.

The exports are written here as their makers write them: LinkedIn's notes before the header
and its ``07 Dec 2026`` dates; Android's vCard 2.1 and a 3.0 card with QUOTED-PRINTABLE and
CHARSET, photos in base64; an iPhone's 3.0 (grouped ``item1.`` properties, folded lines, a
company's card); a 4.0 file as CardDAV servers give it; Google Contacts' CSV header.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_cli, tree_digest, write_note

from vaultsync import pipeline
from vaultsync.config import DEFAULTS
from vaultsync.reading.exports import parse_export
from vaultsync.reading.note import Note, parse_note
from vaultsync.store.files import write_atomically

TODAY = "2026-12-08"

LINKEDIN = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or download "
    "their email address using this setting https://www.linkedin.com/psettings/privacy/email. "
    'You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    'Ana,Ortiz,https://www.linkedin.com/in/ana-ortiz-4b1a2c,,"Northwind Health, Inc.",UX Researcher,07 Dec 2026\n'
    'Zoë,Ångström-Núñez,https://www.linkedin.com/in/zoe-angstrom,zoe@orsted.example,Ørsted,"Engineer, ""Wind"" Team",15 Nov 2026\n'
    "Jane,Doe,https://www.linkedin.com/in/janedoe,jane.doe@northwind.example,Northwind Health,UX research lead,01 Oct 2026\n"
    ",,,,,,03 Mar 2024\n"
    "Priya,Natarajan,https://www.linkedin.com/in/priya-n,,Fabrikam,Data scientist,31 Feb 2026\n"
    "marcus,LEE,https://www.linkedin.com/in/marcus-lee,,Contoso,,02 Dec 2026\n"
)

#: Android's contacts app (vCard 2.1: QUOTED-PRINTABLE with soft line breaks, bare TEL;CELL
#: types, a photo in base64 ended by a blank line), then a 3.0 card with QUOTED-PRINTABLE and
#: CHARSET as older phones write it, then a card whose line cannot be read.
PHONE_30 = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:2.1",
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen=20M=C3=BCller",
        "TEL;CELL:+49 151 23456789",
        "TEL;WORK;VOICE:+49 30 1234567",
        "EMAIL;WORK:j.mueller@gruene.example",
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gr=C3=BCne Energie GmbH",
        "TITLE:Projektleiter",
        "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Met at the career fair, Hall 3.=0D=0ASuggested I talk to=",
        " his colleague.",
        "PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEx8UHRofHh0a",
        " HBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIy",
        "",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Ren=E9e;Fran=E7oise;;;",
        "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Fran=E7oise Ren=E9e",
        "TEL;TYPE=CELL:+33 6 12 34 56 78",
        "EMAIL;TYPE=INTERNET:francoise@atelier.example",
        "ADR;TYPE=WORK;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;12 rue de la Paix;Paris;;75002;France",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Broken Card",
        "this line has no colon",
        "END:VCARD",
        "",
    ]
)

#: An iPhone's export (Contacts > Share contact, or iCloud.com): grouped properties with
#: X-ABLabel, TYPE written several times, folded lines, a company's card.
IPHONE = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
        "N:Asante;Kwame;;;",
        "FN:Kwame Asante",
        "ORG:Contoso Labs;Research",
        "TITLE:Staff Researcher",
        "item1.EMAIL;type=INTERNET;type=pref:kwame@contoso.example",
        "item2.EMAIL;type=INTERNET;type=HOME:kwame.asante@mail.example",
        "TEL;type=CELL;type=VOICE;type=pref:(617) 555-0123",
        "TEL;type=WORK;type=VOICE:(617) 555-0199",
        "item3.ADR;type=WORK;type=pref:;;1 Main St;Cambridge;MA;02139;United States",
        "item3.X-ABADR:us",
        "item4.URL;type=pref:https://www.linkedin.com/in/kwame-asante",
        "item4.X-ABLabel:LinkedIn",
        "NOTE:Met at the UX meetup\\, asked about research ops.\\nWrite again in Janu",
        " ary.",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQN",
        " DAsLDBkSEx8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwL",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
        "N:;;;;",
        "FN:Blue Bottle Coffee",
        "ORG:Blue Bottle Coffee;",
        "TEL;type=WORK;type=VOICE;type=pref:(510) 555-0100",
        "X-ABShowAs:COMPANY",
        "END:VCARD",
        "",
    ]
)

#: vCard 4.0 as a CardDAV server (Nextcloud's sabre/vobject) exports it.
CARDDAV_40 = "\r\n".join(
    [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "PRODID:-//Sabre//Sabre VObject 4.5.4//EN",
        "UID:6f1c2a7e-8d3b-4c55-9a0e-2b7d1f4e9c10",
        "FN:Zoë Adams",
        "N:Adams;Zoë;;;",
        "ORG:Example.com Inc.",
        "TITLE:Hiring manager",
        "EMAIL;TYPE=home:zoe.adams@mail.example",
        "EMAIL;TYPE=work;PREF=1:zoe@example.com",
        'TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+1-555-555-5555',
        'ADR;TYPE=work;LABEL="100 Waters Edge\\nBaytown, LA 30314\\nUnited States":;;100 Waters Edge;Baytown;LA;30314;United States',
        "NOTE:Introduced by Jane Doe\\, coffee next week.",
        "REV:20261201T120000Z",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:4.0",
        "FN:Cut Short",
        "",
    ]
)

#: Google Contacts' export ("Google CSV"), with its header as written since 2023.
GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
    "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,"
    "Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,"
    "Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,"
    "Address 1 - Extended Address,Website 1 - Label,Website 1 - Value"
)


def front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[: text.index("\n---\n", 4) + 5]


def imported_vault(tmp_path: Path) -> Path:
    """A vault with two contacts the exports name: Jane Doe (by email) and Marcus Lee (by name)."""
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    write_note(
        root,
        "Contacts/Jane Doe.md",
        "---\ntype: contact\norganization: Northwind Health\nrole: UX research lead\n"
        "email: jane.doe@northwind.example\n---\n",
    )
    write_note(root, "Contacts/Marcus Lee.md", "---\ntype: contact\norganization: Contoso\n---\n")
    return root


def export(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def built_in_note(name: str, details: str, created: str = TODAY) -> str:
    """The built-in template's front-matter with the details an import sets."""
    return (
        f"---\ntype: contact\nname: {name}\naliases: []\n{details}outreach: []\nreplied: []\ninterviews: []\n"
        "thank_you_sent: []\ncheck_ins: []\nreferrals: []\nreferred_by:\nadvice: []\ncontacted: []\nfollow_up: true\n"
        f"do_not_contact: false\nkeep_in_touch:\ninterview_minutes:\ncreated: {created}\n---\n"
    )


def test_linkedin_connections_become_notes_and_known_people_are_proposed(tmp_path):
    root = imported_vault(tmp_path)
    connections = export(tmp_path, "Connections.csv", LINKEDIN)
    before = tree_digest(root)
    code, out, err = run_cli("import", connections, "--vault", root, "--today", TODAY)
    shown = str(connections)
    assert (code, err) == (
        1,
        f"vaultsync: {shown}:9: not read: Connected On: '31 Feb 2026' is not a date (LinkedIn writes 07 Dec 2026)\n",
    )
    assert out.splitlines() == [
        f"{shown}:5: Ana Ortiz: created Contacts/Ana Ortiz.md",
        f"{shown}:6: Zoë Ångström-Núñez: created Contacts/Zoë Ångström-Núñez.md",
        f"{shown}:7: Jane Doe: has a note (Contacts/Jane Doe.md, matched by email jane.doe@northwind.example); "
        "to add to it: profile: https://www.linkedin.com/in/janedoe",
        f"{shown}:8: skipped: no name (LinkedIn leaves it out for members who hide it)",
        f"{shown}:10: marcus LEE: has a note (Contacts/Marcus Lee.md, matched by name: its file name); "
        "to add to it: profile: https://www.linkedin.com/in/marcus-lee",
        f"{shown} (LinkedIn connections): 2 created, 2 to add to a note you have (proposed, not written), "
        "1 skipped (1 with no name), 1 not read",
        "vaultsync does not change a note you have: add the details proposed to it by hand.",
    ]
    ana = root / "Contacts/Ana Ortiz.md"
    assert front_matter(ana) == built_in_note(
        "Ana Ortiz",
        "organization: Northwind Health, Inc.\nrole: UX Researcher\nemail:\nphone:\naddress:\n"
        'profile: "https://www.linkedin.com/in/ana-ortiz-4b1a2c"\n',
    )
    assert "## Notes\n- Connected on LinkedIn on 2026-12-07.\n\n## Advice" in ana.read_text(encoding="utf-8")
    assert front_matter(root / "Contacts/Zoë Ångström-Núñez.md") == built_in_note(
        "Zoë Ångström-Núñez",
        'organization: Ørsted\nrole: "Engineer, \\"Wind\\" Team"\nemail: "zoe@orsted.example"\nphone:\n'
        'address:\nprofile: "https://www.linkedin.com/in/zoe-angstrom"\n',
    )
    after = tree_digest(root)
    assert {k: v for k, v in after.items() if k in before} == before  # the notes it matched: unchanged
    assert sorted(set(after) - set(before)) == ["Contacts/Ana Ortiz.md", "Contacts/Zoë Ångström-Núñez.md"]

    code, again, _ = run_cli("import", connections, "--vault", root, "--today", "2026-12-09")
    assert tree_digest(root) == after  # a second import changes nothing, byte for byte
    assert code == 1
    assert again.splitlines()[:2] == [
        f"{shown}:5: Ana Ortiz: has a note with these details (Contacts/Ana Ortiz.md, matched by name: its file name)",
        f"{shown}:6: Zoë Ångström-Núñez: has a note with these details "
        "(Contacts/Zoë Ångström-Núñez.md, matched by email zoe@orsted.example)",
    ]
    assert again.splitlines()[-2] == (
        f"{shown} (LinkedIn connections): 0 created, 2 to add to a note you have (proposed, not written), "
        "3 skipped (2 already in the vault, 1 with no name), 1 not read"
    )

    audited = pipeline.audit(root, dt.date(2026, 12, 8))
    assert audited.vault.errors == ()
    assert {c.path for c in audited.vault.contacts} >= {
        "Contacts/Ana Ortiz.md",
        "Contacts/Zoë Ångström-Núñez.md",
    }
    ana_contact = next(c for c in audited.vault.contacts if c.path == "Contacts/Ana Ortiz.md")
    assert (ana_contact.organization, ana_contact.role, ana_contact.profile, ana_contact.interviews) == (
        "Northwind Health, Inc.",
        "UX Researcher",
        "https://www.linkedin.com/in/ana-ortiz-4b1a2c",
        (),
    )


@pytest.mark.parametrize(("bom", "newline"), [("\ufeff", "\r\n"), ("", "\n")])
def test_linkedin_with_a_bom_and_crlf_reads_the_same(bom, newline):
    read = parse_export(
        "Connections.csv", (bom + LINKEDIN.replace("\n", newline)).encode(), DEFAULTS.property_lookup
    )
    assert read.kind == "LinkedIn connections"
    assert [(p.line, p.name, p.organization, p.connected) for p in read.people][:2] == [
        (5, "Ana Ortiz", "Northwind Health, Inc.", dt.date(2026, 12, 7)),
        (6, "Zoë Ångström-Núñez", "Ørsted", dt.date(2026, 11, 15)),
    ]
    assert [(m.line, m.message[:13]) for m in read.malformed] == [(9, "Connected On:")]


def test_a_phones_vcards_become_notes(tmp_path):
    root = imported_vault(tmp_path)
    cards = export(tmp_path, "contacts.vcf", PHONE_30)
    code, out, err = run_cli("import", cards, "--vault", root, "--today", TODAY)
    shown = str(cards)
    assert (code, err) == (
        1,
        f"vaultsync: {shown}:27: not read: not a vCard line: 'this line has no colon'\n",
    )
    assert out.splitlines() == [
        f"{shown}:1: Jürgen Müller: created Contacts/Jürgen Müller.md",
        f"{shown}:16: Françoise Renée: created Contacts/Françoise Renée.md",
        f"{shown} (vCard): 2 created, 0 to add to a note you have (proposed, not written), 0 skipped, 1 not read",
    ]
    juergen = root / "Contacts/Jürgen Müller.md"
    assert front_matter(juergen) == built_in_note(
        "Jürgen Müller",
        'organization: Grüne Energie GmbH\nrole: Projektleiter\nemail: "j.mueller@gruene.example"\nphone:\n'
        '  - "+49 151 23456789 (mobile)"\n  - "+49 30 1234567 (work)"\naddress:\nprofile:\n',
    )
    assert (
        "## Notes\nMet at the career fair, Hall 3.\nSuggested I talk to his colleague.\n"
        in juergen.read_text(encoding="utf-8")
    )
    assert front_matter(root / "Contacts/Françoise Renée.md") == built_in_note(
        "Françoise Renée",
        'organization:\nrole:\nemail: "francoise@atelier.example"\nphone: "+33 6 12 34 56 78"\n'
        'address: "12 rue de la Paix, Paris, 75002, France"\nprofile:\n',
    )
    written = tree_digest(root)
    assert run_cli("import", cards, "--vault", root, "--today", TODAY)[0] == 1
    assert tree_digest(root) == written
    assert pipeline.audit(root, dt.date(2026, 12, 8)).vault.errors == ()


def test_an_iphones_and_a_carddav_servers_vcards(tmp_path):
    root = imported_vault(tmp_path)
    iphone = export(tmp_path, "iPhone.vcf", IPHONE)
    code, out, err = run_cli("import", iphone, "--vault", root, "--today", TODAY)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{iphone}:1: Kwame Asante: created Contacts/Kwame Asante.md",
        f"{iphone}:21: skipped: a card for an organization (Blue Bottle Coffee), not a person",
        f"{iphone} (vCard): 1 created, 0 to add to a note you have (proposed, not written), "
        "1 skipped (1 an organization's card)",
    ]
    kwame = root / "Contacts/Kwame Asante.md"
    assert front_matter(kwame) == built_in_note(
        "Kwame Asante",
        "organization: Contoso Labs\nrole: Staff Researcher\nemail:\n"
        '  - "kwame@contoso.example"\n  - "kwame.asante@mail.example"\nphone:\n'
        '  - "(617) 555-0123 (mobile)"\n  - "(617) 555-0199 (work)"\n'
        'address: "1 Main St, Cambridge, MA, 02139, United States"\n'
        'profile: "https://www.linkedin.com/in/kwame-asante"\n',
    )
    assert "## Notes\nMet at the UX meetup, asked about research ops.\nWrite again in January.\n" in (
        kwame.read_text(encoding="utf-8")
    )

    carddav = export(tmp_path, "addressbook.vcf", CARDDAV_40)
    code, out, err = run_cli("import", carddav, "--vault", root, "--today", TODAY)
    assert (code, err) == (
        1,
        f"vaultsync: {carddav}:16: not read: the card has no END:VCARD (the file is cut short?)\n",
    )
    assert out.splitlines()[0] == f"{carddav}:1: Zoë Adams: created Contacts/Zoë Adams.md"
    assert front_matter(root / "Contacts/Zoë Adams.md") == built_in_note(
        "Zoë Adams",
        "organization: Example.com Inc.\nrole: Hiring manager\nemail:\n"
        '  - "zoe@example.com"\n  - "zoe.adams@mail.example"\nphone: "+1-555-555-5555"\n'
        'address: "100 Waters Edge, Baytown, LA, 30314, United States"\nprofile:\n',
    )
    written = tree_digest(root)
    run_cli("import", iphone, "--vault", root, "--today", TODAY)
    run_cli("import", carddav, "--vault", root, "--today", TODAY)
    assert tree_digest(root) == written
    assert pipeline.audit(root, dt.date(2026, 12, 8)).vault.errors == ()


def test_dry_run_writes_nothing_and_says_what_would_be_done(tmp_path):
    root = imported_vault(tmp_path)
    cards = export(tmp_path, "iPhone.vcf", IPHONE)
    before = tree_digest(root)
    code, out, _ = run_cli("import", cards, "--vault", root, "--today", TODAY, "--dry-run")
    assert tree_digest(root) == before
    assert code == 0
    assert out.splitlines()[0] == f"{cards}:1: Kwame Asante: would create Contacts/Kwame Asante.md"
    assert out.splitlines()[-2:] == [
        f"{cards} (vCard): 1 to create, 0 to add to a note you have (proposed, not written), "
        "1 skipped (1 an organization's card)",
        "Dry run: nothing written.",
    ]


def test_a_person_is_matched_by_name_whatever_the_case_and_accents(tmp_path):
    root = imported_vault(tmp_path)
    write_note(root, "People/francoise renee.md", "---\ntype: contact\n---\n")
    cards = export(tmp_path, "contacts.vcf", PHONE_30)
    before = tree_digest(root)
    _, out, _ = run_cli("import", cards, "--vault", root, "--today", TODAY, "--dry-run")
    assert tree_digest(root) == before
    assert out.splitlines()[1] == (
        f"{cards}:16: Françoise Renée: has a note (People/francoise renee.md, matched by name: its file name); "
        "to add to it: email: francoise@atelier.example; phone: +33 6 12 34 56 78; "
        "address: 12 rue de la Paix, Paris, 75002, France"
    )


def test_the_same_number_with_its_country_code_is_not_proposed(tmp_path):
    root = imported_vault(tmp_path)
    write_note(root, "Contacts/Françoise Renée.md", "---\ntype: contact\nphone: 06 12 34 56 78\n---\n")
    cards = export(tmp_path, "contacts.vcf", PHONE_30)
    _, out, _ = run_cli("import", cards, "--vault", root, "--today", TODAY)
    assert "to add to it: email: francoise@atelier.example; address:" in out.splitlines()[1]


GOOGLE_ROW = (
    'Noor,,Rahman,,,,,,,,Fabrikam,Data scientist,Analytics,,"Met at PyData.\nAsk about the team.",,'
    "* myContacts ::: Networking,* Work,noor@fabrikam.example ::: noor.rahman@mail.example,,,Mobile,"
    '+1 617-555-0188,Work,"1 Main St\nCambridge, MA 02139",1 Main St,Cambridge,,MA,02139,US,,'
    "Profile,https://www.linkedin.com/in/noor-rahman\n"
)


def test_google_contacts_csv(tmp_path):
    root = imported_vault(tmp_path)
    csv_file = export(tmp_path, "contacts.csv", f"{GOOGLE_HEADER}\n{GOOGLE_ROW}Broken,,Row,{',' * 40}\n")
    code, out, err = run_cli("import", csv_file, "--vault", root, "--today", TODAY)
    assert (code, err) == (
        1,
        f"vaultsync: {csv_file}:5: not read: 44 fields where the header has 34 (a comma in a value that is not in quotes?)\n",
    )
    assert out.splitlines()[0] == f"{csv_file}:2: Noor Rahman: created Contacts/Noor Rahman.md"
    assert out.splitlines()[1].startswith(f"{csv_file} (Google Contacts CSV): 1 created")
    noor = root / "Contacts/Noor Rahman.md"
    assert front_matter(noor) == built_in_note(
        "Noor Rahman",
        "organization: Fabrikam\nrole: Data scientist\nemail:\n"
        '  - "noor@fabrikam.example"\n  - "noor.rahman@mail.example"\nphone: "+1 617-555-0188"\n'
        'address: "1 Main St, Cambridge, MA 02139"\n'
        'profile: "https://www.linkedin.com/in/noor-rahman"\n',
    )
    assert "## Notes\nMet at PyData.\nAsk about the team.\n" in noor.read_text(encoding="utf-8")


def test_a_plain_csv_maps_its_columns_by_name(tmp_path):
    root = imported_vault(tmp_path)
    csv_file = export(
        tmp_path,
        "people.csv",
        "Name,Company,E-mail,Mobile\nLena Fischer,Tailspin,lena@tailspin.example,0151 555\n",
    )
    code, out, _ = run_cli("import", csv_file, "--vault", root, "--today", TODAY)
    assert (code, out.splitlines()[0]) == (0, f"{csv_file}:2: Lena Fischer: created Contacts/Lena Fischer.md")
    assert front_matter(root / "Contacts/Lena Fischer.md") == built_in_note(
        "Lena Fischer",
        'organization: Tailspin\nrole:\nemail: "lena@tailspin.example"\nphone: "0151 555"\naddress:\nprofile:\n',
    )


def ana_imported_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """Ana Ortiz's note, imported from LINKEDIN into a vault that holds ``files`` (a template)."""
    root = imported_vault(tmp_path)
    for path, text in files.items():
        write_note(root, path, text)
    run_cli("import", export(tmp_path, "Connections.csv", LINKEDIN), "--vault", root, "--today", TODAY)
    return root / "Contacts/Ana Ortiz.md"


def test_the_vaults_template_its_keys_and_no_interview_today(tmp_path):
    """The sample vault's template records an interview on {{date}} (for `new`, right after
    one); an import empties it, and writes the company where the template names it."""
    template = (
        "---\ntype: contact\nCompany:\nTitle: ''\ninterviews:\n  - {{date}}\nmet: {{date}}\nlast_contact: {{date}}\n"
        "tags: [person]\n---\n# {{title}}\n"
    )
    ana = ana_imported_with(tmp_path, {"Templates/Contact.md": template})
    assert ana.read_text(encoding="utf-8") == (
        "---\ntype: contact\nCompany: Northwind Health, Inc.\nTitle: UX Researcher\ninterviews: []\nmet: []\nlast_contact: []\n"
        'tags: [person]\nprofile: "https://www.linkedin.com/in/ana-ortiz-4b1a2c"\n---\n# Ana Ortiz\n\n'
        "## Notes\n- Connected on LinkedIn on 2026-12-07.\n"
    )


def test_what_is_not_an_export_is_a_usage_error(tmp_path):
    root = imported_vault(tmp_path)
    other = export(tmp_path, "budget.csv", "Month,Amount\nJanuary,10\n")
    assert run_cli("import", other, "--vault", root) == (
        2,
        "",
        f"vaultsync: {other} is neither a vCard file nor a CSV whose header names its columns (LinkedIn's "
        "Connections.csv, Google Contacts' or Outlook's export, or a header with Name, or First Name and "
        "Last Name)\n",
    )


def test_a_new_note_is_never_written_over_a_file(tmp_path):
    path = tmp_path / "Contacts" / "Ana Ortiz.md"
    write_atomically(path, [b"first\n"], new=True)
    with pytest.raises(FileExistsError):
        write_atomically(path, [b"second\n"], new=True)
    assert path.read_bytes() == b"first\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["Ana Ortiz.md"]  # no temporary file left


def test_every_created_note_reads_as_the_contact_it_says(tmp_path):
    root = imported_vault(tmp_path)
    for name, text in (("a.csv", LINKEDIN), ("b.vcf", PHONE_30), ("c.vcf", IPHONE), ("d.vcf", CARDDAV_40)):
        run_cli("import", export(tmp_path, name, text), "--vault", root, "--today", TODAY)
    for path in sorted((root / "Contacts").glob("*.md")):
        parsed = parse_note(path.name, path.read_bytes())
        assert isinstance(parsed, Note), parsed
    audited = pipeline.audit(root, dt.date(2026, 12, 8))
    assert audited.vault.errors == ()
    assert len(audited.vault.contacts) == 8
    assert not [f for f in audited.findings if f.rule in ("thank-you", "check-in")]  # no interview invented


def test_who_cannot_be_given_a_note_is_skipped_saying_why(tmp_path):
    root = imported_vault(tmp_path)
    write_note(root, "Contacts/Chris Park.md", '---\ntype: contact\nrole: "unclosed\n---\n')
    write_note(root, "Notes/Omar Haddad.md", "# Omar Haddad\nA reading note, not a person's.\n")
    rows = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Sam,Rivera (they/them),https://www.linkedin.com/in/sam,,Contoso,,01 Dec 2026\n"
        "Chris,Park,https://www.linkedin.com/in/chris,,Contoso,,01 Dec 2026\n"
        "Omar,Haddad,https://www.linkedin.com/in/omar,,Contoso,,01 Dec 2026\n"
        "Ada,Obi,https://www.linkedin.com/in/ada,ada@obi.example,Contoso,,01 Dec 2026\n"
        "Ada,Obi-Nwosu,https://www.linkedin.com/in/ada2,ada@obi.example,Contoso,,01 Dec 2026\n"
        "ADA,OBI,https://www.linkedin.com/in/ada3,,Contoso,,01 Dec 2026\n"
    )
    connections = export(tmp_path, "Connections.csv", rows)
    code, out, err = run_cli("import", connections, "--vault", root, "--today", TODAY)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{connections}:2: Sam Rivera (they/them): skipped: a note's name cannot contain '/' (Obsidian refuses "
        "it): 'Sam Rivera (they/them)' (give the note a name by hand: vaultsync new)",
        f"{connections}:3: Chris Park: skipped: Contacts/Chris Park.md has that name and cannot be read: fix it, "
        "then import",
        f"{connections}:4: Omar Haddad: skipped: Notes/Omar Haddad.md has that name but is not a contact note",
        f"{connections}:5: Ada Obi: created Contacts/Ada Obi.md",
        f"{connections}:6: Ada Obi-Nwosu: skipped: the same person as line 5 (ada@obi.example)",
        f"{connections}:7: ADA OBI: skipped: the same name as line 5",
        f"{connections} (LinkedIn connections): 1 created, 0 to add to a note you have (proposed, not written), "
        "5 skipped (1 named like a note that cannot be read, 1 named like a note that is not a contact, "
        "2 twice in the file, 1 with a name no file may have)",
    ]


def test_a_template_that_makes_no_contact_is_said(tmp_path):
    root = tmp_path / "vault"
    write_note(root, "Templates/Contact.md", "---\ncreated: {{date}}\n---\n# {{title}}\n")
    write_note(root, ".vaultsync.toml", "")
    connections = export(tmp_path, "Connections.csv", LINKEDIN)
    code, out, err = run_cli("import", connections, "--vault", root, "--today", TODAY, "--folder", "Notes")
    assert err.splitlines()[0] == (
        f"vaultsync: the template ({root / 'Templates/Contact.md'}) does not mark the notes as contacts: "
        "add 'type: contact' to it"
    )
    assert out.splitlines()[0] == f"{connections}:5: Ana Ortiz: created Notes/Ana Ortiz.md"


def test_the_dates_a_template_leaves_empty_stay_as_obsidian_types_them(tmp_path):
    """Only what the template fills ({{date}}) is emptied, and a property Obsidian types as a
    date is emptied to no value, not to a list (which Obsidian would show as a type mismatch)."""
    files = {
        ".obsidian/types.json": '{"types": {"thank_you_sent": "date", "check_ins": "date"}}',
        "Templates/Contact.md": "---\ntype: contact\ninterviews:\n  - {{date}}\nthank_you_sent:\ncheck_ins: {{date}}\n---\n",
    }
    assert front_matter(ana_imported_with(tmp_path, files)) == (
        "---\ntype: contact\ninterviews: []\nthank_you_sent:\ncheck_ins:\norganization: Northwind Health, Inc.\n"
        'role: UX Researcher\nprofile: "https://www.linkedin.com/in/ana-ortiz-4b1a2c"\n---\n'
    )


def test_a_short_number_the_note_has_is_not_proposed_again(tmp_path):
    """An extension (shorter than a number with its country code could be cut to) is the same
    number when its digits are."""
    root = imported_vault(tmp_path)
    write_note(root, "Contacts/Lena Fischer.md", '---\ntype: contact\nphone: "x4417"\n---\n')
    cards = export(
        tmp_path, "lena.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lena Fischer\r\nTEL:4417\r\nEND:VCARD\r\n"
    )
    assert run_cli("import", cards, "--vault", root, "--today", TODAY)[1].splitlines()[0] == (
        f"{cards}:1: Lena Fischer: has a note with these details (Contacts/Lena Fischer.md, matched by name: its file name)"
    )


def test_a_match_by_email_under_another_name_says_the_notes_name(tmp_path):
    """A shared address (info@) or a changed name: the person is not in the vault under the name
    the file gives, and the line says whose note the email matched."""
    root = imported_vault(tmp_path)
    cards = export(
        tmp_path,
        "jo.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jo Doe-Park\r\nEMAIL:jane.doe@northwind.example\r\nEND:VCARD\r\n",
    )
    assert run_cli("import", cards, "--vault", root, "--today", TODAY)[1].splitlines()[0] == (
        f"{cards}:1: Jo Doe-Park: has a note with these details (Contacts/Jane Doe.md, matched by email "
        "jane.doe@northwind.example, though the note names Jane Doe)"
    )


def test_a_line_in_an_unknown_charset_is_named_by_its_property(tmp_path):
    cards = export(
        tmp_path,
        "old.vcf",
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=X-USER-DEFINED;ENCODING=QUOTED-PRINTABLE:=B1\r\nEND:VCARD\r\n",
    )
    code, _, err = run_cli("import", cards, "--vault", imported_vault(tmp_path), "--dry-run")
    assert (code, err) == (
        1,
        f"vaultsync: {cards}:3: not read: FN: cannot be decoded (unknown encoding: X-USER-DEFINED)\n",
    )
