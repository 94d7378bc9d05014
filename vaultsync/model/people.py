"""People notes as vaults keep them: by folder, as a folder's ``index.md``, with nested details.

Authors mark people by folder (``People/``, ``30 Records/20 People/``, ``data/person/<slug>/``),
name every person's note ``index.md`` in a folder of its own, and nest their details
(``contacts: {phone: ..., mail: ...}``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from vaultsync.config import Settings
from vaultsync.properties import property_key
from vaultsync.reading.note import Note

#: File names that stand for their folder: the person is the folder (``ada-lovelace/index.md``).
FOLDER_NOTES = frozenset({"index", "readme", "_index"})
#: A folder named for people, with or without a number prefix ("20 People", "03-contacts").
_PEOPLE_FOLDER = re.compile(r"(?:\d+[\s._-]*)?(?:people|persons?|contacts)", re.IGNORECASE)
_FIRST_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
#: What may be nested: the details a contact is reached by.
_DETAILS = ("email", "phone", "address", "profile")


@lru_cache(maxsize=4096)  # a vault's notes share a few folders
def _people_folder(folder: str) -> bool:
    return any(_PEOPLE_FOLDER.fullmatch(part) for part in folder.split("/"))


def in_people_folder(note: Note, settings: Settings) -> bool:
    """Whether ``note`` is under a folder named for people, at any depth, and says nothing else
    of itself: a ``type`` that is not a contact's (``type: company``) is what it is."""
    folder = note.path.rpartition("/")[0]
    if not (settings.people_folders and folder and _people_folder(folder)):
        return False
    return not any(property_key(key) == "type" and value for key, value in note.meta.items())


def default_name(note: Note) -> str | None:
    """The name of a folder note (``index.md``, ``README.md``) that has no ``name``: its first
    heading, else its folder; None for any other note (its file name is its name)."""
    stem = note.path.rpartition("/")[2].rpartition(".")[0]
    folder = note.path.rpartition("/")[0]
    if stem.casefold() not in FOLDER_NOTES or not folder:
        return None
    heading = _FIRST_HEADING.search(note.body)
    return heading.group(1).strip() if heading else folder.rpartition("/")[2]


def nested_details(note: Note, settings: Settings) -> Mapping[str, tuple[str, Any]]:
    """The ways to reach a person written inside a table (``contacts: {phone: ..., mail: ...}``):
    canonical name -> (key as written, value as text)."""
    lookup = settings.property_lookup
    found: dict[str, tuple[str, Any]] = {}
    for key, table in note.meta.items():
        if not isinstance(table, dict):
            continue
        for inner, value in table.items():
            canonical = lookup.get(property_key(str(inner)))
            if canonical in _DETAILS and value not in (None, "") and not isinstance(value, (dict, bool)):
                text = value if isinstance(value, (str, list)) else str(value)
                found.setdefault(canonical, (f"{key}.{inner}", text))
    return found
