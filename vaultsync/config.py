"""Settings: one declarative table (``config_spec.SPEC``) drives loading ``.vaultsync.toml``,
validating it, and the docs.

Every setting is optional; a vault without ``.vaultsync.toml`` uses the defaults of the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from vaultsync.config_spec import SPEC
from vaultsync.errors import ConfigError
from vaultsync.obsidian import obsidian_template_folders
from vaultsync.properties import CANONICAL_PROPERTIES, DEFAULT_PROPERTY_ALIASES, property_key

CONFIG_FILE = ".vaultsync.toml"


@dataclass(frozen=True)
class Settings:
    contacts_folders: tuple[str, ...]
    templates_folders: tuple[str, ...]
    people_folders: bool
    contact_types: tuple[str, ...]
    contact_tags: tuple[str, ...]
    contact_categories: tuple[str, ...]
    since: dt.date | None
    thank_you_days: int
    check_in_opens_days: int
    check_in_closes_days: int
    check_in_notice_days: int
    prepare_days: int
    no_reply_other_days: int
    no_reply_follow_up_days: int
    no_reply_move_on_days: int
    no_reply_move_on_shown_days: int
    keep_in_touch_days: int
    keep_in_touch_window_days: int
    search_ended: dt.date | None
    search_ended_days: int
    lapse_days: int
    referral_days: int
    close_loop_days: int
    interview_minutes: int
    calendar_path: str
    calendar_name: str
    calendar_day_limit: int
    refresh_minutes: int
    timezone: str
    reminder_time: str
    job_ask_phrases: tuple[str, ...]
    dashboard: str
    spelling_words: tuple[str, ...]
    spelling_language: str
    interaction_dates: tuple[str, ...]
    interaction_ends: tuple[str, ...]
    interaction_links: tuple[str, ...]
    interview_marks: tuple[str, ...]
    property_aliases: Mapping[str, tuple[str, ...]]

    @cached_property
    def property_lookup(self) -> dict[str, str]:
        """Folded property name -> canonical name, canonical names first."""
        lookup = {property_key(name): name for name in CANONICAL_PROPERTIES}
        for canonical, names in self.property_aliases.items():
            for name in names:
                lookup.setdefault(property_key(name), canonical)
        return lookup


assert {s.name for s in SPEC} == {f.name for f in fields(Settings)}, "SPEC and Settings differ"

DEFAULTS = Settings(**{s.name: s.default for s in SPEC})


def load_settings(vault: Path) -> Settings:
    """Read ``VAULT/.vaultsync.toml`` if present; raise ConfigError naming the file and reason.
    The templates folders Obsidian's settings name are templates folders too: never audited."""
    settings = _read_settings(vault)
    extra = [f for f in obsidian_template_folders(vault) if f not in settings.templates_folders]
    if not extra:
        return settings
    return replace(settings, templates_folders=(*settings.templates_folders, *extra))


def _read_settings(vault: Path) -> Settings:
    path = vault / CONFIG_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return DEFAULTS
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from None
    import tomllib  # only for a vault with a config file: importing it slows every command's start

    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    return settings_from_mapping(data, source=str(path))


def settings_from_mapping(data: Mapping[str, Any], source: str = CONFIG_FILE) -> Settings:
    by_name = {s.name: s for s in SPEC}
    values = {s.name: s.default for s in SPEC}
    for key, raw in data.items():
        setting = by_name.get(key)
        if setting is None:
            raise ConfigError(f"{source}: unknown setting {key!r} (see docs/configuration.md)")
        try:
            values[key] = setting.validate(raw)
        except ValueError as err:
            raise ConfigError(f"{source}: {key}: {err}") from None
    if values["check_in_closes_days"] < values["check_in_opens_days"]:
        raise ConfigError(f"{source}: check_in_closes_days must not be before check_in_opens_days")
    if values["no_reply_follow_up_days"] < values["no_reply_other_days"]:
        raise ConfigError(f"{source}: no_reply_follow_up_days must not be before no_reply_other_days")
    return Settings(**values)


def settings_markdown() -> str:
    """The settings table for docs/configuration.md (a test keeps the docs in step)."""
    rows = ["| setting | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.name}` | `{s.toml}` | {s.description} |" for s in SPEC]
    rows += ["", "Built-in property aliases (matched ignoring case, `_`, `-` and spaces):", ""]
    rows += ["| property | also read from |", "|---|---|"]
    rows += [
        f"| `{name}` | {', '.join(f'`{a}`' for a in aliases)} |"
        for name, aliases in DEFAULT_PROPERTY_ALIASES.items()
    ]
    return "\n".join(rows) + "\n"
