"""The command line: exact exit codes and exact output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli as run
from conftest import tree_digest, write_note

JANE = """
---
type: contact
email: jane@northwind.example
interviews: [2026-11-10]
referrals: ["Ana Ortiz, 413-555-0199"]
advice: [Volunteer first.]
---
"""


def test_audit_text_exact(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    write_note(vault, "Contacts/Broken.md", "---\ntype: contact\nname: [oops\n---\n")
    code, out, err = run("audit", str(vault), "--today", "2026-11-12")
    assert (code, err) == (1, "")
    assert out == (
        f"{vault} on 2026-11-12: 1 contact, 2 findings, 1 problem reading notes\n"
        "\n"
        "Due (1)\n"
        "  2026-11-13  Jane Doe: Send a thank-you letter for the 2026-11-10 interview (due 2026-11-13): "
        "what you enjoyed, the advice that helped, what you plan to do with it; then record "
        "thank_you_sent.  [thank-you] Contacts/Jane Doe.md\n"
        "\n"
        "Record gaps and suggestions (1)\n"
        "              Ana Ortiz: Reach out to Ana Ortiz (413-555-0199), suggested by Jane Doe; "
        "no note for them yet.  [referral] Contacts/Jane Doe.md\n"
        "\n"
        "Unreadable notes and values (1)\n"
        "  Contacts/Broken.md:3: invalid YAML in the front-matter: while parsing a flow sequence; did not find expected ',' or ']'\n"
    )


def test_audit_json_exact(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    code, out, _ = run("audit", str(vault), "--today", "2026-11-14", "--format", "json")
    assert code == 1  # overdue
    assert json.loads(out) == {
        "vault": str(vault),
        "today": "2026-11-14",
        "contacts": 1,
        "findings": [
            {
                "rule": "thank-you",
                "level": "overdue",
                "contact": "Jane Doe",
                "path": "Contacts/Jane Doe.md",
                "due": "2026-11-13",
                "message": "Send a thank-you letter for the 2026-11-10 interview (was due 2026-11-13): "
                "what you enjoyed, the advice that helped, what you plan to do with it; then record "
                "thank_you_sent.",
            },
            {
                "rule": "referral",
                "level": "info",
                "contact": "Ana Ortiz",
                "path": "Contacts/Jane Doe.md",
                "due": None,
                "message": "Reach out to Ana Ortiz (413-555-0199), suggested by Jane Doe; no note for them yet.",
            },
        ],
        "errors": [],
    }


def test_audit_exit_0_when_nothing_overdue_and_all_read(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    assert run("audit", str(vault), "--today", "2026-11-12")[0] == 0
    write_note(vault, "Notes/plain.md", "# Not a contact\n")
    assert run("audit", str(vault), "--today", "2026-11-12")[0] == 0


def test_audit_empty_vault(vault: Path):
    code, out, _ = run("audit", str(vault), "--today", "2026-11-12")
    assert code == 0
    assert out.endswith("\nNothing to do: every thank-you and check-in is done.\n")


def test_audit_defaults_to_current_folder(vault: Path, monkeypatch: pytest.MonkeyPatch):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    monkeypatch.chdir(vault)
    code, out, _ = run("audit", "--today", "2026-11-12", "--format", "json")
    assert code == 0 and json.loads(out)["contacts"] == 1 and json.loads(out)["vault"] == "."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "no/such/vault"], "vaultsync: vault not found: no/such/vault\n"),
        (
            ["audit", ".", "--today", "2026-02-30"],
            "vaultsync: --today: '2026-02-30' is not a date (use YYYY-MM-DD)\n",
        ),
        (
            ["audit", ".", "--today", "tomorrow"],
            "vaultsync: --today: 'tomorrow' is not a date (use YYYY-MM-DD)\n",
        ),
        (["build", "no/such/vault"], "vaultsync: vault not found: no/such/vault\n"),
        (
            ["audit", ".", "--format", "xml"],
            "vaultsync: Invalid value for '--format': 'xml' is not one of 'text', 'json'. "
            "(see 'vaultsync audit --help')\n",
        ),
        (["frobnicate"], "vaultsync: No such command 'frobnicate'.\n"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, message):
    code, out, err = run(*args)
    assert (code, out, err) == (2, "", message)


def test_bad_config_is_a_usage_error(vault: Path):
    (vault / ".vaultsync.toml").write_text("thank_you_days = 'three'\n")
    code, _, err = run("audit", str(vault))
    assert code == 2
    assert err == (
        f"vaultsync: {vault / '.vaultsync.toml'}: thank_you_days: expected a whole number of days from 0 to 3650 (ten years)\n"
    )


def test_build_writes_then_leaves_unchanged(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    calendar = vault / "vaultsync.ics"
    code, out, err = run("build", str(vault), "--today", "2026-11-12")
    assert (code, out, err) == (0, f"wrote {calendar}: 3 events from 1 contact\n", "")
    first = calendar.stat().st_mtime_ns
    code, out, _ = run("build", str(vault), "--today", "2026-11-12")
    assert (code, out) == (0, f"unchanged {calendar}: 3 events from 1 contact\n")
    assert calendar.stat().st_mtime_ns == first


def test_build_reports_bad_notes_and_still_writes(vault: Path, tmp_path: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    write_note(vault, "Contacts/Bad.md", "---\ntype: contact\ninterviews: [soon]\n---\n")
    target = tmp_path / "out" / "cal.ics"
    code, out, err = run("build", str(vault), "--today", "2026-11-12", "--calendar", str(target))
    assert code == 1
    assert out == f"wrote {target}: 3 events from 2 contacts\n"
    assert err == (
        "vaultsync: Contacts/Bad.md:3: interviews: 'soon' is not a date "
        "(write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)\n"
    )
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_build_into_unwritable_place_is_exit_1(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    blocker = vault / "file"
    blocker.write_text("not a folder")
    code, out, err = run("build", str(vault), "--calendar", str(blocker / "cal.ics"))
    assert code == 1 and out == ""
    assert err.startswith(f"vaultsync: cannot write {blocker / 'cal.ics'}: ") and err.count("\n") == 1


def test_audit_and_build_change_no_note(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    write_note(vault, "Contacts/Bad.md", "---\n{{date}}\n---\n")
    before = tree_digest(vault)
    run("audit", str(vault), "--today", "2026-11-12")
    run("build", str(vault), "--today", "2026-11-12", "--calendar", str(vault.parent / "c.ics"))
    assert tree_digest(vault) == before


def test_python_dash_m_and_help():
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "audit" in done.stdout and "build" in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "vaultsync", "--version"], capture_output=True, text=True, check=False
    )
    assert version.stdout == "vaultsync, version 0.1.0\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_output_to_a_full_disk_is_one_line_exit_1(vault: Path, unbuffered: str):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "vaultsync", "audit", str(vault), "--today", "2026-11-12"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    assert (done.returncode, done.stderr) == (1, "vaultsync: No space left on device\n")


def test_audit_keeps_what_it_made_until_the_process_exits(vault: Path):
    """Dropping a large audit as the command returns costs more than leaving it to the exit."""
    from vaultsync import cli

    write_note(vault, "Contacts/Jane Doe.md", JANE)
    run("audit", str(vault), "--today", "2026-11-12", "--no-cache")
    (kept,) = cli._KEPT
    assert kept.code == 0 and [c.name for c in kept.audit.vault.contacts] == ["Jane Doe"]
    run("audit", str(vault), "--today", "2026-11-13", "--no-cache")
    assert len(cli._KEPT) == 1 and cli._KEPT[0].audit.today.isoformat() == "2026-11-13"
