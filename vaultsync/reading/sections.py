"""The parts of a note's body that rules read: Questions, Advice, Thank-you draft, Plan.

Most bodies have none of these headings, so a cheap scan decides whether markdown-it runs at
all (parsing every body would cost more than reading the front-matter); most of the others are plain
headings, paragraphs and lists, which a line scan reads as markdown-it would, leaving it the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from vaultsync.reading.stats import ReadStats

#: Section name -> what its heading contains (case-insensitive).
HEADINGS = {
    "questions": re.compile(r"question", re.IGNORECASE),
    "advice": re.compile(r"advice", re.IGNORECASE),
    "letter": re.compile(r"thank[\s-]?you|thanks", re.IGNORECASE),
    "plan": re.compile(r"\bplans?\b", re.IGNORECASE),
}
_ANY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t].*(?:question|advice|thank|plan)", re.IGNORECASE | re.MULTILINE)
#: Every heading of HEADINGS holds one of these words.
_SECTION_WORD = re.compile(r"question|advice|thank|plan", re.IGNORECASE)


#: A line of text in a note and its file line (1-based). A plain tuple, not a class: a large
#: vault has very many of them, and tuples are built, pickled and unpickled much faster.
Line = tuple[str, int]


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
#: Longer bodies are not parsed for sections: markdown-it's memory and time grow with each line
#: of dense headings and lists, past what one note may cost (docs/performance.md). Prose costs far less.
MAX_BODY_LINES = 20_000
TOO_LONG = Sections(
    unread=f"the body has over {MAX_BODY_LINES:,} lines: its Questions, Advice, Thank-you and Plan "
    "sections are not read"
)


def first_line(pattern: re.Pattern[str], text: str, end: int | None = None) -> int | None:
    """Where the first line of ``text`` (before ``end``) that ``pattern`` matches at its start
    begins, as ``pattern.search`` would find with ``^`` in MULTILINE mode, only faster: the
    search runs for a newline (which re finds at C speed) followed by the pattern."""
    end = len(text) if end is None else end
    if pattern.match(text, 0, end):
        return 0
    found = _after_newline(pattern).search(text, 0, end)
    return found.start() + 1 if found else None


@cache
def _after_newline(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile("\n(?:" + pattern.pattern.removeprefix("^") + ")", pattern.flags)


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only the block structure is read (an inline token's ``content`` is its raw text), so inline
    # parsing is switched off: it was most of the time, and quadratic on some emphasis and links.
    return MarkdownIt("commonmark").disable("inline")


def read_sections(
    body: str,
    body_line: int,
    *,
    fast: bool = True,
    stats: ReadStats | None = None,
    parser: MarkdownIt | None = None,
) -> Sections:
    """Find the sections in ``body``, whose first line is file line ``body_line``.

    ``fast``: try the line scan before markdown-it (the same Sections either way); ``stats``,
    when given, counts which of the two answered. ``parser``: the markdown-it to use instead of
    CommonMark with inline parsing off (tests check that leaving it off changes nothing)."""
    start = first_line(_ANY_HEADING, body)
    if start is None:
        return EMPTY
    if len(body) > MAX_BODY_LINES and body.count("\n") >= MAX_BODY_LINES:
        return TOO_LONG
    if fast:
        simple = _simple_sections(body, body_line, start)
        if simple is not None:
            if stats is not None:
                stats.sections_scan += 1
            return simple
    if stats is not None:
        stats.sections_parser += 1
    return _parsed_sections(body, body_line, parser or _markdown())


def _parsed_sections(body: str, body_line: int, parser: MarkdownIt) -> Sections:
    """The sections as markdown-it's CommonMark parser sees them."""
    tokens = parser.parse(body)
    found: dict[str, list[tuple[Line, bool]]] = {name: [] for name in HEADINGS}
    headings: set[str] = set()
    current: tuple[str, ...] = ()  # section names the current heading opens
    current_level = 0
    in_item = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            title = tokens[index + 1].content
            names = _section_names(title)
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
                        found[name].append(((text.strip(), first + offset), in_item > 0))
    return _sections(found, headings)


def _sections(found: dict[str, list[tuple[Line, bool]]], headings: set[str]) -> Sections:
    # Lists, not generators, fill the tuples: quicker for so few lines (no generator frames).
    return Sections(
        questions=tuple([line for line, item in found["questions"] if item or line[0].endswith("?")]),
        advice=_items_else_all(found["advice"]),
        letter=tuple([line for line, _ in found["letter"]]),
        plan=_items_else_all(found["plan"]),
        has_questions_heading="questions" in headings,
        has_letter="letter" in headings,
    )


#: A list marker: a bullet, or 1-9 digits and ``.`` or ``)``, then a space or the end of the line.
_LIST_MARKER = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)])(?: |$)")
#: A list item whose text starts after 1-4 spaces (more would make it indented code).
_LIST_ITEM = re.compile(r"(?:[-*+]|([0-9]{1,9})[.)]) {1,4}(?=\S)")
#: Thematic breaks, setext underlines, empty items: left to markdown-it.
_RULE_LIKE = re.compile(r"[-*_= ]+$")
#: A line that may open a fenced code block or an HTML block (which could hide the heading
#: after it), or underline a setext heading (which could be a Questions heading itself).
_BEFORE_HEADING = re.compile(r"^ *(?:[`~<]|[-=][-= ]*$)", re.MULTILINE)
#: A bullet, one space and a character that cannot start anything but paragraph text.
_SIMPLE_ITEM = re.compile(r"[-*+] (?=[^-*+_=`~<>\[0-9#\s])")
#: Lines starting otherwise are paragraph text (or its continuation) wherever they are.
_SPECIAL_START = frozenset("#-*+_=`~<>[0123456789 ")


def _plain_start(text: str) -> bool:
    """Whether ``text`` (no leading spaces) can only be paragraph text, whatever precedes it."""
    first = text[0]
    if first in "#`~<>-*+_=" or (first == "[" and "]:" in text):
        return False
    return not (first in "0123456789" and _LIST_MARKER.match(text))


@lru_cache(maxsize=1024)
def _heading(text: str) -> tuple[int, tuple[str, ...]] | None:
    """(level, the sections it opens) of an ATX heading at the start of a line, as markdown-it
    reads it. Cached: the same few headings open most notes."""
    level = len(text) - len(text.lstrip("#"))
    if level > 6 or (len(text) > level and text[level] != " "):
        return None  # "#tag", or seven #s: paragraph text
    rest = text[level:].rstrip(" ")
    unclosed = rest.rstrip("#")
    if len(unclosed) < len(rest) and unclosed.endswith(" "):
        rest = unclosed  # "## Questions ##"
    return level, _section_names(rest.strip())


def _section_names(title: str) -> tuple[str, ...]:
    """The sections a heading titled ``title`` opens (most open none: one search says so)."""
    if not _SECTION_WORD.search(title):
        return ()
    return tuple(name for name, rx in HEADINGS.items() if rx.search(title))


def _simple_sections(body: str, body_line: int, start: int) -> Sections | None:
    """The same Sections markdown-it would give, from a line scan, for bodies made only of ATX
    headings, paragraphs and one level of lists (most notes); None for anything else (tabs,
    indentation that is not a continuation, code, quotes, HTML, setext headings, rules, nested
    or empty list items, link definitions), which markdown-it then parses."""
    if "\t" in body or first_line(_BEFORE_HEADING, body, start) is not None:
        return None
    # Nothing is recorded before the first candidate heading and, without a fence, an HTML
    # block or a setext heading before it, what precedes it changes nothing: start there.
    body_line += body.count("\n", 0, start)
    found: dict[str, list[tuple[Line, bool]]] = {name: [] for name in HEADINGS}
    headings: set[str] = set()
    current: tuple[str, ...] = ()
    current_level = 0
    previous = "blank"  # the last line: blank, heading, para (text) or item (text in a list item)
    for number, line in enumerate(body[start:].split("\n"), body_line):
        text = line
        if not line:
            previous = "blank"
            continue
        if line[0] not in _SPECIAL_START and not line[0].isspace():
            pass  # paragraph text, or its continuation
        elif line[0] == "#" and (heading := _heading(line)) is not None:
            level, names = heading
            if names or level <= current_level:
                current, current_level = names, level if names else 0
                headings.update(names)
            previous = "heading"
            continue
        elif _SIMPLE_ITEM.match(line):  # "- text", the usual list item: nothing else to check
            text = line[2:]
            previous = "item"
        else:
            text = line.lstrip(" ")
            if not text:
                previous = "blank"
                continue
            if not text.strip():
                return None  # only Unicode spaces: markdown-it sees a paragraph, str.strip() nothing
            if len(text) < len(line):  # indented: only a continuation of the text above is simple
                if previous not in ("para", "item") or not _plain_start(text):
                    return None
            elif _LIST_MARKER.match(text):
                item = _LIST_ITEM.match(text)
                if item is None or not _plain_start(text[item.end() :]):
                    return None
                if item.group(1) and int(item.group(1)) != 1 and previous == "para":
                    return None  # whether it interrupts the paragraph: markdown-it knows
                text = text[item.end() :]
                previous = "item"
            elif text[0] in "`~<>" or _RULE_LIKE.match(text) or (text[0] == "[" and "]:" in text):
                return None
        if previous == "blank" or previous == "heading":
            previous = "para"
        if current:
            text = text.strip()
            for name in current:
                found[name].append(((text, number), previous == "item"))
    return _sections(found, headings)


def _items_else_all(lines: list[tuple[Line, bool]]) -> tuple[Line, ...]:
    items = [line for line, item in lines if item]
    return tuple(items or [line for line, _ in lines])
