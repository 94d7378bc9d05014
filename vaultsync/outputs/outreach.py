"""The request for an informational interview: a draft from the note, and a check of the one written.

Career coaches teach a short note, read on a phone: who suggested writing, what you have in
common, and a specific request for 20-30 minutes of advice; no ask for a job (guide rule 2
starts here), no résumé attached. The draft leaves a ``[prompt]`` for what the note cannot
say. The draft the user writes goes under a heading containing *Outreach* (``## Outreach
draft``). Neither reads the clock nor writes a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from vaultsync.errors import VaultsyncError
from vaultsync.outputs.letter import Problem, prose, writing
from vaultsync.outputs.lookup import Opened
from vaultsync.outputs.report import error_line
from vaultsync.outputs.spelling import WORD
from vaultsync.reading.note import Note, read_note
from vaultsync.reading.sections import Line

#: Short enough to read on a phone: the coaches' "about 100 words", with a little room.
MAX_WORDS = 110
#: Front-matter properties that say what the user and the contact have in common.
COMMON = ("in_common", "common")
_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*)")
_OUTREACH = re.compile(r"outreach", re.IGNORECASE)
#: A request for a short conversation: time named, or a question asking for their time or advice.
REQUEST = re.compile(
    r"\b(?:\d{1,2}|fifteen|twenty|thirty)(?:\s*(?:-|–|to|or)\s*(?:\d{1,2}|twenty|thirty))?[\s-]*min"
    r"|\b(?:would|could|might|can|will)\s+you\b[^.?!]{0,80}\b(?:time|minutes?|chat|talk|call|conversation"
    r"|coffee|meet|advice|insights?|perspective|thoughts)\b",
    re.IGNORECASE,
)
#: How the user knows of them, when no one is recorded as having suggested them.
CONNECTION = re.compile(
    r"\b(?:suggested|referred|recommended|mentioned|introduced|pointed\s+me|gave\s+me\s+your\s+name|we\s+met"
    r"|we\s+both|fellow|alum(?:na|nus|ni)?|graduate\s+of|member\s+of|in\s+common|also\s+(?:studied|worked))\b",
    re.IGNORECASE,
)
ATTACHMENT = re.compile(r"\b(?:attach\w*|enclos\w*)", re.IGNORECASE)


def _common(meta: Any) -> list[str]:
    found = []
    for key in COMMON:
        value = meta.get(key) if hasattr(meta, "get") else None
        values = value if isinstance(value, list) else [value]
        found += [
            str(v).strip()
            for v in values
            if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip()
        ]
    return found


def _note(opened: Opened) -> Note:
    read = read_note(opened.vault.root, opened.contact.path)
    if not isinstance(read, Note):
        raise VaultsyncError(error_line(read))
    return read


def draft(opened: Opened) -> str:
    """A request for 20-30 minutes of advice, from what the note says of the contact."""
    contact = opened.contact
    first = contact.name.split()[0] if contact.name.split() else contact.name
    by = [person.name for person in contact.referred_by]
    if by:
        how = f"{' and '.join(by)} suggested I write to you."
    else:
        how = "[How you know of them: who suggested them, or where you saw their work.]"
    common = _common(_note(opened).meta)
    shared = f"Like you, I {common[0]}." if common else "[What you have in common.]"
    work = " at ".join(filter(None, (contact.role, contact.organization)))
    about = f", given your work as {work}" if contact.role else f", given your work at {work}" if work else ""
    parts = [
        f"Dear {first},",
        f"{how} {shared} I am exploring [the field] and would value your advice{about}.",
        "Would you have 20 to 30 minutes for a short call in the coming weeks? "
        "I would like to ask about [one or two specific questions].",
        "Thank you for considering it.",
        "Best regards,\n[Your name]",
    ]
    return "\n\n".join(parts) + "\n"


def outreach_lines(note: Note) -> tuple[Line, ...] | None:
    """The lines of text under the note's Outreach heading, or None when there is none."""
    lines: list[Line] | None = None
    level = 0
    for number, text in enumerate(note.body.split("\n"), note.body_line):
        heading = _HEADING.match(text)
        if heading and lines is not None and len(heading.group(1)) <= level:
            break
        if heading and lines is None and _OUTREACH.search(heading.group(2)):
            lines, level = [], len(heading.group(1))
        elif lines is not None and text.strip():
            lines.append((text.strip(), number))
    return None if lines is None else tuple(lines)


def check(opened: Opened) -> list[Problem]:
    """What to fix in the draft under the note's Outreach heading, by line."""
    contact = opened.contact
    lines = outreach_lines(_note(opened))
    if lines is None:
        raise VaultsyncError(
            f"{contact.path}: no Outreach section (a heading like '## Outreach draft') holds a draft to "
            f"check; 'vaultsync outreach {contact.path}' prints one to start from"
        )
    if not lines:
        return [Problem(0, "empty", "the Outreach section is empty")]
    start = lines[0][1]
    found = writing(opened, lines)
    text = prose(lines)
    count = sum(1 for _ in WORD.finditer(" ".join(t for t, _ in lines)))
    if count > MAX_WORDS:
        found.append(
            Problem(
                start,
                "length",
                f"the draft has {count} words: keep it to about 100, short enough to read on a phone",
            )
        )
    found += _connection(contact.referred_by, text, start)
    if not REQUEST.search(text):
        found.append(
            Problem(
                start,
                "request",
                "the draft does not ask for a short conversation for advice "
                "(like \u201cWould you have 20 minutes for a call? I would value your advice on ...\u201d)",
            )
        )
    found += [
        Problem(number, "attachment", "leave the attachment out: the first note asks only for advice")
        for text_line, number in lines
        if ATTACHMENT.search(text_line)
    ]
    return sorted(found, key=lambda p: (p.line, p.kind, p.message))


def _connection(referred_by: Sequence[Any], text: str, start: int) -> list[Problem]:
    words = {w.casefold() for w in WORD.findall(text)}
    names = [person.name for person in referred_by]
    if names and not any(WORD.findall(name)[0].casefold() in words for name in names if WORD.findall(name)):
        return [
            Problem(start, "connection", f"the draft does not name {' or '.join(names)}, who suggested them")
        ]
    if not names and not CONNECTION.search(text):
        return [
            Problem(
                start,
                "connection",
                "the draft does not say how you know of them "
                "(who suggested them, or what you have in common)",
            )
        ]
    return []
