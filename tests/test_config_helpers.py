"""The settings the helpers added: dashboard, spelling (tests/test_config.py checks the docs table)."""

from __future__ import annotations

from importlib import resources

import pytest

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.config_values import SPELLING_LANGUAGES
from vaultsync.errors import ConfigError


def test_helpers_defaults():
    assert DEFAULTS.dashboard == ""
    assert DEFAULTS.spelling_words == ()
    assert DEFAULTS.spelling_language == "en"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Networking.md", "Networking.md"), ("Reports\\Networking.md", "Reports/Networking.md"), ("  ", "")],
)
def test_dashboard_paths_accepted(raw, expected):
    assert settings_from_mapping({"dashboard": raw}).dashboard == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("Networking", "not a Markdown note"),
        ("../Networking.md", "not a note inside the vault"),
        ("/tmp/Networking.md", "not a note inside the vault"),
        (".hidden/Networking.md", "not a note inside the vault"),
        (3, "expected text"),
    ],
)
def test_dashboard_paths_refused(raw, reason):
    with pytest.raises(ConfigError, match=f"^.vaultsync.toml: dashboard: .*{reason}"):
        settings_from_mapping({"dashboard": raw})


def test_spelling_settings():
    settings = settings_from_mapping({"spelling_words": ["Lumen", "QGIS"], "spelling_language": "de"})
    assert settings.spelling_words == ("Lumen", "QGIS")
    assert settings.spelling_language == "de"
    with pytest.raises(ConfigError, match="spelling_language: 'klingon' is not one of en, es"):
        settings_from_mapping({"spelling_language": "klingon"})


def test_spelling_languages_are_the_dictionaries_the_library_ships():
    shipped = {
        entry.name.removesuffix(".json.gz")
        for entry in (resources.files("spellchecker") / "resources").iterdir()
        if entry.name.endswith(".json.gz")
    }
    assert set(SPELLING_LANGUAGES) == shipped
