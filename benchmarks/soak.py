"""A soak of the watcher: N random operations on a vault, its calendar compared with a fresh build.

    python3 benchmarks/soak.py [--operations 1000] [--seed 1] [--contacts 200 | --sample]
                               [--every 50] [--serve] [--work DIR] [--time-limit 900]

Starts ``python -m vaultsync watch VAULT --today 2026-11-20`` (``serve`` with ``--serve``) on a
vault from ``benchmarks/generate.py`` (``--sample``: a copy of sample-vault), then performs the
operations, drawn from ``--seed``: notes added, meeting notes written that link contacts,
properties that move deadlines edited, bodies edited, notes renamed and deleted, YAML broken and
fixed, saves by rename from a temporary file (inside and outside the vault), in-place truncating
writes, vim's backup-rename saves, same-size edits with the modification time set back, ``touch``,
``.vaultsync.toml`` edited (and broken, and fixed), a folder renamed, a note turned into a link
out of the vault and back, the calendar deleted. Every ``--every`` operations and at the end (a
checkpoint), whatever was left broken is fixed (a watcher keeps a broken note's last good version,
which a fresh build cannot know), the watcher is left until its log and its calendar have been
still for 1.5 s, and its calendar is compared byte for byte with ``python -m vaultsync build VAULT
--today 2026-11-20 --calendar OTHER --no-cache`` (with ``--serve``, what the server answers too).
A calendar that differs is given ``--grace`` seconds more (10) before it counts as a mismatch; the
operations are in ``WORK/operations.log``, both calendars kept beside it.

Prints the operations done, the checkpoints compared, each mismatch with the first differing
event, and timings. Exit code 1 on any mismatch (or a watcher that died or printed a traceback),
2 when the time limit stopped the operations early.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drive import (  # noqa: E402
    CALENDAR,
    Lines,
    build,
    environment,
    first_difference,
    front_matter_end,
    make_vault,
    set_property,
    temp_files,
    vaultsync,
    work_folder,
)

TODAY = "2026-11-20"
STILL = 1.5  # s of silence that make a watcher settled: past its quiet period (0.2 s) and its 1 s cap
REBUILD = re.compile(r"vaultsync: (?!start:).*: \d+ deadlines?")  # the line of each rebuild but the first
DATES = [
    f"2026-{month:02}-{day:02}" for month in (9, 10, 11, 12) for day in (1, 4, 9, 13, 17, 19, 20, 21, 24, 28)
]
KEYS = ("interviews", "thank_you_sent", "check_ins", "follow_up")
CONFIGS = (
    "thank_you_days = {n}\n",
    "check_in_opens_days = {m}\ncheck_in_closes_days = {k}\n",
    'calendar_name = "Soak {n}"\nprepare_days = {n}\n',
    'contacts_folders = ["Inbox"]\nreminder_time = "08:{n}0"\n',
)


@dataclass
class Checkpoint:
    label: str  # the operations done
    settle: float  # seconds until the watcher was still
    build: float  # seconds of the reference build
    lag: float | None = None  # when equal: seconds from the last operation to the calendar's write
    difference: str | None = None  # when not equal: where
    kept: Path | None = None  # ... and the folder holding both calendars


class Soak:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.rng = random.Random(args.seed)
        self.work = work
        self.vault = make_vault(work / "vault", 0 if args.sample else args.contacts)
        self.outside = work / "outside"  # the far end of links out, and temporary files outside the vault
        self.outside.mkdir()
        self.env = environment(work)
        self.calendar = self.vault / CALENDAR
        self.notes = sorted(
            p.relative_to(self.vault).as_posix()
            for p in self.vault.rglob("*.md")
            if not p.relative_to(self.vault).as_posix().startswith(("Templates/", ".obsidian/"))
        )
        self.broken: dict[str, str] = {}  # note -> its text before it was broken
        self.linked: dict[str, Path] = {}  # note now a link -> where its file went
        self.config_good: str | None = None  # the config before it was broken (None: not broken)
        self.counter = 0
        self.log = open(work / "operations.log", "w", encoding="utf-8")  # noqa: SIM115
        self.kinds: Counter[str] = Counter()
        self.url: str | None = None
        self.keep_broken = args.keep_broken
        self.grace = args.grace

    # -- writing a file in the ways editors and tools do --------------------------------------

    def save(self, relative: str, text: str) -> str:
        path = self.vault / relative
        data = text.encode()
        style = self.rng.choice(("plain", "truncating", "atomic", "atomic outside", "vim"))
        if style == "plain":
            path.write_bytes(data)
        elif style == "truncating":  # in place: truncated, then written in two parts
            with open(path, "wb") as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                time.sleep(self.rng.uniform(0.001, 0.03))
                handle.write(data[len(data) // 2 :])
        elif style.startswith("atomic"):
            folder = self.outside if style.endswith("outside") else path.parent
            temp = folder / f".{path.name}.tmp{self.rng.randrange(10**6)}"
            temp.write_bytes(data)
            os.replace(temp, path)
        else:  # vim with writebackup: note -> note~, a probe file, the swap file, a new note
            backup, swap, probe = (
                path.with_name(path.name + "~"),
                path.with_name(f".{path.name}.swp"),
                path.parent / "4913",
            )
            swap.write_bytes(b"\0" * 64)
            probe.write_bytes(b"")
            probe.unlink()
            if path.exists():
                os.rename(path, backup)
            path.write_bytes(data)
            backup.unlink(missing_ok=True)
            swap.unlink()
        return style

    # -- the operations -----------------------------------------------------------------------

    def plain_note(self) -> str | None:
        """A note that is an ordinary file, neither broken by us nor a link."""
        choices = [n for n in self.notes if n not in self.broken and n not in self.linked]
        return self.rng.choice(choices) if choices else None

    def fresh_name(self, folder: str) -> str:
        self.counter += 1
        return f"{folder}/Soak {self.counter:04}.md"

    def op_add(self) -> str:
        name = self.fresh_name(
            self.rng.choice(("Contacts", "Inbox")) if (self.vault / "Inbox").is_dir() else "Contacts"
        )
        (self.vault / name).parent.mkdir(parents=True, exist_ok=True)
        dates = self.rng.sample(DATES, self.rng.randint(1, 3))
        text = (
            f"---\ntype: contact\norganization: Soak Org {self.counter % 7}\n"
            f"interviews: [{', '.join(dates)}]\n---\n## Questions\n- What next?\n"
        )
        self.notes.append(name)
        return f"add {name}: {self.save(name, text)}"

    def op_meeting(self) -> str | None:
        """A meeting note (one of a dozen) written again, linking one to three contacts by name:
        the dates it gives move between contacts (docs/dates.md)."""
        people = [n for n in self.notes if n.startswith("Contacts/") and n not in self.linked]
        if not people:
            return None
        names = [Path(n).stem for n in self.rng.sample(people, min(len(people), self.rng.randint(1, 3)))]
        name = f"Meetings/Soak meeting {self.rng.randrange(12):02}.md"
        (self.vault / name).parent.mkdir(parents=True, exist_ok=True)
        links = ", ".join(f'"[[{person}]]"' for person in names)
        kind = self.rng.choice(("coffee chat", "meeting"))
        text = (
            f"---\ndate: {self.rng.choice(DATES)}\ntype: {kind}\npeople: [{links}]\n---\n"
            "## Questions\n- What would you do first?\n"
        )
        if name not in self.notes:
            self.notes.append(name)
        return f"meeting {name}: {', '.join(names)}: {self.save(name, text)}"

    def op_deadline(self) -> str | None:
        note = self.plain_note()
        if note is None:
            return None
        key = self.rng.choice(KEYS)
        value = self.rng.choice(DATES)
        if key in ("interviews", "check_ins"):
            value = f"[{', '.join(self.rng.sample(DATES, self.rng.randint(1, 2)))}]"
        text = set_property((self.vault / note).read_text(encoding="utf-8"), key, value)
        return f"deadline {note}: {key}: {value}: {self.save(note, text)}"

    def op_body(self) -> str | None:
        note = self.plain_note()
        if note is None:
            return None
        text = (self.vault / note).read_text(encoding="utf-8")
        line = self.rng.choice(
            ("- Is your team hiring?\n", "Met again, briefly.\n", "## Advice\n- Keep going.\n")
        )
        return f"body {note}: {line.strip()!r}: {self.save(note, text + line)}"

    def op_rename(self) -> str | None:
        note = self.plain_note()
        if note is None:
            return None
        folder = self.rng.choice(sorted({n.rsplit("/", 1)[0] for n in self.notes if "/" in n}))
        new = self.fresh_name(folder)
        os.rename(self.vault / note, self.vault / new)
        self.notes[self.notes.index(note)] = new
        return f"rename {note} -> {new}"

    def op_delete(self) -> str | None:
        note = self.plain_note()
        if note is None or len(self.notes) < 20:
            return None
        (self.vault / note).unlink()
        self.notes.remove(note)
        return f"delete {note}"

    def op_break(self) -> str | None:
        note = self.plain_note()
        if note is None:
            return None
        good = (self.vault / note).read_text(encoding="utf-8")
        end = front_matter_end(good)
        if end < 0:
            return None
        bad = good[:end] + 'broken: "never closed\n' + good[end:] if self.rng.random() < 0.5 else good[:end]
        self.broken[note] = good
        return f"break {note}: {self.save(note, bad)}"

    def op_fix(self) -> str | None:
        if not self.broken:
            return None
        note = self.rng.choice(sorted(self.broken))
        return f"fix {note}: {self.save(note, self.broken.pop(note))}"

    def op_same_size(self) -> str | None:
        """An in-place edit that keeps the size and sets the modification time back (rsync -t)."""
        note = self.plain_note()
        if note is None:
            return None
        path = self.vault / note
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        dates = list(re.finditer(r"2026-\d\d-\d\d", text[: max(front_matter_end(text), 0)]))
        if not dates:
            return None
        at = self.rng.choice(dates)
        new = self.rng.choice(DATES)
        with open(path, "r+b") as handle:  # in place: the same inode, the same size
            handle.write((text[: at.start()] + new + text[at.end() :]).encode())
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return f"same size {note}: {at.group()} -> {new}, mtime set back"

    def op_touch(self) -> str | None:
        note = self.plain_note()
        if note is None:
            return None
        os.utime(self.vault / note)
        return f"touch {note}"

    def op_config(self) -> str:
        path = self.vault / ".vaultsync.toml"
        if self.config_good is not None:
            path.write_text(self.config_good)
            self.config_good = None
            return "config fixed"
        if self.rng.random() < 0.15:
            self.config_good = path.read_text() if path.exists() else ""
            path.write_text("thank_you_days = \n")
            return "config broken"
        if self.rng.random() < 0.2:
            path.unlink(missing_ok=True)
            return "config deleted"
        n = self.rng.randint(2, 5)
        text = "".join(self.rng.sample(CONFIGS, self.rng.randint(1, 2))).format(
            n=n, m=20 + 5 * n, k=50 + 5 * n
        )
        return f"config {text.strip()!r}: {self.save('.vaultsync.toml', text)}"

    def op_folder(self) -> str | None:
        """A folder of notes renamed (the whole vault walked again)."""
        folders = sorted({n.split("/", 1)[0] for n in self.notes if "/" in n} - {"Contacts"})
        if not folders:
            return None
        old = self.rng.choice(folders)
        self.counter += 1
        new = f"{old.split(' ')[0]} {self.counter}"
        os.rename(self.vault / old, self.vault / new)
        moved = lambda n: new + n[len(old) :] if n.startswith(old + "/") else n  # noqa: E731
        self.notes = [moved(n) for n in self.notes]
        self.broken = {moved(n): t for n, t in self.broken.items()}
        self.linked = {moved(n): t for n, t in self.linked.items()}
        return f"folder {old} -> {new}"

    def op_link(self) -> str | None:
        """A note turned into a link out of the vault, or such a link turned back into the note."""
        if self.linked and self.rng.random() < 0.5:
            back = self.rng.choice(sorted(self.linked))
            (self.vault / back).unlink()
            os.rename(self.linked.pop(back), self.vault / back)
            return f"link back {back}"
        note = self.plain_note()
        if note is None:
            return None
        self.counter += 1
        far = self.outside / f"{self.counter}.md"
        os.rename(self.vault / note, far)
        (self.vault / note).symlink_to(far)
        self.linked[note] = far
        return f"link out {note}"

    def op_calendar(self) -> str:
        self.calendar.unlink(missing_ok=True)
        return "delete the calendar"

    OPERATIONS: tuple[tuple[str, int], ...] = (
        ("add", 8),
        ("meeting", 10),
        ("deadline", 24),
        ("body", 12),
        ("rename", 8),
        ("delete", 5),
        ("break", 7),
        ("fix", 6),
        ("same_size", 6),
        ("touch", 4),
        ("config", 5),
        ("folder", 2),
        ("link", 5),
        ("calendar", 3),
    )

    def operate(self, index: int) -> None:
        names, weights = zip(*self.OPERATIONS, strict=True)
        while True:
            kind = self.rng.choices(names, weights)[0]
            done = getattr(self, f"op_{kind}")()
            if done is not None:
                break
        self.kinds[kind] += 1
        print(f"{index} {done}", file=self.log, flush=True)
        pause = self.rng.random()
        time.sleep(
            0 if pause < 0.6 else self.rng.uniform(0, 0.05) if pause < 0.92 else self.rng.uniform(0.25, 0.6)
        )

    # -- checkpoints --------------------------------------------------------------------------

    def repair(self) -> None:
        """Fix what is broken: a watcher keeps a broken note's last good version (and the last
        good settings), a fresh build cannot; that is the one difference documented."""
        if self.keep_broken:
            return
        for note in sorted(self.broken):
            (self.vault / note).write_text(self.broken.pop(note), encoding="utf-8")
        if self.config_good is not None:
            (self.vault / ".vaultsync.toml").write_text(self.config_good)
            self.config_good = None

    def settle(self, lines: Lines) -> float:
        """Wait until the watcher's log and calendar have been still for STILL seconds; how long."""
        start = time.monotonic()
        status, since = None, start
        while time.monotonic() - start < 60:
            try:
                now_status = self.calendar.stat()[6:]  # size, times
            except FileNotFoundError:
                now_status = None
            if now_status != status:
                status, since = now_status, time.monotonic()
            if time.monotonic() - max(since, lines.last) >= STILL:
                break
            time.sleep(0.05)
        return time.monotonic() - start

    def compare(self, label: str, lines: Lines) -> Checkpoint:
        self.repair()
        last_op = time.time()
        settled = self.settle(lines)
        reference = self.work / "reference.ics"
        reference.unlink(missing_ok=True)
        started = time.monotonic()
        build(self.vault, TODAY, reference, self.env, "--no-cache")
        build_seconds = time.monotonic() - started
        expected = reference.read_bytes()
        deadline = time.monotonic() + self.grace
        while True:
            try:
                ours: bytes | None = self.calendar.read_bytes()
                written = self.calendar.stat().st_mtime
            except FileNotFoundError:
                ours, written = None, 0.0
            served = self.served()
            if ours == expected and served in (None, expected):
                return Checkpoint(label, settled, build_seconds, lag=max(0.0, written - last_op))
            if time.monotonic() > deadline:
                break
            time.sleep(0.25)
        kept = self.work / f"mismatch-{label}"
        kept.mkdir()
        shutil.copy(reference, kept / "fresh-build.ics")
        if ours is not None:
            (kept / "watcher.ics").write_bytes(ours)
        what = (
            first_difference(ours, expected)
            if ours != expected
            else "served: " + first_difference(served, expected)
        )
        return Checkpoint(label, settled, build_seconds, difference=what, kept=kept)

    def served(self) -> bytes | None:
        if self.url is None:
            return None
        with urllib.request.urlopen(self.url, timeout=10) as answer:  # noqa: S310 (loopback)
            return answer.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--contacts", type=int, default=200, help="contacts of the generated vault")
    parser.add_argument("--sample", action="store_true", help="a copy of sample-vault instead")
    parser.add_argument("--every", type=int, default=50, help="operations between checkpoints")
    parser.add_argument("--serve", action="store_true", help="run serve, and compare what it serves too")
    parser.add_argument(
        "--grace", type=float, default=10.0, help="seconds more a differing calendar is given"
    )
    parser.add_argument(
        "--keep-broken",
        action="store_true",
        help="leave broken notes broken at checkpoints: the watcher's kept versions differ (a check's check)",
    )
    parser.add_argument(
        "--work", type=Path, help="keep the vault, the log and any mismatch here (a new folder)"
    )
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds before the operations stop")
    args = parser.parse_args(argv)
    work = work_folder(args.work, "soak")
    began = time.monotonic()
    soak = Soak(args, work)
    command = "serve" if args.serve else "watch"
    extra = ["--port", "0"] if args.serve else []
    process = subprocess.Popen(
        vaultsync(command, soak.vault, "--today", TODAY, *extra),
        env=soak.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if args.serve else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = Lines(process)
    results: list[Checkpoint] = []
    done = 0
    try:
        if not lines.wait_for("start:", 60):
            print(f"{command} did not start: {lines.lines[-5:]}")
            return 1
        if args.serve:
            assert process.stdout is not None
            head = "".join(
                process.stdout.readline() for _ in range(3)
            )  # serving..., subscribe: webcal..., or: http...
            found = re.search(r"http://\S+", head)
            if found is None:
                print(f"serve printed no URL: {head!r}")
                return 1
            soak.url = found.group()
        started = time.monotonic()
        stopped_early = False
        for done in range(1, args.operations + 1):
            soak.operate(done)
            if done % args.every == 0 or done == args.operations:
                results.append(soak.compare(str(done), lines))
            if process.poll() is not None:
                break
            if time.monotonic() - began > args.time_limit:
                stopped_early = True
                results.append(soak.compare(str(done), lines))
                break
        seconds = time.monotonic() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
    (work / f"{command}.log").write_text("".join(line + "\n" for _, line in lines.lines), encoding="utf-8")
    tracebacks = sum("Traceback" in line for _, line in lines.lines)
    rebuilds = sum(bool(REBUILD.search(line)) for _, line in lines.lines)
    leftovers = temp_files(soak.calendar)
    mismatches = [c for c in results if c.difference is not None]
    lags = sorted(c.lag for c in results if c.lag is not None)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(soak.kinds.items()))
    print(f"vault: {soak.vault} ({len(soak.notes)} notes at the end); seed {args.seed}")
    print(f"command: vaultsync {command} VAULT --today {TODAY}")
    if soak.url:
        print(f"served calendar compared too: {soak.url.split('/')[2]}")
    print(f"operations: {done} in {seconds:.1f} s ({kinds})")
    print(f"checkpoints compared: {len(results)}; mismatches: {len(mismatches)}")
    for c in mismatches:
        print(f"  MISMATCH after operation {c.label}: {c.difference} (kept in {c.kept})")
    if lags:
        print(f"calendar written after the last operation: median {median(lags):.2f} s, max {lags[-1]:.2f} s")
    if results:
        settle, reference = max(c.settle for c in results), median([c.build for c in results])
        print(f"settling per checkpoint: max {settle:.2f} s; reference build median {reference:.2f} s")
    print(f"{command}: {rebuilds} rebuilds logged, {tracebacks} tracebacks, exit code {code} on SIGTERM")
    print(f"temporary files left: {len(leftovers)}")
    print(f"operations log: {work / 'operations.log'}; total {time.monotonic() - began:.1f} s")
    if mismatches or tracebacks or code != 0 or leftovers or process.returncode is None:
        return 1
    return 2 if stopped_early else 0


if __name__ == "__main__":
    sys.exit(main())
