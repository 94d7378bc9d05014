"""The parts of a note's body that rules read: Questions, Advice, Thank-you draft, Plan.

Most bodies have none of these headings, so a cheap scan decides whether markdown-it runs at
all (parsing every body would cost three times the front-matter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: Section name -> what its heading contains (case-insensitive).
HEADINGS = {
    "questions": re.compile(r"question", re.IGNORECASE),
    "advice": re.compile(r"advice", re.IGNORECASE),
    "letter": re.compile(r"thank[\s-]?you|thanks", re.IGNORECASE),
    "plan": re.compile(r"\bplans?\b", re.IGNORECASE),
}
_ANY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t].*(?:question|advice|thank|plan)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Line:
    """A line of text in a note, with its file line (1-based)."""

    text: str
    line: int


@dataclass(frozen=True)
class Sections:
    questions: tuple[Line, ...] = ()  # list items, and lines ending in "?"
    advice: tuple[Line, ...] = ()  # list items, else paragraph lines
    letter: tuple[Line, ...] = ()  # every line of text under a Thank-you heading
    plan: tuple[Line, ...] = ()  # list items, else paragraph lines
    has_questions_heading: bool = False
    has_letter: bool = False
    unread: str = ""  # why the sections were not read, if they were not


EMPTY = Sections()
#: Longer bodies are not parsed for sections: markdown-it holds some 2 KB per line of dense
#: headings and lists (a 4 MiB note of them took 16 s and 1 GB). Prose costs far less.
MAX_BODY_LINES = 20_000
TOO_LONG = Sections(
    unread=f"the body has over {MAX_BODY_LINES:,} lines: its Questions, Advice, Thank-you and Plan "
    "sections are not read"
)


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only the block structure is read (an inline token's ``content`` is its raw text), so inline
    # parsing is switched off: it was most of the time, and quadratic on some emphasis and links.
    return MarkdownIt("commonmark").disable("inline")


def read_sections(body: str, body_line: int) -> Sections:
    """Find the sections in ``body``, whose first line is file line ``body_line``."""
    if not _ANY_HEADING.search(body):
        return EMPTY
    if body.count("\n") >= MAX_BODY_LINES:
        return TOO_LONG
    tokens = _markdown().parse(body)
    found: dict[str, list[tuple[Line, bool]]] = {name: [] for name in HEADINGS}
    headings: set[str] = set()
    current: list[str] = []  # section names the current heading opens
    current_level = 0
    in_item = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            title = tokens[index + 1].content
            names = [name for name, rx in HEADINGS.items() if rx.search(title)]
            if names or level <= current_level:
                current, current_level = names, level if names else 0
                headings.update(names)
        elif token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        elif token.type == "inline" and current and tokens[index - 1].type != "heading_open":
            first = body_line + (token.map[0] if token.map else 0)
            for offset, text in enumerate(token.content.split("\n")):
                if text.strip():
                    for name in current:
                        found[name].append((Line(text.strip(), first + offset), in_item > 0))
    return Sections(
        questions=tuple(line for line, item in found["questions"] if item or line.text.endswith("?")),
        advice=_items_else_all(found["advice"]),
        letter=tuple(line for line, _ in found["letter"]),
        plan=_items_else_all(found["plan"]),
        has_questions_heading="questions" in headings,
        has_letter="letter" in headings,
    )


def _items_else_all(lines: list[tuple[Line, bool]]) -> tuple[Line, ...]:
    items = tuple(line for line, item in lines if item)
    return items or tuple(line for line, _ in lines)
