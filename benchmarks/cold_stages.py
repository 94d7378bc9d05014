"""Where a cold audit spends its CPU, stage by stage, in one process.

    python3 benchmarks/cold_stages.py VAULT [--today YYYY-MM-DD] [--rounds N]

(from the repository's root, with vaultsync installed from it, or with ``PYTHONPATH=.``)

Each stage runs over every note of VAULT on its own, timed with ``time.process_time``, so the
figures say what each costs, not how they overlap when two processes share the work. The best
of N rounds (default 3) is printed, next to the floor (``floor.py``) measured the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import floor  # noqa: E402

from vaultsync.model.audit import Audit  # noqa: E402
from vaultsync.model.contact import is_contact  # noqa: E402
from vaultsync.model.contact_values import build_contact  # noqa: E402
from vaultsync.model.now import judged_at  # noqa: E402
from vaultsync.model.rules import findings  # noqa: E402
from vaultsync.model.vault import Entry, Vault
from vaultsync.outputs.report import as_text  # noqa: E402
from vaultsync.reading.note import Note, NoteReader  # noqa: E402
from vaultsync.reading.sections import read_sections  # noqa: E402
from vaultsync.store.cache import dump_records  # noqa: E402
from vaultsync.store.loader import load_vault, scan_vault  # noqa: E402


def cpu(step: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(rounds):
        result = None
        gc.collect()
        gc.disable()  # as the command line does (collection_paused): the objects made hold no cycles
        start = time.process_time()
        result = step()
        best = min(best, time.process_time() - start)
        gc.enable()
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 20))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root, today, rounds = args.vault, args.today, args.rounds
    scan = scan_vault(root)
    settings = scan.settings

    def read() -> list[tuple[str, bytes]]:
        return [(path, (root / path).read_bytes()) for path in scan.paths]

    rows: list[tuple[str, float]] = []

    def stage(name: str, step: Callable[[], Any]) -> Any:
        seconds, result = cpu(step, rounds)
        rows.append((name, seconds))
        return result

    floor_cpu, _ = cpu(lambda: floor(str(root)), rounds)
    stage("walk the vault", lambda: scan_vault(root))
    data = stage("read every note", read)
    notes = stage(
        "parse each note (front-matter, body)",
        lambda: list(map(NoteReader().parse, *zip(*data, strict=True))),
    )
    notes = [n for n in notes if isinstance(n, Note)]
    people = stage("is it a contact", lambda: [n for n in notes if is_contact(n, settings)])
    stage("body sections", lambda: [read_sections(n.body, n.body_line) for n in people])
    built = stage(
        "build the Contact (sections included)", lambda: [build_contact(n, settings) for n in people]
    )
    contacts = [contact for contact, _ in built]
    records = {c.path: (None, Entry(c.path, c)) for c in contacts}
    blob = stage("pickle the entries", lambda: dump_records(records))
    stage("unpickle the entries", lambda: pickle.loads(blob))
    now = judged_at(today, settings)
    found = stage("the rules", lambda: findings(contacts, now, settings))
    vault = Vault(root, settings, tuple(contacts), (), len(scan.paths))
    stage("sort and format the report", lambda: as_text(Audit(vault, now, [found]), str(root)))
    stage("load_vault, one process, no cache", lambda: load_vault(root, processes=1))

    print(f"{root}: {len(scan.paths):,} notes, {len(contacts):,} contacts, {len(found):,} findings")
    print(f"best of {rounds} rounds, CPU seconds\n")
    print("| stage | CPU |\n|---|---|")
    print(f"| the floor (floor.py) | {floor_cpu:.3f} s |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} s |")


if __name__ == "__main__":
    main()
