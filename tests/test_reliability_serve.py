"""Guarantees 2 and 6 for ``serve`` (docs/reliability.md): under load, while notes change.

200 clients (in a process of their own: tests/load_clients.py) ask for the calendar for
VAULTSYNC_LOAD_SECONDS (30 by default) while a note changes every 0.3 s and ten slow clients
hold connections open. Every answer is checked as it comes; here, that every calendar served
is one a build made, whole and sound, and that no note was changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import REPO, SAMPLE_TODAY, copy_sample_vault
from load_clients import EXPECTED
from test_reliability_unchanged import tree_state

from vaultsync.calendar_check import calendar_problems
from vaultsync.server import CalendarServer, Feed, serve_until
from vaultsync.watch import Watcher

LOAD_SECONDS = float(os.environ.get("VAULTSYNC_LOAD_SECONDS", "30"))
CLIENTS = 200
SLOW = 10
TOKEN = "reliability-" + "7" * 20
JANE = "Contacts/Jane Doe.md"


class RecordingFeed(Feed):
    """A Feed that remembers every calendar it ever served, by ETag."""

    def __init__(self) -> None:
        super().__init__()
        self.served: dict[str, bytes] = {}

    def publish(self, data, modified):  # type: ignore[no-untyped-def]
        changed = super().publish(data, modified)
        assert self.snapshot is not None
        self.served[self.snapshot.etag] = self.snapshot.data
        return changed


def test_serve_under_load_while_notes_change(tmp_path: Path) -> None:
    vault = copy_sample_vault(tmp_path / "vault")
    jane = vault / JANE
    original = jane.read_text(encoding="utf-8")
    feed = RecordingFeed()
    watcher = Watcher(vault, today=SAMPLE_TODAY, debounce=0.05, on_build=feed.publish_build)
    watcher.build_now()
    others = {p: s for p, s in tree_state(vault).items() if p not in ("vaultsync.ics", JANE)}
    logs: list[str] = []
    server = CalendarServer(feed, TOKEN, log=logs.append)
    host, port = server.server_address[:2]
    stop = threading.Event()
    serving = threading.Thread(target=serve_until, args=(server, watcher.run, stop), daemon=True)
    serving.start()
    try:
        with subprocess.Popen(
            [sys.executable, "tests/load_clients.py", host, str(port), server.calendar_path]
            + [str(LOAD_SECONDS), str(CLIENTS), str(SLOW)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        ) as clients:
            edits = 0
            while clients.poll() is None:
                jane.write_text(
                    original.replace("Northwind Health", f"Northwind {edits % 7}"), encoding="utf-8"
                )
                edits += 1
                time.sleep(0.3)
            out, _ = clients.communicate()
    finally:
        stop.set()
        serving.join(30)
    assert not serving.is_alive()
    summary = json.loads(out)
    counts = summary["counts"]
    assert summary["violations"] == [] and "violations" not in counts
    for kind, statuses in EXPECTED.items():  # every kind was asked, and answered as it must be
        assert sum(counts.get(f"{kind} {status}", 0) for status in statuses) > 0, kind
    assert counts.get("if-none-match 304", 0) > 0 and counts.get("if-none-match 200", 0) > 0
    # only calendars a build made were served, and clients saw them change
    assert set(summary["etags"]) <= set(feed.served) and len(summary["etags"]) > 1
    for etag in summary["etags"]:
        assert calendar_problems(feed.served[etag]) == []
    # a slow client held up no one: others were answered while each slow connection was open
    assert len(summary["held"]) >= SLOW and min(summary["held"]) > 0
    assert [line for line in logs if " error: " in line] == []
    # serve changed no note (Jane's note is as the test last wrote it)
    assert {p: s for p, s in tree_state(vault).items() if p not in ("vaultsync.ics", JANE)} == others
    print(
        f"\nload: {LOAD_SECONDS:g} s, {CLIENTS} clients + {SLOW} slow; {edits} edits; "
        f"{sum(v for k, v in counts.items() if k[0].isalpha() and ' ' in k and k.split()[1].isdigit())} answers; {counts}"
    )
