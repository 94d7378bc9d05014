"""The files a build writes into the vault, and how they are told apart from the user's notes.

A driver that watches the vault ignores ``output_paths``, so writing an output never triggers
another build; a note whose front-matter says ``generated_by: vaultsync`` is never a contact,
wherever it lies; and a file that is not the output vaultsync writes there (a note without
that marker, a calendar without vaultsync's PRODID) is never overwritten by an output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vaultsync.config import Settings
from vaultsync.reading.marker import GENERATED_BY, GENERATED_KEY, is_generated
from vaultsync.reading.note import Note, parse_note
from vaultsync.store.files import Ours, write_if_changed

#: How the calendar's PRODID begins, whatever vaultsync's version (calendar.PRODID).
PRODID_START = "-//vaultsync//vaultsync "


def _not_ours(begin: str, kind: str) -> Callable[[bytes], str | None]:
    """What a file is when it is not the ``kind`` of file vaultsync writes (see ``Ours``)."""

    def foreign(head: bytes) -> str | None:
        if not head.startswith(begin.encode()):
            return f"not {kind} file: it does not begin with {begin}"
        if b"\nPRODID:" + PRODID_START.encode() not in head:
            return f"{kind} file another program wrote: its PRODID is not vaultsync's"
        return None

    return foreign


def _not_generated_note(head: bytes) -> str | None:
    parsed = parse_note("", head)
    if isinstance(parsed, Note) and is_generated(parsed.meta):
        return None
    return f"no '{GENERATED_KEY}: {GENERATED_BY}' in its front-matter"


#: The calendar vaultsync writes, its contacts as vCards, and the notes it writes (the dashboard).
CALENDAR = Ours(_not_ours("BEGIN:VCALENDAR", "an iCalendar"))
VCARDS = Ours(_not_ours("BEGIN:VCARD", "a vCard"))
GENERATED_NOTE = Ours(_not_generated_note, "note")


def vault_file(root: Path, setting: str) -> Path:
    """A path from the config: ``~`` expanded, relative paths taken from the vault root."""
    path = Path(setting).expanduser()
    return path if path.is_absolute() else root / path


def dashboard_path(root: Path, settings: Settings) -> Path | None:
    """Where the dashboard note goes, or None when the config does not ask for one."""
    return root / settings.dashboard if settings.dashboard else None


def output_paths(root: Path, settings: Settings, calendar: Path | None = None) -> set[str]:
    """The '/'-separated paths, relative to ``root``, of the files a build writes inside the vault.

    ``calendar`` is the calendar path when a driver overrides the configured one. Outputs
    written outside the vault are left out. The temporary files of an atomic write start with
    a dot, like every other hidden file the vault ignores.
    """
    found = set()
    targets = [calendar or vault_file(root, settings.calendar_path), dashboard_path(root, settings)]
    base = root.resolve()
    for target in targets:
        if target is None:
            continue
        try:
            found.add(target.resolve().relative_to(base).as_posix())
        except ValueError:
            continue
    return found


def calendar_path_problem(root: Path, path: Path) -> str | None:
    """Why a calendar must not be written at ``path`` in the vault at ``root``, whatever is there
    now, or None. (A file that is there and is not vaultsync's calendar the writer refuses.)"""
    if path.is_dir():
        return f"{path} is a folder: set calendar_path (or --calendar) to a file"
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    if path.suffix.lower() == ".md":
        return (
            f"{path} is a note's name inside the vault: every scan would read the calendar as a "
            "note, and each build would overwrite a note of yours there; end calendar_path "
            "(or --calendar) in .ics"
        )
    return None


def write_generated_note(path: Path, text: str) -> bool:
    """Write a generated note (only when its bytes change); True when written.

    Refuses, with an OutputError, to replace a note that vaultsync did not write: a setting
    pointing at a real note must not destroy it.
    """
    return write_if_changed(path, text.encode("utf-8"), GENERATED_NOTE)
