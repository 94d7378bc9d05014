"""vCard files (2.1 to 4.0, from phones, Google Contacts, iCloud, CardDAV servers) read as
people, one card at a time; ``reading.exports`` tells a vCard file from a CSV and calls here."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from vaultsync.reading.export_people import Export, Malformed, Person, one_line, unique

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


def read_vcards(text: str) -> Export:
    """Each card of a vCard file; a card that cannot be read is reported with its line."""
    from vobject.base import ParseError, getLogicalLines, textLineToContentLine

    people: list[Person] = []
    malformed: list[Malformed] = []
    nameless: list[tuple[int, str]] = []
    card: _Card | None = None
    broken: Malformed | None = None
    for logical, number in getLogicalLines(io.StringIO(_without_pictures(text)), allowQP=True):
        number = max(number, 1)  # vobject numbers the file's first line 0
        problem: Malformed | None = None
        try:
            line = textLineToContentLine(logical, number)
            value = line.value if isinstance(line.value, str) else ""
        except ParseError:
            problem = Malformed(number, f"not a vCard line: {logical.splitlines()[0][:60]!r}")
        except (LookupError, ValueError) as err:  # an unknown CHARSET, bytes not of that charset
            name = re.split("[;:]", logical, maxsplit=1)[0][:40]  # the charset is named in err
            problem = Malformed(number, f"{name}: cannot be decoded ({err})")
        if problem is not None:  # the file's own problem outside a card, else the card's first
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
        return one_line(_unescaped(found[0][0])) if found else ""

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
        ", ".join(one_line(p) for p in _parts(value) if p.strip())
        for value, _, _ in _preferred(values("ADR"))
    ]
    urls = [_unescaped(v).strip() for v, _, _ in values("URL")]
    social = [_unescaped(v).strip() for v, _, _ in values("X-SOCIALPROFILE")]  # Apple's: x-apple:name too
    linkedin = [u for u in urls + social if "linkedin." in u.casefold()]
    return Person(
        line=card.line,
        name=one_line(full),
        organization=one_line(org),
        role=text("TITLE") or text("ROLE"),
        emails=unique(e for e in emails if e),
        phones=unique(p for p in phones if p),
        address=next((a for a in addresses if a), ""),
        profile=(linkedin or urls or [""])[0],
        note="\n".join(_unescaped(v).strip() for v, _, _ in values("NOTE")).replace("\r\n", "\n").strip(),
    )


def _preferred(
    found: list[tuple[str, list[str], str | None]],
) -> list[tuple[str, list[str], str | None]]:
    """The values marked preferred (TYPE=pref, 4.0's PREF=1) first, the others in the file's order."""
    return sorted(found, key=lambda item: "pref" not in item[1])
