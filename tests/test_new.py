"""`vaultsync new`: contact notes from the vault's template or the built-in one."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from conftest import KEPANO, REPO, SAMPLE_VAULT, run_cli, tree_digest, write_note

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.model.contact import is_contact
from vaultsync.model.contact_values import build_contact
from vaultsync.outputs.new_note import create_note
from vaultsync.outputs.templates import builtin_template, fill, find_template, moment_format
from vaultsync.properties import CANONICAL_PROPERTIES
from vaultsync.reading.note import Note, parse_note
from vaultsync.store.loader import load_vault
from vaultsync.store.locate import find_vault

NOW = dt.datetime(2026, 11, 20, 9, 5, 7)


@pytest.fixture
def chdir(monkeypatch):
    return monkeypatch.chdir


def read(path: Path) -> Note:
    parsed = parse_note(path.name, path.read_bytes())
    assert isinstance(parsed, Note), parsed
    return parsed


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("YYYY-MM-DD", "2026-11-20"),
        ("HH:mm", "09:05"),
        ("YYYY-MM-DDTHH:mm:ss", "2026-11-20T09:05:07"),
        ("dddd, MMMM Do YYYY", "Friday, November 20th 2026"),
        ("ddd D MMM YY", "Fri 20 Nov 26"),
        ("h:mm A", "9:05 AM"),
        ("[Week of] M/D", "Week of 11/20"),
    ],
)
def test_moment_formats(fmt, expected):
    assert moment_format(NOW, fmt) == expected


@pytest.mark.parametrize(("day", "suffix"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd")])
def test_ordinal_days(day, suffix):
    assert moment_format(NOW.replace(day=day), "Do") == suffix


def test_core_and_templater_placeholders_in_the_body():
    template = (
        "# {{title}}\n{{date}} {{time}} {{date:dddd}} {{ TIME:HH }}\n"
        '<% tp.file.title %> <% tp.date.now("YYYY-MM-DD") %> <%tp.date.now("DD", 7)%> '
        '<%- tp.date.tomorrow("MM-DD") -%> <% tp.date.yesterday() %> <% tp.date.today("D") %>\n'
        "<% tp.file.creation_date() %> [<% tp.file.cursor() %>] [<% tp.file.cursor(1) %>]\n"
        '<% tp.system.prompt("Company?") %> <%* tR += "x" %> {{unknown}}\n'
    )
    filled = fill(template, "Jane Doe", NOW)
    assert filled.text.split("\n") == [
        "# Jane Doe",
        "2026-11-20 09:05 Friday 09",
        "Jane Doe 2026-11-20 27 11-21 2026-11-19 20",
        "2026-11-20 09:05 [] []",
        '<% tp.system.prompt("Company?") %> <%* tR += "x" %> {{unknown}}',
        "",
    ]
    assert filled.unfilled == ('<% tp.system.prompt("Company?") %>', '<%* tR += "x" %>')


@pytest.mark.parametrize(
    ("line", "title", "expected"),
    [
        ("name: {{title}}", "Jane Doe", "name: Jane Doe"),
        ("name: {{title}}", "Jane: Doe", 'name: "Jane: Doe"'),
        ("name: {{title}}", "Yes", 'name: "Yes"'),
        ("name: {{title}}", "2026", 'name: "2026"'),
        ("name: {{title}}", "Ana #2", 'name: "Ana #2"'),
        ("name: {{title}}", "José O'Brien (Acme)", "name: José O'Brien (Acme)"),
        ('name: "{{title}}"', 'Jo "JJ" \\ K', 'name: "Jo \\"JJ\\" \\\\ K"'),
        ("name: '{{title}}'", "O'Brien", "name: 'O''Brien'"),
        ("aliases:\n  - <% tp.file.title %>", "Ana: x", 'aliases:\n  - "Ana: x"'),
        ("created: {{date}}", "x", "created: 2026-11-20"),
        ("at: {{time}}", "x", 'at: "09:05"'),
        ("at: {{date}} {{time}}", "x", "at: 2026-11-20 09:05"),
        ('at: "{{date}}T{{time}}"', "x", 'at: "2026-11-20T09:05"'),
        ("note: met {{title}} today", "Jane Doe", "note: met Jane Doe today"),
    ],
)
def test_front_matter_values_are_written_as_yaml_needs(line, title, expected):
    filled = fill(f"---\n{line}\n---\n{{{{title}}}}\n", title, NOW)
    assert filled.text == f"---\n{expected}\n---\n{title}\n"
    assert isinstance(parse_note("x.md", filled.text.encode()), Note)


def test_front_matter_titles_read_back_as_written():
    for title in ("Jane: Doe", "Yes", "2026", "Ana #2", "null", "José O'Brien", "- Dash", "[x]"):
        note = parse_note("x.md", fill("---\nname: {{title}}\n---\n", title, NOW).text.encode())
        assert isinstance(note, Note) and note.meta["name"] == title


def test_builtin_template_has_every_canonical_property_and_makes_a_contact():
    filled = fill(builtin_template(), "Jane Doe", NOW)
    assert not filled.unfilled
    note = parse_note("Jane Doe.md", filled.text.encode())
    assert isinstance(note, Note)
    assert set(CANONICAL_PROPERTIES) <= set(note.meta)
    assert note.meta["name"] == "Jane Doe" and note.meta["created"] == dt.date(2026, 11, 20)
    assert is_contact(note, DEFAULTS)
    contact, problems = build_contact(note, DEFAULTS)
    assert problems == [] and contact.name == "Jane Doe" and contact.interviews == ()
    assert contact.sections.has_letter and not contact.sections.questions  # an empty item is no question


def test_builtin_template_is_the_file_users_copy():
    assert (REPO / "vaultsync" / "data" / "Contact.md").read_text(encoding="utf-8") == builtin_template()


def test_new_uses_the_builtin_template_and_prints_the_path(vault: Path, chdir):
    chdir(vault)  # no .obsidian/, no config, no contact yet: named with --vault
    code, out, err = run_cli("new", "Ana Ortiz", "--today", "2026-11-20", "--vault", ".")
    assert (code, out, err) == (0, "Contacts/Ana Ortiz.md\n", "")  # as the README shows it
    note = read(vault / "Contacts" / "Ana Ortiz.md")
    assert note.meta["name"] == "Ana Ortiz" and note.meta["created"] == dt.date(2026, 11, 20)
    assert [c.name for c in load_vault(vault).contacts] == ["Ana Ortiz"]


def test_new_refuses_to_overwrite(vault: Path):
    write_note(vault, "People/Ana Ortiz.md", "my notes\n")
    before = tree_digest(vault)
    code, out, err = run_cli("new", "Ana Ortiz", "--vault", vault, "--folder", "People")
    assert (code, out) == (1, "")
    assert err == f"vaultsync: {vault / 'People' / 'Ana Ortiz.md'} already exists: not overwritten\n"
    assert tree_digest(vault) == before


def test_new_in_the_sample_vault_uses_its_template_and_folders(tmp_path: Path, chdir):
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE_VAULT, root)
    chdir(root / "Daily")  # the vault is found from a folder inside it (it has .obsidian/)
    code, out, err = run_cli("new", "Ana Ortiz", "--today", "2026-11-20")
    assert (code, err) == (0, "")
    assert out == f"{root / 'Contacts' / 'Ana Ortiz.md'}\n"  # .obsidian/app.json's folder for new notes
    note = read(root / "Contacts" / "Ana Ortiz.md")
    assert note.meta["interviews"] == [dt.date(2026, 11, 20)]  # the vault's template: {{date}} filled
    assert "type" in note.meta and "follow_up" not in note.meta  # not the built-in one


def test_where_templates_and_new_notes_are_found(vault: Path):
    assert find_template(vault, DEFAULTS) is None
    write_note(vault, "templates/Person.md", "---\ntype: person\n---\n")
    assert find_template(vault, DEFAULTS) == vault / "templates" / "Person.md"
    write_note(vault, "Templates/contact template.md", "---\ntype: contact\n---\n")  # any case
    assert find_template(vault, DEFAULTS) == vault / "Templates" / "contact template.md"
    (vault / ".obsidian" / "plugins" / "templater-obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "plugins" / "templater-obsidian" / "data.json").write_text(
        json.dumps({"templates_folder": "Meta/Templater"})
    )
    write_note(vault, "Meta/Templater/People Template.md", "---\ntype: contact\n---\n")
    assert find_template(vault, DEFAULTS) == vault / "Meta" / "Templater" / "People Template.md"
    (vault / ".obsidian" / "templates.json").write_text(json.dumps({"folder": "Meta/Core/"}))
    write_note(vault, "Meta/Core/Contact.md", "---\ntype: contact\n---\n")
    assert find_template(vault, DEFAULTS) == vault / "Meta" / "Core" / "Contact.md"


def test_vault_template_with_templater_and_obsidian_formats(vault: Path):
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "templates.json").write_text(
        json.dumps({"folder": "Templates", "dateFormat": "DD.MM.YYYY", "timeFormat": "HH[h]mm"})
    )
    write_note(
        vault,
        "Templates/Contact.md",
        """
        ---
        categories:
          - "[[People]]"
        name: <% tp.file.title %>
        interviews:
          - <% tp.date.now("YYYY-MM-DD", 3) %>
        ---
        Met on {{date}} at {{time}}. <% tp.file.cursor() %>
        """,
    )
    settings = settings_from_mapping({"contacts_folders": ["People"]})
    created = create_note(vault, settings, "Wei Chen", NOW)
    assert created.path == vault / "People" / "Wei Chen.md"
    assert created.template == str(vault / "Templates" / "Contact.md")
    assert created.is_contact and created.unfilled == ()
    assert created.path.read_text() == (
        '---\ncategories:\n  - "[[People]]"\nname: Wei Chen\ninterviews:\n  - 2026-11-23\n---\n'
        "Met on 20.11.2026 at 09h05. \n"
    )


def test_a_template_that_gives_unreadable_front_matter_writes_nothing(vault: Path):
    write_note(vault, "Templates/Contact.md", "---\ntype: contact\ncompany: {{company}}\n---\n")
    code, out, err = run_cli("new", "Jane", "--vault", vault)
    assert (code, out) == (1, "")
    assert err.startswith(f"vaultsync: the template ({vault / 'Templates' / 'Contact.md'}) gives a note ")
    assert err.endswith("; nothing written\n")
    assert not (vault / "Jane.md").exists()


def test_unfilled_placeholders_and_non_contacts_are_reported(vault: Path):
    write_note(vault, "my template.md", '---\ntags: [idea]\n---\n<% tp.system.prompt("Org") %>\n')
    code, out, err = run_cli(
        "new", "Jane", "--vault", vault, "--template", "my template.md", "--folder", "x/y"
    )
    assert (code, out) == (0, f"{vault / 'x' / 'y' / 'Jane.md'}\n")
    assert err == (
        'vaultsync: left as written (vaultsync cannot fill it): <% tp.system.prompt("Org") %>\n'
        f"vaultsync: the template ({vault / 'my template.md'}) does not mark the note as a contact: "
        "add 'type: contact' to it\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Jane/Doe"], "a note's name cannot contain '/' (Obsidian refuses it): 'Jane/Doe'"),
        (["Jane#2"], "a note's name cannot contain '#' (Obsidian refuses it): 'Jane#2'"),
        (["  "], "NAME is empty"),
        ([".Jane"], "a note's name cannot start with '.' (it would be hidden): '.Jane'"),
        (["Jane\nDoe"], "a note's name cannot contain a line break: 'Jane\\nDoe'"),
        (["Jane\tDoe"], "a note's name cannot contain a control character: 'Jane\\tDoe'"),
        (["CON"], "a note's name cannot be 'CON' (a device name on Windows): 'CON'"),
        (["nul"], "a note's name cannot be 'nul' (a device name on Windows): 'nul'"),
        (["Com1.Jane"], "a note's name cannot be 'Com1' (a device name on Windows): 'Com1.Jane'"),
        (["LPT9"], "a note's name cannot be 'LPT9' (a device name on Windows): 'LPT9'"),
        (
            ["Jane Doe."],
            "a note's name cannot start or end with a space, or end with '.' (Windows drops them): 'Jane Doe.'",
        ),
        (
            ["Jane Doe "],
            "a note's name cannot start or end with a space, or end with '.' (Windows drops them): 'Jane Doe '",
        ),
        (
            [" Jane"],
            "a note's name cannot start or end with a space, or end with '.' (Windows drops them): ' Jane'",
        ),
        (["Jane\\Doe"], "a note's name cannot contain '\\\\' (Obsidian refuses it): 'Jane\\\\Doe'"),
        (["Jane: Doe"], "a note's name cannot contain ':' (Obsidian refuses it): 'Jane: Doe'"),
        (["Jane?"], "a note's name cannot contain '?' (Obsidian refuses it): 'Jane?'"),
        (["Jane*"], "a note's name cannot contain '*' (Obsidian refuses it): 'Jane*'"),
        (['Jane "J"'], "a note's name cannot contain '\"' (Obsidian refuses it): 'Jane \"J\"'"),
        (["<Jane>"], "a note's name cannot contain '<' (Obsidian refuses it): '<Jane>'"),
        (["Jane|Doe"], "a note's name cannot contain '|' (Obsidian refuses it): 'Jane|Doe'"),
        (
            ["J" * 253],
            "a note's name cannot be longer than 252 bytes (file systems refuse it): 'JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ'...",
        ),
        (["Jane", "--folder", "../out"], "--folder: '../out' is not a folder inside the vault"),
        (["Jane", "--folder", ".obsidian"], "--folder: '.obsidian' is not a folder inside the vault"),
        (["Jane", "--today", "20/11/2026"], "--today: '20/11/2026' is not a date (use YYYY-MM-DD)"),
    ],
)
def test_new_usage_errors(vault: Path, args, message):
    code, out, err = run_cli("new", *args, "--vault", vault)
    assert (code, out, err) == (2, "", f"vaultsync: {message}\n")
    assert list(vault.iterdir()) == []


def test_missing_vault_is_a_usage_error(tmp_path: Path):
    assert run_cli("new", "Jane", "--vault", tmp_path / "nope") == (
        2,
        "",
        f"vaultsync: vault not found: {tmp_path / 'nope'}\n",
    )


def test_find_vault(tmp_path: Path):
    assert find_vault(tmp_path) is None
    (tmp_path / "v" / ".obsidian").mkdir(parents=True)
    (tmp_path / "v" / "a" / "b").mkdir(parents=True)
    assert find_vault(tmp_path / "v" / "a" / "b") == (tmp_path / "v").resolve()
    (tmp_path / "v" / "a" / ".vaultsync.toml").write_text("")
    assert find_vault(tmp_path / "v" / "a" / "b") == (tmp_path / "v" / "a").resolve()


@pytest.mark.skipif(not KEPANO.is_dir(), reason=f"the public Obsidian vault is not at {KEPANO}")
def test_kepano_templates_all_read_once_filled(tmp_path: Path):
    templates = sorted((KEPANO / "Templates").rglob("*.md"))
    unreadable_before = [t for t in templates if not isinstance(parse_note(t.name, t.read_bytes()), Note)]
    assert len(unreadable_before) >= 20  # unquoted {{date}} placeholders, as its README says
    for template in templates:
        filled = fill(template.read_text(encoding="utf-8"), "Jane Doe", NOW)
        assert isinstance(parse_note(template.name, filled.text.encode()), Note), template.name
    # and `new` in a vault laid out like it picks its "Contact Template.md"
    root = tmp_path / "kepano"
    shutil.copytree(KEPANO / ".obsidian", root / ".obsidian")
    shutil.copytree(KEPANO / "Templates", root / "Templates")
    created = create_note(root, DEFAULTS, "Jane Doe", NOW)
    assert created.template == str(root / "Templates" / "Contact Template.md")
    assert created.is_contact and created.path == root / "Contacts" / "Jane Doe.md"  # no contact yet
    # with its people where it keeps them (References/), a new person goes there too
    shutil.copytree(KEPANO / "References", root / "References")
    created = create_note(root, DEFAULTS, "Ada Lovelace", NOW)
    assert created.path == root / "References" / "Ada Lovelace.md"


NOT_WRITTEN = 'Add to that note, or give a name that tells two people apart ("{name} (Company)").\n'


@pytest.mark.parametrize(
    ("existing", "name", "args", "how"),
    [
        ("Contacts/Ana Ortiz.md", "ana ortiz", [], "its file name"),  # another case
        ("Contacts/Ana Ortiz.md", "ANA ORTIZ", ["--folder", "People"], "its file name"),  # another folder
        ("Contacts/Ana Ortiz.md", "Ana Ortíz", [], "its file name"),  # an accent
        ("Contacts/Ana  Ortiz.md", "Ana Ortiz", [], "its file name"),  # spaces
        (
            "Contacts/Ana Ortíz.md",
            "Ana Orti\u0301z",
            ["--folder", "People"],
            "its file name",
        ),  # decomposed (NFD)
        ("Contacts/Ana Orti\u0301z.md", "Ana Ortíz", [], "its file name"),
        ("Work/ana.md", "Ana Ortiz", [], "its name"),
        ("Work/ortiz.md", "A. Ortiz", [], "its aliases"),
        ("Meetings/Ana Ortiz.md", "Ana Ortiz", [], "its file name"),  # a note that is not a contact
    ],
)
def test_new_refuses_a_second_note_for_one_person(vault: Path, existing, name, args, how):
    """`new "Ana Ortiz"` three times, in other cases or folders, made three notes for one person."""
    text = "---\ntype: contact\nname: Ana Ortiz\naliases: [A. Ortiz]\n---\n"
    write_note(vault, existing, text if not existing.startswith("Meetings/") else "Coffee with Ana.\n")
    before = tree_digest(vault)
    code, out, err = run_cli("new", name, "--vault", vault, *args)
    assert (code, out) == (1, "")
    name = unicodedata.normalize("NFC", name)  # the form the note would be named in
    assert err == (
        f"vaultsync: {name} has a note already in the vault {vault}; nothing written:\n"
        f"  {existing} ({how})\n" + NOT_WRITTEN.format(name=name)
    )
    assert tree_digest(vault) == before


def test_new_lists_every_note_for_the_person(vault: Path):
    write_note(vault, "Contacts/Ana Ortiz.md", "---\ntype: contact\n---\n")
    write_note(vault, "Old/ana.md", "---\ntype: contact\naliases: [Ana Ortiz]\n---\n")
    code, _, err = run_cli("new", "Ana Ortiz", "--vault", vault, "--folder", "People")
    assert (code, err) == (
        1,
        f"vaultsync: Ana Ortiz has a note already in the vault {vault}; nothing written:\n"
        "  Contacts/Ana Ortiz.md (its file name)\n  Old/ana.md (its aliases)\n"
        + NOT_WRITTEN.format(name="Ana Ortiz"),
    )


def test_new_accepts_another_person(vault: Path):
    write_note(vault, "Contacts/Ana Ortiz.md", "---\ntype: contact\n---\n")
    code, out, err = run_cli("new", "Ana Ortiz (Northwind)", "--vault", vault)
    assert (code, out, err) == (0, f"{vault / 'Contacts' / 'Ana Ortiz (Northwind).md'}\n", "")


@pytest.mark.parametrize(
    ("files", "config", "folder"),
    [
        ({}, "", "Contacts"),  # no convention: what the README shows
        (
            {
                "Network/Jo.md": "---\ntype: contact\n---\n",
                "Network/Bo.md": "---\ntype: contact\n---\n",
                "Bo2.md": "---\ntype: contact\n---\n",
            },
            "",
            "Network",
        ),  # where most contacts are
        ({"Jo.md": "---\ntype: contact\n---\n"}, "", ""),  # contacts at the root: the vault's root
        ({"people/readme.md": "not a contact\n"}, "", "people"),  # a people folder, as spelled
        ({"CONTACTS/readme.md": "not a contact\n", "People/x.md": "x\n"}, "", "CONTACTS"),
        ({"Network/Jo.md": "---\ntype: contact\n---\n"}, 'contacts_folders = ["Persons"]\n', "Persons"),
    ],
)
def test_where_a_new_contact_goes(vault: Path, files, config, folder):
    for path, text in files.items():
        write_note(vault, path, text)
    if config:
        (vault / ".vaultsync.toml").write_text(config, encoding="utf-8")
    code, out, err = run_cli("new", "Ana Ortiz", "--vault", vault)
    expected = vault / folder / "Ana Ortiz.md" if folder else vault / "Ana Ortiz.md"
    assert (code, out, err) == (0, f"{expected}\n", "")


def test_obsidians_folder_for_new_notes_when_nothing_else_says(vault: Path):
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "app.json").write_text(
        json.dumps({"newFileLocation": "folder", "newFileFolderPath": "Inbox/"})
    )
    code, out, _ = run_cli("new", "Ana Ortiz", "--vault", vault)
    assert (code, out) == (0, f"{vault / 'Inbox' / 'Ana Ortiz.md'}\n")
