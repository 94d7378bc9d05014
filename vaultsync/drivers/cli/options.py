"""The options every command shares: how it is told its vault, its day or moment, its calendar, the
cache, the log's detail and the CalDAV credentials; and the helpers commands print with."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click

from vaultsync.errors import UsageError

_Made = TypeVar("_Made")


def keep_until_exit(made: _Made) -> _Made:
    """Keep ``made`` until the process exits (``process.UntilExit``, owned by the command group)."""
    return click.get_current_context().find_root().command.until_exit.keep(made)  # type: ignore[attr-defined,no-any-return]


def terminal_width() -> int | None:
    """The terminal's width (``COLUMNS`` first) when the output goes to one; None when piped,
    where each line of a report is printed whole."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def parse_today(value: str | None) -> dt.date:
    """``--today``: an ISO date, or the local date when not given (the only clock read)."""
    from vaultsync.model.dates import out_of_range

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


def parse_now(value: str) -> dt.datetime:
    """``--now``: an ISO date and time, naive (on the user's clock) or with an offset."""
    from vaultsync.model.dates import out_of_range

    try:
        moment = dt.datetime.fromisoformat(value.strip()) if "T" in value or " " in value.strip() else None
    except ValueError:
        moment = None
    if moment is None:  # a day alone is for --today
        raise UsageError(
            f"--now: {value!r} is not a date and time (use YYYY-MM-DDTHH:MM, "
            "with an offset such as +09:00 or Z if you like)"
        )
    problem = out_of_range(moment)
    if problem:
        raise UsageError(f"--now: {problem}")
    return moment


def asked_moment(today: str | None, now: str | None) -> dt.date | dt.datetime | None:
    """What ``--today`` or ``--now`` asks for (a day, or a time), or None when neither is given."""
    if today is not None and now is not None:
        raise UsageError("--today and --now: give one of them")
    if now is not None:
        return parse_now(now)
    return None if today is None else parse_today(today)


def now_or_clock(asked: dt.date | dt.datetime | None) -> dt.date | dt.datetime:
    """``asked``, or this instant when nothing was asked (the only clock read of a command)."""
    return dt.datetime.now(dt.UTC) if asked is None else asked


VAULT_HELP = (
    "The vault (default: the nearest folder at or above this one that holds .obsidian/ or "
    ".vaultsync.toml, else this folder when it holds contact notes itself)."
)


class Folder(click.Path):
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
    return root.params.get("vault")


#: A command function, before click makes it a command.
_F = TypeVar("_F", bound=Callable[..., Any])


class Decorator(Protocol):
    """An option or argument added to a command function: its type is kept."""

    def __call__(self, command: _F, /) -> _F: ...


def vault_parameters(
    *, positional: bool, locate: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """How every command is told its vault: ``--vault DIR`` (also before the command:
    ``vaultsync --vault DIR COMMAND``) and, for the commands that take no other argument, the
    positional ``[VAULT]``. With ``locate``, the command gets the vault found (``vault``, see
    ``vault.locate_vault``); without, what was given, or None (``vault_dir``)."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(*args: Any, vault_arg: Path | None = None, vault_opt: Path | None = None, **kw: Any) -> Any:
            given = _given_vault(vault_arg, vault_opt)
            if not locate:
                return command(*args, vault_dir=given, **kw)
            from vaultsync.store.locate import locate_vault

            name = click.get_current_context().info_name
            how = f"vaultsync {name} VAULT" if positional else f"vaultsync {name} ... --vault VAULT"
            kw["vault"] = locate_vault(given, Path.cwd(), name_it=how)
            return command(*args, **kw)

        run = click.option("--vault", "vault_opt", type=Folder(), metavar="DIR", help=VAULT_HELP)(run)
        if positional:
            run = click.argument("vault_arg", metavar="[VAULT]", required=False, type=Folder())(run)
        return run

    return decorate


VAULT = vault_parameters(positional=True)


def today_option(purpose: str = "The day to judge deadlines by (default: today).") -> Decorator:
    """``--today YYYY-MM-DD``: the day a command takes as today (``parse_today``)."""
    return click.option("--today", metavar="YYYY-MM-DD", help=purpose)


NOW_HELP = (
    "The moment to judge by, as YYYY-MM-DDTHH:MM on your clock (the timezone setting's, else this "
    "computer's) or with an offset (+09:00, Z); default: now. An interview counts as held from its end."
)


def moment_options(
    purpose: str = "The day to judge deadlines by, as at its end (default: today).",
) -> Decorator:
    """``--today YYYY-MM-DD`` or ``--now YYYY-MM-DDTHH:MM``: the command gets ``today``, what
    they ask for (``asked_moment``: a day, a time), or None when neither is given."""

    def decorate(command: _F) -> _F:
        @functools.wraps(command)
        def run(*args: Any, today_opt: str | None = None, now_opt: str | None = None, **kw: Any) -> Any:
            return command(*args, today=asked_moment(today_opt, now_opt), **kw)

        run = click.option("--now", "now_opt", metavar="YYYY-MM-DDTHH:MM", help=NOW_HELP)(run)
        return click.option("--today", "today_opt", metavar="YYYY-MM-DD", help=purpose)(run)  # type: ignore[return-value]

    return decorate


TODAY = moment_options()
PINNED_TODAY = moment_options("Pin the day (default: the local date, kept current).")
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


def verbosity(quiet_help: str) -> Decorator:
    """``-q/--quiet`` and ``-v/--verbose``: the log's detail (``watch.configure_logging``)."""

    def decorate(command: _F) -> _F:
        command = click.option(
            "-v", "--verbose", is_flag=True, help="Also print each file event acted on, and more detail."
        )(command)
        return click.option("-q", "--quiet", is_flag=True, help=quiet_help)(command)

    return decorate


def calendar_option(purpose: str) -> Decorator:
    """``--calendar PATH``: the calendar file, when not the config's ``calendar_path``."""
    return click.option(
        "--calendar",
        type=click.Path(path_type=Path, dir_okay=False),
        help=f"{purpose} (default: calendar_path from the config).",
    )


VDIR = click.option(
    "--vdir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also keep this folder as a vdir: one .ics file per event, for khal and vdirsyncer.",
)


def credentials(command: _F) -> _F:
    """``--user`` and ``--password-env``: a password never appears on the command line."""
    command = click.option(
        "--password-env",
        metavar="VAR",
        help="Environment variable holding the password (default: ask for it when --user is given).",
    )(command)
    return click.option("--user", metavar="U", help="User name on the CalDAV server.")(command)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
