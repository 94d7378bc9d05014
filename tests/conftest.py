"""Factory fixtures: real vaults on disk, built from literal note text."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from vaultsync.config import DEFAULTS
from vaultsync.model.contact import Contact
from vaultsync.model.contact_values import build_contact
from vaultsync.model.now import Now, judged_at
from vaultsync.reading.note import Note, parse_note

REPO = Path(__file__).resolve().parent.parent
SAMPLE_VAULT = REPO / "sample-vault"
SHARED = REPO.parent / "shared"
KEPANO = SHARED / "corpora" / "kepano-obsidian"
SAMPLE_TODAY = dt.date(2026, 11, 20)  # the README's fixed --today

# Property-based tests: "ci" (the default) replays the same bounded set of examples on every run;
# "dev" explores new ones: python3 -m pytest --hypothesis-profile=dev
settings.register_profile("ci", max_examples=1000, deadline=None, derandomize=True, database=None)
settings.register_profile("dev", max_examples=5000, deadline=None)
settings.load_profile("ci")

#: Slow tests (a fresh clone installed from the package index, long soaks) run in CI and when
#: asked; a developer's default run skips them, saying how to run them.
RUN_SLOW = bool(os.environ.get("CI") or os.environ.get("VAULTSYNC_SLOW"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs in CI (CI set) or with VAULTSYNC_SLOW=1, else skipped")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if RUN_SLOW:
        return
    skip = pytest.mark.skip(reason="slow: runs in CI, or here with VAULTSYNC_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def write_note(root: Path, path: str, text: str) -> Path:
    """Write ``text`` (dedented, leading newline dropped) to ``root/path``."""
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return target


@pytest.fixture(autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own empty cache folder: none reads or writes the real ~/.cache."""
    home = tmp_path_factory.mktemp("cache-home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def copy_sample_vault(target: Path) -> Path:
    """A copy of sample-vault as git holds it: without outputs a local build left there."""
    shutil.copytree(SAMPLE_VAULT, target, ignore=shutil.ignore_patterns("vaultsync.ics", "Networking.md"))
    return target


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    return root


@pytest.fixture
def note(vault: Path) -> Callable[[str, str], Path]:
    """``note("Contacts/Jane.md", '''---\\ntype: contact\\n---''')`` writes a note into ``vault``."""
    return lambda path, text: write_note(vault, path, text)


def calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, argument: int = 0) -> list[Any]:
    """``owner.name`` patched to record its argument at position ``argument`` at every call, in order."""
    seen: list[Any] = []
    real = getattr(owner, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[argument])
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return seen


def contact(text: str, path: str = "Contacts/Jane Doe.md", settings=DEFAULTS) -> Contact:
    """A Contact parsed from literal note text, as the vault would read it."""
    parsed = parse_note(path, textwrap.dedent(text).lstrip("\n").encode())
    assert isinstance(parsed, Note), parsed
    built, problems = build_contact(parsed, settings)
    assert not problems, problems
    return built


def at(when: dt.date | dt.datetime, settings=DEFAULTS) -> Now:
    """The moment a rule takes, for a day (as at its end, like ``--today``) or a time (naive: on
    the user's clock, the ``timezone`` setting's or this machine's)."""
    return judged_at(when, settings)


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``: proof that a command changed nothing."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_cli(*args: str | Path, **invoke: Any) -> tuple[int, str, str]:
    """Run ``vaultsync ARGS`` in-process: (exit code, stdout, stderr). ``invoke`` goes to
    CliRunner.invoke (``env=``, ``input=``)."""
    from click.testing import CliRunner

    from vaultsync.drivers.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **invoke)
    return result.exit_code, result.stdout, result.stderr
