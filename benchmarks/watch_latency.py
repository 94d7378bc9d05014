"""Save-to-calendar latency and memory of ``vaultsync watch``, measured from outside the process.

Starts the real command (``python3 -m vaultsync watch VAULT --today 2026-11-20 -q``, default
debounce) on a copy of sample-vault or on a generated vault, saves contact notes one at a time
(alternately written in place and saved atomically through a temp file), and times each save
until the calendar file on disk is replaced with a version that shows the change. Then reads
the watcher's resident memory from /proc (Linux).

    python3 benchmarks/watch_latency.py                     # sample-vault, 100 saves
    python3 benchmarks/watch_latency.py --contacts 10000    # a generated 10,000-contact vault

Prints figures; asserts nothing (speed is not a test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from vaultsync.model.deadlines import deadlines  # noqa: E402
from vaultsync.model.now import judged_at  # noqa: E402
from vaultsync.reading.front_matter import HAVE_LIBYAML  # noqa: E402
from vaultsync.store.loader import load_vault  # noqa: E402

TODAY = dt.date(2026, 11, 20)

# --- A minimal generator, kept here so the figures are reproducible. ------------------------------
# benchmarks/generate.py (another branch) will be the project's generator; until it is on main,
# this one makes N plausible contacts: interviews spread over two years (a few scheduled),
# most thanked and checked in with, referrals, questions and a paragraph of notes.

ORGS = ("Northwind Health", "Lumen Books", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella")


def generated_note(rnd: random.Random, i: int) -> str:
    day = TODAY - dt.timedelta(days=int(rnd.triangular(-14, 720, 30)))
    lines = [
        "---",
        "type: contact",
        f"organization: {rnd.choice(ORGS)}",
        f"role: Role {i % 50}",
        f"email: person{i}@example.org",
        "interviews:",
        f"  - {day.isoformat()}",
    ]
    if day < TODAY and rnd.random() < 0.85:
        lines.append(f"thank_you_sent: {(day + dt.timedelta(days=rnd.randint(0, 3))).isoformat()}")
    if day < TODAY - dt.timedelta(days=45) and rnd.random() < 0.8:
        lines += ["check_ins:", f"  - {(day + dt.timedelta(days=rnd.randint(30, 60))).isoformat()}"]
    if rnd.random() < 0.6:
        lines += ["referrals:", f'  - "[[Person {rnd.randrange(2 * i + 2):05d}]]"']
    lines += [
        "advice:",
        f"  - Advice number {i}.",
        "---",
        "## Questions",
        "- How did you get started?",
        "- What do you wish you had known?",
        "",
        "## Notes",
        "Met through the alumni network. " + "Lorem ipsum dolor sit amet. " * rnd.randint(1, 8),
        "",
    ]
    return "\n".join(lines)


def generate(root: Path, n: int, seed: int = 0) -> None:
    rnd = random.Random(seed)
    for i in range(n):
        folder = root / "Contacts" / f"{i // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Person {i:05d}.md").write_text(generated_note(rnd, i), encoding="utf-8")


# --- measuring ---------------------------------------------------------------------------------


def save_in_place(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def save_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of ``pid`` in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def wait_for_new_calendar(calendar: Path, inode: int, timeout: float = 120.0) -> float:
    """Poll until ``calendar`` is a new file (the watcher replaces it atomically); the time then."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if os.stat(calendar).st_ino != inode:
                return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    raise SystemExit(f"the calendar did not change within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=0, help="generate this many (default: sample-vault)")
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--polling", action="store_true", help="run the watcher with --polling")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vaultsync-watch-bench-"))
    vault = work / "vault"
    try:
        if args.contacts:
            generate(vault, args.contacts, args.seed)
        else:
            shutil.copytree(REPO / "sample-vault", vault, ignore=shutil.ignore_patterns("*.ics"))
        loaded = load_vault(vault)
        # Notes whose change shows in the calendar: contacts with an open deadline.
        now = judged_at(TODAY, loaded.settings)
        targets = [c.path for c in loaded.contacts if deadlines(c, now, loaded.settings)]
        random.Random(args.seed).shuffle(targets)
        calendar = vault / "vaultsync.ics"
        command = [sys.executable, "-m", "vaultsync", "watch", str(vault), "--today", TODAY.isoformat(), "-q"]
        command += ["--polling"] if args.polling else []
        started = time.perf_counter()
        watcher = subprocess.Popen(command, cwd=REPO)
        try:
            wait_for_new_calendar(calendar, -1, timeout=600)
            startup = time.perf_counter() - started
            time.sleep(1.0)  # let the start-up settle
            latencies = []
            for i in range(args.saves):
                path = vault / targets[i % len(targets)]
                text = re.sub(r"(?m)^name:.*\n", "", path.read_text("utf-8"))
                text = text.replace("---\n", f"---\nname: Bench {i}\n", 1)  # shows in every summary
                inode = os.stat(calendar).st_ino
                (save_in_place if i % 2 else save_atomically)(path, text)
                saved = time.perf_counter()
                latencies.append(wait_for_new_calendar(calendar, inode) - saved)
                assert re.search(rb"Bench %d\b" % i, calendar.read_bytes()), f"save {i} not in the calendar"
                time.sleep(0.05)
            rss = memory(watcher.pid) if Path("/proc").is_dir() else {}
        finally:
            watcher.terminate()
            code = watcher.wait(30)
        events = calendar.read_bytes().count(b"BEGIN:VEVENT")
        size = calendar.stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ms = sorted(x * 1000 for x in latencies)
    name = f"{args.contacts} generated contacts" if args.contacts else "sample-vault"
    print(f"vault: {name}, watched by {'polling every second' if args.polling else 'OS events'}")
    print(f"  {len(loaded.contacts)} contacts, {events} events, calendar {size / 1024:.0f} KiB")
    print(f"  python {platform.python_version()}, libyaml {HAVE_LIBYAML}, {os.cpu_count()} CPUs")
    print(f"start-up (first calendar written): {startup:.2f} s")
    print(
        f"save-to-calendar over {len(ms)} saves: median {statistics.median(ms):.0f} ms, "
        f"p90 {ms[int(len(ms) * 0.9) - 1]:.0f} ms, worst {ms[-1]:.0f} ms (debounce 200 ms included)"
    )
    if rss:
        print(f"watcher memory: resident {rss['VmRSS'] / 1024:.0f} MiB, peak {rss['VmHWM'] / 1024:.0f} MiB")
    print(f"watcher exit code after SIGTERM: {code}")


if __name__ == "__main__":
    main()
