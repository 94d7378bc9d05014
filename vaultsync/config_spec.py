"""The settings' table: each setting's name, default, validator, TOML default and description.

The one source of truth ``config`` loads, validates and documents ``.vaultsync.toml`` from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from vaultsync.properties import CANONICAL_PROPERTIES, DEFAULT_PROPERTY_ALIASES

# --- validators: each takes the raw TOML value and returns the typed value or raises ValueError


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    return value


def _words(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError('expected a list of text, like ["a", "b"]')
    return tuple(value)


def _folders(value: Any) -> tuple[str, ...]:
    folders = []
    for folder in _words(value):
        clean = folder.replace("\\", "/").strip("/")
        if not clean or clean.startswith("../") or clean == "..":
            raise ValueError(f"{folder!r} is not a folder inside the vault")
        folders.append(clean)
    return tuple(folders)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _since(value: Any) -> dt.date | None:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


def _days(value: Any) -> int:
    # Bounded so that a date plus these days stays a date (datetime ends in year 9999).
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        raise ValueError("expected a whole number of days from 0 to 3650 (ten years)")
    return value


def _minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 525_600:
        raise ValueError("expected a whole number of minutes from 1 to 525600 (a year)")
    return value


def _limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise ValueError("expected a whole number of events from 0 (no limit) to 100000")
    return value


def _timezone(value: Any) -> str:
    text = _text(value)
    if text:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {text!r} (use an IANA name like Europe/Paris)") from None
    return text


def _clock(value: Any) -> str:
    text = _text(value)
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", text):
        raise ValueError(f"expected a time of day as HH:MM, got {text!r}")
    return text


def _calendar_path(value: Any) -> str:
    text = _text(value)
    if not text.strip():
        raise ValueError("must not be empty")
    return text


def _dashboard(value: Any) -> str:
    text = _text(value).replace("\\", "/").strip()
    if not text:
        return ""
    parts = text.split("/")
    if text.startswith("/") or ".." in parts or any(part.startswith(".") for part in parts):
        raise ValueError(f"{text!r} is not a note inside the vault (a relative path, no hidden folders)")
    if not text.endswith(".md"):
        raise ValueError(f"{text!r} is not a Markdown note (end it in .md)")
    return text


SPELLING_LANGUAGES = ("en", "es", "fr", "pt", "de", "it", "ru", "ar", "lv", "eu", "nl", "fa")


def _spelling_language(value: Any) -> str:
    text = _text(value)
    if text not in SPELLING_LANGUAGES:
        raise ValueError(f"{text!r} is not one of {', '.join(SPELLING_LANGUAGES)}")
    return text


def _property_aliases(value: Any) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError('expected a table: [property_aliases] then canonical = ["alias", ...]')
    merged = {key: list(names) for key, names in DEFAULT_PROPERTY_ALIASES.items()}
    for canonical, names in value.items():
        if canonical not in CANONICAL_PROPERTIES:
            raise ValueError(
                f"{canonical!r} is not a property vaultsync reads (one of: {', '.join(CANONICAL_PROPERTIES)})"
            )
        if isinstance(names, str):
            names = [names]
        merged.setdefault(canonical, []).extend(_words(names))
    return MappingProxyType({key: tuple(names) for key, names in merged.items()})


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    validate: Callable[[Any], Any]
    toml: str  # the default as written in TOML, for the docs
    description: str


SPEC: tuple[Setting, ...] = (
    Setting(
        "contacts_folders",
        (),
        _folders,
        "[]",
        "Folders (from the vault root) whose notes are all contacts, whatever their properties.",
    ),
    Setting(
        "templates_folders",
        ("Templates", "templates"),
        _folders,
        '["Templates", "templates"]',
        "Folders whose notes are templates: never contacts, never reported.",
    ),
    Setting(
        "people_folders",
        True,
        _flag,
        "true",
        "Notes under a folder named People, Persons or Contacts (a number prefix such as `20 People` "
        "too, at any depth) are contacts, unless they record an interaction (docs/dates.md).",
    ),
    Setting(
        "contact_types",
        ("contact", "person"),
        _words,
        '["contact", "person"]',
        "A note whose `type` is one of these, or with a ticked checkbox of that name "
        "(`person: true`), is a contact.",
    ),
    Setting(
        "contact_tags",
        ("contact", "person"),
        _words,
        '["contact", "person"]',
        "A note tagged with one of these (`tags` property, with or without `#`) is a contact.",
    ),
    Setting(
        "contact_categories",
        ("People", "Contacts"),
        _words,
        '["People", "Contacts"]',
        'A note whose `categories` links one of these (`"[[People]]"`) is a contact.',
    ),
    Setting(
        "since",
        None,
        _since,
        '""',
        "A date (`2026-09-01`): interviews before it stay in the record but start no reminder "
        "(no thank-you, check-in, referral ask or advice to record); empty = every date counts.",
    ),
    Setting("thank_you_days", 3, _days, "3", "Days after an interview by which the thank-you letter is due."),
    Setting(
        "check_in_opens_days",
        30,
        _days,
        "30",
        "Days after the latest interview when the check-in window opens.",
    ),
    Setting(
        "check_in_closes_days",
        60,
        _days,
        "60",
        "Days after the latest interview when the check-in window closes (then overdue).",
    ),
    Setting(
        "check_in_notice_days",
        14,
        _days,
        "14",
        "A check-in is `upcoming` this many days before its window opens.",
    ),
    Setting(
        "interview_minutes",
        30,
        _minutes,
        "30",
        "How long an interview with a time lasts: it counts as held from its end (a contact's "
        "`interview_minutes`, or an end written `2026-11-20T15:00/16:15`, says otherwise).",
    ),
    Setting(
        "prepare_days", 7, _days, "7", "Remind to prepare questions for an interview this many days ahead."
    ),
    Setting("referral_days", 7, _days, "7", "Days after a referral by which to reach the person suggested."),
    Setting(
        "close_loop_days", 7, _days, "7", "Days after meeting someone suggested to let the referrer know."
    ),
    Setting(
        "no_reply_other_days",
        3,
        _days,
        "3",
        "Business days (Monday to Friday) after an unanswered `outreach` when to write to another "
        "person at the organization or among those suggested to you (`no-reply-other`).",
    ),
    Setting(
        "no_reply_follow_up_days",
        7,
        _days,
        "7",
        "Business days after an unanswered `outreach` when to follow up once (`no-reply-follow-up`).",
    ),
    Setting(
        "no_reply_move_on_days",
        7,
        _days,
        "7",
        "Business days after the follow-up (a later `outreach` date) without an answer when to move "
        "on (`no-reply-move-on`); then no more reminders.",
    ),
    Setting(
        "no_reply_move_on_shown_days",
        7,
        _days,
        "7",
        "Days the `no-reply-move-on` finding stays in the audit from its day (then silence).",
    ),
    Setting(
        "keep_in_touch_days",
        90,
        _days,
        "90",
        "After the check-in (done, or its window closed), write again this many days after the "
        "latest contact of any kind; a contact's `keep_in_touch` property overrides it. 0 = never.",
    ),
    Setting(
        "keep_in_touch_window_days",
        14,
        _days,
        "14",
        "Days a keep-in-touch reminder stays due before it is overdue.",
    ),
    Setting(
        "search_ended",
        None,
        _since,
        '""',
        "The day your search ended (`2026-12-01`): each contact you interviewed gets one reminder to "
        "tell them how it ended and thank them; then only what you still owe (docs/rules.md). "
        "Empty = the search goes on.",
    ),
    Setting(
        "search_ended_days",
        14,
        _days,
        "14",
        "Days after `search_ended` by which each contact should hear how it ended.",
    ),
    Setting(
        "lapse_days",
        30,
        _days,
        "30",
        "A reminder more than this many days past its last day lapses: out of the calendar and the "
        "exit code, counted in one line of the report (`audit --lapsed` lists them).",
    ),
    Setting(
        "calendar_path",
        "vaultsync.ics",
        _calendar_path,
        '"vaultsync.ics"',
        "Where `build` writes the calendar; relative paths are from the vault root. Never a note "
        "(`.md` inside the vault) or a file vaultsync did not write: refused.",
    ),
    Setting(
        "calendar_name",
        "Informational interviews",
        _text,
        '"Informational interviews"',
        "The calendar's name as clients show it (`NAME`, `X-WR-CALNAME`).",
    ),
    Setting(
        "calendar_day_limit",
        10,
        _limit,
        "10",
        "At most this many events of one kind on one day in the calendar, the most urgent first; "
        "the rest of that kind on that day are one event that lists them (docs/subscribing.md). "
        "0 = no limit.",
    ),
    Setting(
        "refresh_minutes",
        60,
        _minutes,
        "60",
        "How often subscribed clients should refresh (`REFRESH-INTERVAL`, `X-PUBLISHED-TTL`).",
    ),
    Setting(
        "timezone",
        "",
        _timezone,
        '""',
        "Your IANA time zone: the day of an interview written with an offset (`08:00+09:00`) is "
        "your day there, and times without one are on its clock (the calendar writes them in it); "
        "empty = this computer's zone (and floating times in the calendar).",
    ),
    Setting(
        "reminder_time",
        "09:00",
        _clock,
        '"09:00"',
        "Time of day of the alarms on a deadline's days, and the day before an interview without a time.",
    ),
    Setting(
        "job_ask_phrases",
        (),
        _words,
        "[]",
        "Extra phrases (case-insensitive) that count as asking directly for a job.",
    ),
    Setting(
        "dashboard",
        "",
        _dashboard,
        '""',
        "Where `build` writes the dashboard note (a path in the vault ending in `.md`, "
        'like `"Networking.md"`); empty = no dashboard. See docs/dashboard.md.',
    ),
    Setting(
        "spelling_words",
        (),
        _words,
        "[]",
        "Words `vaultsync letter --check` accepts besides its dictionary (your name, jargon).",
    ),
    Setting(
        "spelling_language",
        "en",
        _spelling_language,
        '"en"',
        "The dictionary `vaultsync letter --check` spells with: " + ", ".join(SPELLING_LANGUAGES) + ".",
    ),
    Setting(
        "interaction_dates",
        ("date", "Comm_DateTime", "start"),
        _words,
        '["date", "Comm_DateTime", "start"]',
        "The properties (first one present) that date an interaction note: a meeting or log note "
        "that links contacts. See docs/dates.md.",
    ),
    Setting(
        "interaction_links",
        ("people", "participants", "attendees", "contacts", "with"),
        _words,
        '["people", "participants", "attendees", "contacts", "with"]',
        "The properties of an interaction note that link the contacts it was with (also: wikilinks "
        "under a Participants or Attendees heading).",
    ),
    Setting(
        "interview_marks",
        ("informational interview", "job interview", "coffee chat", "interview"),
        _words,
        '["informational interview", "job interview", "coffee chat", "interview"]',
        "An interaction note whose `type`, `tags` or `categories` name one of these (plural, "
        "`-`/`_` or a link too) gives its contacts an informational interview.",
    ),
    Setting(
        "property_aliases",
        DEFAULT_PROPERTY_ALIASES,
        _property_aliases,
        "(see below)",
        "Other names for the canonical properties, added to the built-in ones: "
        'a table of `canonical = ["alias", ...]`.',
    ),
)
