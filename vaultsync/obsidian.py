"""Obsidian's own settings that vaultsync follows: the files under ``.obsidian/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def obsidian_json(root: Path, *parts: str) -> dict[str, Any]:
    """A JSON settings file of Obsidian or a plugin; {} when absent or unreadable."""
    import json

    try:
        data = json.loads((root / ".obsidian").joinpath(*parts).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def obsidian_folder(value: Any) -> str:
    """A folder as Obsidian's settings write it, '/'-separated from the vault root; '' for none."""
    return value.replace("\\", "/").strip("/") if isinstance(value, str) else ""


def obsidian_template_folders(root: Path) -> tuple[str, ...]:
    """The templates folders set in Obsidian's core Templates settings and in Templater's."""
    folders = (
        obsidian_folder(obsidian_json(root, "templates.json").get("folder")),
        obsidian_folder(
            obsidian_json(root, "plugins", "templater-obsidian", "data.json").get("templates_folder")
        ),
    )
    return tuple(dict.fromkeys(f for f in folders if f and f != ".." and not f.startswith("../")))
