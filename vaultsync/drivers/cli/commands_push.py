"""Pushing to a CalDAV calendar: the push command, and the password a push needs."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vaultsync.drivers.cli.options import TODAY, VAULT, credentials, now_or_clock
from vaultsync.drivers.cli.process import one_shot
from vaultsync.errors import UsageError

if TYPE_CHECKING:
    from vaultsync.model.vault import Vault


def _password(user: str | None, password_env: str | None) -> str | None:
    """The CalDAV password: from the environment variable named, else asked for (never an argument)."""
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
    from vaultsync.outputs.caldav_push import check_url, quiet_library

    quiet_library()
    for warning in check_url(url, password=user is not None):
        click.echo(f"vaultsync: warning: {warning}", err=True)
    return _password(user, password_env)


@click.command(short_help="Copy the deadlines into a CalDAV calendar.")
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
@one_shot
def push(
    vault: Path,
    today: dt.date | dt.datetime | None,
    url: str,
    user: str | None,
    password_env: str | None,
    timeout: float,
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
    from vaultsync.outputs.caldav_push import PushError
    from vaultsync.outputs.report import error_line
    from vaultsync.pipeline import push as run_push

    def unreadable(vault: Vault) -> None:
        for err in vault.errors:
            click.echo(f"vaultsync: {error_line(err)}", err=True)

    password = _push_password(url, user, password_env)
    pushed = run_push(
        vault, now_or_clock(today), url, username=user, password=password, timeout=timeout, after=unreadable
    )
    result = pushed.result
    click.echo(result.summary())
    for uid in result.foreign:
        click.echo(
            f"vaultsync: {uid}: left alone: an event vaultsync did not add holds this UID "
            "(imported from the .ics file?); delete it there, or push to a calendar of its own",
            err=True,
        )
    return PushError.exit_code if result.foreign else 1 if pushed.vault.errors else 0


def watch_pusher(url: str | None, user: str | None, password_env: str | None) -> Any:
    """``watch --push-url``: the on_build that pushes, with its password asked for once, up front."""
    if url is None:
        if user is not None or password_env is not None:
            raise UsageError("--user and --password-env go with --push-url")
        return None
    from vaultsync.outputs.caldav_push import Pusher

    return Pusher(url, username=user, password=_push_password(url, user, password_env))
