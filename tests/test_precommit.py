"""`audit --fail-on` and the pre-commit hooks that use it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from pre_commit.clientlib import load_manifest

from vaultsync.drivers.cli import cli
from vaultsync.model.audit import FAIL_ON

OVERDUE = "---\ntype: contact\nemail: a@b.example\nadvice: [x]\ninterviews: [2026-11-01]\n---\n"
UNREADABLE = "---\ntype: contact\ninterviews: [next tuesday]\n---\n"
TODAY = ("--today", "2026-11-20")


@pytest.fixture
def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}


def test_fail_on_choices_are_the_librarys():
    option = next(p for p in cli.commands["audit"].params if p.name == "fail_on")
    assert tuple(option.type.choices) == FAIL_ON
    assert option.default == "overdue"


@pytest.mark.parametrize(
    ("notes", "default", "errors"),
    [
        ({}, 0, 0),
        ({"Jane.md": OVERDUE}, 1, 0),  # overdue only: the errors hook lets the commit through
        ({"Kofi.md": UNREADABLE}, 1, 1),
        ({"Jane.md": OVERDUE, "Kofi.md": UNREADABLE}, 1, 1),
    ],
)
def test_fail_on(vault: Path, note, notes, default, errors):
    for path, text in notes.items():
        note(path, text)
    assert run_cli("audit", vault, *TODAY)[0] == default
    assert run_cli("audit", vault, *TODAY, "--fail-on", "overdue")[0] == default
    code, out, _ = run_cli("audit", vault, *TODAY, "--fail-on", "errors")
    assert code == errors
    assert out == run_cli("audit", vault, *TODAY)[1]  # the report itself is the same


def test_fail_on_refuses_other_values(vault: Path):
    code, out, err = run_cli("audit", vault, "--fail-on", "warnings")
    assert (code, out) == (2, "")
    assert err.startswith("vaultsync: Invalid value for '--fail-on': 'warnings' is not one of")


def test_hooks_run_audit_with_their_flag(hooks, vault: Path, note):
    assert set(hooks) == {"vaultsync-audit", "vaultsync-audit-overdue"}
    note("Jane.md", OVERDUE)
    results = {}
    for hook_id, hook in hooks.items():
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        program, *args = shlex.split(hook["entry"])
        assert program == "vaultsync"  # the console script pyproject.toml installs
        results[hook_id] = run_cli(*args, *TODAY, vault)[0]
    assert results == {"vaultsync-audit": 0, "vaultsync-audit-overdue": 1}


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("Contacts/Jane Doe.md", True),
        ("Jane.md", True),
        (".vaultsync.toml", True),
        ("Vault/.vaultsync.toml", True),
        ("vaultsync.ics", False),
        ("attachments/photo.png", False),
        ("not.vaultsync.toml", False),
    ],
)
def test_hooks_run_when_a_note_or_the_config_changes(hooks, path, runs):
    for hook in hooks.values():
        assert bool(re.search(hook["files"], path)) is runs
