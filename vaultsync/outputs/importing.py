"""``vaultsync import``: the people of an address book exported elsewhere, as contact notes.

Each person the vault has no note for becomes one through the same path as ``new``
(``new_note.render_note``: the vault's template, the contacts folder, the details typed as
Obsidian types them). A person the vault has a note for (the same email, else the same name
whatever the case and accents: ``new_note.same_person``) never gets a second one: what the
export knows and the note lacks is proposed, never written, so no note of the vault changes.
The moment (``now``) is passed in: nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vaultsync.config import Settings
from vaultsync.errors import UsageError, VaultsyncError
from vaultsync.model.contact import Contact, name_key
from vaultsync.model.contact_values import build_contact
from vaultsync.outputs.new_note import (
    check_folder,
    check_name,
    new_note_folder,
    people_finder,
    render_note,
    write_new_note,
)
from vaultsync.outputs.templates import read_template
from vaultsync.reading.export_people import Export, Person
from vaultsync.reading.exports import read_export
from vaultsync.reading.note import Note
from vaultsync.store.loader import load_scan, scan_vault

_EMAIL = re.compile(r"[^\s,;<>()\"']+@[^\s,;<>()\"']+")


@dataclass(frozen=True)
class Step:
    """What is done for one person of the export."""

    person: Person
    action: str  # "create", "propose" (details to add to a note), "known", "skip"
    path: str = ""  # the note created or matched, relative to the vault
    why: str = ""  # how the note was matched, or why the person is skipped
    kind: str = ""  # for the summary: the kind of skip
    additions: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (property, values) to propose


@dataclass(frozen=True)
class Imported:
    source: str  # the file, as given
    export: Export
    steps: tuple[Step, ...]
    dry_run: bool
    failed: tuple[tuple[Step, str], ...] = ()  # notes that could not be written, and why
    not_contacts: str = ""  # the template, when the notes it gives are not contacts


def import_people(
    root: Path,
    settings: Settings,
    file: Path,
    now: dt.datetime,
    *,
    folder: str | None = None,
    template: Path | None = None,
    dry_run: bool = False,
) -> Imported:
    """Read the export ``file`` and make a note for each person the vault has none for (with
    ``dry_run``, only say so). The vault is read once, as ``new`` reads it."""
    export = read_export(file, settings.property_lookup)
    clean = check_folder(folder) if folder is not None else None
    scan = scan_vault(root, settings, stat=True)
    vault = load_scan(scan, cache=True)
    contacts = vault.contacts
    where = clean if clean is not None else new_note_folder(root, settings, contacts)
    source = read_template(root, settings, template)
    finder = people_finder(scan, contacts)
    unreadable = {err.path for err in vault.errors}
    steps = _plan(export.people, contacts, lambda name: finder(name, ""), where, unreadable)
    failed: list[tuple[Step, str]] = []
    not_contacts = ""
    for step in steps:
        if step.action != "create":
            continue
        person = step.person
        rendered = render_note(
            root, settings, step.path, person.name, now, source, details_of(person) | UNDATED, _notes(person)
        )
        if not rendered.is_contact:
            not_contacts = source.where
        wrong = _read_back(rendered.note, settings, person)
        if wrong:
            failed.append((step, f"the template ({source.where}) {wrong}; nothing written"))
        elif not dry_run:
            try:
                write_new_note(root / step.path, rendered.text)
            except VaultsyncError as err:
                failed.append((step, str(err)))
    return Imported(str(file), export, tuple(steps), dry_run, tuple(failed), not_contacts)


#: What an import never records: the template's dates of contact ({{date}} in interviews, or in
#: last_contact) are emptied, or each person imported would have been met or written to today.
UNDATED: dict[str, tuple[str, ...]] = {
    kind: () for kind in ("interviews", "thank_you_sent", "check_ins", "outreach", "replied", "contacted")
}


def details_of(person: Person) -> dict[str, tuple[str, ...]]:
    """The person's details as a note's properties: canonical name -> values."""
    found = {
        "organization": (person.organization,),
        "role": (person.role,),
        "email": person.emails,
        "phone": person.phones,
        "address": (person.address,),
        "profile": (person.profile,),
    }
    return {key: tuple(v for v in values if v) for key, values in found.items() if any(values)}


def _notes(person: Person) -> str:
    """What goes under the note's Notes heading: the export's note, and when LinkedIn says so,
    the day you connected (a body line, not a property: it is no date of contact)."""
    lines = [person.note] if person.note else []
    if person.connected is not None:
        lines.append(f"- Connected on LinkedIn on {person.connected.isoformat()}.")
    return "\n".join(lines)


def _read_back(note: Note, settings: Settings, person: Person) -> str:
    """'' when the note reads back with the person's details, else what it reads instead (a
    template whose own keys say otherwise)."""
    contact, _ = build_contact(note, settings)
    for key, values in details_of(person).items():
        got = getattr(contact, key)
        if not all(value in got for value in values):
            return f"gives {key} {got!r} where the export says {', '.join(values)!r}"
    return ""


#: The notes already for a person of this name: (path, how the name matches).
SameName = Callable[[str], list[tuple[str, str]]]


def _plan(
    people: Sequence[Person],
    contacts: Sequence[Contact],
    same_name: SameName,
    folder: str,
    unreadable: Collection[str] = (),
) -> list[Step]:
    """What is done for each person, in the file's order."""
    by_email: dict[str, list[Contact]] = {}
    for contact in contacts:
        for email in _emails_of(contact):
            by_email.setdefault(email, []).append(contact)
    by_path = {contact.path: contact for contact in contacts}
    planned: dict[str, Step] = {}  # email or name_key -> the step that creates their note
    steps: list[Step] = []
    for person in people:
        steps.append(_step(person, by_email, by_path, same_name, planned, folder, unreadable))
        if steps[-1].action == "create":
            for key in (*(e.casefold() for e in person.emails), name_key(person.name)):
                planned.setdefault(key, steps[-1])
    return steps


def _step(
    person: Person,
    by_email: Mapping[str, list[Contact]],
    by_path: Mapping[str, Contact],
    same_name: SameName,
    planned: Mapping[str, Step],
    folder: str,
    unreadable: Collection[str],
) -> Step:
    for email in person.emails:
        earlier = planned.get(email.casefold())
        if earlier is not None:
            return _skip(person, "same person", f"the same person as line {earlier.person.line} ({email})")
    for email in person.emails:
        found = {c.path: c for c in by_email.get(email.casefold(), [])}
        if len(found) == 1:
            matched = next(iter(found.values()))
            how = f"matched by email {email}"
            if name_key(matched.name) != name_key(person.name):  # a shared address, a new name
                how += f", though the note names {matched.name}"
            return _compare(person, matched, how)
        if found:
            return _skip(
                person, "ambiguous", f"{len(found)} notes have the email {email}: {', '.join(found)}"
            )
    earlier = planned.get(name_key(person.name))
    if earlier is not None:
        return _skip(person, "same person", f"the same name as line {earlier.person.line}")
    notes = same_name(person.name)
    paths = sorted({path for path, _ in notes})
    if len(paths) == 1:
        contact = by_path.get(paths[0])
        if contact is None and paths[0] in unreadable:
            return _skip(
                person, "unreadable", f"{paths[0]} has that name and cannot be read: fix it, then import"
            )
        if contact is None:
            return _skip(person, "not a contact", f"{paths[0]} has that name but is not a contact note")
        how = next(how for path, how in notes if path == paths[0])
        return _compare(person, contact, f"matched by name: {how}")
    if paths:
        return _skip(person, "ambiguous", f"{len(paths)} notes have that name: {', '.join(paths)}")
    try:
        name = check_name(person.name)
    except UsageError as err:
        return _skip(person, "name", f"{err} (give the note a name by hand: vaultsync new)")
    return Step(person, "create", f"{folder}/{name}.md" if folder else f"{name}.md")


def _skip(person: Person, kind: str, why: str) -> Step:
    return Step(person, "skip", why=why, kind=kind)


def _compare(person: Person, contact: Contact, how: str) -> Step:
    """The step for a person who has a note: what the export would add to it, if anything."""
    additions: list[tuple[str, tuple[str, ...]]] = []
    emails = _emails_of(contact)
    phones = [_digits(p) for p in re.split(r"[;,/]", contact.phone) if _digits(p)]
    for key, values in details_of(person).items():
        if key == "email":
            new = tuple(v for v in values if v.casefold() not in emails)
        elif key == "phone":
            new = tuple(v for v in values if not any(_same_number(_digits(v), p) for p in phones))
        else:
            new = () if getattr(contact, key) else values
        if new:
            additions.append((key, new))
    action = "propose" if additions else "known"
    return Step(person, action, contact.path, how, additions=tuple(additions))


def _emails_of(contact: Contact) -> set[str]:
    return {email.casefold() for email in _EMAIL.findall(contact.email)}


def _digits(phone: str) -> str:
    """A number's digits, without a "(mobile)" after it and without the leading zeros of a trunk
    or international prefix (``06 ...``, ``0049 ...``)."""
    number = phone.rpartition(" (")[0] if phone.rstrip().endswith(")") and " (" in phone else phone
    return re.sub(r"\D", "", number).lstrip("0")


def _same_number(one: str, other: str) -> bool:
    """Whether two numbers are one, written with and without the country code."""
    if one == other:
        return True
    short, long = sorted((one, other), key=len)
    return len(short) >= 7 and long.endswith(short)


# --- what the command prints


@dataclass(frozen=True)
class ImportReport:
    lines: tuple[str, ...]  # stdout: a line per person, then the summary
    problems: tuple[str, ...]  # stderr: rows or cards not read, notes not written
    code: int


def report(imported: Imported, shown: str) -> ImportReport:
    """The words of ``vaultsync import`` for ``imported``: ``shown`` names the file. Exit 1 when a
    row or card could not be read or a note could not be written, else 0."""
    failed = {id(step): why for step, why in imported.failed}
    lines: list[tuple[int, str]] = []
    problems: list[tuple[int, str]] = [
        (bad.line, f"{shown}:{bad.line}: not read: {bad.message}") for bad in imported.export.malformed
    ]
    skipped: Counter[str] = Counter()
    for line, why in imported.export.nameless:
        lines.append((line, f"{shown}:{line}: skipped: {why}"))
        skipped["an organization's card" if why.startswith("a card for an") else "with no name"] += 1
    counts: Counter[str] = Counter()
    for step in imported.steps:
        where = f"{shown}:{step.person.line}: {step.person.name}"
        if id(step) in failed:
            problems.append((step.person.line, f"{where}: not created: {failed[id(step)]}"))
            counts["failed"] += 1
        elif step.action == "create":
            lines.append(
                (
                    step.person.line,
                    f"{where}: {'would create' if imported.dry_run else 'created'} {step.path}",
                )
            )
            counts["create"] += 1
        elif step.action == "propose":
            added = "; ".join(f"{key}: {', '.join(values)}" for key, values in step.additions)
            lines.append(
                (step.person.line, f"{where}: has a note ({step.path}, {step.why}); to add to it: {added}")
            )
            counts["propose"] += 1
        elif step.action == "known":
            lines.append(
                (step.person.line, f"{where}: has a note with these details ({step.path}, {step.why})")
            )
            skipped["already in the vault"] += 1
        else:
            lines.append((step.person.line, f"{where}: skipped: {step.why}"))
            skipped[_SKIPS[step.kind]] += 1
    summary = [
        f"{counts['create']} {'to create' if imported.dry_run else 'created'}",
        f"{counts['propose']} to add to a note you have (proposed, not written)",
        f"{sum(skipped.values())} skipped"
        + (f" ({', '.join(f'{n} {why}' for why, n in sorted(skipped.items()))})" if skipped else ""),
    ]
    if imported.export.malformed:
        summary.append(f"{len(imported.export.malformed)} not read")
    if counts["failed"]:
        summary.append(f"{counts['failed']} not written")
    tail = [f"{shown} ({imported.export.kind}): {', '.join(summary)}"]
    if counts["propose"]:
        tail.append("vaultsync does not change a note you have: add the details proposed to it by hand.")
    if imported.dry_run:
        tail.append("Dry run: nothing written.")
    if imported.not_contacts:
        problems.append(
            (
                0,
                f"the template ({imported.not_contacts}) does not mark the notes as contacts: "
                "add 'type: contact' to it",
            )
        )
    code = 1 if imported.export.malformed or imported.failed else 0
    return ImportReport(
        tuple([text for _, text in sorted(lines, key=lambda item: item[0])] + tail),
        tuple(text for _, text in sorted(problems, key=lambda item: item[0])),
        code,
    )


_SKIPS = {
    "same person": "twice in the file",
    "ambiguous": "matching several notes",
    "not a contact": "named like a note that is not a contact",
    "unreadable": "named like a note that cannot be read",
    "name": "with a name no file may have",
}
