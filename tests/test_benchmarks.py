"""The benchmark's vault generator: the same bytes every time, and a vault vaultsync reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, tree_digest

from vaultsync.drivers.cli import cli

GENERATE = REPO / "benchmarks" / "generate.py"


def generate(folder: Path, n: int) -> str:
    done = subprocess.run(
        [sys.executable, str(GENERATE), str(folder), str(n)], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_the_generated_vault_is_the_same_bytes_every_time(tmp_path: Path):
    assert generate(tmp_path / "a", 20) == f"{tmp_path / 'a'}: 20 contacts, 20 meeting notes, 5 other notes\n"
    generate(tmp_path / "b", 20)
    first = tree_digest(tmp_path / "a")
    assert (
        first == tree_digest(tmp_path / "b") and len(first) == 20 + 20 + 5 + 3
    )  # + marker, app.json, template
    generate(tmp_path / "a", 20)  # over an earlier generated vault: replaced, same bytes
    assert tree_digest(tmp_path / "a") == first


def test_the_generated_vault_audits_with_every_contact(tmp_path: Path):
    generate(tmp_path / "v", 20)
    result = CliRunner().invoke(
        cli, ["audit", str(tmp_path / "v"), "--today", "2026-11-20", "--format", "json"]
    )
    report = json.loads(result.stdout)
    assert (report["contacts"], report["errors"]) == (20, [])
    assert {f["rule"] for f in report["findings"]} >= {"thank-you", "check-in", "record", "referral"}
    meetings = {d["note"].partition("/")[0] for d in report["dates"] if not d["note"].startswith("Contacts/")}
    assert meetings == {"Meetings", "Log"}  # every style of meeting note gives its dates
    assert {d["kind"] for d in report["dates"]} == {"interview", "contacted", "outreach", "reply"}


def test_a_folder_of_real_notes_is_never_overwritten(tmp_path: Path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "Note.md").write_text("mine\n")
    with pytest.raises(subprocess.CalledProcessError) as failed:
        generate(tmp_path / "mine", 5)
    assert "not touching it" in failed.value.stderr
    assert (tmp_path / "mine" / "Note.md").read_text() == "mine\n"


def run_script(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / name), *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_profiling_scripts_run_on_a_small_vault(tmp_path: Path):
    """They patch and call vaultsync's internals: a refactoring must not leave them broken."""
    vault = tmp_path / "vault"
    generate(vault, 40)
    stages = run_script("cold_stages.py", str(vault), "--rounds", "1")
    assert "| the rules |" in stages and "| the floor (floor.py) |" in stages
    for edit in ("body", "name", "deadline"):
        watched = run_script("watch_stages.py", str(vault), "--saves", "1", "--edit", edit)
        assert "the whole update" in watched and "KeptFile.write (the calendar)" in watched
    assert "load vault + rules" in run_script("helpers.py", str(vault), "--repeat", "1")
    steps = run_script("cold_steps.py", str(vault), "--rounds", "1").splitlines()[1:]
    assert [line.split("  ")[1].strip() for line in steps] == [
        "list the vault",
        "read the notes (two processes)",
        "save the entry cache",
        "the Vault, sorted",
        "the referral rule",  # it ends first: the main process runs it while the worker judges
        "judge each contact (two processes)",
        "sort the findings, format the report",
        "the stored report's key",
        "store the report",
        "imports",
        "in all, after the imports",
    ]


def test_other_notes_sets_how_many_ordinary_notes(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, str(GENERATE), str(tmp_path / "v"), "3", "--other-notes", "10"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == f"{tmp_path / 'v'}: 3 contacts, 3 meeting notes, 10 other notes\n"
    assert len(tree_digest(tmp_path / "v")) == 3 + 3 + 10 + 3
