"""Driving vaultsync through its command line, for the soak and kill benchmarks.

Everything here runs ``python -m vaultsync ...`` in a child process and looks at files on disk,
never at vaultsync's Python names: the scripts measure what a user runs, and survive the
package's modules being moved. The copy of vaultsync imported is this repository's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
GENERATE = REPO / "benchmarks" / "generate.py"
SAMPLE_VAULT = REPO / "sample-vault"
CALENDAR = "vaultsync.ics"  # where the calendar goes without a config saying otherwise


def work_folder(asked: Path | None, name: str) -> Path:
    """The run's folder: the one asked for (made; it must not exist), else a new temporary one."""
    if asked is None:
        return Path(tempfile.mkdtemp(prefix=f"vaultsync-{name}-"))
    asked.mkdir(parents=True)
    return asked.resolve()


def environment(work: Path) -> dict[str, str]:
    """The environment of every vaultsync process: this repository's package, and cache and
    config folders of the run's own (nothing read from or left in the user's)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["XDG_CACHE_HOME"] = str(work / "cache")
    env["XDG_CONFIG_HOME"] = str(work / "config")
    return env


def vaultsync(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "vaultsync", *map(str, args)]


def make_vault(target: Path, contacts: int) -> Path:
    """A vault at ``target``: ``benchmarks/generate.py``'s with ``contacts`` contacts, or a copy
    of sample-vault (without the outputs a local build left there) when ``contacts`` is 0."""
    if contacts:
        subprocess.run(
            [sys.executable, str(GENERATE), str(target), str(contacts)], check=True, stdout=subprocess.DEVNULL
        )
    else:
        shutil.copytree(SAMPLE_VAULT, target, ignore=shutil.ignore_patterns(CALENDAR, "Networking.md"))
    return target


def build(vault: Path, today: str, calendar: Path, env: dict[str, str], *extra: str) -> int:
    """``vaultsync build VAULT --today TODAY --calendar CALENDAR EXTRA``: its exit code (1 is
    normal: some notes of a generated vault are reported). 2 or more raises: a usage error or a
    crash is not a figure."""
    done = subprocess.run(
        vaultsync("build", vault, "--today", today, "--calendar", calendar, *extra),
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise RuntimeError(f"build exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done.returncode


def temp_files(calendar: Path) -> list[str]:
    """The temporary files of vaultsync's writer beside ``calendar`` (``.NAME.XXXXXXXX.tmp``)."""
    pattern = re.compile(re.escape(f".{calendar.name}.") + r"[a-z0-9_]{8}\.tmp")
    try:
        return sorted(name for name in os.listdir(calendar.parent) if pattern.fullmatch(name))
    except FileNotFoundError:
        return []


def whole(data: bytes) -> bool:
    """A calendar from its first line to its last (what a partial write never is)."""
    return data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def first_difference(ours: bytes | None, theirs: bytes) -> str:
    """Where two calendars first differ, by event: its UID and the first line that differs."""
    if ours is None:
        return "the calendar is missing"
    mine, other = ours.split(b"BEGIN:VEVENT"), theirs.split(b"BEGIN:VEVENT")
    for index, (a, b) in enumerate(zip(mine, other, strict=False)):
        if a != b:
            uid = re.search(rb"UID:([^\r\n]*)", a + b)
            lines = [(x, y) for x, y in zip(a.splitlines(), b.splitlines(), strict=False) if x != y]
            x, y = (part.decode(errors="replace") for part in (lines or [(a[-80:], b[-80:])])[0])
            where = (
                f"event {index} (UID {uid.group(1).decode(errors='replace')})" if uid and index else "header"
            )
            return f"{where}: {x} != {y}"
    return f"{len(mine) - 1} events against {len(other) - 1}"


def front_matter_end(text: str) -> int:
    """Where the closing ``---`` line of ``text``'s front-matter starts, or -1."""
    if not text.startswith("---\n"):
        return -1
    return text.find("\n---\n", 3) + 1 or -1


def set_property(text: str, key: str, value: str) -> str:
    """``text`` with its top-level ``key`` (and the lines that continue it) replaced by ``key: value``."""
    end = front_matter_end(text)
    if end < 0:
        return f"---\n{key}: {value}\n---\n{text}"
    kept, skipping = [], False
    for line in text[4:end].splitlines(keepends=True):
        if not line.startswith((" ", "-", "\t")):
            skipping = line.split(":", 1)[0].strip() == key
        if not skipping:
            kept.append(line)
    return "---\n" + "".join(kept) + f"{key}: {value}\n" + text[end:]


class Lines:
    """A child process's stderr, read on a thread of its own: every line with the time it came."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[tuple[float, str]] = []
        self.last = time.monotonic()
        threading.Thread(target=self._read, args=(process.stderr,), daemon=True).start()

    def _read(self, stream: IO[str] | None) -> None:
        for line in stream or ():
            self.last = time.monotonic()
            self.lines.append((self.last, line.rstrip("\n")))

    def wait_for(self, needle: str, timeout: float, start: int = 0) -> bool:
        """Whether a line holding ``needle`` came (from the ``start``-th on) within ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(needle in line for _, line in self.lines[start:]):
                return True
            time.sleep(0.01)
        return False
