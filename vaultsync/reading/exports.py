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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vaultsync.errors import UsageError
from vaultsync.properties import property_key

#: LinkedIn's header, as "Get a copy of your data" writes it (after a few lines of notes).
LINKEDIN_HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")


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
        return _vcards(text)
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
        return _one_line(values.get(meaning, [""])[0])

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
        emails=_unique(values.get("email", [])),
        phones=_unique(values.get("phone", [])),
        address=_one_line(values.get("address", [""])[0]),
        profile=one("profile"),
        note="\n".join(values.get("note", [])).strip(),
        connected=connected,
    )


def _one_line(text: str) -> str:
    """A value for one line of the front-matter: line breaks (an address's) become commas."""
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """``values`` without repeats (compared without case), in their order."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())


# --- vCard

#: Properties never read: pictures, sounds and keys (large, and nothing a note holds).
_SKIPPED = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
#: The TYPE values worth showing beside a phone number, and how they are shown.
_PHONE_TYPES = {"cell": "mobile", "mobile": "mobile", "work": "work", "home": "home", "fax": "fax"}


@dataclass
class _Card:
    line: int
    props: list[tuple[str, str, list[str], str | None]] = field(
        default_factory=list
    )  # name, value, types, group


def _vcards(text: str) -> Export:
    """Each card of a vCard file; a card that cannot be read is reported with its line."""
    from vobject.base import ParseError, getLogicalLines, textLineToContentLine

    people: list[Person] = []
    malformed: list[Malformed] = []
    nameless: list[tuple[int, str]] = []
    card: _Card | None = None
    broken: Malformed | None = None
    for logical, number in getLogicalLines(io.StringIO(_without_pictures(text)), allowQP=True):
        number = max(number, 1)  # vobject numbers the file's first line 0
        try:
            line = textLineToContentLine(logical, number)
            value = line.value if isinstance(line.value, str) else ""
        except ParseError:
            problem = Malformed(number, f"not a vCard line: {logical.splitlines()[0][:60]!r}")
            if card is None:
                malformed.append(problem)
            else:
                broken = broken or problem
            continue
        except (LookupError, ValueError) as err:  # an unknown CHARSET, bytes not of that charset
            name = re.split("[;:]", logical, maxsplit=1)[0][:40]  # the charset is named in err
            problem = Malformed(number, f"{name}: cannot be decoded ({err})")
            if card is None:
                malformed.append(problem)
            else:
                broken = broken or problem
            continue
        name = line.name.upper()
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            if card is not None:
                malformed.append(Malformed(card.line, "a card with no END:VCARD before the next"))
            card, broken = _Card(number), None
        elif name == "END" and value.strip().upper() == "VCARD" and card is not None:
            if broken is not None:
                malformed.append(broken)
            else:
                read = _card_person(card)
                if isinstance(read, Person):
                    people.append(read)
                else:
                    nameless.append((card.line, read))
            card, broken = None, None
        elif card is None:
            malformed.append(Malformed(number, f"{name} outside a card (no BEGIN:VCARD before it)"))
        else:
            card.props.append((name, value, _types(line.params, line.singletonparams), line.group))
    if card is not None:
        malformed.append(Malformed(card.line, "the card has no END:VCARD (the file is cut short?)"))
    return Export("vCard", tuple(people), tuple(malformed), tuple(nameless))


def _without_pictures(text: str) -> str:
    """The file without its PHOTO, LOGO, SOUND and KEY lines (and the lines that continue them),
    which are never read: a phone's export is mostly pictures, and a broken one breaks no card.
    Each line removed is left empty, so every other line keeps its number."""
    lines = text.splitlines()
    skipping = False
    for i, line in enumerate(lines):
        if skipping and line[:1] in (" ", "\t"):
            lines[i] = ""
            continue
        head = line.split(":", 1)[0].split(";", 1)[0].rpartition(".")[2].upper()
        skipping = head in _SKIPPED and ":" in line
        if skipping:
            lines[i] = ""
    return "\n".join(lines) + "\n"


def _types(params: Mapping[str, list[str]], singletons: Sequence[str]) -> list[str]:
    """TYPE=work,cell, TYPE="voice,cell", TYPE=a;TYPE=b and 2.1's bare ``TEL;CELL``, folded."""
    found = [*singletons]
    for key, values in params.items():
        if key.upper() == "TYPE":
            found += values
        elif key.upper() == "PREF":  # vCard 4.0: PREF=1
            found.append("pref")
    return [t.strip().casefold() for value in found for t in value.split(",") if t.strip()]


_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _unescaped(text: str) -> str:
    r"""A text value without its backslash escapes (``\,`` ``\;`` ``\\`` ``\n``). The escapes are
    undone here rather than by vobject's vCard behaviour, which keeps only what comes before
    the first comma that is not escaped: phones writing 2.1 and many writing 3.0 do not escape
    commas, and a note or a company name would lose its end."""
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _parts(text: str) -> list[str]:
    """A structured value (N, ADR, ORG) split at the semicolons that are not escaped."""
    return [_unescaped(part) for part in re.split(r"(?<!\\);", text)]


def _card_person(card: _Card) -> Person | str:
    """The person of one card, or why it names nobody."""

    def values(prop: str) -> list[tuple[str, list[str], str | None]]:
        return [(v, types, group) for name, v, types, group in card.props if name == prop]

    def text(prop: str) -> str:
        found = values(prop)
        return _one_line(_unescaped(found[0][0])) if found else ""

    names = values("N")
    parts = _parts(names[0][0]) if names else []
    family, given, additional = (parts + ["", "", ""])[:3]
    full = text("FN") or " ".join(p.strip() for p in (given, additional, family) if p.strip())
    org = _parts(values("ORG")[0][0])[0].strip() if values("ORG") else ""
    shown_as = text("X-ABSHOWAS").upper()
    if shown_as == "COMPANY" or (full and full == org and not any(p.strip() for p in parts)):
        return f"a card for an organization ({full or org}), not a person"
    if not full:
        return "no name (neither FN nor N)"
    emails = [_unescaped(v).strip() for v, _, _ in _preferred(values("EMAIL"))]
    phones = []
    listed = _preferred(values("TEL"))
    for value, types, _ in listed:
        number = _unescaped(value).strip().removeprefix("tel:")
        shown = [_PHONE_TYPES[t] for t in types if t in _PHONE_TYPES]
        phones.append(f"{number} ({shown[0]})" if shown and len(listed) > 1 else number)
    addresses = [
        ", ".join(_one_line(p) for p in _parts(value) if p.strip())
        for value, _, _ in _preferred(values("ADR"))
    ]
    urls = [_unescaped(v).strip() for v, _, _ in values("URL")]
    social = [_unescaped(v).strip() for v, _, _ in values("X-SOCIALPROFILE")]  # Apple's: x-apple:name too
    linkedin = [u for u in urls + social if "linkedin." in u.casefold()]
    return Person(
        line=card.line,
        name=_one_line(full),
        organization=_one_line(org),
        role=text("TITLE") or text("ROLE"),
        emails=_unique(e for e in emails if e),
        phones=_unique(p for p in phones if p),
        address=next((a for a in addresses if a), ""),
        profile=(linkedin or urls or [""])[0],
        note="\n".join(_unescaped(v).strip() for v, _, _ in values("NOTE")).replace("\r\n", "\n").strip(),
    )


def _preferred(
    found: list[tuple[str, list[str], str | None]],
) -> list[tuple[str, list[str], str | None]]:
    """The values marked preferred (TYPE=pref, 4.0's PREF=1) first, the others in the file's order."""
    return sorted(found, key=lambda item: "pref" not in item[1])
