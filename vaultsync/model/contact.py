"""The contact model: which notes are contacts, and their properties as typed values.

``build_contact`` turns a parsed Note into a Contact plus the problems found in its values; a
bad value is reported and left out, and the rest of the contact is kept.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import Any, TypeVar

from vaultsync.config import Settings
from vaultsync.config_spec import _minutes
from vaultsync.model.dates import Moment, day_of, moment_sort_key, parse_interview, parse_moment
from vaultsync.model.hints import unread_date_hints
from vaultsync.model.people import default_name, nested_details
from vaultsync.properties import property_key
from vaultsync.reading.marker import is_generated
from vaultsync.reading.note import Duplicate, Note, NoteError, NoteReader, flow_text
from vaultsync.reading.sections import EMPTY, Sections, read_sections

T = TypeVar("T")
WIKILINK = re.compile(r"!?\[\[([^\]|#^]*)(?:[#^][^\]|]*)?(?:\|([^\]]*))?\]\]")
_BODY_TAG = re.compile(r"(?<![\w#/&])#([\w/-]+)")
_BRACKETS = re.compile(r"\s*[()<>]\s*")
_NAME_END = re.compile(r"\s*(?:[,;(<]|\s[-–—]\s|\s\+?\d[\d\s().-]{5,})")


@dataclass(frozen=True)
class PersonRef:
    """Someone named in ``referrals`` or ``referred_by``: a wikilink or free text."""

    name: str  # who, for messages and matching
    target: str | None = None  # the wikilinked file name, without folder or .md
    detail: str = ""  # what followed the name: a phone number, an email, a note


@dataclass(frozen=True)
class Contact:
    path: str
    name: str
    aliases: tuple[str, ...] = ()
    organization: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    profile: str = ""  # a LinkedIn or other profile URL: a way to reach them too
    interviews: tuple[Moment, ...] = ()  # sorted
    thank_you_sent: tuple[dt.date, ...] = ()
    check_ins: tuple[dt.date, ...] = ()
    referrals: tuple[PersonRef, ...] = ()
    referred_by: tuple[PersonRef, ...] = ()
    advice: tuple[str, ...] = ()  # from the property and the Advice section
    follow_up: bool = True  # false: no reminder to write again (check-in, reply nudges)
    do_not_contact: bool = False  # true: nothing at all about them (their referrals still count)
    sections: Sections = EMPTY
    #: What was read with a guess (a key written twice), for the record rule to warn about.
    warnings: tuple[str, ...] = ()
    #: Messages sent to ask for a conversation, their answers, and other contact: from the note's
    #: own ``outreach``, ``replied`` and ``contacted``, and from the interaction notes that link
    #: this contact (``model.interactions``), each of those with its note in ``sources``.
    outreach: tuple[dt.date, ...] = ()
    replies: tuple[dt.date, ...] = ()
    contacted: tuple[dt.date, ...] = ()
    sources: tuple[tuple[str, str, str], ...] = ()  # (kind, date as ISO text, the note's path)
    hints: tuple[tuple[str, int | None], ...] = ()  # (message, line): unread dates (model.hints)
    keep_in_touch: int | None = None  # days between contacts; 0 = never; None = the setting
    mark: str = ""  # which of MARKS made the note a contact ("": not told)
    #: How long their interviews last (None: the ``interview_minutes`` setting), and the ends the
    #: note writes itself (``2026-11-20T15:00/16:15``) as (start, end).
    interview_minutes: int | None = None
    interview_ends: tuple[tuple[dt.datetime, dt.datetime], ...] = ()

    @property
    def stem(self) -> str:
        return path_stem(self.path)

    def held(self, today: dt.date) -> tuple[Moment, ...]:
        """Interviews on or before ``today``."""
        return tuple(m for m in self.interviews if day_of(m) <= today)

    def scheduled(self, today: dt.date) -> tuple[Moment, ...]:
        """Interviews after ``today``."""
        return tuple(m for m in self.interviews if day_of(m) > today)

    @property
    def interviewed(self) -> bool:
        """Any interview at all, held or scheduled."""
        return bool(self.interviews)

    @property
    def display(self) -> str:
        return f"{self.name} ({self.organization})" if self.organization else self.name


def path_stem(path: str) -> str:
    """``PurePosixPath(path).stem`` for a note's path as the vault writes it, without pathlib's cost."""
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def _folded(values: Any) -> list[str]:
    """A property that may be text or a list of text, each entry as ``[[Link]]``, ``#tag`` or text."""
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    out = []
    for value in values:
        if isinstance(value, list) and len(value) == 1:  # unquoted [[Link]] -> [['Link']]
            value = value[0]
        if isinstance(value, str):
            link = WIKILINK.search(value)
            text = link.group(1) if link else value
            out.append(text.strip().lstrip("#").casefold())
    return out


#: The ways a note is marked as a contact (``contact_mark``; ``doctor`` counts each).
MARKS = ("type", "tag", "category", "folder", "body tag", "people folder")


def is_contact(note: Note, settings: Settings) -> bool:
    """A note is a contact by its type, its tags, its categories, its folder or a #tag in the body."""
    return contact_mark(note, settings) is not None


def contact_mark(note: Note, settings: Settings) -> str | None:
    """Which of ``MARKS`` makes ``note`` a contact, the first that does; None: none of them (a
    note in a people folder is told by ``people.in_people_folder``)."""
    if is_generated(note.meta):
        return None
    meta = {property_key(k): v for k, v in note.meta.items()}
    types, tags, categories, type_keys = _marks(
        settings.contact_types, settings.contact_tags, settings.contact_categories
    )
    if types & set(_folded(meta.get("type"))):
        return "type"
    if any(meta.get(key) is True for key in type_keys):  # person: true
        return "type"
    raw_tags = meta.get("tags")
    if isinstance(raw_tags, str):
        raw_tags = re.split(r"[\s,]+", raw_tags)
    if any(tag in tags or tag.split("/")[0] in tags for tag in _folded(raw_tags)):
        return "tag"
    if categories & set(_folded(meta.get("categories"))):
        return "category"
    if any(note.path.startswith(folder + "/") for folder in settings.contacts_folders):
        return "folder"
    if "#" in note.body and any(
        m.group(1).casefold().split("/")[0] in tags for m in _BODY_TAG.finditer(note.body)
    ):
        return "body tag"
    return None


@cache
def _marks(
    types: tuple[str, ...], tags: tuple[str, ...], categories: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str], frozenset[str], tuple[str, ...]]:
    """The settings' contact types, tags and categories folded, and the types as property keys."""
    return (
        frozenset(t.casefold() for t in types),
        frozenset(t.casefold().lstrip("#") for t in tags),
        frozenset(c.casefold() for c in categories),
        tuple(property_key(t) for t in types),
    )


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
            minutes = _minutes(minutes)
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


def name_key(name: str) -> str:
    """A name as every lookup compares it (referrals, wikilinks, aliases, links in meeting notes,
    names typed on the command line): case folded, accents dropped, ``-``, ``_`` and runs of
    spaces as one space, in one Unicode form, so that "Carla Diaz" meets ``Carla Díaz.md``, a
    file name in macOS's decomposed form (NFD) meets a link typed composed (NFC), and
    "ada-lovelace" meets "Ada  Lovelace". Decompose, fold, drop the marks, compose (Unicode's
    canonical caseless matching, D145, without the marks)."""
    if name.isascii():
        return " ".join(name.replace("-", " ").replace("_", " ").split()).casefold()
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFD", name).casefold())
    bare = unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


def name_keys(contact: Contact) -> Iterable[str]:
    """Every way a referral may name this contact, folded: file name, name, aliases."""
    yield name_key(contact.stem)
    yield name_key(contact.name)
    yield from (name_key(alias) for alias in contact.aliases)


def index_by_name(contacts: Iterable[Contact]) -> Mapping[str, Contact]:
    """Each name key of the contacts, to the first contact that has it."""
    index: dict[str, Contact] = {}
    add = index.setdefault
    for contact in contacts:  # name_keys, spelled out: a generator per contact costs a third more
        add(name_key(path_stem(contact.path)), contact)
        add(name_key(contact.name), contact)
        for alias in contact.aliases:
            add(name_key(alias), contact)
    return index


def named(contacts: Iterable[Contact], name: str) -> list[tuple[Contact, str]]:
    """The contacts ``name`` may mean, as a user types it (``name_key``), each with how it
    names them: "its file name", "its name" or "its aliases". Every command that takes a
    contact's name looks it up here."""
    wanted = name_key(name)
    found = []
    for contact in contacts:
        if name_key(contact.stem) == wanted:
            found.append((contact, "its file name"))
        elif name_key(contact.name) == wanted:
            found.append((contact, "its name"))
        elif any(name_key(alias) == wanted for alias in contact.aliases):
            found.append((contact, "its aliases"))
    return found


#: A contact, or what a rule keeps of one (``referral.ReferralInputs``): found by its name keys.
Named = TypeVar("Named")


def find_person(person: PersonRef, by_name: Mapping[str, Named]) -> Named | None:
    """The contact note a referral names: by its wikilink target, else by name or alias."""
    note = by_name.get(name_key(person.target or person.name))
    if note is None and person.target:
        note = by_name.get(name_key(person.name))
    return note


def looked_up(person: PersonRef) -> tuple[str, ...]:
    """The name keys ``find_person`` may look up for ``person``."""
    return name_key(person.target or person.name), name_key(person.name)
