"""kill -9 of ``build`` and ``watch`` at random moments: the calendar on disk is always a whole one.

    python3 benchmarks/kill.py [--kills 200] [--contacts 1000] [--seed 1] [--work DIR]
                               [--time-limit 1200]

On a vault from ``benchmarks/generate.py`` (1,000 contacts: a 2 MB calendar, which takes long
enough to write for a kill to land mid-write; a build that writes at 10,000 takes 10 s of CPU
here), each round starts ``python -m vaultsync build VAULT --today DAY`` (DAY the one whose
calendar is not on disk, so that the build writes) or, one round in four,
``python -m vaultsync watch VAULT --today DAY`` (killed during its first build, or after a note
was saved, during the build that follows), and sends SIGKILL to its process group: at a
uniformly random moment of its run, or, every other round, a random moment after its temporary
file appeared (mid-write). After each kill the calendar must be there and be byte for byte one
of the four calendars a fresh ``build --no-cache`` writes (two days, the saved note in either of
its two versions), each of which is parsed back with icalendar once. The temporary files left
beside it are counted. At the end a build with nothing to write, then one that writes, must
each leave no ``.vaultsync.ics.*.tmp``, and the last the calendar of a fresh build.

Prints the figures; exit code 1 on any violation (a calendar missing, partial, or not one a
build writes; a temporary file left at the end), 2 when the time limit stopped it early.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import icalendar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drive import (  # noqa: E402
    CALENDAR,
    Lines,
    build,
    environment,
    make_vault,
    set_property,
    temp_files,
    vaultsync,
    whole,
    work_folder,
)

DAYS = ("2026-11-20", "2026-11-21")


class Kills:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.rng = random.Random(args.seed)
        self.work = work
        self.vault = make_vault(work / "vault", args.contacts)
        self.env = environment(work)
        self.calendar = self.vault / CALENDAR
        self.note = sorted((self.vault / "Contacts").glob("*.md"))[0]
        original = self.note.read_text(encoding="utf-8")
        self.versions = (original, set_property(original, "interviews", "[2026-11-18]"))
        self.version = 0
        self.valid: dict[str, tuple[str, int]] = {}  # sha256 of a whole calendar -> (day, version)
        self.counts: Counter[str] = Counter()
        self.violations: list[str] = []
        self.max_left = 0
        self.left: set[str] = set()  # the temporary files beside the calendar after the last round

    def write_note(self, version: int) -> None:
        temp = self.note.with_name(f".{self.note.name}.saving")
        temp.write_text(self.versions[version], encoding="utf-8")
        os.replace(temp, self.note)
        self.version = version

    def references(self) -> None:
        reference = self.work / "reference.ics"
        for version in (0, 1):
            self.write_note(version)
            for day in DAYS:
                reference.unlink(missing_ok=True)
                build(self.vault, day, reference, self.env, "--no-cache")
                data = reference.read_bytes()
                events = len(icalendar.Calendar.from_ical(data).walk("VEVENT"))
                assert whole(data) and events, (day, version)
                self.valid[hashlib.sha256(data).hexdigest()] = (day, version)
        assert len(self.valid) == 4, "the four calendars must differ"
        self.size = len(data)
        reference.unlink()
        self.write_note(0)

    def on_disk(self, record: bool = True) -> tuple[str, int] | None:
        """(day, version) of the calendar on disk; None when it is missing or not one a build
        writes (a violation, recorded with ``record``)."""
        try:
            data = self.calendar.read_bytes()
        except FileNotFoundError:
            if record:
                self.violations.append("the calendar is missing")
            return None
        state = self.valid.get(hashlib.sha256(data).hexdigest())
        if state is None and record:
            kept = self.work / f"violation-{len(self.violations)}.ics"
            kept.write_bytes(data)
            kind = "a whole calendar no build writes" if whole(data) else "a partial calendar"
            self.violations.append(f"{kind} ({len(data)} bytes, kept as {kept})")
        return state

    def other_day(self) -> str:
        state = self.on_disk(record=False)
        return DAYS[1] if state is None or state[0] == DAYS[0] else DAYS[0]

    def start(self, *args: str | Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            vaultsync(*args),
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: the kill takes any worker with it
        )

    def wait_for_temp(self, process: subprocess.Popen[str], before: set[str], timeout: float) -> float | None:
        """The moment a new temporary file of the calendar appeared, or None when the process
        ended (or the time ran out) first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if set(temp_files(self.calendar)) - before:
                return time.monotonic()
            time.sleep(0.0005)
        return None

    def calibrate(self) -> None:
        """How long a build that writes takes, and how long its temporary file lives."""
        durations, lives = [], []
        for _ in range(3):
            began = time.monotonic()
            process = self.start("build", self.vault, "--today", self.other_day())
            seen = self.wait_for_temp(process, set(), 120)
            while process.poll() is None and temp_files(self.calendar):
                time.sleep(0.0005)
            if seen is not None:
                lives.append(time.monotonic() - seen)
            process.wait()
            durations.append(time.monotonic() - began)
        self.build_seconds = statistics.median(durations)
        self.write_seconds = statistics.median(lives) if lives else 0.005

    def kill(self, process: subprocess.Popen[str], at: float) -> None:
        time.sleep(max(0.0, at - time.monotonic()))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            self.counts["killed"] += 1
        else:
            self.counts["ended before the kill"] += 1
        process.wait()
        if process.stderr:
            process.stderr.close()

    def mid_write_or_any(self, process: subprocess.Popen[str], before: set[str], span: float) -> None:
        if self.rng.random() < 0.5:
            self.counts["aimed mid-write"] += 1
            seen = self.wait_for_temp(process, before, 120)
            self.kill(process, (seen or time.monotonic()) + self.rng.uniform(0, self.write_seconds))
        else:
            self.kill(process, time.monotonic() + self.rng.uniform(0, span))

    def round_build(self) -> None:
        self.counts["build"] += 1
        before = set(temp_files(self.calendar))
        process = self.start("build", self.vault, "--today", self.other_day())
        self.mid_write_or_any(process, before, self.build_seconds * 1.1)

    def round_watch(self) -> None:
        self.counts["watch"] += 1
        before = set(temp_files(self.calendar))
        process = self.start("watch", self.vault, "--today", self.other_day())
        if self.rng.random() < 0.5:  # during its first build
            self.counts["watch, first build"] += 1
            self.mid_write_or_any(process, before, self.build_seconds * 2)
            return
        lines = Lines(process)
        if not lines.wait_for("start:", 120):
            self.violations.append(f"watch did not start: {lines.lines[-3:]}")
            self.kill(process, 0)
            return
        self.counts["watch, after a save"] += 1
        before = set(temp_files(self.calendar))
        self.write_note(1 - self.version)
        self.mid_write_or_any(process, before, 0.2 + self.write_seconds * 2)

    def after(self) -> None:
        self.on_disk()
        left = set(temp_files(self.calendar))
        self.max_left = max(self.max_left, len(left))
        self.counts["temporary files left by a kill"] += len(left - self.left)
        self.left = left


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--contacts", type=int, default=1000, help="contacts of the generated vault")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="keep the vault and any bad calendar here (a new folder)")
    parser.add_argument("--time-limit", type=float, default=1200.0, help="seconds before the kills stop")
    args = parser.parse_args(argv)
    work = work_folder(args.work, "kill")
    began = time.monotonic()
    kills = Kills(args, work)
    kills.references()
    build(kills.vault, DAYS[0], kills.calendar, kills.env)  # the cache warm, a calendar on disk
    kills.calibrate()
    setup = time.monotonic() - began
    rounds = 0
    while rounds < args.kills and time.monotonic() - began < args.time_limit:
        (kills.round_watch if kills.rng.random() < 0.25 else kills.round_build)()
        kills.after()
        rounds += 1
        if rounds % 20 == 0:
            print(f"{rounds} rounds, {len(kills.violations)} violations", file=sys.stderr, flush=True)
    loop = time.monotonic() - began - setup
    state = kills.on_disk()
    if state is not None and state[1] != kills.version:  # a killed watcher had not built the saved note
        kills.write_note(state[1])
    day = state[0] if state else DAYS[0]
    build(kills.vault, day, kills.calendar, kills.env)  # the same day: nothing to write
    unchanged_left = temp_files(kills.calendar)
    day = DAYS[1] if day == DAYS[0] else DAYS[0]
    build(kills.vault, day, kills.calendar, kills.env)
    final_left = temp_files(kills.calendar)
    final = kills.on_disk()
    if final != (day, kills.version):
        kills.violations.append(
            f"the last build's calendar is {final}, not a fresh build's {(day, kills.version)}"
        )
    if unchanged_left:
        kills.violations.append(f"temporary files left after a build with nothing to write: {unchanged_left}")
    if final_left:
        kills.violations.append(f"temporary files left after the last build: {final_left}")
    cache_left = sorted(p.name for p in (work / "cache").rglob("*.tmp"))
    counts = kills.counts
    print(f"vault: {kills.vault}: {args.contacts} contacts; seed {args.seed}")
    print(
        f"setup {setup:.1f} s: four {kills.size / 1e6:.1f} MB calendars parsed; a build that writes "
        f"{kills.build_seconds:.2f} s, its temporary file lives {kills.write_seconds * 1000:.0f} ms"
    )
    print(
        f"rounds: {rounds} in {loop:.1f} s: {counts['build']} build, {counts['watch']} watch "
        f"({counts['watch, first build']} in its first build, {counts['watch, after a save']} after a save); "
        f"{counts['aimed mid-write']} aimed mid-write"
    )
    print(f"SIGKILL sent: {counts['killed']}; ended before the kill: {counts['ended before the kill']}")
    print(
        f"violations: {len(kills.violations)} (missing, partial or foreign calendars, leftovers at the end)"
        + "".join(f"\n  {v}" for v in kills.violations[:10])
    )
    print(
        f"temporary files: left by a kill {counts['temporary files left by a kill']}, "
        f"at most {kills.max_left} at once; after an unchanged build {len(unchanged_left)}, "
        f"after the last build {len(final_left)}"
    )
    print(f"cache folder: {len(cache_left)} temporary files left by killed cache writes")
    print(f"total {time.monotonic() - began:.1f} s")
    if kills.violations:
        return 1
    return 2 if rounds < args.kills else 0


if __name__ == "__main__":
    sys.exit(main())
