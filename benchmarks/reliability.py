"""Figures for docs/reliability.md: how fast, and in how much memory, hostile notes are refused.

    python3 benchmarks/reliability.py

Each case is a vault holding one hostile note (plus one ordinary contact), built the way
``vaultsync build`` does it (read every note, audit, write the calendar). For each: what became
of the note, the best of three wall-clock times, and the peak of Python's traced memory (a
separate run, since tracing slows everything down). The timings are not asserted anywhere:
tests assert memory bounds and outcomes; this script prints the figures.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from strategies import NASTY_BLOCKS, SHAPES, hostile_front_matter  # noqa: E402

from vaultsync.pipeline import build  # noqa: E402
from vaultsync.reading.front_matter import HAVE_LIBYAML  # noqa: E402
from vaultsync.reading.note import MAX_NOTE_BYTES  # noqa: E402

TODAY = dt.date(2026, 11, 20)
NEAR_LIMIT = MAX_NOTE_BYTES - 4096
ORDINARY = b"---\ntype: contact\nemail: a@example.org\ninterviews: [2026-11-01]\n---\n## Advice\n- Ship.\n"


def sparse(size: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with open(path, "wb") as handle:
            handle.truncate(size)

    return write


def literal(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def contact(properties: str, body: str = "") -> bytes:
    return f"---\ntype: contact\ninterviews: [2026-11-01]\n{properties}\n---\n{body}".encode()


CASES: dict[str, Callable[[Path], None]] = {
    "50 MB note": sparse(50 * 1024 * 1024),
    "1 GB note": sparse(1024 * 1024 * 1024),
    "billion laughs (9 levels of 9)": literal(f"---\n{NASTY_BLOCKS[10]}---\n".encode()),
    "self-referencing list": literal(b"---\nself: &s [*s]\n---\n"),
    **{f"4 MiB of {kind}": literal(hostile_front_matter(NEAR_LIMIT, kind)) for kind in SHAPES},
    "4 MiB quoted text over 1M lines": literal(contact('name: "a\n' + "b\n" * (NEAR_LIMIT // 2 - 64) + 'c"')),
    "4 MiB name": literal(contact("name: " + "x" * (NEAR_LIMIT - 80))),
    "4 MiB body of headings and items": literal(contact("", "## Advice\n- a\n" * (NEAR_LIMIT // 16))),
    "19,999 lines of headings and items": literal(contact("", "## Advice\n- a\n" * 9999)),
    "19,999 lines of job asks": literal(contact("", "## Questions\n" + "- Is your team hiring?\n" * 19998)),
}


def run(case: Callable[[Path], None]) -> tuple[str, float, float]:
    """(outcome, best seconds of 3, peak MiB traced) of a build of a vault holding the case."""
    with tempfile.TemporaryDirectory() as scratch:
        vault = Path(scratch)
        (vault / "Ordinary.md").write_bytes(ORDINARY)
        case(vault / "Hostile.md")
        seconds = []
        for _ in range(3):
            start = time.perf_counter()
            result = build(vault, TODAY)
            seconds.append(time.perf_counter() - start)
            (vault / "vaultsync.ics").unlink()
        tracemalloc.start()
        build(vault, TODAY)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    errors = [e.message for e in result.audit.vault.errors]
    contacts = len(result.audit.vault.contacts)
    outcome = "read" if contacts == 2 else "refused"  # the ordinary contact and the hostile one
    outcome += f": {errors[0][:64]}" if errors else ""
    return outcome, min(seconds), peak / 2**20


def main() -> None:
    libyaml = "yes" if HAVE_LIBYAML else "NO (pure-Python YAML: slower)"
    print(f"libyaml: {libyaml}; Python {sys.version.split()[0]}")
    print(f"{'case':34} {'seconds':>8} {'peak MiB':>9}  outcome")
    for name, case in CASES.items():
        outcome, seconds, peak = run(case)
        print(f"{name:34} {seconds:8.3f} {peak:9.1f}  {outcome}")


if __name__ == "__main__":
    main()
