"""The parsers real clients use, each reading a calendar file into a calendar_check.Reading.

icalendar (vaultsync's own), vobject (Python), ical.js (Thunderbird; Node, from
tests/interop/node_modules) and libical (Evolution; through GObject introspection, with the
system Python). A parser that is missing skips the test, saying how to get it; with ``CI=true``
it fails instead, so CI never passes by skipping.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest

from vaultsync.outputs.calendar_check import Reading, icalendar_reading, moment_text

INTEROP = Path(__file__).parent / "interop"
SYSTEM_PYTHON = "/usr/bin/python3"
TIMEOUT = 60  # seconds for one parser run; they take well under one


def unavailable(why: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} (CI=true: every parser must run; .ci/run installs them)")
    pytest.skip(why)


def read_icalendar(path: Path) -> Reading:
    return icalendar_reading(path.read_bytes())


def read_vobject(path: Path) -> Reading:
    try:
        import vobject
    except ImportError:
        unavailable("vobject is missing: python3 -m pip install -e '.[test]'")
    try:
        cal = vobject.readOne(path.read_bytes().decode("utf-8"))
        events = [_vobject_view(event) for event in cal.contents.get("vevent", [])]
    except (
        vobject.base.VObjectError,
        ValueError,
        AttributeError,
    ) as err:  # AttributeError: a property missing
        return Reading(None, [], [f"cannot read it: {type(err).__name__}: {err}"])
    names = cal.contents.get("x-wr-calname")
    return Reading(names[0].value if names else None, events)


def _vobject_view(event: Any) -> dict[str, Any]:
    start, all_day = moment_text(event.dtstart.value)
    return {
        "uid": event.uid.value,
        "start": start,
        "end": moment_text(event.dtend.value)[0] if "dtend" in event.contents else None,
        "all_day": all_day,
        "summary": event.summary.value,
        "description": event.description.value if "description" in event.contents else None,
        "transp": event.transp.value if "transp" in event.contents else None,
        "stamp": _vobject_moment(event, "dtstamp"),
        "modified": _vobject_moment(event, "last-modified"),
        "sequence": int(event.sequence.value) if "sequence" in event.contents else None,
        "alarms": [
            {
                "action": alarm.action.value,
                "trigger": int(alarm.trigger.value.total_seconds()),
                "description": alarm.description.value,
            }
            for alarm in event.contents.get("valarm", [])
        ],
    }


def _vobject_moment(event: Any, name: str) -> str | None:
    lines = event.contents.get(name)
    return moment_text(lines[0].value)[0] if lines else None


def _run(command: list[str]) -> Reading:
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return Reading(None, [], [f"exit {done.returncode}: {last}"])
    return Reading(**json.loads(done.stdout))


def read_icaljs(path: Path) -> Reading:
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "ical.js").is_dir():
        unavailable("ical.js is missing: install Node.js, then run: npm ci --prefix tests/interop")
    return _run([node, str(INTEROP / "icaljs_events.mjs"), str(path)])


@functools.cache
def _libical_present() -> bool:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    probe = "import gi; gi.require_version('ICalGLib', '3.0'); from gi.repository import ICalGLib"
    return subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=TIMEOUT).returncode == 0


def read_libical(path: Path) -> Reading:
    if not _libical_present():
        unavailable(
            f"libical is missing: apt-get install gir1.2-ical-3.0 python3-gi (Debian, Ubuntu) "
            f"for {SYSTEM_PYTHON}"
        )
    return _run([SYSTEM_PYTHON, str(INTEROP / "libical_events.py"), str(path)])


READERS: dict[str, Callable[[Path], Reading]] = {
    "icalendar": read_icalendar,
    "vobject": read_vobject,
    "ical.js": read_icaljs,
    "libical": read_libical,
}
