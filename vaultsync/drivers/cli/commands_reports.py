"""The commands that read the vault and report or build: audit, build, doctor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from vaultsync.drivers.cli.options import (
    FORMAT,
    NO_CACHE,
    TODAY,
    VAULT,
    VDIR,
    calendar_option,
    keep_until_exit,
    now_or_clock,
    terminal_width,
)
from vaultsync.drivers.cli.process import one_shot


@click.command(short_help="List what to do for each contact, most urgent first.")
@VAULT
@TODAY
@FORMAT
@click.option(
    "--fail-on",
    type=click.Choice(["overdue", "errors"]),
    default="overdue",
    show_default=True,
    help="Exit 1 on an overdue deadline or an unreadable note (overdue), or only on an unreadable note "
    "(errors: for a pre-commit hook).",
)
@click.option(
    "--lapsed",
    is_flag=True,
    help="Also list the reminders that lapsed (more than lapse_days past due); "
    "without it they are counted in one line.",
)
@NO_CACHE
@one_shot
def audit(
    vault: Path, today: dt.date | dt.datetime | None, fmt: str, fail_on: str, lapsed: bool, no_cache: bool
) -> int:
    """Check VAULT (default: the vault around this folder) and list what to do, most urgent first.

    Exit 0 when nothing is overdue and every note could be read, 1 otherwise (with --fail-on errors:
    only when a note could not be read), 2 on a usage error.
    """
    from vaultsync.outputs.report import vault_label
    from vaultsync.pipeline import report

    label = vault_label(vault)
    made = report(
        vault,
        now_or_clock(today),
        fmt,
        label,
        fail_on=fail_on,
        cache=not no_cache,
        width=terminal_width(),
        lapsed=lapsed,
    )
    click.echo(made.text, nl=False)
    return keep_until_exit(made).code


@click.command(short_help="Write the calendar of deadlines (and the dashboard note).")
@VAULT
@TODAY
@calendar_option("Where to write the .ics")
@VDIR
@NO_CACHE
@one_shot
def build(
    vault: Path, today: dt.date | dt.datetime | None, calendar: Path | None, vdir: Path | None, no_cache: bool
) -> int:
    """Write VAULT's calendar of deadlines, the vdir when --vdir is given, and its dashboard note
    when the config sets one (each only when its content changed).

    Unreadable notes are listed on stderr; the exit code is then 1, and the calendar is still
    written from every other note.
    """
    from vaultsync.pipeline import build_report

    result = keep_until_exit(
        build_report(vault, now_or_clock(today), calendar, cache=not no_cache, vdir=vdir)
    )
    click.echo(result.lines)
    for line in result.errors:
        click.echo(f"vaultsync: {line}", err=True)
    return result.code


@click.command(short_help="Write the contacts as vCards, for the phone's address book.")
@VAULT
@click.option(
    "--vcard",
    "path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the vCard 4.0 file (one card per contact).",
)
@one_shot
def export(vault: Path, path: Path) -> int:
    """Write every contact of VAULT to a vCard 4.0 file (name, organization, role, emails,
    phones, address, profile, and a link back to the note), only when its content changed.

    Unreadable notes are listed on stderr; the exit code is then 1, and the file is still
    written from every other note. A file there that vaultsync did not write is left alone.
    """
    from vaultsync.outputs.report import error_line, plural
    from vaultsync.pipeline_push import export_vcards

    done = keep_until_exit(export_vcards(vault, path))
    click.echo(f"{'wrote' if done.written else 'unchanged'} {done.path}: {plural(done.cards, 'card')}")
    for error in done.vault.errors:
        click.echo(f"vaultsync: {error_line(error)}", err=True)
    return 1 if done.vault.errors else 0


@click.command(short_help="Check that calendar apps can use the calendar.")
@VAULT
@TODAY
@calendar_option("The calendar to check")
@one_shot
def doctor(vault: Path, today: dt.date | dt.datetime | None, calendar: Path | None) -> int:
    """Check that VAULT's calendar is in place for calendar clients, and say how each subscribes.

    Checks the config, the calendar's path (writable, never read as a note) and the calendar
    itself (CRLF, 75-octet lines, unique UIDs, parses back, holds what the notes give today).
    Exit 1 when something is wrong, 0 otherwise (warnings included). Reads only.
    """
    from vaultsync.outputs.doctor import client_notes, diagnose
    from vaultsync.outputs.report import vault_label

    result = diagnose(vault, now_or_clock(today), calendar)
    click.echo(f"{vault_label(vault)} on {result.now.day}:")
    for check in result.checks:
        click.echo(f"  {check.status:<4}  {check.topic}: {check.message}")
    click.echo("\nSubscribing:")
    for note in client_notes(result.vault.settings):
        click.echo(f"  - {note}")
    return result.exit_code
