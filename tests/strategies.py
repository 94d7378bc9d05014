"""Hypothesis strategies for hostile notes: every shape of YAML a vault may hold, and worse.

Used by the reliability tests (docs/reliability.md). A strategy builds the note's bytes; the
tests feed them through the whole pipeline (read, contact, rules, report, calendar).
"""

from __future__ import annotations

import datetime as dt
import json
import string

import yaml
from hypothesis import strategies as st

from vaultsync.properties import CANONICAL_PROPERTIES, DEFAULT_PROPERTY_ALIASES

#: Every property name vaultsync reads, the ways vaults spell them, and the ones that mark a contact.
KNOWN_KEYS = (
    *CANONICAL_PROPERTIES,
    *(alias for aliases in DEFAULT_PROPERTY_ALIASES.values() for alias in aliases),
    "type",
    "tags",
    "categories",
    "person",
    "Company",
    "lastContact",
    "last-contacted-at",
    "content",
    "handler",
    "created",
)

#: Raw YAML that a value may be written as: template placeholders, tags, anchors, odd scalars.
NASTY_VALUES = (
    "{{date}}",
    "<% tp.date.now() %>",
    "[[Jane Doe]]",
    '"[[Jane Doe]]"',
    '"[[2026-11-20]]"',
    "2026-02-30",
    "2026-11-20 10:30:00",
    "2026-11-20T10:30:00+05:00",
    '"2026-11-20T10:30"',
    "9999-12-31",
    "0001-01-01",
    "0001-01-01 00:00:00+05:00",
    "10:30",
    "0755",
    "0x1F",
    ".nan",
    "-.inf",
    "1e400",
    "9" * 5000,
    "yes",
    "off",
    "~",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
    "!!python/object/apply:os.system [echo]",
    "!custom x",
    "&a [1, *a]",
    "&m {k: *m}",
    "*undefined",
    "[1, [2, [3, [4]]]]",
    "{a: {b: {c: {}}}}",
    "[{name: [[Ana]]}, {name: {x: 1}}, [1, 2], 3]",
    '"\\ud800"',
    '"\\x00\\u0085\\u2028"',
    "|\n  line one\n  line two",
    ">-\n  folded\n  text",
    "'unclosed",
    '"unclosed',
    "[unclosed",
    "{unclosed: 1",
    "- a\n- b",
    "? complex\n: key",
)

#: Front-matter blocks that are whole documents of their own.
NASTY_BLOCKS = (
    "- a list\n- not properties",
    "just a scalar",
    "[1, 2]: non-string key",
    "? [a, b]\n: complex key",
    "1: int key\n2.5: float key\nnull: null key\ntrue: bool key",
    "a: 1\na: duplicate key",
    "base: &b {x: 1}\nderived:\n  <<: *b",
    "%YAML 1.1\n---\na: 1",
    "a: 1\n...\nb: 2",
    "\t tab: indented",
    # billion laughs: nine levels of nine
    "lol0: &l0 [lol]\n" + "".join(f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)),
    "self: &s [*s]",
)

_TIMEZONES = st.builds(
    dt.timezone,
    st.timedeltas(min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23)),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.dates(),
    st.datetimes(timezones=st.none() | _TIMEZONES),
    st.sampled_from(["[[Jane Doe]]", "#person", "contact", "person", "[[People]]", "2026-11-20T10:30"]),
)
#: Any YAML value: scalars, lists and maps, nested.
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
keys = st.sampled_from(CANONICAL_PROPERTIES) | st.sampled_from(KNOWN_KEYS) | st.text(min_size=1, max_size=12)


def _dumped(key: str, value: object) -> str:
    return yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=None, width=1_000_000)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """The YAML between the --- lines: well-formed properties, raw nasty values, or raw text."""
    kind = draw(st.sampled_from(["properties", "properties", "raw", "block", "text"]))
    if kind == "block":
        return draw(st.sampled_from(NASTY_BLOCKS))
    if kind == "text":
        return draw(st.text())
    parts = []
    for key in draw(st.lists(keys, max_size=6)):
        if kind == "raw" or draw(st.booleans()):
            raw = draw(st.sampled_from(NASTY_VALUES) | st.text(max_size=20))
            sep = "\n" if raw.startswith(("-", "|", ">", "?")) else " "
            parts.append(f"{json.dumps(key, ensure_ascii=False)}:{sep}{raw}\n")
        else:
            parts.append(_dumped(key, draw(values)))
    return "".join(parts)


_body_lines = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "## Questions",
            "## Advice",
            "## Thank-you draft",
            "### Plan",
            "- Is your team hiring?",
            "- Could you refer me for the role?",
            "Do you know of any openings?",
            "#person",
            "#contact/old",
            "- [ ] task",
            "```",
            "> quote",
            "[[Jane Doe]]",
            "---",
        ]
    ),
)
bodies = st.lists(_body_lines, max_size=12).map("\n".join)


@st.composite
def notes(draw: st.DrawFn) -> bytes:
    """A note's bytes: front-matter and body, then damaged in the ways files get damaged."""
    text = f"---\n{draw(front_matter())}\n---\n{draw(bodies)}"
    if draw(st.integers(0, 5)) == 0:  # the front-matter never closed, or never opened
        text = text.replace("\n---\n", "\n", 1) if draw(st.booleans()) else text.removeprefix("---\n")
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    data = text.replace("\n", newline).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        data = b"\xef\xbb\xbf" + data
    damage = draw(st.sampled_from(["none"] * 5 + ["truncate", "insert", "latin-1"]))
    if damage == "truncate" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif damage == "insert":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    elif damage == "latin-1":
        data = text.encode("latin-1", "replace")
    return data


any_bytes = st.binary(max_size=400)
note_bytes = notes() | any_bytes

#: File names in every script, with emoji, that a file system holds (255 bytes, no '/' or NUL).
file_names = (
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"),
        min_size=1,
        max_size=40,
    )
    .map(lambda name: name + ".md")
    .filter(lambda name: len(name.encode()) <= 255 and not name.startswith("."))
)
ascii_names = st.text(string.ascii_letters + string.digits + " -_", min_size=1, max_size=20)


SHAPES = ("nested lists", "nested maps", "many properties", "long list")


def hostile_front_matter(size: int, kind: str) -> bytes:
    """A note of about ``size`` bytes whose front-matter is one hostile shape."""
    if kind == "nested lists":
        depth = size // 2
        yaml_text = "a: " + "[" * depth + "]" * depth
    elif kind == "nested maps":
        depth = size // 5
        yaml_text = "a: " + "{a: " * depth + "1" + "}" * depth
    elif kind == "many properties":
        yaml_text = "".join(f"k{i:07d}: 1\n" for i in range(size // 12))
    else:  # a long list
        yaml_text = "a:\n" + "- 1\n" * (size // 4)
    return f"---\n{yaml_text}\n---\n".encode()
