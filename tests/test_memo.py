"""The watcher's BuildMemo: a memoised rebuild writes byte for byte what a fresh build writes.

Each change is made on disk, the watcher's own VaultIndex picks it up (keeping the Contact object
of every other note), and the memoised build is compared with ``vaultsync build`` from scratch:
the calendar's bytes, every finding, the event count. Each change is also checked to change the
output, so results kept from before the change would be caught.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE_TODAY, calls, contact, copy_sample_vault, write_note
from hypothesis import given
from hypothesis import strategies as st

from vaultsync import pipeline
from vaultsync.config import DEFAULTS
from vaultsync.incremental import memo as memo_module
from vaultsync.incremental import referrals as referrals_module
from vaultsync.incremental import results as results_module
from vaultsync.incremental.index import KEPT, VaultIndex
from vaultsync.incremental.memo import BuildMemo
from vaultsync.model.contact import Contact
from vaultsync.model.finding import Finding
from vaultsync.model.now import judged_at
from vaultsync.model.rules import evaluate
from vaultsync.model.vault import Vault
from vaultsync.outputs.calendar import calendar_bytes, calendar_items
from vaultsync.store.loader import load_vault

ONE_DAY = dt.timedelta(days=1)


class Rebuilds:
    """A vault on disk, an index and a memo kept from build to build, as the watcher keeps them."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root, self.out = root, out
        self.today = SAMPLE_TODAY
        self.index = VaultIndex(root)
        self.index.scan()
        self.memo = BuildMemo()
        self.last = self.check()

    def configure(self, text: str) -> None:
        """A new .vaultsync.toml: the watcher starts a new index (every Contact is a new object)."""
        (self.root / ".vaultsync.toml").write_text(text, encoding="utf-8")
        self.index = VaultIndex(self.root)

    def check(self) -> tuple[object, ...]:
        """Build with the memo and from scratch; both must write the same bytes and find the same."""
        self.index.scan()
        vault = self.index.vault()
        memoised = pipeline.build(vault, self.today, self.out / "memo.ics", memo=self.memo)
        fresh = pipeline.build(vault, self.today, self.out / "fresh.ics")
        data = (self.out / "memo.ics").read_bytes()
        assert data == (self.out / "fresh.ics").read_bytes()
        assert memoised.audit.findings == fresh.audit.findings
        assert sorted(memoised.audit.found, key=lambda f: f.sort_key()) == list(fresh.audit.findings)
        assert (memoised.events, memoised.audit.levels) == (fresh.events, fresh.audit.levels)
        assert memoised.audit.exit_code == fresh.audit.exit_code
        if not any(err.message == KEPT for err in vault.errors):  # else the index differs on purpose
            assert data == calendar_bytes(load_vault(self.root), self.today)
        return data, fresh.audit.findings, vault.errors

    def changed(self) -> bool:
        """Check, and tell whether the calendar or the findings differ from the last check."""
        now = self.check()
        differs = now != self.last
        self.last = now
        return differs


@pytest.fixture
def rebuilds(tmp_path: Path) -> Rebuilds:
    root = copy_sample_vault(tmp_path / "vault")
    (root / ".vaultsync.toml").write_text('timezone = "America/New_York"\n', encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return Rebuilds(root, out)


def edit(root: Path, path: str, old: str, new: str) -> None:
    note = root / path
    text = note.read_text(encoding="utf-8")
    assert old in text
    note.write_text(text.replace(old, new, 1), encoding="utf-8")


def same_offset_zone(r: Rebuilds) -> None:
    """Same offsets all year: the times compare equal, but are written with another TZID."""
    r.configure('timezone = "Europe/Paris"\n')
    r.check()
    r.configure('timezone = "Europe/Berlin"\n')


CHANGES: dict[str, Callable[[Rebuilds], object]] = {
    "an edit": lambda r: edit(r.root, "Contacts/Jane Doe.md", "Northwind Health", "Contoso"),
    "an edit of the dates": lambda r: edit(r.root, "Contacts/Jane Doe.md", "2026-10-01", "2026-11-02"),
    "a new note": lambda r: write_note(
        r.root, "Contacts/Ana Ortiz.md", "---\ntype: contact\ninterviews:\n  - 2026-11-19\n---\n"
    ),
    "a new note someone referred": lambda r: write_note(
        r.root, "People/Noor Rahman.md", "---\ntype: contact\nemail: noor@example.org\n---\n"
    ),
    "a deletion": lambda r: (r.root / "Contacts/Samir Haddad.md").unlink(),
    "a rename": lambda r: (r.root / "Contacts/Grace Kim.md").rename(r.root / "Contacts/Grace Kim-Lee.md"),
    "a name referred to": lambda r: edit(r.root, "Contacts/Wei Chen.md", "type: contact", "name: Wei C."),
    "outreach to someone suggested": lambda r: write_note(
        r.root,
        "Log/Email to Wei.md",
        "---\ndate: 2026-11-19\nComm-Type: Sent\ncontacts: ['[[Wei Chen]]']\n---\n",
    ),
    "meeting someone suggested": lambda r: edit(
        r.root, "Contacts/Wei Chen.md", "role:", "interviews: [2026-11-19]\nrole:"
    ),
    "telling the referrer": lambda r: edit(
        r.root, "Contacts/Priya Natarajan.md", "thank_you_sent:", "check_ins: [2026-11-20]\nthank_you_sent:"
    ),
    "a referral's day ahead": lambda r: setattr(r, "today", r.today + ONE_DAY),
    "a day change": lambda r: setattr(r, "today", r.today + 5 * ONE_DAY),
    "a referral setting": lambda r: r.configure("referral_days = 30\n"),
    "a settings change": lambda r: r.configure("thank_you_days = 5\n"),
    "a time zone": lambda r: r.configure('timezone = "Europe/Paris"\n'),
    "a time zone at the same offset": same_offset_zone,
    "not an Obsidian vault any more": lambda r: shutil.rmtree(r.root / ".obsidian"),
    "a note that becomes unreadable": lambda r: edit(
        r.root, "Contacts/Jane Doe.md", "type: contact", "type: [x"
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_memoised_rebuild_is_a_fresh_build(rebuilds: Rebuilds, change: str) -> None:
    CHANGES[change](rebuilds)
    assert rebuilds.changed()


def test_one_memo_through_every_change_in_turn(rebuilds: Rebuilds) -> None:
    for change in CHANGES.values():
        change(rebuilds)
        assert rebuilds.changed()


def test_a_change_nobody_sees_changes_nothing(rebuilds: Rebuilds) -> None:
    before = rebuilds.index.vault().contacts
    edit(rebuilds.root, "Contacts/Jane Doe.md", "## Questions", "Met at a meetup.\n\n## Questions")
    assert not rebuilds.changed()
    assert rebuilds.index.vault().contacts != before  # its questions moved down two lines


# --- what is kept, and what is not


def test_only_the_changed_contact_is_evaluated_again(
    rebuilds: Rebuilds, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluated = calls(monkeypatch, results_module, "contact_findings")
    serialised = calls(monkeypatch, results_module, "event_bytes")
    referrers = calls(monkeypatch, referrals_module, "suggested")
    edit(rebuilds.root, "Contacts/Jane Doe.md", "Northwind Health", "Contoso")
    assert rebuilds.changed()
    assert [c.path for c in evaluated] == ["Contacts/Jane Doe.md"]
    assert {item.summary for item in serialised} == {
        "Check in with Jane Doe (Contoso)",
        "Last day to check in with Jane Doe (Contoso)",
    }
    assert referrers == []  # nothing the referral rule reads changed
    edit(rebuilds.root, "Contacts/Wei Chen.md", "type: contact", "name: Wei C.")
    assert rebuilds.changed()
    # only the one contact who suggested someone by a name Wei Chen had or has: [[Wei Chen]]
    assert [r.path for r in referrers] == ["Contacts/Hannah Schmidt.md"]


def test_a_new_day_serialises_only_the_events_that_changed(
    rebuilds: Rebuilds, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = rebuilds.index.vault()
    before = set(calendar_items(vault, rebuilds.today))
    rebuilds.today += ONE_DAY
    after = set(calendar_items(vault, rebuilds.today))
    evaluated = calls(monkeypatch, results_module, "contact_findings")
    of_contacts = calls(monkeypatch, results_module, "event_bytes")
    across = calls(monkeypatch, memo_module, "event_bytes")  # the events of the rules across contacts
    assert rebuilds.changed()
    serialised = of_contacts + across
    assert len(evaluated) == len(vault.contacts)  # every finding depends on the day
    assert set(serialised) == after - before  # the overdue events, moved to the new day
    assert 0 < len(serialised) < len(after)


def _events_by_uid(calendar: bytes) -> dict[str, bytes]:
    events = calendar.removesuffix(b"END:VCALENDAR\r\n").split(b"BEGIN:VEVENT\r\n")[1:]
    return {event.split(b"\r\nUID:", 1)[1].split(b"\r\n", 1)[0].decode(): event for event in events}


def test_day_by_day_only_what_moves_is_written_again(rebuilds: Rebuilds) -> None:
    """The watcher rebuilds at midnight, and it and push write every event whose bytes changed:
    from the README's day until every check-in window has closed, each day's calendar is a fresh
    build's, and an event that stays keeps its bytes unless it moved (the overdue ones, each to
    the new day, its DTSTAMP and SEQUENCE with it). Interviews pass, letters fall due, windows
    close on the way."""
    before = _events_by_uid((rebuilds.out / "memo.ics").read_bytes())
    handed_over = 0  # windows whose closing day gave way to their overdue copy on today
    while rebuilds.today < dt.date(2027, 1, 25):
        rebuilds.today += ONE_DAY
        rebuilds.changed()
        now = _events_by_uid((rebuilds.out / "memo.ics").read_bytes())
        moved = {uid for uid in before.keys() & now.keys() if before[uid] != now[uid]}
        overdue = {uid for uid in now if uid.endswith("-overdue@vaultsync")}
        assert moved == overdue & before.keys(), rebuilds.today
        closed = {uid for uid in before.keys() - now.keys() if uid.endswith("-closes@vaultsync")}
        assert {uid.replace("-closes@", "-overdue@") for uid in closed} <= overdue - before.keys()
        handed_over += len(closed)
        before = now
    assert handed_over == 10 and not any(uid.endswith("-closes@vaultsync") for uid in before)


def test_stale_results_are_never_reused(tmp_path: Path) -> None:
    """Kept by the Contact's identity, the day and the settings: change any, and they are made again."""

    def vault(*contacts: object) -> Vault:
        return Vault(tmp_path, DEFAULTS, tuple(contacts), (), len(contacts))  # type: ignore[arg-type]

    def summaries(built: memo_module.Built) -> list[str]:
        return sorted(f"{f.rule} {f.level} {f.due}" for f in built.found)

    memo = BuildMemo()
    held = contact(
        "---\ntype: contact\nemail: a@b.c\nadvice: [x]\ninterviews: [2026-11-18]\nreferrals: [y]\n---\n"
    )
    assert summaries(memo.build(vault(held), SAMPLE_TODAY)) == [
        "referral due 2026-11-25",
        "thank-you due 2026-11-21",
    ]
    # The same object on another day.
    assert summaries(memo.build(vault(held), SAMPLE_TODAY + 3 * ONE_DAY)) == [
        "referral due 2026-11-25",
        "thank-you overdue 2026-11-21",
    ]
    # The same object and day, other settings.
    later = dataclasses.replace(DEFAULTS, thank_you_days=5, referral_days=2)
    built = memo.build(dataclasses.replace(vault(held), settings=later), SAMPLE_TODAY + 3 * ONE_DAY)
    assert summaries(built) == ["referral overdue 2026-11-20", "thank-you due 2026-11-23"]
    # The same path, day and settings; another Contact (equal but for a date).
    thanked = dataclasses.replace(held, thank_you_sent=(dt.date(2026, 11, 19),))
    built = memo.build(dataclasses.replace(vault(thanked), settings=later), SAMPLE_TODAY + 3 * ONE_DAY)
    assert summaries(built) == ["referral overdue 2026-11-20"]
    assert b"Thank-you letter" not in b"".join(built.calendar)


def test_what_a_build_handed_out_stays_true_and_is_handed_out_again_while_unchanged(
    rebuilds: Rebuilds,
) -> None:
    """The calendar's pieces and the findings are the last build's lists while nothing in them
    changed (KeptFile then neither reads nor writes), and a list once handed out never changes."""
    vault = rebuilds.index.vault()
    first = rebuilds.memo.build(vault, rebuilds.today)
    kept = (b"".join(first.calendar), first.found)
    edit(rebuilds.root, "Contacts/Jane Doe.md", "## Questions", "Met at a meetup.\n\n## Questions")
    rebuilds.index.scan()
    second = rebuilds.memo.build(rebuilds.index.vault(), rebuilds.today)
    assert second.calendar is first.calendar and second.found_in is first.found_in
    edit(rebuilds.root, "Contacts/Jane Doe.md", "2026-10-01", "2026-11-02")
    assert rebuilds.changed()
    third = rebuilds.memo.build(rebuilds.index.vault(), rebuilds.today)
    assert third.calendar is not first.calendar and third.found_in is not first.found_in
    assert (b"".join(first.calendar), first.found) == kept
    assert (b"".join(third.calendar), third.found) != kept


def test_a_new_day_that_leaves_no_event_leaves_none(tmp_path: Path) -> None:
    memo = BuildMemo()
    held = contact("---\ntype: contact\ninterviews: [2026-11-18]\n---\n")
    first = memo.build(Vault(tmp_path, DEFAULTS, (held,), (), 1), SAMPLE_TODAY)
    assert first.events == 3  # the thank-you, the check-in window's opening and closing days
    built = memo.build(Vault(tmp_path, DEFAULTS, (), (), 0), SAMPLE_TODAY + ONE_DAY)
    assert built.events == 0 and b"BEGIN:VEVENT" not in b"".join(built.calendar)


def test_the_watcher_keeps_one_memo(tmp_path: Path) -> None:
    """The soak test in test_watch.py compares the watcher with fresh builds; here, that it memoises."""
    from vaultsync.drivers.watch import Watcher

    root = copy_sample_vault(tmp_path / "vault")
    watcher = Watcher(root, today=SAMPLE_TODAY)
    first = watcher.build_now()
    memo = watcher.memo
    assert memo.paths == [c.path for c in first.audit.vault.contacts]
    edit(root, "Contacts/Jane Doe.md", "Northwind Health", "Contoso")
    second = watcher.build_now()
    assert watcher.memo is memo
    assert second.path.read_bytes() == calendar_bytes(load_vault(root), SAMPLE_TODAY)
    shutil.rmtree(root / "Contacts")
    third = watcher.build_now()
    assert memo.paths == [c.path for c in third.audit.vault.contacts] == ["Notes/Coffee with Arjun Mehta.md"]


def test_a_build_that_fails_leaves_the_memo_as_it_was(
    rebuilds: Rebuilds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher reports an unexpected error and goes on with the same memo: it must still be right."""
    real = results_module.contact_findings

    def failing(contact, *args):  # type: ignore[no-untyped-def]
        if contact.path == "Contacts/Wei Chen.md":
            raise RuntimeError("a bug in a rule")
        return real(contact, *args)

    edit(rebuilds.root, "Contacts/Jane Doe.md", "Northwind Health", "Contoso")
    edit(rebuilds.root, "Contacts/Wei Chen.md", "Harbor Genomics", "Harbor Labs")
    rebuilds.index.scan()
    with monkeypatch.context() as patched:
        patched.setattr(results_module, "contact_findings", failing)
        with pytest.raises(RuntimeError):
            rebuilds.memo.build(rebuilds.index.vault(), rebuilds.today)
    assert rebuilds.changed()


@pytest.mark.parametrize("seed", range(6))
def test_any_change_to_the_contacts_builds_what_a_fresh_memo_builds(tmp_path: Path, seed: int) -> None:
    """The memo works only between the first and the last contact that differs from the last build.
    Random edits, insertions and removals, one to four at a time and anywhere in the vault (the
    first, the last, next to each other), and now and then a new day: each build must equal a
    fresh memo's, and a fresh memo's must equal the plain build."""
    rng = random.Random(seed)
    sample = load_vault(copy_sample_vault(tmp_path / "vault"))
    if seed % 2:  # timed interviews then bring their time zone into the calendar's head
        sample = dataclasses.replace(
            sample, settings=dataclasses.replace(sample.settings, timezone="Asia/Tokyo")
        )
    pool = list(sample.contacts)
    contacts = list(pool)
    today = SAMPLE_TODAY
    memo = BuildMemo()
    made = 0

    def variant(c: Contact) -> Contact:
        nonlocal made
        made += 1
        day = today + dt.timedelta(days=rng.randrange(-70, 10))
        return rng.choice(
            [
                lambda: dataclasses.replace(c),  # equal, but another object
                lambda: dataclasses.replace(c, thank_you_sent=() if c.thank_you_sent else (day,)),
                lambda: dataclasses.replace(c, interviews=(day,)),
                lambda: dataclasses.replace(c, interviews=(dt.datetime.combine(day, dt.time(9, 30)),)),
                lambda: dataclasses.replace(c, check_ins=(*c.check_ins, day)),
                lambda: dataclasses.replace(c, name=f"{c.name} {made}"),  # the referral rule reads it
                lambda: dataclasses.replace(c, follow_up=not c.follow_up),
                lambda: dataclasses.replace(c, do_not_contact=not c.do_not_contact),
                lambda: dataclasses.replace(c, outreach=(*c.outreach, day), replies=()),
            ]
        )()

    for step in range(40):
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(contacts) + 1)
            what = rng.choice(["edit", "edit", "insert", "remove"])
            if what == "insert" or not contacts:
                made += 1
                new = dataclasses.replace(rng.choice(pool), path=f"New/{made:03}.md", name=f"New {made}")
                contacts.insert(at, new)
            elif what == "remove":
                del contacts[min(at, len(contacts) - 1)]
            else:
                at = min(at, len(contacts) - 1)
                contacts[at] = variant(contacts[at])
        if step % 10 == 9:
            today += ONE_DAY
        vault = dataclasses.replace(sample, contacts=tuple(sorted(contacts, key=lambda c: c.path)))
        built, fresh = memo.build(vault, today), BuildMemo().build(vault, today)
        assert b"".join(built.calendar) == b"".join(fresh.calendar) == calendar_bytes(vault, today), step
        assert sorted(built.found, key=Finding.sort_key) == sorted(fresh.found, key=Finding.sort_key), step
        assert sorted(fresh.found, key=Finding.sort_key) == evaluate(
            vault.contacts, judged_at(today, vault.settings), vault.settings
        )
        assert (built.levels, built.events) == (fresh.levels, fresh.events), step


LETTERS = st.sets(st.sampled_from("abcde"))
POOL = {
    letter: contact(f"---\ntype: contact\ninterviews: [2026-11-{10 + i}]\n---\n", path=f"{letter}.md")
    for i, letter in enumerate("abcde")
}


@given(LETTERS, LETTERS, LETTERS)
def test_a_build_evaluates_again_exactly_the_contacts_that_differ(
    tmp_path_factory: pytest.TempPathFactory, old: set[str], new: set[str], remade: set[str]
) -> None:
    """The memo compares the contacts by identity from both ends and works on the span between:
    added, removed and remade contacts (``remade``: equal, but new objects), wherever they are,
    are exactly the ones evaluated again, the rest is kept, and the build is a fresh build's."""
    root = tmp_path_factory.getbasetemp()
    before = {letter: POOL[letter] for letter in old}
    after = {
        letter: dataclasses.replace(POOL[letter]) if letter in remade else POOL[letter] for letter in new
    }

    def vault(contacts: dict[str, Contact]) -> Vault:
        return Vault(
            root, DEFAULTS, tuple(contacts[letter] for letter in sorted(contacts)), (), len(contacts)
        )

    memo = BuildMemo()
    memo.build(vault(before), SAMPLE_TODAY)
    with pytest.MonkeyPatch.context() as patched:
        evaluated = calls(patched, results_module, "contact_findings")
        built = memo.build(vault(after), SAMPLE_TODAY)
    changed = [f"{letter}.md" for letter in sorted(new) if before.get(letter) is not after[letter]]
    assert [c.path for c in evaluated] == changed
    assert memo.paths == [f"{letter}.md" for letter in sorted(new)]
    fresh = BuildMemo().build(vault(after), SAMPLE_TODAY)
    assert b"".join(built.calendar) == b"".join(fresh.calendar)
    assert sorted(built.found, key=Finding.sort_key) == sorted(fresh.found, key=Finding.sort_key)
    assert (built.levels, built.events) == (fresh.levels, fresh.events)


def test_a_vault_not_sorted_by_path_is_refused(tmp_path: Path) -> None:
    """The referral rule's upkeep takes the first contact by path to own a name, as the Vault's
    order does: a Vault in another order would be a bug upstream, and is said so."""
    jane, kim = contact("---\ntype: contact\n---\n"), contact("---\ntype: contact\n---\n", path="Kim.md")
    memo = BuildMemo()
    with pytest.raises(ValueError, match="sorted by path"):
        memo.build(Vault(tmp_path, DEFAULTS, (kim, jane), (), 2), SAMPLE_TODAY)
    assert memo.build(Vault(tmp_path, DEFAULTS, (jane, kim), (), 2), SAMPLE_TODAY).events == 0


def test_a_referral_upkeep_that_fails_is_made_again(
    rebuilds: Rebuilds, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(rebuilds.root, "Contacts/Wei Chen.md", "type: contact", "name: Wei C.")
    rebuilds.index.scan()
    with monkeypatch.context() as patched:
        patched.setattr(referrals_module.Referrals, "update", lambda *_: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            rebuilds.memo.build(rebuilds.index.vault(), rebuilds.today)
    assert rebuilds.changed()
