"""Front-matter YAML in the common case, without PyYAML's Python composer and constructor.

``yaml.load`` with libyaml still composes a Python node per value and constructs values in pure
Python, and that, not libyaml's parsing, is most of its time on front-matter (docs/performance.md
has the figures). Front-matter is almost always
a flat mapping of text, dates and lists, so ``FrontMatterReader.load_mapping`` tries, in turn:

1. a line scan of ``key: value`` and ``- item`` lines (``_Loader.flat``), which remembers what
   each line holds: most lines (``tags:``, ``  - person``, a date) recur from note to note;
2. libyaml's event stream, built straight into values (``_Loader.build``).

Both resolve plain scalars with the loader's own implicit resolvers and construct non-text
values with its own constructors, so ``yes``, ``10:30`` or ``2026-02-30`` come out as PyYAML
makes them. Anything outside the common case (anchors, aliases, explicit tags, merge keys, a
key written twice, a parse error, a document that is not a mapping, oversized input) gives
None, and the caller loads the text the ordinary way, which gives the same values or the error
to report (or the key written twice).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from vaultsync.reading.stats import ReadStats

CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML without libyaml: the ordinary loader does all the work
    CParser = None
else:
    CParser = _CParser

_STR = "tag:yaml.org,2002:str"
#: Implicit tags built with the loader's constructors; any other (merge ``<<``, value ``=``) falls back.
_CONSTRUCTED = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "timestamp")
)


class _Fallback(Exception):
    """Not the common case: let the ordinary loader decide."""


class _Loader:
    """The loader class's implicit resolvers and constructors, looked up once."""

    def __init__(self, loader_class: Any) -> None:
        self.instance = loader_class("")
        self.constructors = loader_class.yaml_constructors
        wildcard = loader_class.yaml_implicit_resolvers.get(None, [])
        self.by_first = {
            first: tuple(resolvers + wildcard)
            for first, resolvers in loader_class.yaml_implicit_resolvers.items()
            if first is not None
        }
        self.wildcard = tuple(wildcard)
        self.rows: dict[str, tuple[Any, str, Any]] = {}  # a line -> its row, unless its value is a list
        self.keys: dict[str, Any] = {}  # a key's text -> the key: a vault has few

    def flat(self, text: str, budget: int) -> dict[Any, Any]:
        """The commonest front-matter of all, line by line: ``key: value`` and ``key:`` followed
        by ``- item`` lines, values plain, simply quoted or ``[a, b]``. Raises _Fallback for
        anything else (comments, blank lines, nesting, escapes, multi-line values, ...)."""
        if not text or text.count("\n") >= budget:
            raise _Fallback  # over budget: known before the split makes a string of every line
        mapping: dict[Any, Any] = {}
        key: Any = _NO_KEY  # the key with nothing after its colon: a block sequence may follow
        items: list[Any] | None = None
        indent = ""
        rows = self.rows
        for line in text.split("\n"):
            row = rows.get(line)
            if row is None:
                row = self.row(line)
            name, item_indent, value = row
            if name is _ITEM:
                if key is _NO_KEY:
                    raise _Fallback
                if items is None:
                    items, indent = [], item_indent
                    mapping[key] = items
                elif item_indent != indent:
                    raise _Fallback
                items.append(value)
            elif name in mapping:
                raise _Fallback  # a key written twice: the ordinary loader notes it
            elif value is _EMPTY:
                mapping[name] = None
                key, items = name, None
            else:
                mapping[name] = value
                key, items = _NO_KEY, None
        if all(type(name) is str for name in mapping):
            return mapping
        return {str(name): value for name, value in mapping.items()}  # as front_matter.plain does

    def row(self, line: str) -> tuple[Any, str, Any]:
        """One line as (key, "", value), (key, "", _EMPTY) or (_ITEM, indent, item). Remembered
        unless the value is a list or the line long: most lines recur in note after note (dates,
        places, tags), and the memo stays a few MiB in a watcher that runs for days."""
        match = _FLAT_LINE.fullmatch(line)
        if match is None:
            raise _Fallback
        name, indent, text = match.groups()
        if name is None:
            row = (_ITEM, indent, self.value(text or ""))
        else:
            key = self.keys.get(name, _NO_KEY)
            if key is _NO_KEY:
                key = _remember(self.keys, name, self.plain(name))
            row = (key, "", self.value(text) if text else _EMPTY)
        if type(row[2]) is not list and len(line) <= 200:
            _remember(self.rows, line, row)
        return row

    def value(self, text: str) -> Any:
        """A value on one line, spaces trimmed: quoted text, a flow sequence, or a plain scalar."""
        first = text[:1]
        if first == '"' or first == "'":
            inner = text[1:-1]
            if len(text) < 2 or text[-1] != first or first in inner or "\\" in inner:
                raise _Fallback  # escapes, or more after the closing quote
            return inner
        if first == "[":
            inner = text[1:-1]
            if text[-1] != "]":
                raise _Fallback
            if '"' in inner or "'" in inner:
                return self.quoted_items(inner)
            if any(c in inner for c in _NOT_IN_FLOW):
                raise _Fallback
            parts = [part.strip(" ") for part in inner.split(",")]
            if parts == [""]:
                return []
            if "" in parts:
                raise _Fallback
            return [self.plain(part) for part in parts]
        return self.plain(text)

    def quoted_items(self, inner: str) -> list[Any]:
        """A one-line flow sequence with quoted items (``["[[Ana]]", 'Ben', Cy]``, as Obsidian
        links people), item by item: quoted text without escapes or its own quote, or a plain
        scalar that holds no flow indicator, quote, ``#`` or ``:``. Anything else falls back."""
        items: list[Any] = []
        start = 0
        while True:
            match = _FLOW_ITEM.match(inner, start)
            if match is None:
                raise _Fallback
            double, single, plain, comma = match.groups()
            if double is not None:
                items.append(double)
            elif single is not None:
                items.append(single)
            else:
                items.append(self.plain(plain))
            if not comma:
                return items
            start = match.end()

    def plain(self, text: str) -> Any:
        """A plain scalar as the loader resolves and constructs it."""
        if text[:1] in _INDICATORS or ": " in text or " #" in text or text[-1:] == ":":
            raise _Fallback
        for tag, regexp in self.by_first.get(text[:1], self.wildcard):
            if regexp.match(text):
                if tag not in _CONSTRUCTED:
                    raise _Fallback
                return self.constructors[tag](self.instance, ScalarNode(tag, text))
        return text

    def build(self, text: str, budget: int, max_depth: int) -> dict[str, Any]:
        """Raises _Fallback outside the common case."""
        get = CParser(text).get_event
        if type(get()) is not StreamStartEvent:
            raise _Fallback
        start: Any = get()
        if type(start) is not DocumentStartEvent or start.version or start.tags:
            raise _Fallback
        by_first, wildcard = self.by_first, self.wildcard
        containers: list[Any] = []  # the open mappings and sequences, innermost last
        keys: list[Any] = []  # for each open mapping, its key waiting for a value (_NO_KEY: none)
        while True:
            event: Any = get()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Fallback
                value = event.value
                if event.implicit[0]:  # plain: resolve as the loader would; quoted is always text
                    for tag, regexp in by_first.get(value[:1], wildcard):
                        if regexp.match(value):
                            if tag not in _CONSTRUCTED:
                                raise _Fallback
                            value = self.constructors[tag](self.instance, ScalarNode(tag, value))
                            break
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None or len(containers) >= max_depth:
                    raise _Fallback
                if containers and keys[-1] is _NO_KEY:
                    raise _Fallback  # a mapping or sequence as a key
                if not containers and kind is not MappingStartEvent:
                    raise _Fallback
                budget -= 1
                containers.append({} if kind is MappingStartEvent else [])
                keys.append(_NO_KEY)
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = containers.pop()
                keys.pop()
                if kind is MappingEndEvent and not all(type(key) is str for key in value):
                    value = {str(key): item for key, item in value.items()}  # as front_matter.plain does
                if not containers:
                    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
                        raise _Fallback
                    mapping: dict[str, Any] = value  # the outermost container: a mapping
                    return mapping
            else:
                raise _Fallback  # an alias, or no document at all
            budget -= 1
            if budget < 0:
                raise _Fallback
            if not containers:
                raise _Fallback  # a scalar document
            top = containers[-1]
            if type(top) is list:
                top.append(value)
            elif keys[-1] is _NO_KEY:
                if value in top:
                    raise _Fallback  # a key written twice: the ordinary loader notes it
                keys[-1] = value
            else:
                top[keys[-1]] = value
                keys[-1] = _NO_KEY


_NO_KEY = object()
_ITEM = object()  # a row that is an item of a list
_EMPTY = object()  # a row's value when nothing follows the key's colon
#: Characters that start something other than a plain scalar.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_IN_FLOW = frozenset("[]{}'\"#:")
#: One item of a flow sequence and the comma after it, or the end: double-quoted text without
#: a backslash (an escape) or a quote, single-quoted text without a quote (``''`` is one), or
#: a plain scalar of none of _NOT_IN_FLOW, the spaces around it not its own.
_FLOW_ITEM = re.compile(
    r' *(?:"([^"\\]*)"|\'([^\']*)\'|([^][{}\'"#:, ](?:[^][{}\'"#:,]*[^][{}\'"#:, ])?)) *(?:(,)|$)'
)
#: What the line scan leaves to libyaml: tabs, control characters, NEL and the Unicode line and
#: paragraph separators (line breaks to YAML 1.1), a byte-order mark, non-characters, lone
#: surrogates. Written as the few ranges it takes, not the many it leaves: far quicker to compile.
UNUSUAL_RANGES = "\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"
#: One whole line of the line scan: a top-level key (a word of letters, digits, _ and -) with a
#: colon and maybe a value, or an indented ``-`` and maybe an item. The value loses the spaces
#: around it and holds no unusual character.
_FLAT_LINE = re.compile(
    rf"(?:([^\W\d][\w-]{{0,200}}):|( *)-)(?: +([^{UNUSUAL_RANGES}]*[^ {UNUSUAL_RANGES}]))? *"
)


def _remember(memo: dict[str, Any], text: str, value: Any) -> Any:
    """Store ``value`` for ``text`` in a memo of at most 50,000 entries, and return it."""
    if len(memo) >= 50_000:
        memo.clear()
    memo[text] = value
    return value


class FrontMatterReader:
    """The fast paths for one reader of notes, and what they remember from note to note (the
    lines already seen, the keys): state of whoever reads the notes, never of the interpreter,
    so a long-running driver's memo goes with the object that made it."""

    def __init__(self, stats: ReadStats | None = None) -> None:
        self.stats = stats if stats is not None else ReadStats()
        self._loaders: dict[type, _Loader] = {}

    def load_mapping(
        self, text: str, loader_class: type, max_nodes: int, max_depth: int
    ) -> dict[str, Any] | None:
        """The mapping in ``text`` with text keys, as ``yaml.load(text, loader_class)`` followed
        by note's copy into plain values would give it, or None when the ordinary loader must
        decide. ``stats`` counts the fast path that answered."""
        if CParser is None:
            return None
        loader = self._loaders.get(loader_class)
        if loader is None:
            loader = self._loaders[loader_class] = _Loader(loader_class)
        try:
            mapping = loader.flat(text, max_nodes)
        except (_Fallback, ValueError, TypeError):
            pass
        else:
            self.stats.front_matter_lines += 1
            return mapping
        try:
            built = loader.build(text, max_nodes, max_depth)
        except (_Fallback, yaml.YAMLError, ValueError, TypeError, RecursionError):
            return None
        self.stats.front_matter_events += 1
        return built
