"""The docs of the dashboard, letter, new and pre-commit show what the code does."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_TODAY, SAMPLE_VAULT, run_cli

from vaultsync.outputs.templates import builtin_template
from vaultsync.pipeline import build

DOCS = REPO / "docs"


def block_after(text: str, marker: str) -> str:
    """The fenced block that follows ``marker``, without its fences."""
    rest = text[text.index(marker) :]
    match = re.search(r"^```[a-z]*\n(.*?)^```$", rest, re.S | re.M)
    assert match, marker
    return match.group(1)


@pytest.fixture
def sample(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "sample-vault"
    shutil.copytree(SAMPLE_VAULT, root)
    monkeypatch.chdir(root)
    return root


def test_letter_docs_show_real_output(sample: Path):
    docs = (DOCS / "letter.md").read_text(encoding="utf-8")
    command = '$ cd sample-vault && vaultsync letter "Contacts/Jane Doe.md" --today 2026-11-20\n'
    shown = block_after(docs, "## The draft").split(command, 1)[1]
    assert run_cli("letter", "Contacts/Jane Doe.md", "--today", "2026-11-20")[1] == shown
    command = '$ cd sample-vault && vaultsync letter "Grace Kim" --check --today 2026-11-20\n'
    shown = block_after(docs, "## The check").split(command, 1)[1]
    assert run_cli("letter", "Grace Kim", "--check", "--today", "2026-11-20")[1] == shown


def test_outreach_docs_show_real_output(sample: Path):
    docs = (DOCS / "outreach.md").read_text(encoding="utf-8")
    command = '$ cd sample-vault && vaultsync outreach "Jane Doe"\n'
    shown = block_after(docs, "## The draft").split(command, 1)[1]
    assert run_cli("outreach", "Jane Doe")[1] == shown


def test_new_contact_docs_show_the_builtin_template(sample: Path):
    docs = (DOCS / "new-contact.md").read_text(encoding="utf-8")
    assert block_after(docs, "to change it.") == builtin_template().rstrip("\n") + "\n"
    shown = block_after(docs, "exits 1.")
    assert shown.startswith('$ cd sample-vault && vaultsync new "Ana Ortiz"\n')
    assert run_cli("new", "Ana Ortiz")[1] == shown.split("\n", 1)[1]


def test_dashboard_docs_show_its_top(sample: Path):
    (sample / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    build(sample, SAMPLE_TODAY)
    shown = block_after((DOCS / "dashboard.md").read_text(encoding="utf-8"), "Its top, for that vault:")
    assert shown.endswith("\n...\n")
    assert (sample / "Networking.md").read_text(encoding="utf-8").startswith(shown.removesuffix("...\n"))


def test_readme_has_a_section_for_each_helper():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for title, page in [
        ("## The dashboard note", "docs/dashboard.md"),
        ("## Thank-you letters", "docs/letter.md"),
        ("## Asking for a meeting", "docs/outreach.md"),
        ("## New contacts", "docs/new-contact.md"),
        ("## A vault kept in git (pre-commit)", "docs/pre-commit.md"),
    ]:
        section = readme.split(title + "\n", 1)[1].split("\n## ", 1)[0]
        assert f"]({page})" in section
        assert (REPO / page).is_file()
