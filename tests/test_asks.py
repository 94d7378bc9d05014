"""The job-ask detector (vaultsync/asks.py) on the labelled phrasings, and where it says an ask starts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import run_cli, write_note
from job_ask_phrasings import HELD_OUT_ASKS, HELD_OUT_FINE, TUNED_ASKS, TUNED_FINE

from vaultsync.model.asks import is_job_ask, job_asks


def scores(asks: Sequence[str], fine: Sequence[str]) -> tuple[float, float]:
    caught = sum(is_job_ask(text) for text in asks)
    false = sum(is_job_ask(text) for text in fine)
    return caught / max(caught + false, 1), caught / len(asks)


def test_the_labelled_set_is_large_and_balanced():
    asks, fine = TUNED_ASKS + HELD_OUT_ASKS, TUNED_FINE + HELD_OUT_FINE
    assert len(asks) + len(fine) >= 200 and len(asks) >= 100 and len(fine) >= 100
    assert len(set(asks + fine)) == len(asks + fine)  # no phrasing counted twice
    assert any("\n" in text for text in asks) and any("\n" in text for text in fine)
    assert any(text == text.lower() for text in asks) and any(text == text.lower() for text in fine)


def test_precision_and_recall_on_the_whole_set(capsys):
    precision, recall = scores(TUNED_ASKS + HELD_OUT_ASKS, TUNED_FINE + HELD_OUT_FINE)
    held_precision, held_recall = scores(HELD_OUT_ASKS, HELD_OUT_FINE)
    with capsys.disabled():
        print(
            f"\njob asks, whole set: precision {precision:.3f}, recall {recall:.3f}; "
            f"held out: precision {held_precision:.3f}, recall {held_recall:.3f}"
        )
    assert precision >= 0.95 and recall >= 0.90
    # The held-out part was never tuned on: its figures are reported, and guarded against regressions.
    assert held_precision >= 0.95 and held_recall >= 0.85


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Any chance your team could take me on as an intern?", [(1, "take me on")]),
        ("Could you pass my resume to your hiring manager?", [(1, "pass my resume")]),
        ("Would you hire someone with my background?", [(1, "you hire someone with my")]),
        ("Is there an opening on your team I could apply for?", [(1, "Is there an opening on your team")]),
        ("If a junior position opens up, I hope you will keep me in mind for it.", [(1, "keep me in mind")]),
        ("When you started out, did someone put in a good word for you?", []),
        ("Is UX research a job for me if I dislike statistics?", []),
        ("Do you know of openings in the field?", []),
        ("How does hiring work in your industry?", []),
        ("Who else should I talk to?", []),
        # where the ask starts: at its frame when it needs one, else at the verb
        ("I hope it went well. Could you please\nhelp me get a job\nat your firm?", [(1, "you please help me get a job")]),
        ("I would be grateful if you would\nconsider me for the role.", [(2, "consider me for")]),
        ("Is your team\nhiring right now?", [(1, "Is your team hiring")]),
        ("IS YOUR TEAM HIRING?", [(1, "IS YOUR TEAM HIRING")]),
        ("Could you forward my résumé to HR?", [(1, "forward my résumé")]),
        ("I’d love to join your team.", [(1, "I’d love to join your team")]),
    ],
)  # fmt: skip
def test_what_is_found_and_where(text: str, found: list[tuple[int, str]]):
    assert job_asks([(line, number) for number, line in enumerate(text.split("\n"), 1)]) == found


def test_the_users_phrases_still_count():
    lines = [("Any vacancies for interns?", 7)]
    assert job_asks(lines) == []
    assert job_asks(lines, ("any  VACANCIES",)) == [(7, "Any vacancies")]


def test_the_letter_draft_does_not_quote_an_ask_back(vault: Path, monkeypatch):
    """The draft listed an ask the phrase list missed among "you asked: ..."."""
    write_note(
        vault,
        "Wei.md",
        "---\ntype: contact\ninterviews: [2026-11-19]\n---\n## Questions\n"
        "- Which tools do you use every day?\n- Any chance your team could take me on as an intern?\n"
        "- Could you pass my resume to your hiring manager?\n",
    )
    monkeypatch.chdir(vault)
    out = run_cli("letter", "Wei", "--today", "2026-11-20")[1]
    assert "you asked: “Which tools do you use every day?”]." in out
    assert "intern" not in out and "resume" not in out
