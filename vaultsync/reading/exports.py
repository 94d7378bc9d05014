"""Address books exported elsewhere, read as people: LinkedIn's ``Connections.csv``, vCard
files (2.1 to 4.0, from phones, Google Contacts, iCloud, CardDAV servers), and any CSV whose
header names its columns (Google Contacts', Outlook's, a spreadsheet's).

``read_export`` says what kind of file it is and gives each person with the line their row or
card starts on; a row or card that cannot be read is a ``Malformed`` with its line, and the
rest is read. Nothing here knows the vault: matching people to notes is ``outputs.importing``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from vaultsync.errors import UsageError
from vaultsync.properties import property_key
from vaultsync.reading.export_people import Export, Malformed, Person, one_line, unique
from vaultsync.reading.vcards import read_vcards

#: LinkedIn's header, as "Get a copy of your data" writes it (after a few lines of notes).
LINKEDIN_HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")


def read_export(path: Path, lookup: Mapping[str, str]) -> Export:
    """The people in the file at ``path``; ``lookup`` folds a column's name to the property it
    means (``Settings.property_lookup``). UsageError when the file cannot be read or is none
    of the kinds above."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
    return parse_export(str(path), data, lookup)


def parse_export(name: str, data: bytes, lookup: Mapping[str, str]) -> Export:
    text = _decoded(data)
    start = text.lstrip()
    if start[:11].upper() == "BEGIN:VCARD":
        return read_vcards(text)
    if start:
        found = _csv_people(text, lookup)
        if found is not None:
            return found
    raise UsageError(
        f"{name} is neither a vCard file nor a CSV whose header names its columns "
        "(LinkedIn's Connections.csv, Google Contacts' or Outlook's export, or a header with "
        "Name, or First Name and Last Name)"
    )


def _decoded(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode
    text"), else Windows-1252, which Outlook and older Excel write."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# --- CSV

#: Columns known by their full name in the exports, folded (``property_key``) -> what they hold.
_COLUMNS = {
    property_key(name): meaning
    for meaning, names in {
        "name": ("Name", "Full Name", "Display Name", "Contact Name"),
        "first": ("First Name", "Given Name", "First", "Firstname"),
        "middle": ("Middle Name", "Additional Name"),
        "last": ("Last Name", "Family Name", "Surname", "Last"),
        "organization": ("Organization Name", "Organization 1 - Name", "Company Name"),
        "role": ("Organization Title", "Organization 1 - Title", "Job Title", "Position"),
        "email": ("Email Address", "E-mail Address", "Email 1", "Primary Email"),
        "profile": ("Profile URL", "LinkedIn URL", "Web Page", "Website"),
        "note": ("Notes", "Note"),
        "connected": ("Connected On",),
        "address": ("Address 1 - Formatted", "Home Address", "Business Address", "Mailing Address"),
    }.items()
    for name in names
}
#: Numbered columns (Google's ``E-mail 2 - Value``, ``Phone 1 - Value``; Outlook's ``E-mail 2
#: Address``, ``Mobile Phone``), folded.
_NUMBERED = (
    (re.compile(r"e?mail\d*(?:value|address)?"), "email"),
    (
        re.compile(r"(?:phone\d*(?:value)?|(?:mobile|business|home|primary|other|car|company)phone\d*)"),
        "phone",
    ),
    (re.compile(r"website\d*value"), "profile"),
)
#: Where one cell holds several values: Google writes ``a@x.org ::: b@y.org``.
_SEVERAL = re.compile(r"\s*:::\s*")
_LINKEDIN_DAY = "%d %b %Y"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def _meaning(header: str, lookup: Mapping[str, str]) -> str | None:
    folded = property_key(header)
    if folded in _COLUMNS:
        return _COLUMNS[folded]
    for pattern, meaning in _NUMBERED:
        if pattern.fullmatch(folded):
            return meaning
    canonical = lookup.get(folded)  # company, org, title, mail, url, ... as the vault names them
    if canonical in ("name", "organization", "role", "email", "phone", "address", "profile"):
        return canonical
    return None


def _csv_people(text: str, lookup: Mapping[str, str]) -> Export | None:
    """The people of a CSV, or None when no header naming a person's columns is found among
    its first rows (LinkedIn puts a few lines of notes before its header)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    meanings: list[str | None] = []
    try:
        for _ in range(10):
            row = next(reader)
            meanings = [_meaning(cell, lookup) for cell in row]
            if "name" in meanings or "first" in meanings or "last" in meanings:
                header = row
                break
        if header is not None and "jobtitle" in {property_key(cell) for cell in header}:
            # Outlook's Title is Mr. or Dr.; the job is its Job Title
            meanings = [
                None if property_key(c) == "title" else m for c, m in zip(header, meanings, strict=True)
            ]
    except (StopIteration, csv.Error):
        return None
    if header is None:
        return None
    kind = _csv_kind(header)
    people: list[Person] = []
    malformed: list[Malformed] = []
    nameless: list[tuple[int, str]] = []
    ended = reader.line_num
    while True:
        start = ended + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            malformed.append(Malformed(start, f"not a CSV row: {err}"))
            ended = reader.line_num
            continue
        ended = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            malformed.append(
                Malformed(
                    start,
                    f"{len(row)} fields where the header has {len(header)} "
                    "(a comma in a value that is not in quotes?)",
                )
            )
            continue
        read = _csv_person(start, header, meanings, row)
        if isinstance(read, Malformed):
            malformed.append(read)
        elif isinstance(read, Person):
            people.append(read)
        else:
            nameless.append((start, read))
    return Export(kind, tuple(people), tuple(malformed), tuple(nameless))


def _csv_kind(header: Sequence[str]) -> str:
    columns = {property_key(cell) for cell in header}
    if tuple(header) == LINKEDIN_HEADER or {"connectedon", "firstname", "lastname"} <= columns:
        return "LinkedIn connections"
    if "email1value" in columns or "organizationname" in columns:
        return "Google Contacts CSV"
    if "emailaddress" in columns and "jobtitle" in columns:
        return "Outlook CSV"
    return "CSV"


def _csv_person(
    line: int, header: Sequence[str], meanings: Sequence[str | None], row: Sequence[str]
) -> Person | Malformed | str:
    """The person in one row; a Malformed; or, for a row that names nobody, why."""
    values: dict[str, list[str]] = {}
    for column, meaning, cell in zip(header, meanings, row, strict=False):
        if meaning is None or not cell.strip():
            continue
        for value in _SEVERAL.split(cell.strip()) if meaning in ("email", "phone") else [cell.strip()]:
            if meaning == "email" and not _EMAIL.fullmatch(value):
                return Malformed(line, f"{column}: {value!r} is not an email address")
            values.setdefault(meaning, []).append(value)

    def one(meaning: str) -> str:
        return one_line(values.get(meaning, [""])[0])

    name = one("name") or " ".join(filter(None, (one("first"), one("middle"), one("last"))))
    if not name:
        return "no name (LinkedIn leaves it out for members who hide it)"
    connected = None
    if values.get("connected"):
        try:
            connected = dt.datetime.strptime(one("connected"), _LINKEDIN_DAY).date()
        except ValueError:
            try:
                connected = dt.date.fromisoformat(one("connected"))
            except ValueError:
                return Malformed(
                    line, f"Connected On: {one('connected')!r} is not a date (LinkedIn writes 07 Dec 2026)"
                )
    return Person(
        line=line,
        name=name,
        organization=one("organization"),
        role=one("role"),
        emails=unique(values.get("email", [])),
        phones=unique(values.get("phone", [])),
        address=one_line(values.get("address", [""])[0]),
        profile=one("profile"),
        note="\n".join(values.get("note", [])).strip(),
        connected=connected,
    )
