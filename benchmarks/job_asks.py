"""How well and how fast the job-ask detector (vaultsync/asks.py) judges.

    python3 benchmarks/job_asks.py [VAULT] [--rounds N]

(from the repository's root, with ``PYTHONPATH=.``)

Prints precision and recall on the labelled phrasings of tests/job_ask_phrasings.py (the whole
set, then the held-out part the grammar was not tuned on), the CPU time to check 10,000
questions (made the way benchmarks/generate.py makes them), and, given a VAULT, the time to
search every question and letter draft of its contacts, as the audit's rules do. Best of N
rounds (default 5).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]

from generate import FIELDS, JOB_ASKS, QUESTIONS, TOPICS  # noqa: E402
from job_ask_phrasings import HELD_OUT_ASKS, HELD_OUT_FINE, TUNED_ASKS, TUNED_FINE  # noqa: E402

from vaultsync.model.ask_grammar import GRAMMAR  # noqa: E402
from vaultsync.model.asks import is_job_ask, job_asks, rule_pattern  # noqa: E402


def scores(asks: Sequence[str], fine: Sequence[str]) -> tuple[float, float]:
    """(precision, recall) of the detector on ``asks`` (to flag) and ``fine`` (to leave)."""
    caught = sum(is_job_ask(text) for text in asks)
    false = sum(is_job_ask(text) for text in fine)
    return caught / max(caught + false, 1), caught / len(asks)


def questions(count: int) -> list[str]:
    rng = random.Random(18)
    fill = {"field": "", "org": "Northwind Health", "topic": ""}
    made = []
    for _ in range(count):
        fill["field"], fill["topic"] = rng.choice(FIELDS), rng.choice(TOPICS)
        made.append(rng.choice(JOB_ASKS) if rng.random() < 0.02 else rng.choice(QUESTIONS).format(**fill))
    return made


def cpu(step: Callable[[], Any], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        step()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("vault", type=Path, nargs="?")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    start = time.process_time()
    for index in range(len(GRAMMAR)):
        rule_pattern(index, False)
    print(f"compiling every rule of the grammar: {1000 * (time.process_time() - start):.1f} ms")
    for name, asks, fine in (
        ("whole set", TUNED_ASKS + HELD_OUT_ASKS, TUNED_FINE + HELD_OUT_FINE),
        ("held out", HELD_OUT_ASKS, HELD_OUT_FINE),
    ):
        precision, recall = scores(asks, fine)
        counts = f"{len(asks)} asks, {len(fine)} acceptable"
        print(f"{name}: {counts}: precision {precision:.3f}, recall {recall:.3f}")
    texts = [[(text, 1)] for text in questions(10_000)]
    taken = cpu(lambda: [job_asks(lines) for lines in texts], args.rounds)
    print(f"10,000 questions, one by one: {1000 * taken:.1f} ms of CPU")
    if args.vault:
        from vaultsync.store.loader import load_vault

        vault = load_vault(args.vault)
        extra = vault.settings.job_ask_phrases
        sections = [
            lines
            for contact in vault.contacts
            for lines in (contact.sections.questions, contact.sections.letter)
            if lines and contact.follow_up
        ]
        size = sum(len(text) for lines in sections for text, _ in lines)
        taken = cpu(lambda: [job_asks(lines, extra) for lines in sections], args.rounds)
        print(
            f"{args.vault}: {len(sections):,} questions sections and drafts ({size / 1e6:.1f} MB): "
            f"{1000 * taken:.1f} ms of CPU"
        )


if __name__ == "__main__":
    main()
