"""``vaultsync doctor``: is everything in place for a calendar client to show the deadlines?

It checks the vault's config, where the calendar goes (writable, never read back as a note),
the calendar itself (calendar_check: framing, parsing, the events the notes give today), and
says how each client subscribes. It only reads: nothing is written.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from vaultsync.config import CONFIG_FILE, DEFAULTS, Settings, load_settings
from vaultsync.errors import ConfigError
from vaultsync.model.contact import MARKS
from vaultsync.model.interaction_note import KINDS
from vaultsync.model.now import Asked, Now, judged_at
from vaultsync.model.vault import Vault
from vaultsync.outputs.calendar import calendar_path
from vaultsync.outputs.calendar_check import (
    expected_reading,
    format_problems,
    icalendar_reading,
    reading_differences,
)
from vaultsync.outputs.generated import calendar_path_problem
from vaultsync.outputs.report import plural
from vaultsync.reading import front_matter
from vaultsync.reading.listing import vault_root
from vaultsync.store.loader import load_vault

OK, WARN, FAIL = "ok", "warn", "fail"
LIBYAML_MISSING = (
    "PyYAML runs without libyaml, so notes are read several times slower: "
    "reinstall PyYAML where libyaml's headers are present (Debian: libyaml-dev)"
)
#: Problems listed in full before "and N more".
SHOWN = 5


@dataclass(frozen=True)
class Check:
    status: str  # ok | warn | fail
    topic: str
    message: str


@dataclass(frozen=True)
class Diagnosis:
    checks: tuple[Check, ...]
    vault: Vault
    calendar: Path
    now: Now  # the moment the calendar was checked against

    @property
    def exit_code(self) -> int:
        return 1 if any(c.status == FAIL for c in self.checks) else 0


def diagnose(root: Path, when: Asked, calendar: Path | None = None) -> Diagnosis:
    root = vault_root(root)
    checks = []
    try:
        settings = load_settings(root)
        present = (root / CONFIG_FILE).is_file()
        checks.append(
            Check(OK, "config", f"{CONFIG_FILE} read" if present else f"no {CONFIG_FILE}: the defaults")
        )
    except ConfigError as err:
        settings = DEFAULTS
        checks.append(Check(FAIL, "config", f"{err} (checking the rest with the defaults)"))
    vault = load_vault(root, settings)
    read = f"{plural(len(vault.contacts), 'contact')} in {plural(vault.notes, 'note')}"
    if vault.errors:
        checks.append(
            Check(
                WARN,
                "notes",
                f"{read}; {plural(len(vault.errors), 'problem')} reading them (vaultsync audit lists them)",
            )
        )
    else:
        checks.append(Check(OK, "notes", read))
    checks += _record_checks(vault)
    if not front_matter.HAVE_LIBYAML:
        checks.append(Check(WARN, "yaml", LIBYAML_MISSING))
    path = calendar or calendar_path(vault)
    checks += _path_checks(root, path)
    now = judged_at(when, settings)
    checks += _calendar_checks(vault, path, now)
    return Diagnosis(tuple(checks), vault, path, now)


#: How doctor names each of ``contact.MARKS``.
_MARK_WORDS = {
    "type": "type",
    "tag": "tag",
    "category": "category",
    "folder": "contacts folder",
    "body tag": "#tag in the body",
    "people folder": "people folder",
}
#: Each kind of date an interaction note gives (``interaction_note.KINDS``), as doctor counts it.
_KIND_WORDS = {
    "interview": ("interview", "interviews"),
    "outreach": ("message sent", "messages sent"),
    "reply": ("reply", "replies"),
    "contacted": ("date of contact", "dates of contact"),
}


def _record_checks(vault: Vault) -> list[Check]:
    """How the notes were told to be contacts, and what they give besides the contacts' own
    dates (docs/dates.md), when anything."""
    checks = []
    marks = Counter(contact.mark for contact in vault.contacts if contact.mark)
    if marks:
        by = ", ".join(f"{marks[mark]} by {_MARK_WORDS[mark]}" for mark in MARKS if marks[mark])
        checks.append(Check(OK, "contacts", by))
    linked = [c for c in vault.contacts if c.sources]
    if vault.interactions:
        kinds = Counter(kind for c in linked for kind, _, _ in c.sources)
        given = sum(kinds.values())
        each = ", ".join(
            f"{kinds[kind]} {_KIND_WORDS[kind][kinds[kind] != 1]}" for kind in KINDS if kinds[kind]
        )
        checks.append(
            Check(
                OK,
                "dates",
                f"{plural(len(vault.interactions), 'interaction note')} (meetings, messages) gave "
                f"{plural(given, 'date')} to {plural(len(linked), 'contact')}"
                + (f": {each}" if each else ""),
            )
        )
    hints = [
        (c.path, line, message) for c in vault.contacts if not c.do_not_contact for message, line in c.hints
    ]
    if hints:
        unread = (
            "property looks like a date of contact but is not read"
            if len(hints) == 1
            else "properties look like dates of contact but are not read"
        )
        message = f"{len(hints)} {unread}: vaultsync audit names the alias to add"
        checks.append(Check(WARN, "hints", message))
        for path, line, hint in hints[:SHOWN]:
            checks.append(Check(WARN, "hints", f"{path}{f':{line}' if line else ''}: {hint}"))
        if len(hints) > SHOWN:
            checks.append(Check(WARN, "hints", f"and {len(hints) - SHOWN} more"))
    return checks


def _path_checks(root: Path, path: Path) -> list[Check]:
    topic = "calendar path"
    problem = calendar_path_problem(root, path)
    if problem:
        return [Check(FAIL, topic, problem)]
    try:
        inside = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        inside = None
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return [Check(FAIL, topic, f"{path}: {folder} is a file, not a folder")]
    writable = os.access(folder, os.W_OK | os.X_OK) and (not path.exists() or os.access(path, os.W_OK))
    if not writable:
        return [Check(FAIL, topic, f"{path}: cannot write there ({folder} or the file is read-only)")]
    where = (
        "inside the vault, never read as a note (watch ignores it)"
        if inside is not None
        else "outside the vault"
    )
    return [Check(OK, topic, f"{path}: writable, {where}")]


def _calendar_checks(vault: Vault, path: Path, now: Now) -> list[Check]:
    topic, today = "calendar", now.day
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [
            Check(
                FAIL,
                topic,
                f"{path} is not written yet: run vaultsync build (or keep serve or watch running)",
            )
        ]
    except OSError as err:
        return [Check(FAIL, topic, f"cannot read {path}: {err.strerror or err}")]
    reading = icalendar_reading(data)
    broken = format_problems(data) + [f"icalendar: {error}" for error in reading.errors]
    if broken:
        more = len(broken) - SHOWN
        shown = [Check(FAIL, topic, f"{path}: {problem}") for problem in broken[:SHOWN]]
        return shown + ([Check(FAIL, topic, f"and {more} more")] if more > 0 else [])
    events = len(reading.events)
    checks = [Check(OK, topic, f"{events} events; CRLF, lines within 75 octets, unique UIDs, parses back")]
    differences = reading_differences(expected_reading(vault, now), reading, "the file")
    if differences:
        checks.append(
            Check(
                WARN,
                topic,
                f"differs from what the notes give on {today} ({len(differences)} differences): "
                "run vaultsync build, or keep serve or watch running",
            )
        )
    else:
        checks.append(Check(OK, topic, f"holds exactly what the notes give on {today}"))
    return checks


def client_notes(settings: Settings) -> list[str]:
    """How each client subscribes, and what it does with the calendar."""
    hours, minutes = divmod(settings.refresh_minutes, 60)
    refresh = plural(settings.refresh_minutes, "minute") if minutes else plural(hours, "hour")
    notes = [
        "Apple Calendar (macOS: File > New Calendar Subscription; iPhone/iPad: Settings > Calendar > "
        "Accounts > Add Account > Other > Add Subscribed Calendar): paste the webcal:// URL from "
        "vaultsync serve; choose how often it refreshes (macOS), and untick 'Remove: Alerts' to keep "
        "the reminders.",
        "Google Calendar (web: Other calendars > + > From URL): Google fetches the URL from its own "
        "servers, so it must be public https (a tunnel or a reverse proxy: docs/subscribing.md); it "
        "refreshes every 12-24 hours whatever the calendar asks, and ignores its alarms.",
        "Outlook (desktop: Add Calendar > From Internet; Outlook.com: Add calendar > Subscribe from "
        f"web, which needs a URL Microsoft's servers can reach, like Google): the desktop follows the "
        f"calendar's X-PUBLISHED-TTL (every {refresh}), Outlook.com its own schedule (often hours).",
        "Thunderbird (New Calendar > On the Network > the http:// URL): reads the alarms; set its "
        "refresh interval in the calendar's properties.",
        "Any CalDAV account (Nextcloud, Fastmail, iCloud, Radicale): vaultsync push --url ... syncs "
        "the events to every device of that account, alarms included, with no server of your own.",
    ]
    if not settings.timezone:
        notes.append(
            "Interview times are floating (no timezone in .vaultsync.toml): every client shows them "
            "at the same clock time wherever it is."
        )
    return notes
