"""Time the helpers on a vault: the dashboard, the letter draft and check, a new note.

    python3 benchmarks/helpers.py VAULT [--today YYYY-MM-DD] [--repeat N]

(from the repository's root, with vaultsync installed from it, or with ``PYTHONPATH=.``)

Prints the best of N runs (default 3) of each step, in milliseconds, on any vault (a real one,
the sample vault, or a synthetic one from a generator). Nothing in VAULT is changed: the
dashboard is rendered in memory, and the new notes go to a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from vaultsync.model.now import judged_at
from vaultsync.outputs.dashboard import dashboard_markdown
from vaultsync.outputs.letter import check, draft
from vaultsync.outputs.lookup import Opened
from vaultsync.outputs.new_note import create_note
from vaultsync.pipeline import audit
from vaultsync.store.loader import load_vault


def best(repeat: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 20))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    today = args.today
    vault = load_vault(args.vault)
    checked = audit(vault, today)
    now = judged_at(today, vault.settings)  # the letter takes the moment, as `vaultsync letter`
    held = [c for c in vault.contacts if c.held(today)]
    letter = Opened(vault, max(held, key=lambda c: len(c.sections.letter)), ())
    text = dashboard_markdown(vault, checked.findings, today)
    print(
        f"{args.vault}: {len(vault.contacts)} contacts, {vault.notes} notes, {len(checked.findings)} findings"
    )
    names = iter(range(args.repeat))
    with tempfile.TemporaryDirectory() as empty:
        rows = [
            ("load vault + rules", lambda: audit(load_vault(args.vault), today), ""),
            (
                "dashboard render",
                lambda: dashboard_markdown(vault, checked.findings, today),
                f"{len(text):,} chars",
            ),
            ("letter draft", lambda: draft(letter, now), letter.contact.path),
            ("letter check", lambda: check(letter, now), f"{len(letter.contact.sections.letter)} lines"),
            (
                "new note",
                lambda: create_note(
                    Path(empty), vault.settings, f"New {next(names)}", dt.datetime(2026, 11, 20, 9)
                ),
                "built-in template",
            ),
        ]
        for label, step, note in rows:
            print(f"{label:18} {best(args.repeat, step):9.1f} ms  {note}")


if __name__ == "__main__":
    main()
