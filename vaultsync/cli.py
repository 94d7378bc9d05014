"""The command line: parse options, call the library, print. Nothing else lives here.

Heavy modules (YAML, markdown-it, icalendar) are imported inside the commands, so
``vaultsync --help`` stays instant.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import shutil
import sys
from pathlib import Path
from typing import Any, TypeVar

import click

from vaultsync import __version__
from vaultsync.errors import UsageError, VaultsyncError


class _Group(click.Group):
    """Turns every expected failure into one line on stderr and its exit code: no traceback."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:  # type: ignore[override]
        _KEPT.clear()  # a process that runs commands one after another (the tests) keeps only the last
        try:
            code = super().main(args, prog_name or "vaultsync", standalone_mode=False, **extra)
            sys.stdout.flush()  # here, so that output that cannot be written is reported like the rest
        except click.exceptions.Exit as done:
            code = done.exit_code
        except click.UsageError as err:
            hint = f" (see 'vaultsync {err.ctx.info_name} --help')" if err.ctx and err.ctx.parent else ""
            click.echo(f"vaultsync: {err.format_message()}{hint}", err=True)
            code = 2
        except click.Abort:
            click.echo("vaultsync: interrupted", err=True)
            code = 130
        except VaultsyncError as err:
            click.echo(f"vaultsync: {err}", err=True)
            code = err.exit_code
        except KeyboardInterrupt:
            code = 130
        except OSError as err:  # what the library could not foresee: the output on a full disk, say
            _discard_output()
            where = f": {err.filename}" if err.filename else ""
            click.echo(f"vaultsync: {err.strerror or err}{where}", err=True)
            code = 1
        sys.exit(code or 0)


def _discard_output() -> None:
    """Point stdout at the null device, so that what is still buffered is not tried again (and
    reported with a traceback) when Python flushes it on the way out."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


#: What the commands made, dropped only when the process exits. A vault's entries are set aside
#: by ``gc.freeze`` (``vault.load_and_evaluate``), and CPython does not free those one by one at
#: exit, whereas dropping an audit of 10,000 contacts when a command returns takes 0.04 s.
_KEPT: list[object] = []
_Made = TypeVar("_Made")


def keep_until_exit(made: _Made) -> _Made:
    _KEPT.append(made)
    return made


def terminal_width() -> int | None:
    """The terminal's width (``COLUMNS`` first) when the output goes to one; None when piped,
    where each line of a report is printed whole."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def parse_today(value: str | None) -> dt.date:
    """``--today``: an ISO date, or the local date when not given (the only clock read)."""
    from vaultsync.dates import out_of_range

    if value is None:
        return dt.date.today()
    try:
        today = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today: {value!r} is not a date (use YYYY-MM-DD)") from None
    problem = out_of_range(today)
    if problem:
        raise UsageError(f"--today: {problem}")
    return today


VAULT_HELP = (
    "The vault (default: the nearest folder at or above this one that holds .obsidian/ or "
    ".vaultsync.toml, else this folder when it holds contact notes itself)."
)


class _Folder(click.Path):
    """A vault's folder: completed as a folder; a missing one or a file is for
    ``vault.vault_root`` to say (``vault not found: ...``, ``not a folder: ...``)."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def shell_complete(self, ctx: Any, param: Any, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="dir")]


def _given_vault(*given: Path | None) -> Path | None:
    """The vault named on the command line: the command's VAULT or ``--vault`` (the same
    place when both are given), else the group's ``vaultsync --vault DIR``, else None."""
    named = {path.resolve(): path for path in given if path is not None}
    if len(named) > 1:
        raise UsageError(f"two vaults given: {' and '.join(map(str, named.values()))}; give one")
    if named:
        return next(iter(named.values()))
    root = click.get_current_context().find_root()
    return root.params.get("vault")  # type: ignore[no-any-return]


def vault_parameters(*, positional: bool, locate: bool = True) -> Any:
    """How every command is told its vault: ``--vault DIR`` (also before the command:
    ``vaultsync --vault DIR COMMAND``) and, for the commands that take no other argument, the
    positional ``[VAULT]``. With ``locate``, the command gets the vault found (``vault``, see
    ``vault.locate_vault``); without, what was given, or None (``vault_dir``)."""

    def decorate(command: Any) -> Any:
        @functools.wraps(command)
        def run(*args: Any, vault_arg: Path | None = None, vault_opt: Path | None = None, **kw: Any) -> Any:
            given = _given_vault(vault_arg, vault_opt)
            if not locate:
                return command(*args, vault_dir=given, **kw)
            from vaultsync.vault import locate_vault

            name = click.get_current_context().info_name
            how = f"vaultsync {name} VAULT" if positional else f"vaultsync {name} ... --vault VAULT"
            kw["vault"] = locate_vault(given, Path.cwd(), name_it=how)
            return command(*args, **kw)

        run = click.option("--vault", "vault_opt", type=_Folder(), metavar="DIR", help=VAULT_HELP)(run)
        if positional:
            run = click.argument("vault_arg", metavar="[VAULT]", required=False, type=_Folder())(run)
        return run

    return decorate


VAULT = vault_parameters(positional=True)


def today_option(purpose: str = "The day to judge deadlines by (default: today).") -> Any:
    """``--today YYYY-MM-DD``: the day a command takes as today (``parse_today``)."""
    return click.option("--today", metavar="YYYY-MM-DD", help=purpose)


TODAY = today_option()
PINNED_TODAY = today_option("Pin the day (default: the local date, kept current).")
NO_CACHE = click.option(
    "--no-cache", is_flag=True, help="Read every note again, without using or updating the cache."
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people (wrapped to the terminal), json for programs.",
)
POLLING = click.option(
    "--polling", is_flag=True, help="Scan the vault every second instead of waiting for OS events."
)


def verbosity(quiet_help: str) -> Any:
    """``-q/--quiet`` and ``-v/--verbose``: the log's detail (``watch.configure_logging``)."""

    def decorate(command: Any) -> Any:
        command = click.option("-v", "--verbose", is_flag=True, help="Print every file event too.")(command)
        return click.option("-q", "--quiet", is_flag=True, help=quiet_help)(command)

    return decorate


def calendar_option(purpose: str) -> Any:
    """``--calendar PATH``: the calendar file, when not the config's ``calendar_path``."""
    return click.option(
        "--calendar",
        type=click.Path(path_type=Path, dir_okay=False),
        help=f"{purpose} (default: calendar_path from the config).",
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="vaultsync")
@click.option(
    "--vault",
    type=_Folder(),
    metavar="DIR",
    help="The vault of every command (its own VAULT or --vault wins).",
)
def cli(vault: Path | None) -> None:
    """Keep up with the people you meet while looking for work.

    Checks a vault of contact notes against the etiquette of informational interviews
    and writes an .ics calendar of thank-you, check-in and interview deadlines.
    """


@cli.command(short_help="List what to do for each contact, most urgent first.")
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
@NO_CACHE
def audit(vault: Path, today: str | None, fmt: str, fail_on: str, no_cache: bool) -> int:
    """Check VAULT (default: the vault around this folder) and list what to do, most urgent first.

    Exit 0 when nothing is overdue and every note could be read, 1 otherwise (with --fail-on errors:
    only when a note could not be read), 2 on a usage error.
    """
    from vaultsync.report import audit_report, vault_label

    day, label = parse_today(today), vault_label(vault)
    made = audit_report(vault, day, fmt, label, fail_on=fail_on, cache=not no_cache, width=terminal_width())
    click.echo(made.text, nl=False)
    return keep_until_exit(made).code


@cli.command(short_help="Write the calendar of deadlines (and the dashboard note).")
@VAULT
@TODAY
@calendar_option("Where to write the .ics")
@NO_CACHE
def build(vault: Path, today: str | None, calendar: Path | None, no_cache: bool) -> int:
    """Write VAULT's calendar of deadlines, and its dashboard note when the config sets one
    (each only when its content changed).

    Unreadable notes are listed on stderr; the exit code is then 1, and the calendar is still
    written from every other note.
    """
    from vaultsync.report import build_line, dashboard_line, error_line
    from vaultsync.sync import build as run_build

    result = keep_until_exit(run_build(vault, parse_today(today), calendar, cache=not no_cache))
    click.echo(build_line(result))
    if result.dashboard:
        click.echo(dashboard_line(result))
    for err in result.audit.vault.errors:
        click.echo(f"vaultsync: {error_line(err)}", err=True)
    return 1 if result.audit.vault.errors else 0


def _password(user: str | None, password_env: str | None) -> str | None:
    """The CalDAV password: from the environment variable named, else asked for (never an argument)."""
    import os

    if password_env is not None:
        if user is None:
            raise UsageError("--password-env needs --user")
        if password_env not in os.environ:
            raise UsageError(f"--password-env: the environment variable {password_env} is not set")
        return os.environ[password_env]
    if user is not None:
        if sys.stdin is None or not sys.stdin.isatty():  # cron, a pipe, a service: nobody to answer
            raise UsageError(
                f"--user {user}: no terminal to ask for the password on: put it in an environment "
                "variable and name it with --password-env VAR"
            )
        return str(click.prompt(f"Password for {user}", hide_input=True, err=True))
    return None


def _push_password(url: str, user: str | None, password_env: str | None) -> str | None:
    """Check the CalDAV URL (warning about a password sent in clear), then get the password."""
    from vaultsync.caldav_push import check_url, quiet_library

    quiet_library()
    for warning in check_url(url, password=user is not None):
        click.echo(f"vaultsync: warning: {warning}", err=True)
    return _password(user, password_env)


def credentials(command: Any) -> Any:
    """``--user`` and ``--password-env``: a password never appears on the command line."""
    command = click.option(
        "--password-env",
        metavar="VAR",
        help="Environment variable holding the password (default: ask for it when --user is given).",
    )(command)
    return click.option("--user", metavar="U", help="User name on the CalDAV server.")(command)


@cli.command(short_help="Copy the deadlines into a CalDAV calendar.")
@VAULT
@TODAY
@click.option(
    "--url",
    required=True,
    metavar="URL",
    help="The CalDAV calendar's URL, made when nothing is there (e.g. "
    ".../remote.php/dav/calendars/USER/vaultsync/).",
)
@credentials
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a request the server has not answered in full within this time (the whole "
    "push: ten times this).",
)
def push(
    vault: Path, today: str | None, url: str, user: str | None, password_env: str | None, timeout: float
) -> int:
    """Make the CalDAV calendar at URL hold exactly VAULT's deadlines.

    Adds new events, replaces changed ones, deletes the ones it added before that are no longer
    due, and leaves every event it did not add alone. Writes nothing unless URL is a calendar,
    or nothing yet (then it makes the calendar).

    \b
    Exit codes:
      0  pushed, and every note read
      1  pushed, but a note could not be read (the rest is on the server)
      2  usage error (a bad option; --user with no terminal to ask for the
         password on and no --password-env)
      3  the push failed: the server could not be reached, refused the
         password, is not a calendar, or an event could not be placed
    """
    from vaultsync.caldav_push import PushError
    from vaultsync.caldav_push import push as run_push
    from vaultsync.calendar import calendar_bytes
    from vaultsync.report import error_line
    from vaultsync.vault import load_vault

    password = _push_password(url, user, password_env)
    loaded = load_vault(vault)
    data = calendar_bytes(loaded, parse_today(today))
    try:
        result = run_push(
            data, url, name=loaded.settings.calendar_name, username=user, password=password, timeout=timeout
        )
    finally:
        for err in loaded.errors:
            click.echo(f"vaultsync: {error_line(err)}", err=True)
    click.echo(result.summary())
    for uid in result.foreign:
        click.echo(
            f"vaultsync: {uid}: left alone: an event vaultsync did not add holds this UID "
            "(imported from the .ics file?); delete it there, or push to a calendar of its own",
            err=True,
        )
    return PushError.exit_code if result.foreign else 1 if loaded.errors else 0


@cli.command(short_help="Check that calendar apps can use the calendar.")
@VAULT
@TODAY
@calendar_option("The calendar to check")
def doctor(vault: Path, today: str | None, calendar: Path | None) -> int:
    """Check that VAULT's calendar is in place for calendar clients, and say how each subscribes.

    Checks the config, the calendar's path (writable, never read as a note) and the calendar
    itself (CRLF, 75-octet lines, unique UIDs, parses back, holds what the notes give today).
    Exit 1 when something is wrong, 0 otherwise (warnings included). Reads only.
    """
    from vaultsync.doctor import client_notes, diagnose
    from vaultsync.report import vault_label

    day = parse_today(today)
    result = diagnose(vault, day, calendar)
    click.echo(f"{vault_label(vault)} on {day}:")
    for check in result.checks:
        click.echo(f"  {check.status:<4}  {check.topic}: {check.message}")
    click.echo("\nSubscribing:")
    for note in client_notes(result.vault.settings):
        click.echo(f"  - {note}")
    return result.exit_code


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cli.command(short_help="Create a contact note from the vault's template.")
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
def new(name: str, folder: str | None, template: Path | None, vault: Path, today: str | None) -> int:
    """Create the contact note NAME from a template and print its path; never overwrites.

    Fills {{title}}, {{date}}, {{time}} and Templater's <% tp.file.title %> and
    <% tp.date.now("YYYY-MM-DD") %>.
    """
    from vaultsync.config import load_settings
    from vaultsync.templates import create_note

    root = vault
    now = dt.datetime.now().replace(microsecond=0)  # the only clock read
    if today is not None:
        now = dt.datetime.combine(parse_today(today), now.time())
    created = create_note(root, load_settings(root), name, now, folder, template)
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


@cli.command(short_help="Draft a thank-you letter, or check the draft in a note.")
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
@today_option(
    "The day of writing (default: today): the latest interview on or before it is the one thanked for."
)
def letter(note: str, check_draft: bool, vault_dir: Path | None, today: str | None) -> int:
    """Print a thank-you letter draft for NOTE's latest interview (or --check the one in the note).

    NOTE is a note's path, relative to this folder or to the vault, or a contact's name.
    Never writes into the note.
    """
    from vaultsync.letter import check, draft, report
    from vaultsync.lookup import open_contact
    from vaultsync.report import error_line

    opened = open_contact(note, vault_dir, Path.cwd())
    for err in opened.problems:
        click.echo(f"vaultsync: {error_line(err)}", err=True)
    if not check_draft:
        click.echo(draft(opened, parse_today(today)), nl=False)
        return 0
    lines, code = report(
        shown(opened.vault.root / opened.contact.path),
        check(opened, parse_today(today)),
        "the draft is ready: it mentions their advice, what you enjoyed, your plan and the people they "
        "suggested; no direct ask for a job; spelled and worded right; on time",
    )
    click.echo("\n".join(lines))
    return code


@cli.command(short_help="Draft a request for a meeting, or check the one in a note.")
@click.argument("note")
@click.option(
    "--check",
    "check_draft",
    is_flag=True,
    help="Check the draft under the note's Outreach heading instead: length, the connection named, a "
    "request for advice, no direct ask for a job, spelling. Exit 1 when something is found.",
)
@vault_parameters(positional=False, locate=False)
def outreach(note: str, check_draft: bool, vault_dir: Path | None) -> int:
    """Print a request for 20-30 minutes of advice to NOTE's contact (or --check the one in the note).

    NOTE is a note's path, relative to this folder or to the vault, or a contact's name.
    Never writes into the note.
    """
    from vaultsync.letter import report
    from vaultsync.lookup import open_contact
    from vaultsync.outreach import check, draft
    from vaultsync.report import error_line

    opened = open_contact(note, vault_dir, Path.cwd())
    for err in opened.problems:
        click.echo(f"vaultsync: {error_line(err)}", err=True)
    if not check_draft:
        click.echo(draft(opened), nl=False)
        return 0
    ready = "the draft is ready: short, names the connection, asks for advice, no direct ask for a job"
    lines, code = report(shown(opened.vault.root / opened.contact.path), check(opened), ready)
    click.echo("\n".join(lines))
    return code


@cli.command(short_help="Keep the calendar in step with the notes as they change.")
@VAULT
@calendar_option("Where to write the .ics")
@PINNED_TODAY
@POLLING
@verbosity("Print only problems.")
@click.option(
    "--push-url", metavar="URL", help="Also push to this CalDAV calendar after each build (see push)."
)
@credentials
def watch(
    vault: Path,
    calendar: Path | None,
    today: str | None,
    polling: bool,
    quiet: bool,
    verbose: bool,
    push_url: str | None,
    user: str | None,
    password_env: str | None,
) -> int:
    """Keep VAULT's calendar in step with its notes and with the date, until Ctrl-C.

    Builds at start, then after every save (within about a second) and at midnight.
    A note that becomes unreadable keeps its last readable version until it is fixed.
    See docs/watch.md for running it as a service.
    """
    from vaultsync.watch import Watcher, configure_logging, run_until_signalled

    pinned = None if today is None else parse_today(today)
    pusher = _pusher(push_url, user, password_env)
    configure_logging(verbose - quiet)
    run_until_signalled(Watcher(vault, calendar=calendar, today=pinned, polling=polling, on_build=pusher))
    return 0


def _pusher(url: str | None, user: str | None, password_env: str | None) -> Any:
    """``watch --push-url``: the on_build that pushes, with its password asked for once, up front."""
    if url is None:
        if user is not None or password_env is not None:
            raise UsageError("--user and --password-env go with --push-url")
        return None
    from vaultsync.caldav_push import Pusher

    return Pusher(url, username=user, password=_push_password(url, user, password_env))


@cli.command(short_help="Serve the calendar at a secret URL for calendar apps.")
@VAULT
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: 0.0.0.0 for every interface (a phone on the same network).",
)
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port."
)
@click.option(
    "--new-token", is_flag=True, help="Replace the secret in the URL (subscribe again with the new URL)."
)
@calendar_option("Where to write the .ics")
@PINNED_TODAY
@POLLING
@verbosity("Print only problems (no line per request or build).")
def serve(
    vault: Path,
    host: str,
    port: int,
    new_token: bool,
    calendar: Path | None,
    today: str | None,
    polling: bool,
    quiet: bool,
    verbose: bool,
) -> int:
    """Serve VAULT's calendar at a secret URL for calendar apps to subscribe to, keeping it in step
    with the notes as watch does, until Ctrl-C.

    Listens on 127.0.0.1 unless --host says otherwise; the URL's token is made once per vault and
    kept in your config folder. See docs/subscribing.md for a phone, Google and Outlook.
    """
    from vaultsync.report import vault_label
    from vaultsync.server import serve as run_serve
    from vaultsync.tokens import vault_token
    from vaultsync.vault import vault_root
    from vaultsync.watch import configure_logging

    pinned = None if today is None else parse_today(today)
    token = vault_token(vault_root(vault), new=new_token)
    configure_logging(verbose - quiet)

    def ready(server: Any, first: Any) -> None:
        name = first.audit.vault.settings.calendar_name
        click.echo(f"serving {first.events} events of '{name}' from {vault_label(vault)}")
        click.echo(f"  subscribe: {server.url('webcal')}")
        click.echo(f"  or:        {server.url()}")
        bound = str(server.server_address[0])
        if bound in ("127.0.0.1", "::1", "localhost"):
            click.echo(
                f"only this computer can reach it ({bound}); a phone: see docs/subscribing.md. Ctrl-C stops."
            )
        else:
            click.echo(f"listening on {bound}: anyone who has the URL can read it. Ctrl-C stops.")

    run_serve(
        vault, token, host=host, port=port, calendar=calendar, today=pinned, polling=polling, ready=ready
    )
    return 0


def main() -> None:
    cli.main()
