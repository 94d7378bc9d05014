"""The one step every driver runs: load the vault, evaluate the rules, write the outputs.

The CLI, and later the watcher and the server, call these; none of them repeats the steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from vaultsync.calendar import EventCache, calendar_bytes, calendar_path
from vaultsync.files import write_if_changed
from vaultsync.rules import Finding, evaluate
from vaultsync.vault import Vault, load_vault


@dataclass(frozen=True)
class Audit:
    vault: Vault
    today: dt.date
    findings: tuple[Finding, ...]

    @property
    def overdue(self) -> int:
        return sum(f.level == "overdue" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 when nothing is overdue and every note could be read, else 1."""
        return 1 if self.overdue or self.vault.errors else 0


@dataclass(frozen=True)
class Build:
    audit: Audit
    path: Path
    written: bool  # False when the calendar already held these bytes
    events: int


def audit_vault(vault: Vault, today: dt.date) -> Audit:
    return Audit(vault, today, tuple(evaluate(vault.contacts, today, vault.settings)))


def audit(root: Path, today: dt.date) -> Audit:
    """Read the vault at ``root`` and check it against the rules on ``today``."""
    return audit_vault(load_vault(root), today)


def build_vault(
    vault: Vault, today: dt.date, calendar: Path | None = None, cache: EventCache | None = None
) -> Build:
    """Audit ``vault`` and write its calendar; ``cache`` lets repeated builds reuse unchanged events."""
    data = calendar_bytes(vault, today, cache)
    path = calendar or calendar_path(vault)
    written = write_if_changed(path, data)
    return Build(audit_vault(vault, today), path, written, data.count(b"BEGIN:VEVENT"))


def build(root: Path, today: dt.date, calendar: Path | None = None) -> Build:
    """Audit the vault and write its calendar (to ``calendar`` or the configured path)."""
    return build_vault(load_vault(root), today, calendar)
