"""The settings' table: each setting's name, default, validator, TOML default and description.

The one source of truth ``config`` loads, validates and documents ``.vaultsync.toml`` from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vaultsync.config_values import (
    SPELLING_LANGUAGES,
    as_calendar_path,
    as_clock,
    as_dashboard,
    as_days,
    as_flag,
    as_folders,
    as_limit,
    as_minutes,
    as_property_aliases,
    as_since,
    as_spelling_language,
    as_text,
    as_timezone,
    as_words,
)
from vaultsync.properties import DEFAULT_PROPERTY_ALIASES


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
        as_folders,
        "[]",
        "Folders (from the vault root) whose notes are all contacts, whatever their properties.",
    ),
    Setting(
        "templates_folders",
        ("Templates", "templates"),
        as_folders,
        '["Templates", "templates"]',
        "Folders whose notes are templates: never contacts, never reported.",
    ),
    Setting(
        "people_folders",
        True,
        as_flag,
        "true",
        "Notes under a folder named People, Persons or Contacts (a number prefix such as `20 People` "
        "too, at any depth) are contacts, unless they record an interaction (docs/dates.md).",
    ),
    Setting(
        "contact_types",
        ("contact", "person"),
        as_words,
        '["contact", "person"]',
        "A note whose `type` is one of these, or with a ticked checkbox of that name "
        "(`person: true`), is a contact.",
    ),
    Setting(
        "contact_tags",
        ("contact", "person"),
        as_words,
        '["contact", "person"]',
        "A note tagged with one of these (`tags` property, with or without `#`) is a contact.",
    ),
    Setting(
        "contact_categories",
        ("People", "Contacts"),
        as_words,
        '["People", "Contacts"]',
        'A note whose `categories` links one of these (`"[[People]]"`) is a contact.',
    ),
    Setting(
        "since",
        None,
        as_since,
        '""',
        "A date (`2026-09-01`): interviews before it stay in the record but start no reminder "
        "(no thank-you, check-in, referral ask or advice to record); empty = every date counts.",
    ),
    Setting(
        "thank_you_days", 3, as_days, "3", "Days after an interview by which the thank-you letter is due."
    ),
    Setting(
        "check_in_opens_days",
        30,
        as_days,
        "30",
        "Days after the latest interview when the check-in window opens.",
    ),
    Setting(
        "check_in_closes_days",
        60,
        as_days,
        "60",
        "Days after the latest interview when the check-in window closes (then overdue).",
    ),
    Setting(
        "check_in_notice_days",
        14,
        as_days,
        "14",
        "A check-in is `upcoming` this many days before its window opens.",
    ),
    Setting(
        "interview_minutes",
        30,
        as_minutes,
        "30",
        "How long an interview with a time lasts: it counts as held from its end (a contact's "
        "`interview_minutes`, or an end written `2026-11-20T15:00/16:15`, says otherwise).",
    ),
    Setting(
        "prepare_days", 7, as_days, "7", "Remind to prepare questions for an interview this many days ahead."
    ),
    Setting(
        "referral_days", 7, as_days, "7", "Days after a referral by which to reach the person suggested."
    ),
    Setting(
        "close_loop_days", 7, as_days, "7", "Days after meeting someone suggested to let the referrer know."
    ),
    Setting(
        "no_reply_other_days",
        3,
        as_days,
        "3",
        "Business days (Monday to Friday) after an unanswered `outreach` when to write to another "
        "person at the organization or among those suggested to you (`no-reply-other`).",
    ),
    Setting(
        "no_reply_follow_up_days",
        7,
        as_days,
        "7",
        "Business days after an unanswered `outreach` when to follow up once (`no-reply-follow-up`).",
    ),
    Setting(
        "no_reply_move_on_days",
        7,
        as_days,
        "7",
        "Business days after the follow-up (a later `outreach` date) without an answer when to move "
        "on (`no-reply-move-on`); then no more reminders.",
    ),
    Setting(
        "no_reply_move_on_shown_days",
        7,
        as_days,
        "7",
        "Days the `no-reply-move-on` finding stays in the audit from its day (then silence).",
    ),
    Setting(
        "keep_in_touch_days",
        90,
        as_days,
        "90",
        "After the check-in (done, or its window closed), write again this many days after the "
        "latest contact of any kind; a contact's `keep_in_touch` property overrides it. 0 = never.",
    ),
    Setting(
        "keep_in_touch_window_days",
        14,
        as_days,
        "14",
        "Days a keep-in-touch reminder stays due before it is overdue.",
    ),
    Setting(
        "search_ended",
        None,
        as_since,
        '""',
        "The day your search ended (`2026-12-01`): each contact you interviewed gets one reminder to "
        "tell them how it ended and thank them; then only what you still owe (docs/rules.md). "
        "Empty = the search goes on.",
    ),
    Setting(
        "search_ended_days",
        14,
        as_days,
        "14",
        "Days after `search_ended` by which each contact should hear how it ended.",
    ),
    Setting(
        "lapse_days",
        30,
        as_days,
        "30",
        "A reminder more than this many days past its last day lapses: out of the calendar and the "
        "exit code, counted in one line of the report (`audit --lapsed` lists them).",
    ),
    Setting(
        "calendar_path",
        "vaultsync.ics",
        as_calendar_path,
        '"vaultsync.ics"',
        "Where `build` writes the calendar; relative paths are from the vault root. Never a note "
        "(`.md` inside the vault) or a file vaultsync did not write: refused.",
    ),
    Setting(
        "calendar_name",
        "Informational interviews",
        as_text,
        '"Informational interviews"',
        "The calendar's name as clients show it (`NAME`, `X-WR-CALNAME`).",
    ),
    Setting(
        "calendar_day_limit",
        10,
        as_limit,
        "10",
        "At most this many events of one kind on one day in the calendar, the most urgent first; "
        "the rest of that kind on that day are one event that lists them (docs/subscribing.md). "
        "0 = no limit.",
    ),
    Setting(
        "refresh_minutes",
        60,
        as_minutes,
        "60",
        "How often subscribed clients should refresh (`REFRESH-INTERVAL`, `X-PUBLISHED-TTL`).",
    ),
    Setting(
        "timezone",
        "",
        as_timezone,
        '""',
        "Your IANA time zone: the day of an interview written with an offset (`08:00+09:00`) is "
        "your day there, and times without one are on its clock (the calendar writes them in it); "
        "empty = this computer's zone (and floating times in the calendar).",
    ),
    Setting(
        "reminder_time",
        "09:00",
        as_clock,
        '"09:00"',
        "Time of day of the alarms on a deadline's days, and the day before an interview without a time.",
    ),
    Setting(
        "job_ask_phrases",
        (),
        as_words,
        "[]",
        "Extra phrases (case-insensitive) that count as asking directly for a job.",
    ),
    Setting(
        "dashboard",
        "",
        as_dashboard,
        '""',
        "Where `build` writes the dashboard note (a path in the vault ending in `.md`, "
        'like `"Networking.md"`); empty = no dashboard. See docs/dashboard.md.',
    ),
    Setting(
        "spelling_words",
        (),
        as_words,
        "[]",
        "Words `vaultsync letter --check` accepts besides its dictionary (your name, jargon).",
    ),
    Setting(
        "spelling_language",
        "en",
        as_spelling_language,
        '"en"',
        "The dictionary `vaultsync letter --check` spells with: " + ", ".join(SPELLING_LANGUAGES) + ".",
    ),
    Setting(
        "interaction_dates",
        ("date", "Comm_DateTime", "start"),
        as_words,
        '["date", "Comm_DateTime", "start"]',
        "The properties (first one present) that date an interaction note: a meeting or log note "
        "that links contacts. See docs/dates.md.",
    ),
    Setting(
        "interaction_ends",
        ("end", "end time"),
        as_words,
        '["end", "end time"]',
        "The properties that end an interaction note's one timed meeting: a time of day (`16:15`) or "
        "a date and time (the date's own `2026-11-20T15:00/16:15` works too). See docs/dates.md.",
    ),
    Setting(
        "interaction_links",
        ("people", "participants", "attendees", "contacts", "with"),
        as_words,
        '["people", "participants", "attendees", "contacts", "with"]',
        "The properties of an interaction note that link the contacts it was with (also: wikilinks "
        "under a Participants or Attendees heading).",
    ),
    Setting(
        "interview_marks",
        ("informational interview", "job interview", "coffee chat", "interview"),
        as_words,
        '["informational interview", "job interview", "coffee chat", "interview"]',
        "An interaction note whose `type`, `tags` or `categories` name one of these (plural, "
        "`-`/`_` or a link too) gives its contacts an informational interview.",
    ),
    Setting(
        "property_aliases",
        DEFAULT_PROPERTY_ALIASES,
        as_property_aliases,
        "(see below)",
        "Other names for the canonical properties, added to the built-in ones: "
        'a table of `canonical = ["alias", ...]`.',
    ),
)
