"""The YAML of a note's front-matter as PyYAML (with libyaml when installed) loads it: the
loader, which keeps an impossible date as text (``InvalidDate``) and notes a key written twice
(``Duplicate``); the bounds on the front-matter's shape, checked before and after loading; and
the lines and the written text of the properties, for messages. ``note`` splits a note and
calls here.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: Bounds on the front-matter's shape, which YAML aliases could otherwise blow up.
MAX_NODES = 20_000
MAX_DEPTH = 32
#: What libyaml (as bundled from PyYAML 6.0.4) says when it stops at its own nesting limit,
#: "while increasing flow level" or "block level": deeper than MAX_DEPTH, so the same refusal.
LIBYAML_DEPTH_LIMIT = "exceeded maximum nesting depth"
#: Longer front-matter is walked event by event before it is loaded (see check_shape).
SCAN_ABOVE = 4096

BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HAVE_LIBYAML = BASE_LOADER is not yaml.SafeLoader

_TOP_LEVEL_KEY = re.compile(r"^([^\s#:'\"-][^:\n]*?|'[^'\n]*'|\"[^\"\n]*\")[ \t]*:(\s|$)", re.MULTILINE)


class InvalidDate(str):
    """An unquoted date-shaped value that is no real date, like ``2026-02-30``.

    Kept as text so the one property can be reported instead of the whole note failing."""


class Duplicate(NamedTuple):
    """A key written more than once in one mapping of the front-matter."""

    key: str
    lines: tuple[int, ...]  # the file lines it is written on
    used: int  # the line whose value is read
    top: bool  # a property, not a key inside one


_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"


class Loader(BASE_LOADER):  # type: ignore[misc]
    """libyaml's safe loader, except that an impossible date does not sink the whole note, and
    a key written twice is noted in ``duplicates`` (YAML would keep its last value without a word)."""

    def __init__(self, stream: str, duplicates: list[Duplicate] | None = None) -> None:
        super().__init__(stream)
        self.duplicates: list[Duplicate] = [] if duplicates is None else duplicates
        self.root: Node | None = None

    def construct_document(self, node: Node) -> Any:
        self.root = node
        return super().construct_document(node)

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        own = [pair for pair in node.value if pair[0].tag != _MERGE] if isinstance(node, MappingNode) else []
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if len(own) <= len(mapping) and len(own) == len({self.construct_object(k) for k, _ in own}):
            return mapping  # the usual case: no key twice
        written: dict[Any, list[tuple[Node, Node]]] = {}
        for key_node, value_node in own:
            written.setdefault(self.construct_object(key_node), []).append((key_node, value_node))
        for key, pairs in written.items():
            if len(pairs) == 1:
                continue
            # The last value, unless it is empty and an earlier one is not: a template's empty
            # "interviews:" left above the one the user filled in.
            filled = [pair for pair in pairs if not _empty(pair[1])] or pairs
            used_key, used_value = filled[-1]
            mapping[key] = self.construct_object(used_value, deep=deep)
            lines = tuple(k.start_mark.line + 2 for k, _ in pairs)
            self.duplicates.append(
                Duplicate(str(key), lines, used_key.start_mark.line + 2, node is self.root)
            )
        return mapping


def _empty(node: Node) -> bool:
    """Nothing written: ``key:``, ``key: ""``, ``key: []``."""
    if isinstance(node, ScalarNode):
        return node.tag == _NULL or not node.value.strip()
    return not node.value


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, AttributeError):  # AttributeError: an explicit !!timestamp on non-date text
        return InvalidDate(loader.construct_scalar(node))


Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def as_written(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        return None if node.tag == _NULL else node.value
    if isinstance(node, SequenceNode):
        return [as_written(item) for item in node.value]
    return {str(k.value): as_written(v) for k, v in node.value}


class TooBig(Exception):
    pass


def check_shape(yaml_text: str) -> None:
    """Raise TooBig as soon as the YAML's events overrun the bounds, before any node is built.

    libyaml composes nodes recursively (deep enough nesting overflows the C stack and kills the
    process) and builds all of them before plain can count (a note full of short values then
    takes seconds and hundreds of MB: docs/performance.md). Walking the events is iterative and
    stops early. Keys count as events but not as
    values, hence twice the budget: plain stays the judge of what is accepted."""
    depth = events = 0
    for event in yaml.parse(yaml_text, Loader=BASE_LOADER):
        if isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            continue
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            continue
        events += 1
        if events > 2 * MAX_NODES or depth > MAX_DEPTH + 1:
            raise TooBig


def plain(value: Any) -> Any:
    """Copy the loaded YAML into plain values; raise TooBig on alias bombs and self-references."""
    budget = [MAX_NODES]

    def walk(node: Any, depth: int, seen: frozenset[int]) -> Any:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_DEPTH:
            raise TooBig
        if isinstance(node, dict):
            if id(node) in seen:
                raise TooBig
            inner = seen | {id(node)}
            return {str(k): walk(v, depth + 1, inner) for k, v in node.items()}
        if isinstance(node, list):
            if id(node) in seen:
                raise TooBig
            inner = seen | {id(node)}
            return [walk(v, depth + 1, inner) for v in node]
        if isinstance(node, (bytes, set)):
            return str(node)
        return node

    return walk(value, 0, frozenset())


def top_level_lines(yaml_text: str) -> dict[str, int]:
    """Top-level property name -> file line, for pointing at a bad value."""
    lines: dict[str, int] = {}
    line, counted = 2, 0
    for match in _TOP_LEVEL_KEY.finditer(yaml_text):
        line += yaml_text.count("\n", counted, match.start())
        counted = match.start()
        lines.setdefault(match.group(1).strip("'\""), line)
    return lines
