"""Front-matter YAML in the common case, built straight from libyaml's events.

``yaml.load`` with libyaml still composes a Python node per value and constructs values in pure
Python: 96% of its time for front-matter (profiled in benchmarks/README.md), against 4% for
libyaml's own parsing. Front-matter is almost always a flat mapping of text, dates and lists,
so this module builds those values from the parser's events, resolving plain scalars with the
loader's own implicit resolvers and constructing non-text values with the loader's own
constructors. Anything outside that case (anchors, aliases, explicit tags, merge keys, a
parse error, a document that is not a mapping, oversized input) returns None, and the caller
loads the text the ordinary way, which gives the same values or the error to report.
"""

from __future__ import annotations

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

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML without libyaml: the ordinary loader does all the work
    CParser = None

_STR = "tag:yaml.org,2002:str"
#: Implicit tags built with the loader's constructors; any other (merge ``<<``, value ``=``) falls back.
_CONSTRUCTED = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "timestamp")
)


class _Fallback(Exception):
    """Not the common case: let the ordinary loader decide."""


class _Loader:
    """The loader class's implicit resolvers and constructors, looked up once."""

    def __init__(self, loader_class: type) -> None:
        self.instance = loader_class("")
        self.constructors = loader_class.yaml_constructors
        wildcard = loader_class.yaml_implicit_resolvers.get(None, [])
        self.by_first = {
            first: tuple(resolvers + wildcard)
            for first, resolvers in loader_class.yaml_implicit_resolvers.items()
            if first is not None
        }
        self.wildcard = tuple(wildcard)

    def build(self, text: str, budget: int, max_depth: int) -> dict[str, Any]:
        """Raises _Fallback outside the common case."""
        get = CParser(text).get_event
        if type(get()) is not StreamStartEvent:
            raise _Fallback
        start = get()
        if type(start) is not DocumentStartEvent or start.version or start.tags:
            raise _Fallback
        by_first, wildcard = self.by_first, self.wildcard
        containers: list[Any] = []  # the open mappings and sequences, innermost last
        keys: list[Any] = []  # for each open mapping, its key waiting for a value (_NO_KEY: none)
        while True:
            event = get()
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
                    value = {str(key): item for key, item in value.items()}  # as note._plain does
                if not containers:
                    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
                        raise _Fallback
                    return value
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
                keys[-1] = value
            else:
                top[keys[-1]] = value
                keys[-1] = _NO_KEY


_NO_KEY = object()
_loaders: dict[type, _Loader] = {}


def load_mapping(text: str, loader_class: type, max_nodes: int, max_depth: int) -> dict[str, Any] | None:
    """The mapping in ``text`` with text keys, as ``yaml.load(text, loader_class)`` followed by
    note's copy into plain values would give it, or None when the ordinary loader must decide."""
    if CParser is None:
        return None
    loader = _loaders.get(loader_class)
    if loader is None:
        loader = _loaders[loader_class] = _Loader(loader_class)
    try:
        return loader.build(text, max_nodes, max_depth)
    except (_Fallback, yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None
