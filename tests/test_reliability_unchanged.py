"""Guarantee 2: no command changes a note (docs/reliability.md).

Every file of the vault is hashed, with its modification time and mode, before and after each
command: not one byte, not one time stamp may move. ``build`` adds its calendar, nothing else.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from caldav_server import radicale
from conftest import copy_sample_vault, run_cli, tree_digest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from strategies import file_names, note_bytes

TODAY = "2026-11-20"


def tree_state(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every file's sha256, modification time (ns) and mode: proof that nothing was rewritten."""
    return {
        path: (digest, (root / path).stat().st_mtime_ns, (root / path).stat().st_mode)
        for path, digest in tree_digest(root).items()
    }


def run_every_command(vault: Path, elsewhere: Path) -> dict:
    """audit (text and JSON) and build (twice, and to another place); the JSON report."""
    code, text, _ = run_cli("audit", vault, "--today", TODAY)
    assert code in (0, 1) and text.startswith(f"{vault} on 2026-11-20: ")
    code, out, _ = run_cli("audit", vault, "--today", TODAY, "--format", "json")
    report = json.loads(out)
    assert code in (0, 1)
    for calendar in (None, None, elsewhere / "c.ics"):
        options = ("--calendar", calendar) if calendar else ()
        code, out, _ = run_cli("build", vault, "--today", TODAY, *options)
        assert code in (0, 1) and out.startswith(("wrote ", "unchanged "))
    written = (vault / "vaultsync.ics").read_bytes()
    assert written == (elsewhere / "c.ics").read_bytes()
    assert len(Calendar.from_ical(written).events) == written.count(b"BEGIN:VEVENT")
    return report


def test_the_sample_vault_is_left_as_it_was(tmp_path: Path) -> None:
    vault = copy_sample_vault(tmp_path / "sample-vault")
    before = tree_state(vault)
    report = run_every_command(vault, tmp_path)
    assert (report["contacts"], len(report["findings"]), len(report["errors"])) == (18, 24, 2)
    after = tree_state(vault)
    assert after.pop("vaultsync.ics")
    assert after == before


#: Small vaults: notes of any bytes, named in any script, in a folder or at the root.
vaults = st.lists(
    st.tuples(st.sampled_from(["", "Contacts/", "People/Ünïcode ✓/"]), file_names, note_bytes),
    min_size=1,
    max_size=5,
    unique_by=lambda note: note[0] + note[1],
)


@settings(max_examples=max(25, settings.default.max_examples // 6))
@given(vaults)
def test_no_command_changes_a_note_of_any_vault(notes: list[tuple[str, str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        vault, elsewhere = Path(scratch) / "vault", Path(scratch) / "out"
        for folder, name, data in notes:
            (vault / folder).mkdir(parents=True, exist_ok=True)
            (vault / folder / name).write_bytes(data)
        elsewhere.mkdir()
        before = tree_state(vault)
        report = run_every_command(vault, elsewhere)
        after = tree_state(vault)
        assert after.pop("vaultsync.ics")
        assert after == before
        named = {folder + name for folder, name, _ in notes}
        assert {e["path"] for e in report["errors"]} <= named
        assert {f["path"] for f in report["findings"] if f["rule"] != "referral"} <= named


def test_push_changes_no_note(tmp_path: Path) -> None:
    """A push to a real CalDAV server (Radicale), a second one with nothing new, one refused."""
    vault = copy_sample_vault(tmp_path / "vault")
    before = tree_state(vault)
    with radicale(tmp_path / "radicale", {"sam": "secret"}) as server:
        url = server.calendar_url("sam", "jobs")
        push = ("push", vault, "--url", url, "--user", "sam", "--password-env", "VS_PW", "--today", TODAY)
        made = run_cli(*push, env={"VS_PW": "secret"})
        again = run_cli(*push, env={"VS_PW": "secret"})
        refused = run_cli(*push, env={"VS_PW": "wrong"})
    assert made[:2] == (
        1,
        f"pushed to {url}: made the calendar, 32 added, 0 replaced, 0 deleted, 0 unchanged\n",
    )
    assert again[:2] == (
        1,
        f"pushed to {url}: 0 added, 0 replaced, 0 deleted, 32 unchanged\n",
    )  # 1: broken notes
    assert refused[:2] == (3, "") and "refused the user name or password" in refused[2]  # 3: push failed
    assert tree_state(vault) == before
