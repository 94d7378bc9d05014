"""Links to people as real vaults write them, and the contact each one names.

A meeting note names its people as wikilinks (``[[Ana Ortiz]]``, ``[[People/Ana|Ana]]``), as
Markdown links (``[Ana](People/Ana%20Ortiz.md)``), as plain names (``Ana Ortiz``) or as slugs
(``ana-ortiz``) that name a person's file or folder (``data/person/ana-ortiz/index.md``). All of
them are matched regardless of case, accents and Unicode form (``contact.name_key``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from vaultsync.model.contact import WIKILINK, Contact, name_key, path_stem
from vaultsync.model.people import FOLDER_NOTES

_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(<?([^)>]+)>?\)")


@lru_cache(maxsize=1 << 16)  # a watcher joins the same names after every save
def link_key(text: str) -> str:
    """``name_key``, kept for the names a watcher joins after every save."""
    return name_key(text)


def link_texts(value: Any) -> list[str]:
    """A property's links to people, as written: text or a list of text; an unquoted
    ``[[Name]]`` (which YAML reads as a list in a list) as its wikilink again."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, list):
            found += [f"[[{inner[0]}]]" if isinstance(inner, list) else str(inner) for inner in item]
        elif isinstance(item, str) and item.strip():
            found += _split(item)
    return [text for text in found if text.strip()]


def _split(text: str) -> list[str]:
    """One text value: every link in it, or the text itself as a name (names separated by commas
    are several people)."""
    links = [m.group(0) for m in WIKILINK.finditer(text)] + [
        m.group(0) for m in _MARKDOWN_LINK.finditer(text)
    ]
    if links:
        return links
    return [part.strip() for part in text.split(",")]


def targets(text: str) -> tuple[str, ...]:
    """What a link may name, most precise first: the path or file it points to, then the name it
    shows."""
    text = text.strip()
    wiki = WIKILINK.fullmatch(text)
    if wiki:
        return tuple(filter(None, ((wiki.group(1) or "").strip(), (wiki.group(2) or "").strip())))
    md = _MARKDOWN_LINK.fullmatch(text)
    if md:
        return tuple(filter(None, (unquote(md.group(2).strip()), md.group(1).strip())))
    return (text,) if text else ()


class PeopleIndex:
    """The contacts of a vault by every way a link may name them: path, file name, name, aliases,
    and the folder of a folder note (``index.md``)."""

    def __init__(self, contacts: Iterable[Contact]) -> None:
        self._by_path: dict[str, Contact] = {}
        self._by_key: dict[str, Contact] = {}
        for contact in contacts:
            self._by_path.setdefault(link_key(contact.path.removesuffix(".md")), contact)
            keys = [path_stem(contact.path), contact.name, *contact.aliases]
            folder = contact.path.rpartition("/")[0]
            if folder and path_stem(contact.path).casefold() in FOLDER_NOTES:
                keys.append(folder.rpartition("/")[2])
            for key in keys:
                self._by_key.setdefault(link_key(key), contact)

    def find(self, text: str) -> Contact | None:
        """The contact the link ``text`` names, or None."""
        for target in targets(text):
            path = target.split("#")[0].removesuffix(".md").strip("/")
            if "/" in path:
                found = self._by_path.get(link_key(path))
                if found is None and path.rpartition("/")[2].casefold() in FOLDER_NOTES:
                    path = path.rpartition("/")[0]  # a link to a person's index.md: their folder
                found = found or self._by_key.get(link_key(path.rpartition("/")[2]))
            else:
                found = self._by_key.get(link_key(path))
            if found is not None:
                return found
        return None

    @property
    def by_key(self) -> Mapping[str, Contact]:
        return self._by_key
