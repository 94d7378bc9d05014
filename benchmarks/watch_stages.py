"""Where the watcher's time and memory go, stage by stage, on a vault made by generate.py.

    python3 benchmarks/watch_stages.py VAULT [--saves 12] [--edit body|name|deadline|meeting]

First the memory (Linux): resident and peak after the imports, once the index holds every note,
after the first build, and after a build on each of the next two days (the rules run again for
every contact), with the time of those builds. Then a ``vaultsync.drivers.watch.Watcher`` on VAULT, and
contact notes saved one at a time, each saved back afterwards: the median CPU of each stage of
the watcher's update, in the watcher's own thread. The edit (``--edit``): ``body``, a line added
to the body, as run.py saves (the calendar stays as it was); ``name``, a new ``name:``, which
makes the referral rule run again; ``deadline``, an interview held yesterday, which brings a
thank-you deadline (the calendar is written); ``meeting``, a meeting note (generate.py's
Meetings/) dated a year earlier, which changes the contacts it links. Prints figures; asserts
nothing. VAULT is changed and put back; the calendar goes to a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaultsync import pipeline
from vaultsync.drivers import watch  # noqa: E402
from vaultsync.incremental import index, memo, referrals
from vaultsync.store import files

TODAY = dt.date(2026, 11, 20)  # the day generate.py's dates are around
CPU: dict[str, list[float]] = {}


def memory() -> str:
    """Resident and peak memory of this process (Linux)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    rss, peak = (int(fields[name].split()[0]) // 1024 for name in ("VmRSS", "VmHWM"))
    return f"resident {rss} MiB, peak {peak} MiB"


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            CPU.setdefault(name, []).append((time.thread_time() - started) * 1000)

    return run


def measure_memory(vault: Path, calendar: Path) -> None:
    print(f"after the imports: {memory()}")
    kept = index.VaultIndex(vault)
    kept.scan()
    print(f"index of every note: {memory()}")
    kept_memo = memo.BuildMemo()
    for day in range(3):
        started = time.perf_counter()
        pipeline.build(kept.vault(), TODAY + dt.timedelta(days=day), calendar, memo=kept_memo)
        what = "first build" if day == 0 else f"build on day +{day}"
        print(f"{what} ({time.perf_counter() - started:.2f} s): {memory()}")


EDITS: dict[str, Callable[[str, int], str]] = {
    "body": lambda text, save: text.replace("## Background", "## Background\nSaved again.", 1),
    "name": lambda text, save: text.replace("---\n", f"---\nname: Bench {save}\n", 1),
    "deadline": lambda text, save: text.replace("interviews:\n", "interviews:\n  - 2026-11-19\n", 1),
    # a meeting note's date moved: the dates of every contact it links (not a contact note)
    "meeting": lambda text, save: re.sub(r"^((?:date|Date): )\d{4}", r"\g<1>2025", text, count=1, flags=re.M),
}


def measure_stages(vault: Path, calendar: Path, saves: int, edit: str) -> None:
    stages = [
        (index.VaultIndex, "refresh", "VaultIndex.refresh"),
        (index.VaultIndex, "vault", "VaultIndex.vault()"),
        (memo.BuildMemo, "build", "BuildMemo.build"),
        (referrals.Referrals, "update", "  of which the referral rule"),
        (files.KeptFile, "write", "KeptFile.write (the calendar)"),
        (watch.Watcher, "_log", "the log line"),
        (watch.Watcher, "_update", "the whole update"),
    ]
    for owner, attribute, name in stages:
        setattr(owner, attribute, timed(name, getattr(owner, attribute)))
    built = threading.Event()
    watcher = watch.Watcher(vault, calendar=calendar, today=TODAY, on_build=lambda build: built.set())
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    if not built.wait(600):
        sys.exit("the watcher did not build")
    CPU.clear()
    notes = sorted((vault / ("Meetings" if edit == "meeting" else "Contacts")).glob("*.md"))
    for save in range(saves):
        note = notes[save * 97 % len(notes)]
        text = note.read_text(encoding="utf-8")
        edited = EDITS[edit](text, save)
        for content in (edited, text):
            time.sleep(0.3)
            built.clear()
            note.write_text(content, encoding="utf-8")
            if not built.wait(60):
                sys.exit("no build after a save")
    stop.set()
    thread.join(10)
    print(f"CPU of each stage, median of {2 * saves} updates ({edit} edited):")
    for _, _, name in stages:
        if name in CPU:
            print(f"  {name:30} {statistics.median(CPU[name]):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--saves", type=int, default=12)
    parser.add_argument("--edit", choices=EDITS, default="body", help="what each save changes (see above)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        measure_memory(args.vault, Path(out) / "memory.ics")
        measure_stages(args.vault, Path(out) / "stages.ics", args.saves, args.edit)


if __name__ == "__main__":
    main()
