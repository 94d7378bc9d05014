"""The commands about one note: new (a contact from the template), import (one for each
person of an export), letter (a thank-you), outreach (the request for a meeting)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vaultsync.drivers.cli.options import (
    moment_options,
    now_or_clock,
    parse_today,
    shown,
    today_option,
    vault_parameters,
)
from vaultsync.drivers.cli.process import one_shot

if TYPE_CHECKING:
    from vaultsync.outputs.letter import Problem
    from vaultsync.outputs.lookup import Opened


@click.command(short_help="Create a contact note from the vault's template.")
@click.argument("name")
@click.option(
    "--folder",
    help="Folder of the vault for the note (default: the first contacts_folders, else the folder "
    "of most contacts, else Contacts/ or People/, else Obsidian's folder for new notes, else Contacts).",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Template to fill (default: Contact.md or 'Contact Template.md' in the vault's templates "
    "folder, else the built-in one).",
)
@vault_parameters(positional=False)
@today_option("The date that fills {{date}} (default: today).")
@one_shot
def new(name: str, folder: str | None, template: Path | None, vault: Path, today: str | None) -> int:
    """Create the contact note NAME from a template and print its path; never overwrites.

    Fills {{title}}, {{date}}, {{time}} and Templater's <% tp.file.title %> and
    <% tp.date.now("YYYY-MM-DD") %>.
    """
    from vaultsync.config import load_settings
    from vaultsync.outputs.new_note import create_note

    root = vault
    created = create_note(root, load_settings(root), name, _now(today), folder, template)
    for placeholder in created.unfilled:
        click.echo(f"vaultsync: left as written (vaultsync cannot fill it): {placeholder}", err=True)
    if not created.is_contact:
        click.echo(
            f"vaultsync: the template ({created.template}) does not mark the note as a contact: "
            "add 'type: contact' to it",
            err=True,
        )
    click.echo(shown(created.path))
    return 0


@click.command("import", short_help="Make contact notes from LinkedIn, vCard or CSV exports.")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print what would be done; write nothing.")
@click.option("--folder", help="Folder of the vault for the new notes (default: as for 'new').")
@click.option(
    "--template",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Template to fill (default: the vault's contact template, else the built-in one).",
)
@vault_parameters(positional=False)
@today_option("The date that fills {{date}} (default: today).")
@one_shot
def import_(
    file: Path, dry_run: bool, folder: str | None, template: Path | None, vault: Path, today: str | None
) -> int:
    """Make a contact note for each person in FILE the vault has no note for.

    FILE is LinkedIn's Connections.csv, a vCard file (a phone's, Google Contacts', iCloud's)
    or a CSV whose header names its columns (Google Contacts', Outlook's). A person who has a
    note (the same email, else the same name) gets no second one: what their note lacks is
    printed, never written. Exit 1 when a row or card could not be read.
    """
    from vaultsync.config import load_settings
    from vaultsync.outputs.importing import import_people, report

    imported = import_people(
        vault, load_settings(vault), file, _now(today), folder=folder, template=template, dry_run=dry_run
    )
    words = report(imported, shown(file))
    for problem in words.problems:
        click.echo(f"vaultsync: {problem}", err=True)
    click.echo("\n".join(words.lines))
    return words.code


def _now(today: str | None) -> dt.datetime:
    """The moment a new note is made at: the clock's (the only read), on ``--today`` when given."""
    now = dt.datetime.now().replace(microsecond=0)
    if today is not None:
        now = dt.datetime.combine(parse_today(today), now.time())
    return now


@click.command(short_help="Draft a thank-you letter, or check the draft in a note.")
@click.argument("note")
@click.option(
    "--check",
    "check_draft",
    is_flag=True,
    help="Check the draft under the note's Thank-you heading instead: the advice, what you enjoyed, your "
    "plan and the people they suggested; no direct ask for a job; confused or repeated words, spelling; "
    "sent within three days of the interview (judged on --today). Exit 1 when something is found.",
)
@vault_parameters(positional=False, locate=False)
@moment_options(
    "The day of writing, as at its end (default: now): the latest interview held by then is the one "
    "thanked for."
)
@one_shot
def letter(note: str, check_draft: bool, vault_dir: Path | None, today: dt.date | dt.datetime | None) -> int:
    """Print a thank-you letter draft for NOTE's latest interview (or --check the one in the note).

    NOTE is a note's path, relative to this folder or to the vault, or a contact's name.
    Never writes into the note.
    """
    from vaultsync.model.now import judged_at
    from vaultsync.outputs.letter import check, draft

    opened = _opened(note, vault_dir)
    now = judged_at(now_or_clock(today), opened.vault.settings)
    if not check_draft:
        click.echo(draft(opened, now), nl=False)
        return 0
    ready = (
        "the draft is ready: it mentions their advice, what you enjoyed, your plan and the people they "
        "suggested; no direct ask for a job; spelled and worded right; on time"
    )
    return _checked(opened, check(opened, now), ready)


@click.command(short_help="Draft a request for a meeting, or check the one in a note.")
@click.argument("note")
@click.option(
    "--check",
    "check_draft",
    is_flag=True,
    help="Check the draft under the note's Outreach heading instead: length, the connection named, a "
    "request for advice, no direct ask for a job, spelling. Exit 1 when something is found.",
)
@vault_parameters(positional=False, locate=False)
@one_shot
def outreach(note: str, check_draft: bool, vault_dir: Path | None) -> int:
    """Print a request for 20-30 minutes of advice to NOTE's contact (or --check the one in the note).

    NOTE is a note's path, relative to this folder or to the vault, or a contact's name.
    Never writes into the note.
    """
    from vaultsync.outputs.outreach import check, draft

    opened = _opened(note, vault_dir)
    if not check_draft:
        click.echo(draft(opened), nl=False)
        return 0
    ready = "the draft is ready: short, names the connection, asks for advice, no direct ask for a job"
    return _checked(opened, check(opened), ready)


def _opened(note: str, vault_dir: Path | None) -> Opened:
    """NOTE's contact (a path or a name), the values of its note that could not be read said on stderr."""
    from vaultsync.outputs.lookup import open_contact
    from vaultsync.outputs.report import error_line

    opened = open_contact(note, vault_dir, Path.cwd())
    for err in opened.problems:
        click.echo(f"vaultsync: {error_line(err)}", err=True)
    return opened


def _checked(opened: Opened, problems: Sequence[Problem], ready: str) -> int:
    """A draft's problems as ``path:line: kind: message`` lines (or the ``ready`` line); the exit code."""
    from vaultsync.outputs.letter import report

    lines, code = report(shown(opened.vault.root / opened.contact.path), problems, ready)
    click.echo("\n".join(lines))
    return code
