"""Reading one note: bytes -> front-matter properties + body, or a NoteError saying why not.

This module and ``front_matter`` (the YAML loader and its bounds) are the only ones that
touch YAML. It never raises for bad input: every problem becomes a ``NoteError`` with the
note's path, the file line when known, and the reason.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

from vaultsync.reading.fastyaml import FrontMatterReader
from vaultsync.reading.front_matter import (
    BASE_LOADER,
    LIBYAML_DEPTH_LIMIT,
    MAX_DEPTH,
    MAX_NODES,
    SCAN_ABOVE,
    Duplicate,
    Loader,
    TooBig,
    as_written,
    check_shape,
    plain,
    top_level_lines,
)
from vaultsync.reading.sections import Sections, read_sections
from vaultsync.reading.stats import ReadStats

#: Larger notes are refused unread: nobody types 4 MiB of notes about one person.
MAX_NOTE_BYTES = 4 * 1024 * 1024
NOT_REGULAR = "is not a regular file (a pipe, socket or device): not read"
TOO_LARGE = f"larger than {MAX_NOTE_BYTES // (1024 * 1024)} MiB: not read"

_DELIMITER = re.compile(r"---[ \t]*")
#: The newline before the closing line: a search that starts with a plain character is quicker.
_CLOSING_LINE = re.compile(r"\n(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class NoteError:
    """A note that could not be read, or one property of it that could not be used."""

    path: str
    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Note:
    path: str  # relative to the vault, '/'-separated
    meta: Mapping[str, Any]
    body: str
    body_line: int  # file line (1-based) of the body's first line
    front_matter: str = ""  # the YAML text, from file line 2
    duplicates: tuple[Duplicate, ...] = ()  # keys written twice, in the order met

    @cached_property
    def key_lines(self) -> Mapping[str, int]:
        """Property -> file line; worked out only when a problem is reported (most notes have none)."""
        lines = top_level_lines(self.front_matter)
        lines.update((d.key, d.used) for d in self.duplicates if d.top)
        return lines

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)

    def written(self, key: str) -> Any:
        """The property ``key`` as the note writes it: every value YAML types (``yes``, ``10:30``,
        ``0755``, a date) as the text written, an empty one as None; None when there is none.
        Worked out only when asked (for a message, or a text property YAML read as a number)."""
        return self._written.get(key)

    @cached_property
    def _written(self) -> dict[str, Any]:
        try:
            root = yaml.compose(self.front_matter, Loader=BASE_LOADER)
        except (yaml.YAMLError, RecursionError):  # cannot be: the note was read; then nothing known
            return {}
        if not isinstance(root, MappingNode):
            return {}
        used = {d.key: d.used for d in self.duplicates if d.top}
        found: dict[str, Any] = {}
        for key_node, value_node in root.value:
            if not isinstance(key_node, ScalarNode):
                continue
            key = key_node.value
            if key not in used or used[key] == key_node.start_mark.line + 2:
                found[key] = as_written(value_node)
        return found


def flow_text(value: Any) -> str:
    """A value as YAML's one-line (flow) style writes it, for a message: never a Python repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(flow_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow_text(k)}: {flow_text(v)}" for k, v in value.items()) + "}"
    return str(value)


class NoteReader:
    """Reads notes, keeping from one note to the next what makes the next quicker (the fast
    paths' memo of front-matter lines), and counting in ``stats`` which way each was read.

    ``fast_paths=False``: PyYAML's loader and markdown-it only, never the line scans in front of
    them; the notes read are the same either way (the tests compare the two). One reader per
    caller that reads many notes (a vault load, the watcher's index); not shared by threads."""

    def __init__(self, *, fast_paths: bool = True) -> None:
        self.fast_paths = fast_paths
        self.stats = ReadStats()
        self._front_matter = FrontMatterReader(self.stats) if fast_paths else None

    def read(self, root: Path, path: str) -> Note | NoteError:
        """Read ``root/path`` without following it out of the vault (the caller checked that).

        Only a regular file is read, and only when it is small enough: a pipe named ``x.md``
        would block forever, a 50 MB note would fill memory for nothing. The file is opened
        without following a symbolic link, in case one replaced the note since it was listed."""
        return self.read_and_stat(root, path)[1]

    def read_and_stat(self, root: Path, path: str) -> tuple[os.stat_result | None, Note | NoteError]:
        """``read``, and the file's status as it was opened, before it was read (None when it
        could not be opened)."""
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        info = None
        try:
            fd = os.open(os.path.join(root, path), flags)
            try:
                info = os.fstat(fd)
                if stat.S_ISDIR(info.st_mode):
                    return info, NoteError(path, None, "is a folder, not a note")
                if not stat.S_ISREG(info.st_mode):
                    return info, NoteError(path, None, NOT_REGULAR)
                if info.st_size > MAX_NOTE_BYTES:
                    return info, NoteError(path, None, TOO_LARGE)
                data = read_up_to(fd, info.st_size + 1)  # not MAX_NOTE_BYTES: read(n) allocates n bytes first
            finally:
                os.close(fd)
        except FileNotFoundError:
            return info, NoteError(path, None, "the note disappeared while it was being read")
        except OSError as err:
            if err.errno == errno.ELOOP:
                return info, NoteError(
                    path, None, "became a symbolic link while it was being read: not followed"
                )
            return info, NoteError(path, None, f"cannot read: {err.strerror or err}")
        return info, self.parse(path, data)

    def parse(self, path: str, data: bytes) -> Note | NoteError:
        """Parse a note's bytes. The same bytes always give the same result."""
        if len(data) > MAX_NOTE_BYTES:
            return NoteError(path, None, TOO_LARGE)
        if b"\0" in data:
            return NoteError(path, None, "contains NUL bytes: not a text note")
        bom = len(codecs.BOM_UTF8) if data[:3] == codecs.BOM_UTF8 else 0
        try:
            text = data.decode("utf-8-sig" if bom else "utf-8")  # utf-8's decoder is quicker
        except UnicodeDecodeError as err:
            where = err.start + bom  # utf-8-sig counts from after the byte-order mark
            line = data.count(b"\n", 0, where) + 1
            return NoteError(path, line, f"not UTF-8 (byte 0x{data[where]:02X}): re-save the note as UTF-8")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        first_end = text.find("\n")
        if not _DELIMITER.fullmatch(text if first_end < 0 else text[:first_end]):
            return Note(path, {}, text, 1)
        closing = _CLOSING_LINE.search(text, first_end) if first_end >= 0 else None
        if closing is None:
            return NoteError(path, 1, "the front-matter opened on line 1 is never closed with ---")
        yaml_text = text[first_end + 1 : closing.start()]
        body = text[closing.end() + 1 :]
        body_line = text.count("\n", 0, closing.start()) + 3  # the closing line's number, plus one
        if self._front_matter is not None:
            meta = self._front_matter.load_mapping(yaml_text, Loader, MAX_NODES, MAX_DEPTH)
            if meta is not None:
                return Note(path, meta, body, body_line, yaml_text)
        self.stats.front_matter_loader += 1
        loaded = _meta(path, yaml_text)  # not the common case: the ordinary loader decides, and explains
        if isinstance(loaded, NoteError):
            return loaded
        return Note(path, loaded[0], body, body_line, yaml_text, loaded[1])

    def sections(self, body: str, body_line: int) -> Sections:
        """``vaultsync.reading.sections.read_sections``, by this reader's paths, counted."""
        return read_sections(body, body_line, fast=self.fast_paths, stats=self.stats)


def read_note(root: Path, path: str) -> Note | NoteError:
    """``NoteReader.read`` by a reader of its own: for a note read on its own."""
    return NoteReader().read(root, path)


def read_note_and_stat(root: Path, path: str) -> tuple[os.stat_result | None, Note | NoteError]:
    """``NoteReader.read_and_stat`` by a reader of its own."""
    return NoteReader().read_and_stat(root, path)


def parse_note(path: str, data: bytes) -> Note | NoteError:
    """``NoteReader.parse`` by a reader of its own. Pure: the same bytes give the same result."""
    return NoteReader().parse(path, data)


def read_up_to(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``fd``, to the end of the file, as a file object's ``read(limit)``
    gives them, without making the file object (which costs more than the reads themselves)."""
    parts = []
    while limit > 0 and (part := os.read(fd, limit)):
        parts.append(part)
        limit -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _meta(path: str, yaml_text: str) -> tuple[dict[str, Any], tuple[Duplicate, ...]] | NoteError:
    try:
        read = _load_yaml(path, yaml_text)
        if isinstance(read, NoteError):
            return read
        loaded, duplicates = read
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            kind = "a list" if isinstance(loaded, list) else "a single value"
            return NoteError(path, 2, f"the front-matter is {kind}, not properties (key: value lines)")
        return plain(loaded), duplicates
    except TooBig:
        return NoteError(
            path,
            2,
            "the front-matter is too large or too deeply nested (over "
            f"{MAX_NODES} values or {MAX_DEPTH} levels, or a self-referencing YAML alias)",
        )


def _load_yaml(path: str, yaml_text: str) -> tuple[Any, tuple[Duplicate, ...]] | NoteError:
    """The front-matter's values by python-frontmatter's YAML handler (the design's library for
    front-matter) with libyaml's loader above; and the keys written twice. Only its handler:
    its ``loads`` would refuse a property named ``content`` or ``handler``, read a BOM'd note as
    no properties and take blank lines before ``---`` (Obsidian does not), so the note is split
    here, and the block handed to it is YAML only."""
    from frontmatter.default_handlers import YAMLHandler  # not at the top: most notes never need it

    try:
        if len(yaml_text) > SCAN_ABOVE:
            check_shape(yaml_text)
        duplicates: list[Duplicate] = []
        loaded = YAMLHandler().load(yaml_text, Loader=partial(Loader, duplicates=duplicates))
        return loaded, tuple(duplicates)
    except yaml.MarkedYAMLError as err:
        if err.problem == LIBYAML_DEPTH_LIMIT:
            raise TooBig from None  # libyaml's own bound (PyYAML 6.0.4), far above MAX_DEPTH
        mark = err.problem_mark or err.context_mark
        unclosed = (err.problem or "").startswith("found unexpected end of stream") or (
            err.context or ""
        ).startswith("while parsing a flow")
        if err.context_mark is not None and unclosed:
            mark = err.context_mark  # an unclosed quote or bracket: point at where it opened
        line = mark.line + 2 if mark is not None else None
        reason = "; ".join(filter(None, (err.context, err.problem))) or "invalid YAML"
        hint = ""
        if "{{" in yaml_text or "<%" in yaml_text:
            hint = " (a template placeholder like {{date}} must be filled in or quoted)"
        return NoteError(path, line, f"invalid YAML in the front-matter: {reason}{hint}")
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as err:
        return NoteError(path, None, f"invalid YAML in the front-matter: {err}")
