"""A person read from an address book exported elsewhere, and what reading one gives: the
values ``reading.exports`` (CSV) and ``reading.vcards`` (vCard) both make, and the two ways
they put a value on one line of a note's front-matter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    """One person of an export: what a contact note records of them."""

    line: int  # where the row or card starts in the file, from 1
    name: str
    organization: str = ""
    role: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    address: str = ""
    profile: str = ""  # a LinkedIn or other profile URL
    note: str = ""  # free text for the note's body (vCard NOTE, a CSV's Notes)
    connected: dt.date | None = None  # LinkedIn's Connected On


@dataclass(frozen=True)
class Malformed:
    line: int
    message: str


@dataclass(frozen=True)
class Export:
    kind: str  # "LinkedIn connections", "vCard", "Google Contacts CSV", "Outlook CSV", "CSV"
    people: tuple[Person, ...] = ()
    malformed: tuple[Malformed, ...] = ()
    #: Rows or cards read that name nobody: (line, why), skipped.
    nameless: tuple[tuple[int, str], ...] = field(default=())


def one_line(text: str) -> str:
    """A value for one line of the front-matter: line breaks (an address's) become commas."""
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` without repeats (compared without case), in their order."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())
