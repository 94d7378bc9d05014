"""The results a driver gets back: an ``Audit`` of a vault at a moment, and a ``Build`` of its outputs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from vaultsync.model.finding import Finding
from vaultsync.model.now import Now
from vaultsync.model.vault import Vault

if TYPE_CHECKING:
    from vaultsync.reading.listing import Scan

#: What makes ``audit`` exit 1: "overdue" = an overdue deadline or an unreadable note (the
#: default); "errors" = only an unreadable note or value (for pre-commit hooks).
FAIL_ON = ("overdue", "errors")


@dataclass(frozen=True)
class Audit:
    vault: Vault
    now: Now  # the moment it judged by
    found_in: Sequence[Iterable[Finding]]  # every finding, in groups, in no particular order
    scan: Scan | None = None  # the notes as read, when read from a Scan (the report cache's key)
    #: How many findings there are at each level, when counted as they were found (the watcher's
    #: memo keeps the count from build to build); else counted from ``found`` when first read.
    counted: Counter[str] | None = field(default=None, repr=False, compare=False)

    @property
    def today(self) -> dt.date:
        """The user's day at ``now``."""
        return self.now.day

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
    vdir: VdirWrite | None = None  # what was done in the vdir, when one was asked for
    #: When the outputs may change though no note does: an interview ends, or a new day begins.
    until: dt.datetime | None = None


@dataclass(frozen=True)
class VdirWrite:
    """What one write of the vdir (``outputs.vdir``) did."""

    folder: Path
    written: int  # files created or changed
    removed: int  # files of ours whose event left the calendar
