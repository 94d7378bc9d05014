"""`vaultsync outreach`: the request for an informational interview, and `--check` of the one in a note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_VAULT, run_cli, tree_digest, write_note


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample-vault"
    shutil.copytree(SAMPLE_VAULT, root)
    return root


JANE = """\
Dear Jane,

Priya Natarajan suggested I write to you. [What you have in common.] I am exploring [the field] and would \
value your advice, given your work as UX research lead at Northwind Health.

Would you have 20 to 30 minutes for a short call in the coming weeks? I would like to ask about [one or two \
specific questions].

Thank you for considering it.

Best regards,
[Your name]
"""


def test_the_sample_draft(sample: Path, monkeypatch):
    monkeypatch.chdir(sample)
    before = tree_digest(sample)
    assert run_cli("outreach", "Jane Doe") == (0, JANE, "")
    assert len(JANE.split()) <= 100
    assert tree_digest(sample) == before


def test_what_they_share_is_text_only(vault: Path, monkeypatch):
    write_note(vault, "Bo.md", "---\ntype: contact\nin_common: [true, {a: 1}]\n---\n")
    monkeypatch.chdir(vault)
    assert "[What you have in common.]" in run_cli("outreach", "Bo")[1]


def test_draft_with_what_they_share_and_no_one_who_suggested_them(vault: Path, monkeypatch):
    write_note(
        vault,
        "Ada.md",
        "---\ntype: contact\norganization: Harbor Genomics\nin_common: studied biology at UMass Boston\n---\n",
    )
    monkeypatch.chdir(vault)
    out = run_cli("outreach", "Ada")[1]
    assert out.split("\n\n")[1] == (
        "[How you know of them: who suggested them, or where you saw their work.] Like you, I studied biology "
        "at UMass Boston. I am exploring [the field] and would value your advice, given your work at Harbor "
        "Genomics."
    )


GOOD = (
    "Dear Ana,\n\nJane Doe suggested I write to you. Like you, I studied at UMass Boston. I am moving from "
    "teaching into UX research and would value your advice.\nWould you have 20 minutes for a call in the "
    "coming weeks?\n\nThank you,\nSam\n"
)


def outreach_note(root: Path, draft: str, extra: str = "referred_by: '[[Jane Doe]]'\n") -> Path:
    return write_note(
        root,
        "Contacts/Ana Ortiz.md",
        f"---\ntype: contact\norganization: Northwind Health\n{extra}---\n## Notes\nMet online.\n\n"
        f"## Outreach draft\n{draft}\n## Later\nnot read\n",
    )


def test_a_ready_draft(vault: Path, monkeypatch):
    path = outreach_note(vault, GOOD)
    monkeypatch.chdir(vault)
    before = path.read_bytes()
    assert run_cli("outreach", "Contacts/Ana Ortiz.md", "--check") == (
        0,
        "Contacts/Ana Ortiz.md: the draft is ready: short, names the connection, asks for advice, no direct "
        "ask for a job\n",
        "",
    )
    assert path.read_bytes() == before  # read, never written


@pytest.mark.parametrize(
    ("draft", "extra", "expected"),
    [
        (  # too long to read on a phone
            GOOD.replace("Thank you,", "I have many questions about the field. " * 12 + "\nThank you,"),
            "referred_by: '[[Jane Doe]]'\n",
            ["Contacts/Ana Ortiz.md:10: length: the draft has 127 words: keep it to about 100, short enough to "
             "read on a phone"],
        ),
        (  # the one who suggested them not named
            GOOD.replace("Jane Doe suggested I write to you. ", ""),
            "referred_by: '[[Jane Doe]]'\n",
            ["Contacts/Ana Ortiz.md:10: connection: the draft does not name Jane Doe, who suggested them"],
        ),
        (  # no one recorded, and no connection said
            GOOD.replace("Jane Doe suggested I write to you. Like you, I studied at UMass Boston. ", ""),
            "",
            ["Contacts/Ana Ortiz.md:9: connection: the draft does not say how you know of them (who suggested "
             "them, or what you have in common)"],
        ),
        (  # no request for their time or advice
            GOOD.replace(" and would value your advice", "").replace(
                "Would you have 20 minutes for a call in the coming weeks?", "I hope to hear from you."
            ),
            "referred_by: '[[Jane Doe]]'\n",
            ["Contacts/Ana Ortiz.md:10: request: the draft does not ask for a short conversation for advice "
             "(like “Would you have 20 minutes for a call? I would value your advice on ...”)"],
        ),
        (  # a job ask and an attachment
            GOOD.replace("Thank you,", "I attached my resume; could you pass it along to your hiring manager?"
                         "\nThank you,"),
            "referred_by: '[[Jane Doe]]'\n",
            ["Contacts/Ana Ortiz.md:15: attachment: leave the attachment out: the first note asks only for advice",
             "Contacts/Ana Ortiz.md:15: job-ask: asks directly for a job (“pass it along to your hiring”); ask "
             "instead, in a general way, whether they know of openings or of other people to talk with"],
        ),
        (  # spelling, wording, a prompt left
            GOOD.replace("coming weeks", "comming weeks").replace("Thank you,", "[Your question]\nThank you,"),
            "referred_by: '[[Jane Doe]]'\n",
            ["Contacts/Ana Ortiz.md:13: spelling: “comming”: did you mean “coming” or “combing” or “cumming”?",
             "Contacts/Ana Ortiz.md:15: placeholder: replace the prompt [Your question]"],
        ),
    ],
)  # fmt: skip
def test_check_flags_each_missing_element(vault: Path, monkeypatch, draft: str, extra: str, expected):
    path = outreach_note(vault, draft, extra)
    monkeypatch.chdir(vault)
    before = path.read_bytes()
    code, out, err = run_cli("outreach", "Contacts/Ana Ortiz.md", "--check")
    assert (code, out.splitlines(), err) == (1, expected, "")
    assert path.read_bytes() == before


def test_check_without_a_draft(vault: Path, monkeypatch):
    monkeypatch.chdir(vault)
    write_note(vault, "A.md", "---\ntype: contact\n---\n## Outreach\n\n## Notes\nx\n")
    assert run_cli("outreach", "A.md", "--check") == (1, "A.md: empty: the Outreach section is empty\n", "")
    write_note(vault, "B.md", "---\ntype: contact\n---\nNothing yet.\n")
    assert run_cli("outreach", "B.md", "--check") == (
        1,
        "",
        "vaultsync: B.md: no Outreach section (a heading like '## Outreach draft') holds a draft to check; "
        "'vaultsync outreach B.md' prints one to start from\n",
    )
    assert run_cli("outreach", "Nobody")[0] == 2
