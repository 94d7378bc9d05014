"""The one step every driver runs: load the vault, evaluate the rules, write the outputs.

The CLI, and later the watcher and the server, call these; none of them repeats the steps.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from vaultsync.rules import Finding, each_contact_findings, findings, referral
from vaultsync.vault import Entry, Scan, Vault, load_and_evaluate, load_vault, scan_vault

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from vaultsync.config import Settings
    from vaultsync.memo import BuildMemo

#: What makes ``audit`` exit 1: "overdue" = an overdue deadline or an unreadable note (the
#: default); "errors" = only an unreadable note or value (for pre-commit hooks).
FAIL_ON = ("overdue", "errors")


@dataclass(frozen=True)
class Audit:
    vault: Vault
    today: dt.date
    found_in: Sequence[Iterable[Finding]]  # every finding, in groups, in no particular order
    scan: Scan | None = None  # the notes as read, when read from a Scan (the report cache's key)
    #: How many findings there are at each level, when counted as they were found (the watcher's
    #: memo keeps the count from build to build); else counted from ``found`` when first read.
    counted: Counter[str] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def found(self) -> tuple[Finding, ...]:
        """Every finding, in no particular order (gathered when first read: the watcher never reads it)."""
        return tuple(chain.from_iterable(self.found_in))

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding in the reports' stable order (sorted when first read: the watcher never reads it)."""
        return tuple(sorted(chain.from_iterable(self.found_in), key=Finding.sort_key))

    @cached_property
    def levels(self) -> Counter[str]:
        """How many findings there are at each level."""
        if self.counted is not None:
            return self.counted
        return Counter(map(attrgetter("level"), chain.from_iterable(self.found_in)))

    @property
    def overdue(self) -> int:
        return self.levels["overdue"]

    @property
    def exit_code(self) -> int:
        """0 when nothing is overdue and every note could be read, else 1."""
        return self.exit_code_on("overdue")

    def exit_code_on(self, fail_on: str) -> int:
        """1 when the audit fails by ``fail_on`` (one of FAIL_ON), else 0."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on: {fail_on!r} is not one of {FAIL_ON}")
        return 1 if self.vault.errors or (fail_on == "overdue" and self.overdue) else 0


@dataclass(frozen=True)
class Build:
    audit: Audit
    path: Path
    written: bool  # False when the calendar already held these bytes
    events: int
    dashboard: Path | None = None  # the dashboard note, when the config asks for one
    dashboard_written: bool = False


def audit_vault(vault: Vault, today: dt.date) -> Audit:
    return Audit(vault, today, [findings(vault.contacts, today, vault.settings)])


def audit_scan(scan: Scan, today: dt.date, *, cache: bool = False) -> Audit:
    """Read the notes ``scan`` found and check them against the rules on ``today``.

    The rules about one contact run in whichever process read its note (``vaultsync.parallel``),
    the one across contacts (``referral``) here, once all are read. ``cache``: reuse (and
    update) the entries of notes unchanged since the last run."""
    each = partial(_each_contact_findings, today=today, settings=scan.settings)
    vault, found, read = load_and_evaluate(scan, each, cache=cache)
    found.append(referral(vault.contacts, today, vault.settings))
    return Audit(vault, today, found, read)


def _each_contact_findings(entries: list[Entry], today: dt.date, settings: Settings) -> list[Finding]:
    contacts = (entry.contact for entry in entries if entry.contact is not None)
    return each_contact_findings(contacts, today, settings)


def audit(root: Path, today: dt.date, *, cache: bool = False) -> Audit:
    """Read the vault at ``root`` and check it against the rules on ``today``.

    ``cache``: reuse (and update) the entries of notes unchanged since the last run."""
    return audit_scan(scan_vault(root, stat=cache), today, cache=cache)


def build_vault(
    vault: Vault, today: dt.date, calendar: Path | None = None, memo: BuildMemo | None = None
) -> Build:
    """Write every output of ``vault``: the calendar, and the dashboard note when configured.

    ``memo``: a driver that builds again and again keeps one and passes it to every build, so
    only the contacts that changed are evaluated again (the outputs are the same bytes).
    """
    from vaultsync.calendar import calendar_bytes, calendar_path  # icalendar: only when building
    from vaultsync.dashboard import dashboard_markdown
    from vaultsync.errors import OutputError
    from vaultsync.files import write_if_changed
    from vaultsync.outputs import CALENDAR, calendar_path_problem, dashboard_path, write_generated_note

    path = calendar or calendar_path(vault)
    problem = calendar_path_problem(vault.root, path)
    if problem:
        raise OutputError(problem)
    if memo is None:
        checked, data = audit_vault(vault, today), calendar_bytes(vault, today)
        events, written = data.count(b"BEGIN:VEVENT"), write_if_changed(path, data, CALENDAR)
    else:
        built = memo.build(vault, today)
        checked = Audit(vault, today, built.found_in, counted=built.levels)
        events, written = built.events, memo.calendar_file.write(path, built.calendar, CALENDAR)
    dashboard = dashboard_path(vault.root, vault.settings)
    dashboard_written = dashboard is not None and write_generated_note(
        dashboard, dashboard_markdown(vault, checked.findings, today)
    )
    return Build(checked, path, written, events, dashboard, dashboard_written)


def build(root: Path, today: dt.date, calendar: Path | None = None, *, cache: bool = False) -> Build:
    """Audit the vault and write its calendar (to ``calendar`` or the configured path)."""
    return build_vault(load_vault(root, cache=cache), today, calendar)
