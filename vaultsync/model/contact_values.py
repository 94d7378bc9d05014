"""A contact note's properties as typed values: ``build_contact`` turns a parsed Note into a
Contact plus the problems found in its values; a bad value is reported and left out, and the
rest of the contact is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any, TypeVar

from vaultsync.config import Settings
from vaultsync.config_values import as_minutes
from vaultsync.model.contact import WIKILINK, Contact, PersonRef, path_stem
from vaultsync.model.dates import Moment, day_of, moment_sort_key, parse_interview, parse_moment
from vaultsync.model.hints import unread_date_hints
from vaultsync.model.people import default_name, nested_details
from vaultsync.properties import property_key
from vaultsync.reading.front_matter import Duplicate
from vaultsync.reading.note import Note, NoteError, NoteReader, flow_text
from vaultsync.reading.sections import read_sections

T = TypeVar("T")
_BRACKETS = re.compile(r"\s*[()<>]\s*")
_NAME_END = re.compile(r"\s*(?:[,;(<]|\s[-–—]\s|\s\+?\d[\d\s().-]{5,})")


def build_contact(
    note: Note, settings: Settings, reader: NoteReader | None = None, mark: str = ""
) -> tuple[Contact, list[NoteError]]:
    """The Contact in ``note``, and a NoteError for each value that could not be used; its
    sections read by ``reader`` when given (its fast paths, its counts); ``mark``: which of
    ``MARKS`` made it a contact."""
    lookup = settings.property_lookup
    props: dict[str, tuple[str, Any]] = {}  # canonical -> (key as written, value)
    for key, raw in note.meta.items():
        canonical = lookup.get(property_key(key))
        if canonical and (canonical not in props or key == canonical):
            props[canonical] = (key, raw)
    for canonical, nested in nested_details(note, settings).items():
        props.setdefault(canonical, nested)
    problems: list[NoteError] = []

    def problem(canonical: str, message: str) -> None:
        key = props[canonical][0]
        problems.append(NoteError(note.path, note.line_of(key), f"{key}: {message}"))

    def value(canonical: str) -> Any:
        return props.get(canonical, ("", None))[1]

    def written(canonical: str) -> Any:
        """The value as text as the note writes it, where YAML typed some of it (``yes``,
        ``0755``, ``10:30``): a name or a phone number is what was typed, not a number."""
        found = props.get(canonical)
        if found is None:
            return None  # half the properties, in most notes
        key, raw = found
        return note.written(key) if _typed(raw) else raw

    def moments(canonical: str, parse: Callable[[Any, Any], T | str]) -> list[T]:
        found = []
        items = _as_list(value(canonical))
        for i, item in enumerate(items):
            item = _unlinked(item)  # an unquoted [[2026-11-20]], a link to a daily note
            if item is None or (isinstance(item, str) and not item.strip()):
                continue  # an empty item (a template's "- "): no date yet, not a wrong one
            as_written = None
            if not isinstance(item, (str, dt.date)):
                as_written = _as_list(written(canonical))
                as_written = as_written[i] if len(as_written) == len(items) else item
                as_written = _unlinked(as_written)
            parsed = parse(item, as_written)
            if isinstance(parsed, str):
                problem(canonical, parsed)
            else:
                found.append(parsed)
        return found

    def flag(canonical: str) -> bool | None:
        """A checkbox property: true, false, or None when absent, empty or not one (reported)."""
        raw = value(canonical)
        if isinstance(raw, str):
            raw = {"false": False, "true": True, "": None}.get(raw.strip().casefold(), raw)
        if raw is not None and not isinstance(raw, bool):
            problem(canonical, f"expected true or false, got {flow_text(written(canonical))!r}")
            return None
        return raw

    def days(canonical: str) -> tuple[dt.date, ...]:
        if canonical not in props:
            return ()  # most of these properties, in most notes
        return tuple(sorted({day_of(m) for m in moments(canonical, parse_moment)}))

    follow_up = flag("follow_up")

    keep_in_touch = _cadence(value("keep_in_touch"))
    if isinstance(keep_in_touch, str):
        problem("keep_in_touch", f"{keep_in_touch}, got {flow_text(written('keep_in_touch'))!r}")
        keep_in_touch = None

    ends: dict[Moment, dt.datetime | None] = {}  # an interview written twice: its first end
    for start, end in moments("interviews", parse_interview):
        ends.setdefault(start, end)
    interviews = sorted(ends, key=moment_sort_key)
    minutes = value("interview_minutes")
    if minutes is not None and not (isinstance(minutes, str) and not minutes.strip()):
        try:
            minutes = as_minutes(minutes)
        except ValueError as err:
            problem("interview_minutes", f"{err}, got {flow_text(written('interview_minutes'))!r}")
            minutes = None
    else:
        minutes = None

    if reader is None:
        sections = read_sections(note.body, note.body_line)
    else:
        sections = reader.sections(note.body, note.body_line)
    if sections.unread:
        problems.append(NoteError(note.path, note.body_line, sections.unread))
    advice = [_text(item) for item in _as_list(written("advice"))]
    advice += [text for text, _ in sections.advice]

    contact = Contact(
        path=note.path,
        name=_text(written("name")) or default_name(note) or path_stem(note.path),
        aliases=tuple(filter(None, (_text(a) for a in _as_list(written("aliases"))))),
        organization=_joined(written("organization")),
        role=_joined(written("role")),
        email=_joined(written("email")),
        phone=_joined(written("phone")),
        address=_joined(written("address")),
        profile=_joined(written("profile")),
        interviews=tuple(interviews),
        thank_you_sent=days("thank_you_sent"),
        check_ins=days("check_ins"),
        referrals=_people(written("referrals")),
        referred_by=_people(written("referred_by")),
        advice=tuple(a for a in advice if a),
        follow_up=follow_up is not False,
        do_not_contact=flag("do_not_contact") is True,
        sections=sections,
        warnings=tuple(_twice(d) for d in note.duplicates),
        hints=unread_date_hints(note, settings),
        outreach=days("outreach"),
        replies=days("replied"),
        contacted=days("contacted"),
        keep_in_touch=keep_in_touch,
        mark=mark,
        interview_minutes=minutes,
        interview_ends=tuple(
            (start, end) for start, end in ends.items() if isinstance(start, dt.datetime) and end is not None
        ),
    )
    return contact, sorted(problems, key=lambda p: p.line or 0)


#: The longest ``keep_in_touch`` a note may give, as the ``keep_in_touch_days`` setting.
_MAX_CADENCE = 3650
_NEVER = frozenset({"false", "no", "off", "never"})


def _cadence(value: Any) -> int | str | None:
    """``keep_in_touch`` as days (0 = never; None = the setting), or what is wrong with it."""
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _NEVER:
            return 0
        if text in ("", "true", "yes", "on"):
            return None
        if text.isdecimal() and len(text) <= 5:
            value = int(text)
    if value is None or value is True:
        return None
    if value is False:
        return 0
    if isinstance(value, int) and 0 <= value <= _MAX_CADENCE:
        return value
    return f"expected a number of days from 1 to {_MAX_CADENCE}, or false"


def _unlinked(item: Any) -> Any:
    """An unquoted ``[[x]]``, which YAML reads as a list in a list (or a list, as an item of a
    flow list), as the one value linked."""
    for _ in range(2):
        if isinstance(item, list) and len(item) == 1:
            item = item[0]
    return item


def _typed(value: Any) -> bool:
    """Whether YAML made anything in ``value`` other than text (or nothing)."""
    if isinstance(value, str):
        return False
    if isinstance(value, list):
        return any(_typed(v) for v in value)
    if isinstance(value, dict):
        return any(_typed(v) for v in value.values())
    return value is not None and not isinstance(value, str)


_TIMES = {2: "twice", 3: "three times"}


def _twice(duplicate: Duplicate) -> str:
    """The warning for a key written more than once: the lines, and which one is read."""
    lines = duplicate.lines
    times = _TIMES.get(len(lines), f"{len(lines)} times")
    what = "the property" if duplicate.top else "the key"
    if len(set(lines)) == 1:
        return (
            f"{what} {duplicate.key} is written {times} on line {lines[0]}: the last value is read; keep one."
        )
    where = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    read = f"the value on line {duplicate.used} is read"
    if duplicate.used != lines[-1]:
        read += ", the later ones are empty" if len(lines) > 2 else ", the later one is empty"
    return f"{what} {duplicate.key} is written {times} (lines {where}): {read}; keep one."


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    """One value as display text: wikilinks shown by their alias or name, nested lists flattened."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(filter(None, (_text(v) for v in value)))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    text = str(value).strip()
    if "[[" not in text:
        return text  # most values: no link to show by its name
    return WIKILINK.sub(lambda m: (m.group(2) or m.group(1)).strip(), text)


def _joined(value: Any) -> str:
    if isinstance(value, str):
        return _text(value)  # the usual case: one value
    if value is None:
        return ""
    return "; ".join(filter(None, (_text(v) for v in _as_list(value))))


def _people(value: Any) -> tuple[PersonRef, ...]:
    if value is None:
        return ()
    people = (_person(item) for item in _as_list(value))
    return tuple(p for p in people if p is not None)


def _person(item: Any) -> PersonRef | None:
    if isinstance(item, list) and isinstance(linked := _unlinked(item), str):
        item = f"[[{linked}]]"  # an unquoted wikilink reads as a nested list
    if isinstance(item, dict):
        fields = {property_key(k): v for k, v in item.items()}
        named = _person(fields.pop("name", None))
        if named is None:
            return None
        extra = "; ".join(_text(v) for v in fields.values() if _text(v))
        return PersonRef(named.name, named.target, "; ".join(filter(None, (named.detail, extra))))
    text = _text(item) if not isinstance(item, str) else item.strip()
    if not text:
        return None
    link = WIKILINK.search(text)
    if link:
        target = _file_name(link.group(1).strip()).removesuffix(".md")
        rest = _detail(text[: link.start()] + text[link.end() :])
        return PersonRef((link.group(2) or target).strip(), target or None, rest)
    end = _NAME_END.search(text)
    name = text[: end.start()] if end else text
    detail = _detail(text[end.start() :]) if end else ""
    return PersonRef(name.strip(), None, detail) if name.strip() else None


def _file_name(target: str) -> str:
    """``PurePosixPath(target).name``; a plain name (most links) is its own."""
    return target if "/" not in target and target != "." else PurePosixPath(target).name


def _detail(text: str) -> str:
    """What follows a name, tidied: "(copy editor), theo@x" -> "copy editor, theo@x"."""
    return _BRACKETS.sub(" ", text).strip(" ,;-–—").replace(" ,", ",")
