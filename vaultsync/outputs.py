"""The files a build writes into the vault, and how they are told apart from the user's notes.

A driver that watches the vault ignores ``output_paths``, so writing an output never triggers
another build; a note whose front-matter says ``generated_by: vaultsync`` is never a contact,
wherever it lies; and a note that lacks that marker is never overwritten by an output.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vaultsync.config import Settings
from vaultsync.errors import OutputError
from vaultsync.files import write_if_changed
from vaultsync.note import Note, parse_note

#: The front-matter property (and value) that marks a note vaultsync wrote.
GENERATED_KEY = "generated_by"
GENERATED_BY = "vaultsync"


def is_generated(meta: Mapping[str, Any]) -> bool:
    """True for the front-matter of a note vaultsync wrote (the dashboard)."""
    return meta.get(GENERATED_KEY) == GENERATED_BY


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


def write_generated_note(path: Path, text: str) -> bool:
    """Write a generated note (only when its bytes change); True when written.

    Refuses, with an OutputError, to replace a note that vaultsync did not write: a setting
    pointing at a real note must not destroy it.
    """
    try:
        existing = path.read_bytes()
    except FileNotFoundError:
        existing = None
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from None
    if existing is not None:
        parsed = parse_note(path.name, existing)
        if not (isinstance(parsed, Note) and is_generated(parsed.meta)):
            raise OutputError(
                f"{path} exists and was not written by vaultsync (no '{GENERATED_KEY}: {GENERATED_BY}' "
                "in its front-matter): not replaced; choose another path or move that note"
            )
    return write_if_changed(path, text.encode("utf-8"))
