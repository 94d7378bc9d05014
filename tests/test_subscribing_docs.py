"""docs/subscribing.md shows what the commands really print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, copy_sample_vault, run_cli

DOCS = (REPO / "docs" / "subscribing.md").read_text(encoding="utf-8")


def block(command: str) -> str:
    """What the docs show after ``$ command``, up to the end of its fenced block."""
    rest = DOCS[DOCS.index(f"$ {command}\n") + len(command) + 3 :]
    return rest[: rest.index("```\n")]


def test_the_doctor_example_is_real_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_sample_vault(tmp_path / "sample-vault")
    monkeypatch.chdir(tmp_path)
    run_cli("build", "sample-vault", "--today", "2026-11-20")
    code, out, _ = run_cli("doctor", "sample-vault", "--today", "2026-11-20")
    shown = block(
        "vaultsync build sample-vault --today 2026-11-20 && vaultsync doctor sample-vault --today 2026-11-20"
    )
    assert (code, out) == (0, shown)


def test_the_serve_example_has_the_printed_shape() -> None:
    shown = block("vaultsync serve ~/Obsidian/MyVault").splitlines()
    assert re.fullmatch(r"serving \d+ events of '.+' from /\S+", shown[0])
    assert shown[1].startswith("  subscribe: webcal://127.0.0.1:8765/") and shown[1].endswith(
        "/vaultsync.ics"
    )
    assert shown[2].startswith("  or:        http://127.0.0.1:8765/")
    assert (
        shown[3]
        == "only this computer can reach it (127.0.0.1); a phone: see docs/subscribing.md. Ctrl-C stops."
    )


def test_every_command_and_option_is_documented() -> None:
    for command in ("serve", "push", "doctor"):
        _, help_text, _ = run_cli(command, "--help")
        for option in re.findall(r"^  (--[a-z-]+)", help_text, re.M):
            if option != "--help":
                assert option in DOCS, f"{command} {option} is not in docs/subscribing.md"
    assert "--push-url" in DOCS
