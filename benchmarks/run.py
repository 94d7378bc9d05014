"""Measure vaultsync against the floor on generated vaults, and print the figures.

    python3 benchmarks/run.py [--sizes 1000 10000] [--rounds 5] [--work DIR]

For each size N, a vault of N contacts (plus N/4 other notes) is generated, then every round
runs each measurement once, in a rotating order, each in a fresh process:

- floor: benchmarks/floor.py (walk, read every note, parse its front-matter with libyaml);
- cold: ``vaultsync audit`` with an empty cache folder;
- warm: ``vaultsync audit`` again, nothing changed since the last run;
- warm, another day: ``vaultsync audit --today`` a day not audited before (entries cached,
  rules run again);
- no cache: ``vaultsync audit --no-cache``;
- build, cold: ``vaultsync build`` with an empty cache folder and no calendar file;
- build, warm: ``vaultsync build`` again, nothing changed, the same day (the calendar compared
  with the file, not written);
- build, another day: ``vaultsync build --today`` a day not built before (entries and each
  contact's events cached for the day before; the calendar written);
- incremental: in a watcher (``vaultsync.drivers.watch.Watcher``, when the package has one), one note
  saved, until the build is done; and the watcher's memory. Twice: a line added to the body
  (the calendar stays as it was), and an interview held yesterday added (a thank-you deadline
  moves: the calendar is written again);
- help: ``vaultsync --help``;
- the calendar: the size of the file ``build`` writes, and its events (by default: lapsed
  reminders left out).

Then, on a large general vault (500 contacts among 100,000 notes: ``--watch-start``), the floor
and a watcher's start: a fresh process that starts a ``Watcher`` and ends at its first build,
with an empty cache folder (cold) and with the entries cached by an earlier start (warm).

It prints the median wall time of each over the rounds, its ratio to the floor of the same
rounds, the CPU time (all processes) and the peak resident memory of the largest process.
Ratios, not absolute times, are the targets: other work on the machine slows every process
alike, and alternating the measurements spreads it over all of them.

vaultsync's modules are compiled to bytecode once before measuring, as installing a package
does and as Python does on the first import. Otherwise, where ``PYTHONDONTWRITEBYTECODE`` is set
(as on the machine of the figures in benchmarks/README.md), every run would compile them
again: 30 ms that no installed copy spends.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-11-20"  # the day generate.py's dates are around
DEBOUNCE = 0.2


@dataclass
class Figures:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)  # KiB


def rotating(
    measurements: dict[str, Callable[[], tuple[float, float, int]]], rounds: int
) -> dict[str, Figures]:
    """Each measurement once a round, in an order that rotates from round to round, so that no
    measurement always runs first (on a cold disk) or right after the same other one."""
    figures = {name: Figures() for name in measurements}
    names = list(measurements)
    for round_ in range(rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            wall, cpu, rss = measurements[name]()
            figures[name].wall.append(wall)
            figures[name].cpu.append(cpu)
            figures[name].rss.append(rss)
    return figures


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (with its children) and peak RSS (KiB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read() if process.stderr else b""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {stderr.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def vaultsync(*args: str) -> list[str]:
    return [sys.executable, "-m", "vaultsync", *args]


def environment(cache: Path) -> dict[str, str]:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), PYTHONPATH=str(REPO))
    env.pop("PYTHONHASHSEED", None)
    return env


def feed_line(calendar: Path) -> str:
    """The size of a built calendar and its events: the feed a subscribed client downloads."""
    data = calendar.read_bytes()
    return f"The calendar on {TODAY}: {len(data) / 1e6:.2f} MB, {data.count(b'BEGIN:VEVENT'):,} events"


def measure_size(
    n: int, rounds: int, work: Path, meetings: int | None = None
) -> tuple[dict[str, Figures], str]:
    vault = work / f"vault-{n}"
    more = [] if meetings is None else ["--meetings", str(meetings)]
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(vault), str(n), *more], check=True)
    time.sleep(2.2)  # notes changed in the last 2 s are never cached (vaultsync.store.files.RACY_NS)
    warm_cache, other_days, scratch = work / f"warm-{n}", work / f"other-days-{n}", work / "scratch"
    shutil.rmtree(warm_cache, ignore_errors=True)
    shutil.rmtree(other_days, ignore_errors=True)
    run(vaultsync("audit", str(vault), "--today", TODAY), environment(warm_cache))  # fill it
    built = work / f"built-{n}.ics"
    run(vaultsync("build", str(vault), "--today", TODAY, "--calendar", str(built)), environment(warm_cache))
    shutil.copytree(warm_cache, other_days)  # the same entries; its reports are for other days
    days = iter(range(1, 10_000))
    build_days = iter(range(1, 10_000))

    def another_day() -> tuple[float, float, int]:
        day = (dt.date.fromisoformat(TODAY) + dt.timedelta(days=next(days))).isoformat()
        return run(vaultsync("audit", str(vault), "--today", day), environment(other_days))

    def build_cold() -> tuple[float, float, int]:
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        calendar = scratch / "cold.ics"
        return run(
            vaultsync("build", str(vault), "--today", TODAY, "--calendar", str(calendar)),
            environment(scratch),
        )

    def build_another_day() -> tuple[float, float, int]:
        day = (dt.date.fromisoformat(TODAY) + dt.timedelta(days=next(build_days))).isoformat()
        calendar = work / f"other-days-{n}.ics"
        return run(
            vaultsync("build", str(vault), "--today", day, "--calendar", str(calendar)),
            environment(other_days),
        )

    measurements: dict[str, Callable[[], tuple[float, float, int]]] = {
        "floor": lambda: run([sys.executable, str(HERE / "floor.py"), str(vault)], environment(scratch)),
        "cold": lambda: cold_audit(vault, scratch),
        "warm": lambda: run(vaultsync("audit", str(vault), "--today", TODAY), environment(warm_cache)),
        "warm, another day": another_day,
        "no cache": lambda: run(
            vaultsync("audit", str(vault), "--today", TODAY, "--no-cache"), environment(scratch)
        ),
        "build, cold": build_cold,
        "build, warm": lambda: run(
            vaultsync("build", str(vault), "--today", TODAY, "--calendar", str(built)),
            environment(warm_cache),
        ),
        "build, another day": build_another_day,
        "help": lambda: run(vaultsync("--help"), environment(scratch)),
    }
    figures = rotating(measurements, rounds)
    for name, edit in INCREMENTAL.items():
        incremental = measure_incremental(vault, rounds, work, edit)
        if incremental is not None:
            figures[name] = incremental
    return figures, feed_line(built)


def cold_audit(vault: Path, scratch: Path) -> tuple[float, float, int]:
    """``vaultsync audit`` of ``vault`` with an empty cache folder (``scratch``)."""
    shutil.rmtree(scratch, ignore_errors=True)
    return run(vaultsync("audit", str(vault), "--today", TODAY), environment(scratch))


#: The saves the incremental measurements make: (text replaced, by what).
INCREMENTAL = {
    "incremental, calendar unchanged": ("## Background", "## Background\nSaved again."),
    "incremental, calendar written": ("interviews:\n", "interviews:\n  - 2026-11-19\n"),
}


def measure_incremental(vault: Path, rounds: int, work: Path, edit: tuple[str, str]) -> Figures | None:
    """Save one note in a watched vault (``edit`` replaces its first such text), time until the
    build is done; in a fresh process."""
    try:
        sys.path.insert(0, str(REPO))
        import vaultsync.drivers.watch  # noqa: F401
    except ImportError:
        return None
    finally:
        sys.path.remove(str(REPO))
    script = textwrap.dedent(
        f"""
        import datetime as dt, json, os, resource, sys, threading, time
        from pathlib import Path
        from vaultsync.drivers.watch import Watcher

        vault, rounds, old, new = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[4], sys.argv[5]
        built = threading.Event()
        watcher = Watcher(vault, calendar=Path(sys.argv[3]), today=dt.date.fromisoformat("{TODAY}"),
                          debounce={DEBOUNCE}, on_build=lambda build: built.set())
        stop = threading.Event()
        thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        thread.start()
        if not built.wait(600):
            sys.exit("the watcher did not build")
        notes = [n for n in sorted((vault / "Contacts").glob("*.md")) if old in n.read_text(encoding="utf-8")]
        times = []
        for round_ in range(rounds):
            note = notes[round_ * 97 % len(notes)]
            text = note.read_text(encoding="utf-8")
            time.sleep(0.5)
            built.clear()
            started = time.perf_counter()
            edited = text.replace(old, new, 1)
            note.write_text(edited, encoding="utf-8")
            if not built.wait(60):
                sys.exit("no build after a save")
            times.append(time.perf_counter() - started)
            note.write_text(text, encoding="utf-8")
            built.clear()
            built.wait(60)
        stop.set()
        thread.join(10)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"times": times, "rss": rss}}))
        """
    )
    calendar = work / "incremental.ics"
    result = subprocess.run(
        [sys.executable, "-c", script, str(vault), str(rounds), str(calendar), *edit],
        env=environment(work / "scratch"),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"incremental: the watcher failed: {result.stderr[-2000:]}", file=sys.stderr)
        return None
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return Figures(wall=[t - DEBOUNCE for t in data["times"]], cpu=[], rss=[data["rss"]])


WATCH_START = textwrap.dedent(
    f"""
    import datetime as dt, os, sys, time
    from pathlib import Path
    from vaultsync.drivers.watch import Watcher, run_until_signalled

    launched = float(sys.argv[3])

    def built(build):
        print(time.time() - launched, flush=True)
        os._exit(0)  # the start is measured: stopping the watcher is not part of it

    watcher = Watcher(Path(sys.argv[1]), calendar=Path(sys.argv[2]), today=dt.date.fromisoformat("{TODAY}"),
                      on_build=built)
    run_until_signalled(watcher)  # as `vaultsync watch` runs it: the collector paused at its start
    """
)


def watch_start(vault: Path, calendar: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """A watcher's start in a fresh process: seconds from launching it to its first build, its
    CPU time and peak RSS."""
    launched = time.time()
    argv = [sys.executable, "-c", WATCH_START, str(vault), str(calendar), repr(launched)]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or not out.strip():
        raise SystemExit(f"the watcher failed ({process.returncode})")
    return float(out.decode().split()[-1]), usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure_watch_start(notes: int, contacts: int, rounds: int, work: Path) -> dict[str, Figures]:
    """The floor and a watcher's start (to its first build) on a vault of ``notes`` notes."""
    vault = work / f"vault-watch-{notes}"
    others = str(notes - contacts)
    generate = [sys.executable, str(HERE / "generate.py"), str(vault), str(contacts), "--other-notes", others]
    subprocess.run(generate, check=True)
    time.sleep(2.2)
    scratch, warm = work / "scratch-watch", work / f"warm-watch-{notes}"
    shutil.rmtree(warm, ignore_errors=True)
    calendar = work / "watch-start.ics"
    watch_start(vault, calendar, environment(warm))  # fill the cache

    def cold() -> tuple[float, float, int]:
        shutil.rmtree(scratch, ignore_errors=True)
        return watch_start(vault, calendar, environment(scratch))

    measurements: dict[str, Callable[[], tuple[float, float, int]]] = {
        "floor": lambda: run([sys.executable, str(HERE / "floor.py"), str(vault)], environment(scratch)),
        "watch start, cold cache": cold,
        "watch start, warm cache": lambda: watch_start(vault, calendar, environment(warm)),
        "audit, cold cache": lambda: cold_audit(vault, scratch),
    }
    return rotating(measurements, rounds)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    import yaml

    return (
        f"{cpu}, {cores} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; PyYAML {yaml.__version__} "
        f"({'with' if yaml.__with_libyaml__ else 'WITHOUT'} libyaml)"
    )


def table(n: int, figures: dict[str, Figures], notes: int | None = None) -> str:
    floor = figures["floor"]
    rows = [
        f"N = {n:,} contacts" + (f" ({notes:,} notes)" if notes is not None else ""),
        "",
        "| measurement | median | × floor | CPU (all processes) | peak RSS |",
        "|---|---|---|---|---|",
    ]
    for name, measured in figures.items():
        wall = statistics.median(measured.wall)
        ratio = ""
        if name not in ("floor", "help") and not name.startswith("incremental"):
            ratios = [w / f for w, f in zip(measured.wall, floor.wall, strict=True)]
            ratio = f"{statistics.median(ratios):.2f}"
        cpu = f"{statistics.median(measured.cpu):.3f} s" if measured.cpu else ""
        rss = f"{max(measured.rss) / 1024:.0f} MiB" if measured.rss else ""
        label = f"{name} (after the debounce)" if name.startswith("incremental") else name
        rows.append(f"| {label} | {wall:.3f} s | {ratio} | {cpu} | {rss} |")
    rows += ["", "The floor in each round: " + ", ".join(f"{wall:.3f} s" for wall in floor.wall)]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--work", type=Path, help="where to put the vaults and caches (default: a temporary folder)"
    )
    parser.add_argument(
        "--meetings",
        type=int,
        metavar="K",
        help="meeting and message notes in each vault (generate.py's default: one per contact; 0: none)",
    )
    parser.add_argument(
        "--watch-start",
        type=int,
        default=100_000,
        metavar="NOTES",
        help="notes of the vault (500 of them contacts) a watcher starts on; 0: not measured",
    )
    args = parser.parse_args(argv)
    compileall.compile_dir(REPO / "vaultsync", quiet=1)
    work = args.work or Path(tempfile.mkdtemp(prefix="vaultsync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M} {machine()}")
    print(f"{args.rounds} rounds, median; vaults and caches in {work}\n")
    try:
        for n in args.sizes:
            figures, feed = measure_size(n, args.rounds, work, args.meetings)
            print(table(n, figures), feed, sep="\n\n", end="\n\n", flush=True)
        if args.watch_start:
            started = measure_watch_start(args.watch_start, 500, args.rounds, work)
            print(table(500, started, args.watch_start), end="\n\n", flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
