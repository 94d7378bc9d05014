"""People notes as real vaults keep them: marked by folder, named "index", details nested."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_note

from vaultsync import pipeline
from vaultsync.incremental.index import VaultIndex
from vaultsync.store.loader import load_vault

TODAY = dt.date(2026, 11, 20)


def contacts(root: Path) -> dict[str, str]:
    return {c.path: c.name for c in load_vault(root).contacts}


def test_notes_under_a_people_folder_are_contacts_at_any_depth(tmp_path: Path) -> None:
    write_note(tmp_path, "People/Ana Ortiz.md", "Met at the meetup.\n")
    write_note(tmp_path, "30 Records/20 People/Bo Li.md", "---\norg: Acme\n---\n")
    write_note(tmp_path, "data/person/ada-lovelace/index.md", "---\nname: Ada Lovelace\n---\n")
    write_note(tmp_path, "data/person/alan-kay/index.md", "# Alan Kay\n\nNotes.\n")
    write_note(tmp_path, "data/person/grace-hopper/README.md", "No heading here.\n")
    write_note(tmp_path, "Projects/Peoplesoft.md", "# Not a person\n")
    write_note(tmp_path, "03-contacts/Cy.md", "")
    assert contacts(tmp_path) == {
        "03-contacts/Cy.md": "Cy",
        "30 Records/20 People/Bo Li.md": "Bo Li",
        "People/Ana Ortiz.md": "Ana Ortiz",
        "data/person/ada-lovelace/index.md": "Ada Lovelace",
        "data/person/alan-kay/index.md": "Alan Kay",
        "data/person/grace-hopper/README.md": "grace-hopper",
    }
    write_note(tmp_path, ".vaultsync.toml", "people_folders = false\n")
    assert contacts(tmp_path) == {}


def test_a_meeting_in_a_persons_folder_is_a_meeting_not_a_person(tmp_path: Path) -> None:
    write_note(tmp_path, "data/person/ada-lovelace/index.md", "---\nname: Ada Lovelace\n---\n")
    write_note(
        tmp_path, "data/person/ada-lovelace/chat.md", "---\ndate: 2026-11-12\npeople: [ada-lovelace]\n---\n"
    )
    vault = load_vault(tmp_path)
    assert [c.path for c in vault.contacts] == ["data/person/ada-lovelace/index.md"]
    assert vault.contacts[0].contacted == (dt.date(2026, 11, 12),)


def test_a_generated_note_in_a_people_folder_is_no_contact(tmp_path: Path) -> None:
    write_note(tmp_path, "People/Ana.md", "")
    write_note(tmp_path, ".vaultsync.toml", 'dashboard = "People/Networking.md"\n')
    pipeline.build(tmp_path, TODAY)
    assert contacts(tmp_path) == {"People/Ana.md": "Ana"}


def test_nested_details_and_a_profile_are_ways_to_reach_them(tmp_path: Path) -> None:
    write_note(
        tmp_path,
        "People/Ana.md",
        "---\ninterviews: [2026-11-01]\nadvice: [Go]\ncontacts:\n  phone: 5550142\n  mail: ana@example.org\n---\n",
    )
    write_note(
        tmp_path,
        "People/Bo.md",
        "---\ninterviews: [2026-11-01]\nadvice: [Go]\nLinkedIn: https://www.linkedin.com/in/bo\n---\n",
    )
    write_note(tmp_path, "People/Cy.md", "---\ninterviews: [2026-11-01]\nadvice: [Go]\n---\n")
    vault = {c.name: c for c in load_vault(tmp_path).contacts}
    assert (vault["Ana"].phone, vault["Ana"].email) == ("5550142", "ana@example.org")
    assert vault["Bo"].profile == "https://www.linkedin.com/in/bo"
    found = pipeline.audit(tmp_path, TODAY).findings
    assert [f.contact for f in found if f.message.startswith("Record how to reach them")] == ["Cy"]


def test_how_to_reach_them_is_asked_only_of_people_one_networks_with(tmp_path: Path) -> None:
    for i in range(5):  # a vault of people notes: no finding for each of them
        write_note(tmp_path, f"People/Person {i}.md", "---\norganization: Acme\n---\n")
    write_note(tmp_path, "People/Met.md", "---\ninterviews: [2026-11-01]\nadvice: [Go]\n---\n")
    write_note(tmp_path, "People/Suggested.md", "---\nreferred_by: '[[Met]]'\n---\n")
    write_note(
        tmp_path,
        "Meetings/coffee.md",
        "---\ndate: 2026-11-02\ntype: coffee chat\npeople: ['[[Person 0]]']\n---\n",
    )
    found = pipeline.audit(tmp_path, TODAY).findings
    asked = sorted(f.contact for f in found if f.message.startswith("Record how to reach them"))
    assert asked == ["Met", "Person 0", "Suggested"]


@pytest.mark.parametrize(
    ("settings_file", "content"),
    [
        ("templates.json", '{"folder": "Meta/Tpl"}'),
        ("plugins/templater-obsidian/data.json", '{"templates_folder": "Meta/Tpl/", "other": 1}'),
    ],
)
def test_the_templates_folders_obsidian_names_are_never_audited(
    tmp_path: Path, settings_file: str, content: str
) -> None:
    template = "---\ntype: person\nname: <% tp.file.title %>\ninterviews: [2026-11-01]\n---\n"
    write_note(tmp_path, "Meta/Tpl/Person.md", template)
    write_note(tmp_path, "People/Ana.md", "")
    assert set(contacts(tmp_path)) == {"Meta/Tpl/Person.md", "People/Ana.md"}
    write_note(tmp_path, f".obsidian/{settings_file}", content)
    assert set(contacts(tmp_path)) == {"People/Ana.md"}
    index = VaultIndex(tmp_path)  # the watcher too
    index.scan()
    assert [c.path for c in index.vault().contacts] == ["People/Ana.md"]
    assert pipeline.audit(tmp_path, TODAY).vault.notes == 1


def test_a_note_typed_otherwise_in_a_people_folder_is_what_it_says(tmp_path: Path) -> None:
    write_note(tmp_path, "Contacts/Acme.md", "---\ntype: company\n---\n")
    write_note(tmp_path, "Contacts/Ana.md", "---\ntype: []\n---\n")
    assert contacts(tmp_path) == {"Contacts/Ana.md": "Ana"}
