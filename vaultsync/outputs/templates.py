"""Contact templates: where a vault keeps its own, the built-in one, reading one, and filling it.

Fills what Obsidian's core Templates plugin fills (``{{title}}``, ``{{date}}``, ``{{time}}``,
``{{date:FORMAT}}``) and Templater's common commands (``<% tp.file.title %>``,
``<% tp.date.now("FORMAT", OFFSET) %>``, ``tp.date.today/tomorrow/yesterday``,
``tp.file.creation_date``, ``tp.file.cursor``). Anything else is left as written and reported.
The moment (``now``) is always passed in: nothing here reads the clock. The new note made
from a template is ``outputs.new_note``'s.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from vaultsync.config import Settings
from vaultsync.errors import VaultsyncError
from vaultsync.obsidian import obsidian_json, obsidian_template_folders

#: File names a vault's contact template goes by, tried in this order in each templates folder.
TEMPLATE_NAMES = (
    "Contact.md",
    "Contact Template.md",
    "Person.md",
    "Person Template.md",
    "People Template.md",
)

_CORE = re.compile(r"\{\{\s*(title|date|time)\s*(?::([^}]*))?\}\}", re.IGNORECASE)
_TEMPLATER = re.compile(r"<%[-_]?\s*(.*?)\s*[-_]?%>", re.DOTALL)
_DATE_CALL = re.compile(
    r"tp\.date\.(now|today|tomorrow|yesterday)\(\s*(?:([\"'])(.*?)\2)?\s*(?:,\s*(-?\d+)\s*)?\)"
)
_CREATED = re.compile(r"tp\.file\.creation_date\(\s*(?:([\"'])(.*?)\1)?\s*\)")
_MOMENT_TOKEN = re.compile(r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DD|D|dddd|ddd|HH|H|hh|h|mm|m|ss|s|A|a")
_PLAIN = re.compile(r"[^\W\d_][\w .,'’&()/-]*(?<![ ])", re.UNICODE)
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "y", "n", "null", "~"}


def moment_format(moment: dt.datetime, fmt: str) -> str:
    """Format like moment.js (which Obsidian and Templater use): YYYY-MM-DD, HH:mm, dddd, [text]..."""

    def token(match: re.Match[str]) -> str:
        text = match.group(0)
        if text.startswith("["):
            return text[1:-1]
        day = moment.day
        suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return {
            "YYYY": f"{moment.year:04d}",
            "YY": f"{moment.year % 100:02d}",
            "MMMM": moment.strftime("%B"),
            "MMM": moment.strftime("%b"),
            "MM": f"{moment.month:02d}",
            "M": str(moment.month),
            "Do": f"{day}{suffix}",
            "DD": f"{day:02d}",
            "D": str(day),
            "dddd": moment.strftime("%A"),
            "ddd": moment.strftime("%a"),
            "HH": f"{moment.hour:02d}",
            "H": str(moment.hour),
            "hh": f"{(moment.hour - 1) % 12 + 1:02d}",
            "h": str((moment.hour - 1) % 12 + 1),
            "mm": f"{moment.minute:02d}",
            "m": str(moment.minute),
            "ss": f"{moment.second:02d}",
            "s": str(moment.second),
            "A": "AM" if moment.hour < 12 else "PM",
            "a": "am" if moment.hour < 12 else "pm",
        }[text]

    return _MOMENT_TOKEN.sub(token, fmt)


@dataclass(frozen=True)
class Formats:
    """The default formats of ``{{date}}`` and ``{{time}}`` (Obsidian's Templates settings)."""

    date: str = "YYYY-MM-DD"
    time: str = "HH:mm"


@dataclass(frozen=True)
class Filled:
    text: str
    unfilled: tuple[str, ...]  # placeholders left as written


def fill(template: str, title: str, now: dt.datetime, formats: Formats = Formats()) -> Filled:
    """The template with its placeholders filled; in the front-matter, values are quoted as YAML needs."""
    unfilled: list[str] = []

    def value(match: re.Match[str]) -> str | None:
        if match.re is _CORE:
            kind, fmt = match.group(1).casefold(), match.group(2)
            if kind == "title":
                return title
            return moment_format(
                now, (fmt or "").strip() or (formats.date if kind == "date" else formats.time)
            )
        command = match.group(1)
        if command == "tp.file.title":
            return title
        if re.fullmatch(r"tp\.file\.cursor\(\s*\d*\s*\)", command):
            return ""
        date_call = _DATE_CALL.fullmatch(command)
        if date_call:
            which, fmt, offset = date_call.group(1), date_call.group(3), date_call.group(4)
            shift = {"tomorrow": 1, "yesterday": -1}.get(which, int(offset or 0) if which == "now" else 0)
            return moment_format(now + dt.timedelta(days=shift), fmt or "YYYY-MM-DD")
        created = _CREATED.fullmatch(command)
        if created:
            return moment_format(now, created.group(2) or "YYYY-MM-DD HH:mm")
        unfilled.append(match.group(0))
        return None

    lines = template.split("\n")
    closing = front_matter_end(lines)
    out = []
    for number, line in enumerate(lines):
        in_front_matter = 0 < number < closing
        for pattern in (_CORE, _TEMPLATER):
            line = _replace(pattern, line, value, yaml=in_front_matter)
        out.append(line)
    return Filled("\n".join(out), tuple(unfilled))


def front_matter_end(lines: list[str]) -> int:
    """Index of the line closing the front-matter, or 0 when there is none."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)


def _replace(pattern: re.Pattern[str], line: str, value: Any, yaml: bool) -> str:
    out, last = [], 0
    for match in pattern.finditer(line):
        text = value(match)
        if text is None:
            continue
        before = line[: match.start()]
        if yaml:
            text = _yaml_text(text, before, line[match.end() :])
        out += [line[last : match.start()], text]
        last = match.end()
    return "".join(out) + line[last:]


def _yaml_text(text: str, before: str, after: str) -> str:
    """``text`` as it must be written at this place in a front-matter line."""
    quote = _open_quote(before)
    if quote == '"':
        return json.dumps(text, ensure_ascii=False)[1:-1]
    if quote == "'":
        return text.replace("'", "''")
    whole = re.fullmatch(r"\s*(?:[^\s:#'\"][^:#]*:|-)\s*", before) and not after.strip()
    if not whole or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text  # part of a longer value, or a date YAML should read as a date
    return yaml_text(text)


def yaml_text(text: str) -> str:
    """``text`` as a whole YAML value that reads back as that text: plain when YAML would not
    read it as anything else, else in double quotes."""
    if (
        _PLAIN.fullmatch(text)
        and text.casefold() not in _YAML_WORDS
        and ": " not in text
        and " #" not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _open_quote(before: str) -> str:
    """The quote character a YAML value is open in at the end of ``before``, or ''."""
    value = before.split(":", 1)[1] if ":" in before else before.lstrip(" -")
    value = value.lstrip(" -")
    if value[:1] == '"':
        body = value[1:].replace("\\\\", "").replace('\\"', "")
        return '"' if '"' not in body else ""
    if value[:1] == "'":
        return "'" if value[1:].replace("''", "").count("'") == 0 else ""
    return ""


# --- where a vault keeps its templates, and reading one


def template_folders(root: Path, settings: Settings) -> list[str]:
    """Obsidian's templates folder, Templater's, then ``templates_folders`` from the config."""
    folders = [*obsidian_template_folders(root), *settings.templates_folders]
    return list(dict.fromkeys(f for f in folders if f))


def find_template(root: Path, settings: Settings) -> Path | None:
    """The vault's own contact template, if it has one (see TEMPLATE_NAMES)."""
    for folder in template_folders(root, settings):
        try:
            names = {entry.name.casefold(): entry for entry in os.scandir(root / folder) if entry.is_file()}
        except OSError:
            continue
        for name in TEMPLATE_NAMES:
            if name.casefold() in names:
                return Path(names[name.casefold()].path)
    return None


def builtin_template() -> str:
    """The built-in contact template (also shipped as vaultsync/data/Contact.md to copy into a vault)."""
    return (resources.files("vaultsync") / "data" / "Contact.md").read_text(encoding="utf-8")


def template_formats(root: Path) -> Formats:
    data = obsidian_json(root, "templates.json")
    defaults = Formats()
    date, time = data.get("dateFormat"), data.get("timeFormat")
    return Formats(
        date if isinstance(date, str) and date.strip() else defaults.date,
        time if isinstance(time, str) and time.strip() else defaults.time,
    )


@dataclass(frozen=True)
class Template:
    text: str
    where: str  # its path, or "built-in"


def read_template(root: Path, settings: Settings, template: Path | None = None) -> Template:
    """``template`` (relative to this folder or to the vault), else the vault's own contact
    template, else the built-in one."""
    if template is not None and not template.is_absolute() and not template.exists():
        template = root / template  # given relative to the vault
    source = template or find_template(root, settings)
    try:
        text = source.read_text(encoding="utf-8-sig") if source else builtin_template()
    except (OSError, UnicodeDecodeError) as err:
        raise VaultsyncError(
            f"cannot read the template {source}: {getattr(err, 'strerror', None) or err}"
        ) from None
    return Template(text.replace("\r\n", "\n"), str(source) if source else "built-in")
