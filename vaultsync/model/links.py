"""Links to people as real vaults write them, and the contact each one names.

A meeting note names its people as wikilinks (``[[Ana Ortiz]]``, ``[[People/Ana|Ana]]``), as
Markdown links (``[Ana](People/Ana%20Ortiz.md)``), as plain names (``Ana Ortiz``) or as slugs
(``ana-ortiz``) that name a person's file or folder (``data/person/ana-ortiz/index.md``). All of
them are matched regardless of case, accents and Unicode form (``contact.name_key``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


#: The two tables a link is looked up in: a contact's path (without ``.md``), and its other names.
PATH, NAME = 0, 1
Key = tuple[int, str]  # (table, link_key)


@lru_cache(maxsize=1 << 16)  # a watcher looks the same links up after every save
def lookups(text: str) -> tuple[Key, ...]:
    """Where the link ``text`` is looked up, in order: the first key a contact has names it."""
    out: list[Key] = []
    for target in targets(text):
        path = target.split("#")[0].removesuffix(".md").strip("/")
        if "/" in path:
            out.append((PATH, link_key(path)))
            if path.rpartition("/")[2].casefold() in FOLDER_NOTES:
                path = path.rpartition("/")[0]  # a link to a person's index.md: their folder
            out.append((NAME, link_key(path.rpartition("/")[2])))
        else:
            out.append((NAME, link_key(path)))
    return tuple(dict.fromkeys(out))


def contact_keys(contact: Contact) -> tuple[Key, ...]:
    """Every key that names ``contact``: its path, file name, name, aliases, and the folder of a
    folder note (``index.md``)."""
    stem = path_stem(contact.path)
    names = [stem, contact.name, *contact.aliases]
    folder = contact.path.rpartition("/")[0]
    if folder and stem.casefold() in FOLDER_NOTES:
        names.append(folder.rpartition("/")[2])
    keys = [(PATH, link_key(contact.path.removesuffix(".md")))]
    keys += [(NAME, link_key(name)) for name in names]
    return tuple(dict.fromkeys(keys))


class PeopleIndex:
    """The contacts of a vault by every key that names them; where two share a key, the first by
    path has it."""

    def __init__(self, contacts: Iterable[Contact]) -> None:
        self._by: dict[Key, Contact] = {}
        for contact in contacts:
            for key in contact_keys(contact):
                self._by.setdefault(key, contact)

    def find(self, text: str) -> Contact | None:
        """The contact the link ``text`` names, or None."""
        for key in lookups(text):
            found = self._by.get(key)
            if found is not None:
                return found
        return None
