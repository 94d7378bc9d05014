"""``since``: dates before it stay in the record but start no reminder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import write_note

from vaultsync import pipeline
from vaultsync.config import settings_from_mapping
from vaultsync.errors import ConfigError

TODAY = dt.date(2026, 11, 20)


def test_interviews_before_since_start_no_reminder(tmp_path: Path) -> None:
    write_note(tmp_path, "People/Old.md", "---\nemail: o@x.org\ninterviews: [2026-06-01]\n---\n")
    write_note(tmp_path, "People/Both.md", "---\nemail: b@x.org\ninterviews: [2026-06-01, 2026-11-16]\n---\n")
    before = {(f.contact, f.rule) for f in pipeline.audit(tmp_path, TODAY).findings}
    assert ("Old", "thank-you") in before and ("Old", "record") in before
    write_note(tmp_path, ".vaultsync.toml", 'since = "2026-09-01"\n')
    checked = pipeline.audit(tmp_path, TODAY)
    assert [(f.contact, f.rule, f.due) for f in checked.findings if f.contact == "Old"] == []
    assert sorted((f.rule, f.due) for f in checked.findings if f.contact == "Both" and f.due) == [
        ("ask-referrals", dt.date(2026, 11, 19)),
        ("thank-you", dt.date(2026, 11, 19)),
    ]
    old = next(c for c in checked.vault.contacts if c.name == "Old")
    assert old.interviews == (dt.date(2026, 6, 1),)  # still in the record
    built = pipeline.build(tmp_path, TODAY, tmp_path / "out.ics")
    calendar = (tmp_path / "out.ics").read_text()
    assert "Old" not in calendar and "Both" in calendar
    assert built.events == 3  # Both only: the thank-you (overdue: one event, on today), the check-in window


def test_since_is_a_date(tmp_path: Path) -> None:
    assert settings_from_mapping({"since": dt.date(2026, 9, 1)}).since == dt.date(2026, 9, 1)
    assert settings_from_mapping({"since": ""}).since is None
    with pytest.raises(ConfigError, match="since: expected a date as YYYY-MM-DD, got 'September'"):
        settings_from_mapping({"since": "September"})
