"""Wall time of each step of a cold ``vaultsync audit`` in the main process, one step after another.

    python3 benchmarks/cold_steps.py VAULT [--rounds 7]

Each round runs the audit in a fresh process (``-c``, with an empty cache folder), with the
steps of ``pipeline.report`` wrapped in timers: listing the vault, reading it (both
processes: ``parallel.load``), saving the entry cache, building the Vault, the rules about each
contact (both processes: ``parallel.map_chunks_beside``) with the referral rule inside it (the
main process runs it while the worker judges its half), formatting the report
(sorting the findings included), the stored report's key and writing it.
Prints the median of each over the rounds. Python's own start-up is not in it (see run.py's
``help``). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

AUDIT = r"""
import os, sys, time
started = time.perf_counter()
import vaultsync.drivers.cli, vaultsync.outputs.report, vaultsync.pipeline
from vaultsync import pipeline
from vaultsync.model import across, vault
from vaultsync.outputs import report
from vaultsync.store import cache, parallel
imported = time.perf_counter()
spent = {}

def timer(real, label):
    def step(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - begun
    return step

def timed(owner, name, label):
    setattr(owner, name, timer(getattr(owner, name), label))

timed(pipeline, "scan_vault", "list the vault")
timed(parallel, "load", "read the notes (two processes)")
timed(cache.EntryCache, "save", "save the entry cache")
timed(vault.Vault, "from_entries", "the Vault, sorted")
timed(across, "across_contacts", "the referral rule")
timed(pipeline, "map_chunks_beside", "judge each contact (two processes)")
report.FORMATS["text"] = timer(report.FORMATS["text"], "sort the findings, format the report")
timed(cache.ReportCache, "__init__", "the stored report's key")
timed(cache.ReportCache, "put", "store the report")
sys.argv = ["vaultsync", "audit", sys.argv[1], "--today", "2026-11-20"]
out, sys.stdout = sys.stdout, open(os.devnull, "w")
try:
    vaultsync.drivers.cli.main()
except SystemExit:
    pass
spent["imports"] = imported - started
spent["in all, after the imports"] = time.perf_counter() - imported
print(repr(spent), file=out)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    figures: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        cache = tempfile.mkdtemp(prefix="vaultsync-steps-")
        env = dict(os.environ, XDG_CACHE_HOME=cache, PYTHONPATH=str(REPO))
        try:
            done = subprocess.run(
                [sys.executable, "-c", AUDIT, str(args.vault)],
                env=env,
                cwd=tempfile.gettempdir(),
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            shutil.rmtree(cache)
        if not done.stdout.strip():
            raise SystemExit(done.stderr[-2000:])
        for step, seconds in ast.literal_eval(done.stdout.strip().splitlines()[-1]).items():
            figures.setdefault(step, []).append(seconds)
    print(f"{args.vault}: cold audit, median of {args.rounds} rounds, wall time in the main process")
    for step, times in figures.items():
        print(f"  {step:40s} {statistics.median(times) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
