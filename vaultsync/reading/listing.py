"""Which files of a vault are notes: the listing of its folders, before any note is read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vaultsync.config import Settings
from vaultsync.errors import UsageError
from vaultsync.reading.note import NoteError

NOT_UTF8 = "the name is not UTF-8 text: rename it so that vaultsync can read it"


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


#: Each folder a listing went through, with its status just before it was listed (None: gone).
Listed = list[tuple[str, os.stat_result | None]]


def note_paths(
    root: Path, settings: Settings, errors: list[NoteError], listed: Listed | None = None
) -> Iterator[str]:
    """Every note of the vault as a '/'-separated path, sorted; links are not followed."""
    return (path for path, _ in scan_notes(root, settings, errors, listed))


def scan_notes(
    root: Path, settings: Settings, errors: list[NoteError], listed: Listed | None = None
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """``note_paths``, each with its directory entry (whose ``stat`` is the note's lstat).

    Each folder's notes come sorted, then its folders, sorted, in turn (as ``os.walk`` would).
    What cannot be read is added to ``errors`` rather than lost in silence: a folder that cannot
    be listed, a name that is not UTF-8, a symbolic link that leads out of the vault or nowhere.
    Links are never followed (one whose target is in the vault is read there). ``listed``, when
    given, gets each folder listed with its status first: a note added to a folder or taken from
    it since then has changed that status."""
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
        if listed is not None:
            listed.append((folder, folder_status(folder)))
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


def folder_status(path: str) -> os.stat_result | None:
    """The status of the folder at ``path`` (links followed), or None when there is none."""
    try:
        return os.stat(path)
    except OSError:
        return None


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


@dataclass(frozen=True)
class Scan:
    """The notes of a vault as found on disk, before any is read."""

    root: Path
    settings: Settings
    paths: tuple[str, ...]
    errors: tuple[NoteError, ...]  # folders that could not be read
    #: When the store signed the notes: each one's file identity (``vaultsync.store.files.file_state``),
    #: None when it changed just now.
    signatures: tuple[tuple[int, ...] | None, ...] | None = None
