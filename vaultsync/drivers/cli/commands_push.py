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


def _push_password(urls: dict[str, str], user: str | None, password_env: str | None) -> str | None:
    """Check each URL a push goes to (by its option: warning about a password sent in clear),
    then get the password (asked for once)."""
    from vaultsync.outputs.caldav_push import check_url, quiet_library

    quiet_library()
    for option, url in urls.items():
        for warning in check_url(url, password=user is not None, option=option):
            click.echo(f"vaultsync: warning: {warning}", err=True)
    return _password(user, password_env)


@click.command(short_help="Copy the deadlines into a CalDAV calendar (the contacts: CardDAV).")
@VAULT
@TODAY
@click.option(
    "--url",
    metavar="URL",
    help="The CalDAV calendar's URL, made when nothing is there (e.g. "
    ".../remote.php/dav/calendars/USER/vaultsync/).",
)
@click.option(
    "--contacts",
    metavar="URL",
    help="Also (or instead) a CardDAV address book's URL, to hold the contacts; made when nothing "
    "is there (e.g. .../remote.php/dav/addressbooks/users/USER/vaultsync-contacts/).",
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
    url: str | None,
    contacts: str | None,
    user: str | None,
    password_env: str | None,
    timeout: float,
) -> int:
    """Make the CalDAV calendar at URL hold exactly VAULT's deadlines, and the CardDAV address
    book at --contacts exactly its contacts.

    Adds new events (cards), replaces changed ones, deletes the ones it added before that are no
    longer wanted, and leaves every one it did not add alone. Writes nothing unless the URL is a
    calendar (an address book), or nothing yet (then it makes one).

    \b
    Exit codes:
      0  pushed, and every note read
      1  pushed, but a note could not be read (the rest is on the server)
      2  usage error (a bad option; --user with no terminal to ask for the
         password on and no --password-env)
      3  the push failed: the server could not be reached, refused the
         password, is not a calendar, or an event could not be placed
    """
    from vaultsync.outputs.caldav_push import PushError, PushResult
    from vaultsync.outputs.report import error_line
    from vaultsync.pipeline_push import push as run_push

    if url is None and contacts is None:
        raise UsageError("push needs --url (a CalDAV calendar), --contacts (a CardDAV address book), or both")

    def unreadable(vault: Vault) -> None:
        for err in vault.errors:
            click.echo(f"vaultsync: {error_line(err)}", err=True)

    urls = {option: where for option, where in (("--url", url), ("--contacts", contacts)) if where}
    password = _push_password(urls, user, password_env)
    foreign: list[str] = []

    def said(result: PushResult) -> None:
        """Each push said as soon as it is done: the calendar's, even if the contacts' fails."""
        click.echo(result.summary())
        thing = "an event" if result.noun == "calendar" else "a card"
        for uid in result.foreign:
            click.echo(
                f"vaultsync: {uid}: left alone: {thing} vaultsync did not add holds this UID "
                f"(imported from the .ics file?); delete it there, or push to a {result.noun} of its own",
                err=True,
            )
        foreign.extend(result.foreign)

    pushed = run_push(
        vault,
        now_or_clock(today),
        url,
        contacts=contacts,
        username=user,
        password=password,
        timeout=timeout,
        after=unreadable,
        done=said,
    )
    return PushError.exit_code if foreign else 1 if pushed.vault.errors else 0


def watch_pusher(url: str | None, user: str | None, password_env: str | None) -> Any:
    """``watch --push-url``: the on_build that pushes, with its password asked for once, up front."""
    if url is None:
        if user is not None or password_env is not None:
            raise UsageError("--user and --password-env go with --push-url")
        return None
    from vaultsync.outputs.caldav_push import Pusher

    return Pusher(url, username=user, password=_push_password({"--push-url": url}, user, password_env))
