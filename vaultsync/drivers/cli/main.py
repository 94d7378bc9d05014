"""The command line: parse options, call the library, print. Nothing else lives here.

The commands live in ``commands_*.py``, their shared options in ``options.py``. Heavy modules
(YAML, markdown-it, icalendar) are imported inside the commands, so ``vaultsync --help`` stays
instant.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from vaultsync import __version__
from vaultsync.drivers.cli import commands_live, commands_notes, commands_push, commands_reports
from vaultsync.drivers.cli.options import Folder
from vaultsync.drivers.cli.process import UntilExit
from vaultsync.errors import VaultsyncError


class _Group(click.Group):
    """Turns every expected failure into one line on stderr and its exit code: no traceback.
    Owns what the commands made (``until_exit``), kept until the process exits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.until_exit = UntilExit()

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:  # type: ignore[override]
        self.until_exit.clear()
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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="vaultsync")
@click.option(
    "--vault",
    type=Folder(),
    metavar="DIR",
    help="The vault of every command (its own VAULT or --vault wins).",
)
def cli(vault: Path | None) -> None:
    """Keep up with the people you meet while looking for work.

    Checks a vault of contact notes against the etiquette of informational interviews
    and writes an .ics calendar of thank-you, check-in and interview deadlines.
    """


for command in (
    commands_reports.audit,
    commands_reports.build,
    commands_push.push,
    commands_reports.doctor,
    commands_reports.export,
    commands_notes.new,
    commands_notes.import_,
    commands_notes.letter,
    commands_notes.outreach,
    commands_live.watch,
    commands_live.serve,
):
    cli.add_command(command)


def main() -> None:
    cli.main()
