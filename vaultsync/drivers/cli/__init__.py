"""The command line (``vaultsync``): its entry point is ``main``."""

from vaultsync.drivers.cli.main import cli, main

__all__ = ["cli", "main"]
