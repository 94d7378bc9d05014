"""Formatting an audit for people (text, grouped by urgency) and for programs (JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vaultsync.model.finding import LAPSED

if TYPE_CHECKING:
    from vaultsync.model.audit import Audit, Build, VdirWrite
    from vaultsync.reading.note import NoteError

GROUPS = (
    ("overdue", "Overdue"),
    ("due", "Due"),
    ("upcoming", "Upcoming"),
    ("warning", "Warnings"),
    ("info", "Record gaps and suggestions"),
)


#: Where a finding's text begins, after the indent and the due date: its wrapped lines start there.
HANGING = " " * 14
#: The narrowest a report is wrapped to: below it, a wrapped line would hold a word or two.
NARROWEST = 40


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def vault_label(root: Path) -> str:
    """The vault as the user reads it: as typed (``sample-vault``), or its full path when what
    was typed names no folder (``.``, ``..``)."""
    return str(root) if root.name not in ("", "..") else str(root.resolve())


def wrapped(lines: list[str], width: int | None, indent: str) -> list[str]:
    """``lines`` wrapped to ``width`` columns, their further lines after ``indent``; unchanged
    without a width (piped: each line whole, for grep and for programs)."""
    if width is None:
        return lines
    import textwrap  # only for a terminal

    wrap = textwrap.TextWrapper(
        max(width, NARROWEST), subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )
    return [part for line in lines for part in (wrap.wrap(line) if len(line) > wrap.width else [line])]


def as_text(audit: Audit, vault_label: str, width: int | None = None, lapsed: bool = False) -> str:
    """The report for people; wrapped to ``width`` columns when given (a terminal's). Lapsed
    reminders are counted in one line, or listed last with ``lapsed``."""
    vault = audit.vault
    groups: dict[str, list[str]] = {level: [] for level, _ in (*GROUPS, (LAPSED, ""))}
    for f in audit.findings:  # one pass: 19,000 findings at 10,000 contacts
        due = f.due.isoformat() if f.due else "          "
        groups[f.level].append(f"  {due}  {f.contact}: {f.message}  [{f.rule}] {f.path}")
    old = len(groups[LAPSED])
    header = (
        f"{vault_label} on {audit.today}: {plural(len(vault.contacts), 'contact')}, "
        f"{plural(len(audit.findings) - old, 'finding')}, "
        f"{plural(len(vault.errors), 'problem')} reading notes"
    )
    lines = wrapped([header], width, "  ")
    for level, title in GROUPS:
        if groups[level]:
            lines += ["", f"{title} ({len(groups[level])})", *wrapped(groups[level], width, HANGING)]
    since = f"more than {plural(vault.settings.lapse_days, 'day')} past due"
    if old and lapsed:
        lines += ["", f"Lapsed, {since} ({old})", *wrapped(groups[LAPSED], width, HANGING)]
    elif old:
        lines += [
            "",
            *wrapped([f"{plural(old, 'older reminder')} lapsed ({since}); --lapsed lists them."], width, ""),
        ]
    if vault.errors:
        lines += ["", f"Unreadable notes and values ({len(vault.errors)})"]
        lines += wrapped([f"  {error_line(e)}" for e in vault.errors], width, "    ")
    if not audit.findings and not vault.errors:
        lines += ["", "Nothing to do: every thank-you and check-in is done."]
    return "\n".join(lines) + "\n"


def build_line(build: Build) -> str:
    """One line saying what ``build`` did."""
    state = "wrote" if build.written else "unchanged"
    contacts = plural(len(build.audit.vault.contacts), "contact")
    return f"{state} {build.path}: {plural(build.events, 'event')} from {contacts}"


def build_lines(build: Build) -> list[str]:
    """A line for each output ``build`` wrote or left: the calendar, the vdir, the dashboard."""
    lines = [build_line(build)]
    if build.vdir is not None:
        lines.append(vdir_line(build.vdir))
    if build.dashboard is not None:
        lines.append(dashboard_line(build))
    return lines


def vdir_line(done: VdirWrite) -> str:
    """What a write of the vdir did."""
    changes = [f"wrote {plural(done.written, 'file')}"] if done.written else []
    changes += [f"removed {plural(done.removed, 'file')}"] if done.removed else []
    done_there = f"{', '.join(changes)} in {done.folder}" if changes else f"unchanged {done.folder}"
    return f"{done_there}: one per event"


def dashboard_line(build: Build) -> str:
    """What ``build`` did with the dashboard note (when the config sets one)."""
    return f"{'wrote' if build.dashboard_written else 'unchanged'} {build.dashboard}: dashboard"


def error_line(error: NoteError) -> str:
    return f"{error.path}{f':{error.line}' if error.line else ''}: {error.message}"


def as_json(audit: Audit, vault_label: str, width: int | None = None, lapsed: bool = False) -> str:
    """The report for programs: lapsed findings are counted (``lapsed``), and listed among the
    findings (level ``lapsed``) only with ``lapsed``."""
    import json  # only for this format

    document = {
        "vault": vault_label,
        "today": audit.today.isoformat(),
        "contacts": len(audit.vault.contacts),
        "findings": [f.as_dict() for f in audit.findings if lapsed or f.level != LAPSED],
        "lapsed": audit.levels[LAPSED],
        "errors": [e.as_dict() for e in audit.vault.errors],
        "dates": _dates(audit),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _dates(audit: Audit) -> list[dict[str, str]]:
    """Each contact's dates of contact, with the note each came from (docs/dates.md)."""
    from vaultsync.model.interactions import dates_of

    return [
        {"contact": contact.path, "kind": kind, "date": when, "note": note}
        for contact in audit.vault.contacts
        for kind, when, note in dates_of(contact)
    ]


FORMATS = {"text": as_text, "json": as_json}
