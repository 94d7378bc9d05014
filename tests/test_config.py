"""The settings table: loading, validation, and the docs generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from vaultsync.config import DEFAULTS, load_settings, settings_markdown
from vaultsync.errors import ConfigError


def test_defaults_without_a_file(vault: Path):
    assert load_settings(vault) == DEFAULTS


def test_values_are_read(vault: Path):
    (vault / ".vaultsync.toml").write_text(
        'contacts_folders = ["People/"]\nthank_you_days = 2\ntimezone = "Europe/Paris"\n'
        '[property_aliases]\norganization = "Employer"\n'
    )
    settings = load_settings(vault)
    assert settings.contacts_folders == ("People",)
    assert settings.thank_you_days == 2 and settings.timezone == "Europe/Paris"
    assert settings.property_lookup["employer"] == "organization"
    assert settings.property_lookup["company"] == "organization"  # built-ins are kept


@pytest.mark.parametrize(
    ("toml", "reason"),
    [
        ("thank_you_days = -1", "thank_you_days: expected a whole number of days from 0 to 3650"),
        ("thank_you_days = true", "thank_you_days: expected a whole number of days from 0 to 3650"),
        ("calendar_name = 3", "calendar_name: expected text, got int"),
        ("colour = 'blue'", "unknown setting 'colour' (see docs/configuration.md)"),
        (
            "timezone = 'Mars/Olympus'",
            "timezone: unknown time zone 'Mars/Olympus' (use an IANA name like Europe/Paris)",
        ),
        ("reminder_time = '9am'", "reminder_time: expected a time of day as HH:MM, got '9am'"),
        (
            "contacts_folders = ['../elsewhere']",
            "contacts_folders: '../elsewhere' is not a folder inside the vault",
        ),
        (
            "[property_aliases]\nsalary = ['pay']",
            "property_aliases: 'salary' is not a property vaultsync reads",
        ),
        ("thank_you_days = \ncalendar_name = 'x'", "invalid TOML: Invalid value (at line 1, column 18)"),
        ("check_in_opens_days = 70", "check_in_closes_days must not be before check_in_opens_days"),
        ("name = 'x'\nthank_you_days = [1,", "invalid TOML: "),
    ],
)
def test_bad_config_names_the_file_and_reason(vault: Path, toml: str, reason: str):
    (vault / ".vaultsync.toml").write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(vault)
    message = str(caught.value)
    assert message.startswith(f"{vault / '.vaultsync.toml'}: ")
    assert reason in message
    assert caught.value.exit_code == 2


def test_docs_show_the_settings_table():
    docs = (REPO / "docs" / "configuration.md").read_text()
    generated = docs.split("<!-- settings:begin -->\n")[1].split("<!-- settings:end -->")[0]
    assert generated.strip() == settings_markdown().strip(), "regenerate with settings_markdown()"
