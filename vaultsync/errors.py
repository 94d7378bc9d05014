"""One root exception; each subclass knows its exit code and its message for the user.

Library code raises these and never calls ``sys.exit``; the CLI turns them into one line on
stderr and the exit code (see ``cli.main``).
"""

from __future__ import annotations


class VaultsyncError(Exception):
    """Something the user has to fix. ``str(err)`` is the whole message."""

    exit_code = 1


class UsageError(VaultsyncError):
    """The command was called wrongly: a missing vault, a bad date, a bad option value."""

    exit_code = 2


class ConfigError(UsageError):
    """``.vaultsync.toml`` cannot be used: the message names the file and the reason."""


class OutputError(VaultsyncError):
    """An output file (the calendar) could not be written; the previous one is left in place."""

    exit_code = 1
