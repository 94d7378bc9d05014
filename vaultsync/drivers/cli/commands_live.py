"""The commands that keep running: watch (the calendar kept in step), serve (and served)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from vaultsync.drivers.cli.commands_push import watch_pusher
from vaultsync.drivers.cli.options import (
    PINNED_TODAY,
    POLLING,
    VAULT,
    VDIR,
    calendar_option,
    credentials,
    verbosity,
)


@click.command(short_help="Keep the calendar in step with the notes as they change.")
@VAULT
@calendar_option("Where to write the .ics")
@VDIR
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
    vdir: Path | None,
    today: dt.date | dt.datetime | None,
    polling: bool,
    quiet: bool,
    verbose: bool,
    push_url: str | None,
    user: str | None,
    password_env: str | None,
) -> int:
    """Keep VAULT's calendar in step with its notes and with the date, until Ctrl-C.

    Builds at start, then 0.2 s after each save settles (at most 1 s into a burst of
    changes), and at midnight.
    A note that becomes unreadable keeps its last readable version until it is fixed.
    See docs/watch.md for running it as a service.
    """
    from vaultsync.drivers.watch import Watcher, configure_logging, run_until_signalled

    pusher = watch_pusher(push_url, user, password_env)
    configure_logging(verbose - quiet)
    watcher = Watcher(vault, calendar=calendar, vdir=vdir, today=today, polling=polling, on_build=pusher)
    run_until_signalled(watcher)
    return 0


@click.command(short_help="Serve the calendar at a secret URL for calendar apps.")
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
    today: dt.date | dt.datetime | None,
    polling: bool,
    quiet: bool,
    verbose: bool,
) -> int:
    """Serve VAULT's calendar at a secret URL for calendar apps to subscribe to, keeping it in step
    with the notes as watch does, until Ctrl-C.

    Listens on 127.0.0.1 unless --host says otherwise; the URL's token is made once per vault and
    kept in your config folder. See docs/subscribing.md for a phone, Google and Outlook.
    """
    from vaultsync.drivers.serving import serve as run_serve
    from vaultsync.drivers.tokens import vault_token
    from vaultsync.drivers.watch import configure_logging
    from vaultsync.outputs.report import vault_label
    from vaultsync.reading.listing import vault_root

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
        vault, token, host=host, port=port, calendar=calendar, today=today, polling=polling, ready=ready
    )
    return 0
