"""The vault: which files are notes, and the index of every contact and every problem in them."""

from __future__ import annotations

import gc
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultsync.config import CONFIG_FILE, Settings, load_settings
from vaultsync.errors import UsageError
from vaultsync.note import Note, NoteError, read_note_and_stat

if TYPE_CHECKING:
    from vaultsync.cache import Record, Signature
    from vaultsync.contact import Contact
    from vaultsync.parallel import Evaluate

NOT_UTF8 = "the name is not UTF-8 text: rename it so that vaultsync can read it"
#: Copies that sync tools make when two devices changed the same note.
CONFLICT_COPY = re.compile(r"\.sync-conflict-\d{8}-\d{6}-\w+|\(.*conflicted copy.*\)", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """What one note contributes to the vault: a contact or not, and its problems."""

    path: str
    contact: Contact | None
    errors: tuple[NoteError, ...] = ()


@dataclass(frozen=True)
class Vault:
    root: Path
    settings: Settings
    contacts: tuple[Contact, ...]
    errors: tuple[NoteError, ...]
    notes: int  # how many notes were looked at

    @classmethod
    def from_entries(cls, root: Path, settings: Settings, entries: Iterable[Entry]) -> Vault:
        entries = sorted(entries, key=lambda e: e.path)
        return cls(
            root=root,
            settings=settings,
            contacts=tuple(e.contact for e in entries if e.contact is not None),
            errors=tuple(err for e in entries for err in e.errors),
            notes=len(entries),
        )


def vault_root(path: str | os.PathLike[str]) -> Path:
    """The vault folder, or a UsageError when there is none."""
    root = Path(path)
    if not root.exists():
        raise UsageError(f"vault not found: {root}")
    if not root.is_dir():
        raise UsageError(f"not a folder: {root}")
    return root


def is_ignored(path: str, settings: Settings) -> bool:
    """Never a contact and never reported: hidden files and folders, templates, non-notes, the dashboard."""
    parts = path.split("/")
    if any(part.startswith(".") for part in parts) or not path.endswith(".md") or path == settings.dashboard:
        return True
    return any(path.startswith(folder + "/") for folder in settings.templates_folders)


def note_paths(root: Path, settings: Settings, errors: list[NoteError]) -> Iterator[str]:
    """Every note of the vault as a '/'-separated path, sorted; links are not followed."""
    return (path for path, _ in scan_notes(root, settings, errors))


def scan_notes(
    root: Path, settings: Settings, errors: list[NoteError]
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``note_paths``, each with its directory entry (whose ``stat`` is the note's lstat).

    Each folder's notes come sorted, then its folders, sorted, in turn (as ``os.walk`` would).
    What cannot be read is added to ``errors`` rather than lost in silence: a folder that cannot
    be listed, a name that is not UTF-8, a symbolic link that leads out of the vault or nowhere.
    Links are never followed (one whose target is in the vault is read there)."""
    real_root = root.resolve()

    def report(path: str, problem: str) -> None:
        errors.append(NoteError(_printable(path), None, problem))

    def wanted_folder(path: str) -> bool:
        return not is_ignored(path + "/x.md", settings)

    def wanted_link(path: str, entry: os.DirEntry[str]) -> bool:
        # os.path.isdir, because DirEntry.is_dir raises on a loop of links
        return wanted_folder(path) if os.path.isdir(entry.path) else not is_ignored(path, settings)

    folders = [(os.fspath(root), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as listing:
                found = sorted((entry.name, entry) for entry in listing)
        except OSError as err:
            where = Path(err.filename).relative_to(root).as_posix() if err.filename else "."
            report(where, f"cannot read folder: {err.strerror or err}")
            continue
        subfolders = []
        for name, entry in found:
            path = prefix + name
            if entry.is_symlink():
                problem = link_problem(real_root, entry.path) if wanted_link(path, entry) else None
                if problem:
                    report(path, problem)
            elif entry.is_dir(follow_symlinks=False):
                if not wanted_folder(path):
                    continue
                if _is_utf8(name):
                    subfolders.append((entry.path, path + "/"))
                else:
                    report(path, NOT_UTF8)
            # A note: its folder passed is_ignored's other tests, so only its own name is tested.
            elif name.endswith(".md") and name[0] != "." and path != settings.dashboard:
                if _is_utf8(name):
                    yield path, entry
                else:
                    report(path, NOT_UTF8)
        folders += reversed(subfolders)


def link_problem(real_root: Path, link: str) -> str | None:
    """Why the notes behind ``link`` would be lost, or None when its target is in the vault."""
    try:
        target = Path(link).resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
        return "a symbolic link that leads nowhere (or round in a loop): not followed"
    if target.is_relative_to(real_root):
        return None
    return f"a symbolic link to {_printable(str(target))}, outside the vault: not followed"


def _is_utf8(name: str) -> bool:
    if name.isascii():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as lone surrogates
        return False
    return True


def _printable(path: str) -> str:
    """``path`` fit for a report: bytes that are not UTF-8 become U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def load_entry(root: Path, path: str, settings: Settings) -> Entry:
    """Read one note and decide what it contributes."""
    if CONFLICT_COPY.search(path):
        return _conflict_copy(path)
    return _entry(path, read_note_and_stat(root, path)[1], settings)


def load_record(root: Path, path: str, settings: Settings, now_ns: int) -> Record:
    """``load_entry``, with the note's signature (``vaultsync.cache``) taken as it was opened,
    before it was read: an edit while it is read is then seen by the next run."""
    from vaultsync.cache import signature, signature_of

    if CONFLICT_COPY.search(path):
        return signature(os.path.join(root, path), now_ns), _conflict_copy(path)
    info, note = read_note_and_stat(root, path)
    return signature_of(info, now_ns), _entry(path, note, settings)


def _conflict_copy(path: str) -> Entry:
    original = CONFLICT_COPY.sub("", path).replace(" .md", ".md")
    message = f"a sync tool's conflict copy of {original}: merge it there and delete it"
    return Entry(path, None, (NoteError(path, None, message),))


def _entry(path: str, note: Note | NoteError, settings: Settings) -> Entry:
    if isinstance(note, NoteError):
        return Entry(path, None, (note,))
    from vaultsync.contact import build_contact, is_contact  # not needed to scan or serve the cache

    if not is_contact(note, settings):
        return Entry(path, None)
    contact, problems = build_contact(note, settings)
    return Entry(path, contact, tuple(problems))


@dataclass(frozen=True)
class Scan:
    """The notes of a vault as found on disk, before any is read."""

    root: Path
    settings: Settings
    paths: tuple[str, ...]
    errors: tuple[NoteError, ...]  # folders that could not be read
    #: With ``stat``: each note's signature (``vaultsync.cache``), None when it changed just now.
    signatures: tuple[Signature | None, ...] | None = None


def scan_vault(root: Path, settings: Settings | None = None, *, stat: bool = False) -> Scan:
    """Find the notes of the vault at ``root`` (its own settings unless given)."""
    root = vault_root(root)
    settings = settings or load_settings(root)
    errors: list[NoteError] = []
    found = list(scan_notes(root, settings, errors))
    signatures = None
    if stat:
        from vaultsync.cache import signature

        now = time.time_ns()
        signatures = tuple(signature(entry, now) for _, entry in found)
    return Scan(root, settings, tuple(path for path, _ in found), tuple(errors), signatures)


def load_vault(
    root: Path,
    settings: Settings | None = None,
    *,
    cache: bool = False,
    processes: int | None = None,
) -> Vault:
    """Read every note of the vault at ``root`` (its own settings unless given).

    ``cache``: keep entries between runs in the cache folder (``vaultsync.cache``), so
    unchanged notes are not read again. ``processes``: how many processes read notes; by
    default two for a large vault when the platform allows (see ``vaultsync.parallel``).
    The garbage collector leaves alone the objects that exist afterwards (``gc.freeze``): the
    entries hold no cycles, and walking them again and again would cost a quarter of an audit.
    """
    return load_scan(scan_vault(root, settings, stat=cache), cache=cache, processes=processes)


def load_scan(scan: Scan, *, cache: bool = False, processes: int | None = None) -> Vault:
    """Read the notes ``scan`` found (see ``load_vault``)."""
    return load_and_evaluate(scan, None, cache=cache, processes=processes)[0]


def load_and_evaluate(
    scan: Scan, evaluate: Evaluate | None, *, cache: bool = False, processes: int | None = None
) -> tuple[Vault, list[Any], Scan]:
    """Read the notes ``scan`` found (see ``load_vault``), and pass every note's entry, a few
    hundred at a time, to ``evaluate``: in the process that read them, or in this one for the
    entries the cache held. Gives the vault, what each call of ``evaluate`` returned, and the
    scan as read: with ``cache``, each note's signature, taken before it was read."""
    collecting = gc.isenabled()
    gc.disable()  # a collection every few thousand new objects, each walking all of them so far
    try:
        entries, evaluated, signatures = _load_entries(scan, cache, processes, evaluate)
    finally:
        if collecting:
            gc.freeze()  # the entries live on and hold no cycles: spare them later collections too
            gc.enable()
    entries += [Entry(err.path, None, (err,)) for err in scan.errors]
    if signatures is not scan.signatures:
        scan = replace(scan, signatures=signatures)
    return Vault.from_entries(scan.root, scan.settings, entries), evaluated, scan


def _load_entries(
    scan: Scan, cache: bool, processes: int | None, evaluate: Evaluate | None
) -> tuple[list[Entry], list[Any], tuple[Signature | None, ...] | None]:
    from vaultsync import parallel

    root, settings = scan.root, scan.settings
    if not cache:
        items = [(path, None) for path in scan.paths]
        loaded = parallel.load(root, settings, items, processes=processes, evaluate=evaluate)
        read = [entry for chunk in loaded for entry in chunk.entries]
        return read, [chunk.evaluated for chunk in loaded], scan.signatures
    from vaultsync.cache import EntryCache, signature

    store = EntryCache.open(root, settings)
    signatures = scan.signatures
    # A first run has nothing to look up: each note is signed where it is read, in parallel
    # (taking 12,500 signatures here first costs a tenth of a cold audit).
    signed = signatures is None and store.empty
    if signatures is None and not signed:  # take the signatures now, before any read
        now = time.time_ns()
        signatures = tuple(signature(os.path.join(root, path), now) for path in scan.paths)
    entries: list[Entry] = []
    missing = []
    for path, sig in zip(scan.paths, signatures or [None] * len(scan.paths), strict=True):
        entry = store.get(path, sig)  # None for every note when signed: no signature yet, nothing cached
        if entry is None:
            missing.append((path, sig))
        else:
            entries.append(entry)
    evaluated = [evaluate(entries)] if evaluate is not None and entries else []
    signed_as: dict[str, Signature | None] = {}
    loaded = parallel.load(
        root, settings, missing, processes=processes, pickled=True, signed=signed, evaluate=evaluate
    )
    for chunk in loaded:
        store.add(chunk.records, chunk.blob)
        entries += chunk.entries
        evaluated.append(chunk.evaluated)
        if signed:
            signed_as.update((path, sig) for path, (sig, _) in chunk.records.items())
    store.save()
    if signed:
        signatures = tuple(signed_as[path] for path in scan.paths)
    return entries, evaluated, signatures


def find_vault(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``.obsidian/`` or ``.vaultsync.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".obsidian").is_dir() or (folder / CONFIG_FILE).is_file():
            return folder
    return None


def holds_contacts(folder: Path) -> bool:
    """Whether a note directly in ``folder`` is a contact: a plain folder of contact notes.
    Its subfolders are not looked into: that would be the walk the question is there to avoid."""
    from vaultsync.config import DEFAULTS
    from vaultsync.contact import is_contact

    try:
        with os.scandir(folder) as listing:
            names = sorted(e.name for e in listing if e.name.endswith(".md") and e.is_file())
    except OSError:
        return False
    for name in names:
        note = read_note_and_stat(folder, name)[1]
        if isinstance(note, Note) and not is_ignored(name, DEFAULTS) and is_contact(note, DEFAULTS):
            return True
    return False


def locate_vault(given: Path | None, start: Path, *, name_it: str = "--vault VAULT") -> Path:
    """The vault a command works in, found as git finds its repository.

    ``given`` is read as given. Otherwise the nearest folder at or above ``start`` holding
    ``.obsidian/`` or ``.vaultsync.toml``, else ``start`` when it holds contact notes itself;
    else a UsageError that says what would have been read and how to name the vault
    (``name_it``): run from a home folder, a command would otherwise read every note below it.
    """
    if given is not None:
        return vault_root(given)
    found = find_vault(start)
    if found is not None:
        return found
    start = vault_root(start)
    if holds_contacts(start):
        return start
    raise UsageError(
        f"{start.resolve()} is not in a vault (no .obsidian/ or {CONFIG_FILE} in it or above it, "
        f"and no contact notes in it), so vaultsync would read every note in it and its subfolders: "
        f"name the vault ({name_it}; . for this folder)"
    )
