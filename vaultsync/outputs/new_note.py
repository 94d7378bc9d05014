"""A new contact note: its name and folder checked, the people the vault already has a note
for, its text (``outputs.templates``' template filled, a person's details set in its
front-matter) and writing it, never over another file.

The moment (``now``) is always passed in: nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from vaultsync.config import Settings
from vaultsync.errors import UsageError, VaultsyncError
from vaultsync.model.contact import Contact, is_contact, name_key, path_stem
from vaultsync.obsidian import obsidian_folder, obsidian_json
from vaultsync.outputs.lookup import listed
from vaultsync.outputs.templates import (
    Template,
    fill,
    front_matter_end,
    read_template,
    template_formats,
    yaml_text,
)
from vaultsync.properties import property_key
from vaultsync.reading.listing import Scan
from vaultsync.reading.note import Note, parse_note
from vaultsync.store.files import write_atomically
from vaultsync.store.loader import load_scan, scan_vault

# --- where new notes go

#: The folders people keep contact notes in, when the vault says nothing else (see new_note_folder).
PEOPLE_FOLDERS = ("Contacts", "People")


def new_note_folder(root: Path, settings: Settings, contacts: Sequence[Contact] = ()) -> str:
    """Where a new contact goes: the first ``contacts_folders``; else the folder that holds most
    of the vault's ``contacts`` (the vault's root when they are there); else a folder at the root
    named Contacts or People (any case, as spelled there); else Obsidian's folder for new notes;
    else Contacts."""
    if settings.contacts_folders:
        return settings.contacts_folders[0]
    if contacts:
        return Counter(c.path.rpartition("/")[0] for c in contacts).most_common(1)[0][0]
    try:
        folders = {entry.name.casefold(): entry.name for entry in os.scandir(root) if entry.is_dir()}
    except OSError:
        folders = {}
    for folder in PEOPLE_FOLDERS:
        if folder.casefold() in folders:
            return folders[folder.casefold()]
    app = obsidian_json(root, "app.json")
    if app.get("newFileLocation") == "folder" and obsidian_folder(app.get("newFileFolderPath")):
        return obsidian_folder(app.get("newFileFolderPath"))
    return PEOPLE_FOLDERS[0]


# --- creating the note


@dataclass(frozen=True)
class NewNote:
    path: Path
    template: str  # where the template came from: its path, or "built-in"
    unfilled: tuple[str, ...]
    is_contact: bool


def check_name(name: str) -> str:
    """NAME as a note's file name that every system the vault may sync to accepts (Obsidian,
    Windows, macOS, Linux), in Unicode's composed form; a UsageError saying why not."""
    if not name.strip():
        raise UsageError("NAME is empty")
    control = _CONTROL.search(name)
    if control:
        what = "a line break" if control.group(0) in "\n\r" else "a control character"
        raise UsageError(f"a note's name cannot contain {what}: {name!r}")
    bad = FORBIDDEN.search(name)
    if bad:
        raise UsageError(f"a note's name cannot contain {bad.group(0)!r} (Obsidian refuses it): {name!r}")
    if name.startswith("."):
        raise UsageError(f"a note's name cannot start with '.' (it would be hidden): {name!r}")
    if name != name.strip() or name.endswith("."):
        raise UsageError(
            f"a note's name cannot start or end with a space, or end with '.' (Windows drops them): {name!r}"
        )
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        raise UsageError(
            f"a note's name cannot be {name.split('.')[0]!r} (a device name on Windows): {name!r}"
        )
    if len(f"{name}.md".encode()) > 255:
        raise UsageError(
            f"a note's name cannot be longer than 252 bytes (file systems refuse it): {name[:40]!r}..."
        )
    return unicodedata.normalize("NFC", name)


#: Characters Obsidian refuses in a note's name (or in a link to it).
FORBIDDEN = re.compile(r'[\\/:*?"<>|#^\[\]]')
#: What no file name may hold: C0 and C1 control characters (a newline among them).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Windows' device names, which no file may be named, whatever its extension.
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{kind}{n}" for kind in ("COM", "LPT") for n in "0123456789¹²³"]
)


def same_person(scan: Scan, contacts: Sequence[Contact], name: str, target: str) -> list[tuple[str, str]]:
    """The notes that are already for the person ``name`` (``contact.name_key``), other than
    ``target``: a contact whose file name, name or aliases say it, or a note of that file name."""
    return people_finder(scan, contacts)(name, target)


#: ``same_person`` for one vault: (name, target) -> [(path, how the name matches)].
PeopleFinder = Callable[[str, str], list[tuple[str, str]]]


def people_finder(scan: Scan, contacts: Sequence[Contact]) -> PeopleFinder:
    """``same_person`` for many names in one vault: the vault's names are folded once."""
    by_key: dict[str, dict[str, str]] = {}  # name_key -> {path: how it names the person}
    for contact in contacts:  # how: the first that matches, as contact.named says it
        for how, names in (
            ("its file name", (contact.stem,)),
            ("its name", (contact.name,)),
            ("its aliases", contact.aliases),
        ):
            for each in names:
                by_key.setdefault(name_key(each), {}).setdefault(contact.path, how)
    for path in scan.paths:
        by_key.setdefault(name_key(path_stem(path)), {}).setdefault(path, "its file name")

    def find(name: str, target: str) -> list[tuple[str, str]]:
        return sorted((path, how) for path, how in by_key.get(name_key(name), {}).items() if path != target)

    return find


def check_folder(folder: str) -> str:
    clean = folder.replace("\\", "/").strip().strip("/")
    parts = PurePosixPath(clean).parts if clean else ()
    if Path(folder).is_absolute() or ".." in parts or any(p.startswith(".") for p in parts):
        raise UsageError(f"--folder: {folder!r} is not a folder inside the vault")
    return clean


def create_note(
    root: Path,
    settings: Settings,
    name: str,
    now: dt.datetime,
    folder: str | None = None,
    template: Path | None = None,
) -> NewNote:
    """Create the contact note ``name`` from the vault's template (or the built-in one); never
    overwrite, and never make a second note for one person (``same_person``)."""
    name = check_name(name)
    folder = check_folder(folder) if folder is not None else None
    scan = scan_vault(root, settings, stat=True)
    contacts = load_scan(scan, cache=True).contacts
    if folder is None:
        folder = new_note_folder(root, settings, contacts)
    relpath = f"{folder}/{name}.md" if folder else f"{name}.md"
    path = root / relpath
    if path.exists():
        raise VaultsyncError(f"{path} already exists: not overwritten")
    existing = same_person(scan, contacts, name, relpath)
    if existing:
        raise VaultsyncError(
            f"{name} has a note already in the vault {root}; nothing written:\n{listed(existing)}\n"
            f'Add to that note, or give a name that tells two people apart ("{name} (Company)").'
        )
    rendered = render_note(root, settings, relpath, name, now, read_template(root, settings, template))
    write_new_note(path, rendered.text)
    return NewNote(path, rendered.template, rendered.unfilled, rendered.is_contact)


@dataclass(frozen=True)
class Rendered:
    text: str
    template: str  # where the template came from
    unfilled: tuple[str, ...]
    is_contact: bool
    note: Note


def render_note(
    root: Path,
    settings: Settings,
    relpath: str,
    name: str,
    now: dt.datetime,
    template: Template,
    details: Mapping[str, Sequence[str]] | None = None,
    notes: str = "",
) -> Rendered:
    """The text of the new note ``relpath`` for ``name``: the template filled, with the
    ``details`` (canonical property -> values) set in its front-matter (``set_properties``) and
    ``notes`` under its Notes heading. VaultsyncError when it would not read as a note."""
    filled = fill(template.text, name, now, template_formats(root))
    text = filled.text
    if details:
        text = set_properties(text, details, settings.property_lookup, property_types(root))
    if notes:
        text = _with_notes(text, notes)
    note = parse_note(relpath, text.encode("utf-8"))
    if not isinstance(note, Note):
        raise VaultsyncError(
            f"the template ({template.where}) gives a note vaultsync cannot read"
            f"{f' (line {note.line})' if note.line else ''}: {note.message}; nothing written"
        )
    return Rendered(text, template.where, filled.unfilled, is_contact(note, settings), note)


def write_new_note(path: Path, text: str) -> None:
    """Write the new note at ``path``, atomically (a temporary file, then its name), never over
    a file there (even one made meanwhile)."""
    try:
        write_atomically(path, [text.encode("utf-8")], new=True)
    except FileExistsError:
        raise VaultsyncError(f"{path} already exists: not overwritten") from None


# --- the details of a person, in a new note's front-matter

#: A top-level key of a front-matter line, and what follows its colon.
_TOP_KEY = re.compile(r"""^(?P<key>[^\s#'"-][^:]*?|"[^"]+"|'[^']+'):(?:[ \t]+(?P<rest>.*?))?[ \t]*$""")
#: What a template leaves in a property it does not fill.
_EMPTY_VALUES = frozenset({"", "[]", '""', "''", "~", "null"})
#: Obsidian's types of a property that holds a list (``.obsidian/types.json``).
_LIST_TYPES = frozenset({"multitext", "aliases", "tags"})


def property_types(root: Path) -> Mapping[str, str]:
    """The type Obsidian gives each property of the vault (``.obsidian/types.json``), by the
    property's name folded (``property_key``)."""
    types = obsidian_json(root, "types.json").get("types")
    if not isinstance(types, dict):
        return {}
    return {property_key(str(k)): str(v) for k, v in types.items()}


def set_properties(
    text: str,
    details: Mapping[str, Sequence[str]],
    lookup: Mapping[str, str],
    types: Mapping[str, str],
) -> str:
    """``text`` with each canonical property of ``details`` given its values: at the template's
    own key for it (``Company:`` for organization) when the template leaves that key empty,
    else as a new key at the end of the front-matter (made when there is none). A key the
    template gives a value keeps it, except where ``details`` gives no values: that key is
    emptied (``key: []``, or ``key:`` when Obsidian types it as one value). One value is text;
    several are a list, unless Obsidian types the property as text (``.obsidian/types.json``):
    they are then one text."""
    lines = text.split("\n")
    closing = front_matter_end(lines)
    if not closing:
        lines, closing = ["---", "---", *lines], 1
    head = lines[1:closing]
    # canonical -> each (first line, end, key as written) of its keys: a template may name one
    # property twice (``interviews:`` and ``met:``)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for i, line in enumerate(head):
        found = _TOP_KEY.match(line)
        if not found:
            continue
        key = found.group("key").strip("'\"")
        canonical = lookup.get(property_key(key))
        end = i + 1
        while end < len(head) and (head[end][:1] in (" ", "\t") or head[end].startswith("-")):
            end += 1
        if canonical:
            spans.setdefault(canonical, []).append((i, end, found.group("key")))
    replaced: dict[int, tuple[int, list[str]]] = {}
    added: list[str] = []

    def filled(first: int, end: int) -> bool:
        rest = _TOP_KEY.match(head[first])
        items = [line.strip(" \t-") for line in head[first + 1 : end]]
        return bool(rest and (rest.group("rest") or "") not in _EMPTY_VALUES) or any(items)

    for canonical, values in details.items():
        if canonical in spans:
            first, end, key = spans[canonical][0]
            if not values:  # every key of it the template fills is emptied
                for at, stop, written in spans[canonical]:
                    if filled(at, stop):
                        replaced[at] = (stop, [_emptied(written, types)])
            elif not filled(first, end):
                replaced[first] = (end, _property_lines(key, values, types))
            # else: the template gives it a value (kept)
        elif values:
            added += _property_lines(canonical, values, types)
    out: list[str] = []
    i = 0
    while i < len(head):
        if i in replaced:
            end, new = replaced[i]
            out += new
            i = end
        else:
            out.append(head[i])
            i += 1
    return "\n".join([lines[0], *out, *added, *lines[closing:]])


def _emptied(key: str, types: Mapping[str, str]) -> str:
    """``key`` with no value: an empty list, or nothing where Obsidian types it as one value (a
    date's ``[]`` would show as a type mismatch)."""
    typed = types.get(property_key(key.strip("'\"")))
    return f"{key}: []" if typed is None or typed in _LIST_TYPES else f"{key}:"


def _property_lines(key: str, values: Sequence[str], types: Mapping[str, str]) -> list[str]:
    as_list = types.get(property_key(key.strip("'\""))) in _LIST_TYPES
    if types.get(property_key(key.strip("'\""))) == "text" and len(values) > 1:
        values = [", ".join(values)]
    if len(values) == 1 and not as_list:
        return [f"{key}: {yaml_text(values[0])}"]
    return [f"{key}:", *(f"  - {yaml_text(value)}" for value in values)]


_NOTES_HEADING = re.compile(r"#{1,6}[ \t]+notes[ \t#]*", re.IGNORECASE)


def _with_notes(text: str, notes: str) -> str:
    """``text`` with ``notes`` under its first Notes heading, else under a new one at the end."""
    lines = text.split("\n")
    closing = front_matter_end(lines)
    for i in range(closing + 1 if closing else 0, len(lines)):
        if _NOTES_HEADING.fullmatch(lines[i].rstrip()):
            lines[i + 1 : i + 1] = notes.split("\n")
            return "\n".join(lines)
    return f"{text.rstrip(chr(10))}\n\n## Notes\n{notes}\n"
