"""The soak and kill benchmarks, small: after random operations the watcher's calendar is byte for
byte a fresh build's, and kill -9 of build or watch never leaves a partial calendar.

They run the scripts of benchmarks/ as a user would (each drives ``python -m vaultsync`` in child
processes); docs/reliability.md has the figures of the full runs (1,000 operations, 200 kills).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO


def run(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_short_soak_leaves_the_watchers_calendar_equal_to_a_fresh_build(tmp_path: Path):
    done = run("soak.py", "--sample", "--operations", "60", "--every", "20", "--work", tmp_path / "soak")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "operations: 60 in " in done.stdout
    assert "checkpoints compared: 3; mismatches: 0\n" in done.stdout
    assert re.search(r"^watch: \d+ rebuilds logged, 0 tracebacks, exit code 0 on SIGTERM$", done.stdout, re.M)
    assert "temporary files left: 0\n" in done.stdout


def test_a_short_soak_of_serve_compares_what_it_serves_too(tmp_path: Path):
    done = run(
        "soak.py", "--sample", "--serve", "--operations", "30", "--every", "15", "--work", tmp_path / "soak"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^served calendar compared too: 127\.0\.0\.1:\d+$", done.stdout, re.M)
    assert "checkpoints compared: 2; mismatches: 0\n" in done.stdout


def test_the_soak_sees_a_calendar_that_differs(tmp_path: Path):
    """Broken notes left broken: the watcher keeps their last good versions (documented), a fresh
    build leaves them out, and the soak must say so, with the first differing event."""
    done = run(
        "soak.py", "--sample", "--operations", "20", "--every", "20", "--seed", "2", "--keep-broken", "--grace", "1",
        "--work", tmp_path / "soak",
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "checkpoints compared: 1; mismatches: 1\n" in done.stdout
    assert re.search(
        r"^  MISMATCH after operation 20: event \d+ \(UID [^)]+@vaultsync\): SUMMARY:", done.stdout, re.M
    )
    assert (tmp_path / "soak" / "mismatch-20" / "watcher.ics").is_file()


@pytest.mark.slow
def test_ten_kills_leave_no_partial_calendar_and_no_temporary_file(tmp_path: Path):
    done = run("kill.py", "--kills", "10", "--contacts", "300", "--work", tmp_path / "kill")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^rounds: 10 in ", done.stdout, re.M)
    assert "violations: 0 (" in done.stdout
    assert done.stdout.count("after the last build 0\n") == 1
