"""Interaction notes: meetings, chats and message logs kept in their own notes give the contacts
they link their dates (docs/dates.md). Each vault below is written in the style of a real one."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_note

from vaultsync import pipeline
from vaultsync.drivers.cli import cli
from vaultsync.incremental.index import KEPT, VaultIndex
from vaultsync.incremental.memo import BuildMemo
from vaultsync.model.contact import Contact
from vaultsync.outputs.report import as_json, error_line
from vaultsync.reading.note import NoteError
from vaultsync.store.loader import load_vault

TODAY = dt.date(2026, 11, 20)


def person(root: Path, path: str, extra: str = "") -> None:
    write_note(root, path, f"---\ntype: person\n{extra}---\n")


def by_path(root: Path) -> dict[str, Contact]:
    return {c.path: c for c in load_vault(root).contacts}


def test_a_meeting_note_typed_as_a_job_interview_gives_an_interview(tmp_path: Path) -> None:
    """categories [[Meetings]], type [[Job Interviews]], people [[Name]], a Questions heading."""
    person(tmp_path, "People/Jane Doe.md", "email: jane@example.org\n")
    write_note(
        tmp_path,
        "Meetings/2026-11-10 Jane.md",
        """
        ---
        categories: ["[[Meetings]]"]
        type: ["[[Job Interviews]]"]
        people: ["[[Jane Doe]]"]
        date: 2026-11-10
        ---
        ## Questions and topics
        - How did you get started?
        """,
    )
    jane = by_path(tmp_path)["People/Jane Doe.md"]
    assert jane.interviews == (dt.date(2026, 11, 10),)
    assert jane.sources == (("interview", "2026-11-10", "Meetings/2026-11-10 Jane.md"),)
    assert jane.sections.questions == (("How did you get started?", 8),)
    checked = pipeline.audit(tmp_path, TODAY)
    thank_you = [f for f in checked.findings if f.rule == "thank-you"]
    assert [(f.path, f.due, f.level) for f in thank_you] == [
        ("People/Jane Doe.md", dt.date(2026, 11, 13), "overdue")
    ]
    # Read in parallel and judged per contact, or judged from the Vault: the same findings.
    assert checked.findings == pipeline.audit(load_vault(tmp_path), TODAY).findings


@pytest.mark.parametrize(
    "when",
    [
        "date: 2026-11-20T15:00\nend: 16:15\n",  # YAML reads 16:15 as a number: read as written
        "date: 2026-11-20T15:00\nEnd Time: '16:15'\n",
        "date: 2026-11-20T15:00\nend: 2026-11-20T16:15\n",
        "date: 2026-11-20T15:00/16:15\n",
    ],
)
def test_a_meeting_note_gives_its_interview_an_end(tmp_path: Path, when: str) -> None:
    person(tmp_path, "People/Jane Doe.md", "email: jane@example.org\n")
    write_note(tmp_path, "Meetings/Jane.md", f"---\ntype: coffee chat\npeople: ['[[Jane Doe]]']\n{when}---\n")
    jane = by_path(tmp_path)["People/Jane Doe.md"]
    start, end = dt.datetime(2026, 11, 20, 15), dt.datetime(2026, 11, 20, 16, 15)
    assert (jane.interviews, jane.interview_ends) == ((start,), ((start, end),))

    def thank_you(at: dt.datetime) -> list[str]:
        return [f.path for f in pipeline.audit(tmp_path, at).findings if f.rule == "thank-you"]

    assert thank_you(dt.datetime(2026, 11, 20, 16, 14)) == []  # 30 minutes would have ended at 15:30
    assert thank_you(dt.datetime(2026, 11, 20, 16, 15)) == ["People/Jane Doe.md"]


def test_the_contacts_own_end_of_an_interview_comes_first(tmp_path: Path) -> None:
    person(tmp_path, "People/Jane.md", "interviews: ['2026-11-20T15:00/15:45']\n")
    write_note(
        tmp_path, "m.md", "---\ntype: interview\nwith: Jane\ndate: 2026-11-20T15:00\nend: '17:00'\n---\n"
    )
    start = dt.datetime(2026, 11, 20, 15)
    assert by_path(tmp_path)["People/Jane.md"].interview_ends == ((start, start.replace(minute=45)),)


def test_an_end_before_the_start_is_reported_with_its_line(tmp_path: Path) -> None:
    person(tmp_path, "People/Ana.md")
    write_note(tmp_path, "a.md", "---\nwith: Ana\ndate: 2026-11-02\nend: '16:00'\n---\n")
    write_note(tmp_path, "b.md", "---\nwith: Ana\ndate: 2026-11-03T15:00\nend: '14:00'\n---\n")
    write_note(
        tmp_path, "c.md", "---\nwith: Ana\ndate: [2026-11-04T09:00, 2026-11-05T09:00]\nend: '10:00'\n---\n"
    )
    result = CliRunner().invoke(cli, ["audit", str(tmp_path), "--today", "2026-11-20"])
    assert result.exit_code == 1
    assert "b.md:4: end: '2026-11-03T15:00/14:00' ends before it starts" in result.output
    # A note dated by days (a trip, a conference) or with several times keeps its end to itself.
    assert "a.md" not in result.output and "c.md" not in result.output
    # The dates themselves still count.
    assert len(by_path(tmp_path)["People/Ana.md"].contacted) == 4


def test_a_chat_note_with_slugs_gives_each_person_a_date_of_contact(tmp_path: Path) -> None:
    """data/person/<slug>/index.md people, a chat note in a person's folder naming them by slug."""
    write_note(tmp_path, "data/person/ada-lovelace/index.md", "---\ntype: person\nname: Ada Lovelace\n---\n")
    write_note(tmp_path, "data/person/alan-kay/index.md", "---\ntype: person\nname: Alan Kay\n---\n")
    write_note(
        tmp_path,
        "data/person/ada-lovelace/chat.md",
        "---\ndate: 2026-11-12\npeople: [ada-lovelace, alan-kay]\n---\n",
    )
    contacts = by_path(tmp_path)
    for path in ("data/person/ada-lovelace/index.md", "data/person/alan-kay/index.md"):
        assert contacts[path].contacted == (dt.date(2026, 11, 12),)
        assert contacts[path].interviews == ()
        assert contacts[path].sources == (("contacted", "2026-11-12", "data/person/ada-lovelace/chat.md"),)


def test_a_communication_log_records_a_reply_or_outreach(tmp_path: Path) -> None:
    """Contacts [[Sample Person 1]], Comm_DateTime, Comm-Type: Received/Sent, Contact-Method."""
    person(tmp_path, "People/Sample Person 1.md")
    log = """
        ---
        Contacts: ["[[Sample Person 1]]"]
        Comm_DateTime: {when}
        Comm-Type: {way}
        Contact-Method: Phone_Call
        ---
        """
    write_note(tmp_path, "Logs/call.md", log.format(when="2026-11-14T10:30", way="Received"))
    write_note(tmp_path, "Logs/mail.md", log.format(when="2026-11-02", way="Sent"))
    sample = by_path(tmp_path)["People/Sample Person 1.md"]
    assert sample.replies == (dt.date(2026, 11, 14),)
    assert sample.outreach == (dt.date(2026, 11, 2),)
    assert sample.sources == (
        ("outreach", "2026-11-02", "Logs/mail.md"),
        ("reply", "2026-11-14T10:30:00", "Logs/call.md"),
    )


def test_participants_under_a_heading_with_folders_aliases_and_accents(tmp_path: Path) -> None:
    """Date: and the people as wikilinks under ## Participants; a link that names nobody is ignored."""
    person(tmp_path, "20 People/Ana Ortíz.md")
    person(tmp_path, "20 People/Bo Li.md", "aliases: [Bobby]\n")
    write_note(
        tmp_path,
        "Meetings/sync.md",
        """
        ---
        Date: 2026-11-15
        ---
        ## Participants
        - [[20 People/ana ortiz|Ana]]
        - [[Bobby]]
        - [[Nobody]]

        ## Notes
        - [[Not Here]]
        """,
    )
    contacts = by_path(tmp_path)
    assert contacts["20 People/Ana Ortíz.md"].contacted == (dt.date(2026, 11, 15),)
    assert contacts["20 People/Bo Li.md"].contacted == (dt.date(2026, 11, 15),)


@pytest.mark.parametrize(
    "link",
    [
        "[[Ana Ortiz]]",
        "[[People/Ana Ortiz|Ana]]",
        "[[ana ortíz]]",
        "Ana Ortiz",
        "ana-ortiz",
        "[Ana](People/Ana%20Ortiz.md)",
        "[Ana](<People/Ana Ortiz.md>)",
    ],
)
def test_links_as_real_vaults_write_them(tmp_path: Path, link: str) -> None:
    person(tmp_path, "People/Ana Ortiz.md")
    write_note(tmp_path, "Chat.md", f"---\ndate: 2026-11-01\nwith: {json.dumps(link)}\n---\n")
    assert by_path(tmp_path)["People/Ana Ortiz.md"].contacted == (dt.date(2026, 11, 1),)


def test_a_note_with_no_date_or_no_one_linked_gives_nothing(tmp_path: Path) -> None:
    person(tmp_path, "People/Ana.md")
    write_note(tmp_path, "a.md", "---\npeople: ['[[Ana]]']\n---\n")  # no date
    write_note(tmp_path, "b.md", "---\ndate: 2026-11-01\npeople: ['[[Someone Else]]']\n---\n")
    write_note(tmp_path, "c.md", "---\ndate: next tuesday\npeople: ['[[Ana]]']\n---\n")
    write_note(tmp_path, "d.md", "---\ndate: 13/45/2026\n---\n")  # links nobody: not a meeting
    vault = load_vault(tmp_path)
    assert [c.sources for c in vault.contacts] == [()]
    assert [i.path for i in vault.interactions] == ["b.md"]
    # A note that links people but whose date cannot be read is reported, not ignored.
    assert vault.errors == (
        NoteError(
            "c.md", 2, "date: 'next tuesday' is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)"
        ),
    )


def test_an_unreadable_date_in_a_meeting_note_is_reported_with_its_line(tmp_path: Path) -> None:
    person(tmp_path, "People/Ana.md")
    write_note(tmp_path, "m.md", "---\npeople: ['[[Ana]]']\nDate: 13/45/2026\n---\n")
    write_note(tmp_path, "n.md", "---\nwith: Ana\ndate: [2026-11-02, 2026-02-30, '']\n---\n")
    result = CliRunner().invoke(cli, ["audit", str(tmp_path), "--today", "2026-11-20"])
    assert result.exit_code == 1
    assert "m.md:3: Date: '13/45/2026' is not a date (write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)" in (
        result.output
    )
    assert "n.md:3: date: 2026-02-30 is not a real date" in result.output
    # The date that could be read is given all the same.
    assert by_path(tmp_path)["People/Ana.md"].contacted == (dt.date(2026, 11, 2),)


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        ("---\ndate: 2026-11-01\npeople: ['[[Ana]\n---\n", "m.md:3: invalid YAML in the front-matter"),
        ("---\ndate: 13/45/2026\npeople: ['[[Ana]]']\n---\n", "m.md:2: date: '13/45/2026' is not a date"),
        ("", "m.md: the note is empty"),
    ],
)
def test_an_unreadable_meeting_note_keeps_its_last_good_dates_while_watching(
    tmp_path: Path, broken: str, problem: str
) -> None:
    person(tmp_path, "People/Ana.md")
    write_note(tmp_path, "m.md", "---\ndate: 2026-11-01\npeople: ['[[Ana]]']\n---\n")
    index = VaultIndex(tmp_path)
    index.scan()
    (tmp_path / "m.md").write_text(broken, encoding="utf-8")
    assert index.refresh(["m.md"]) == ["m.md"]
    vault = index.vault()
    assert vault.contacts[0].sources == (("contacted", "2026-11-01", "m.md"),)
    lines = [error_line(err) for err in vault.errors]
    assert lines[0].startswith(problem) and lines[1:] == [f"m.md: {KEPT}"]
    write_note(tmp_path, "m.md", "---\ndate: 2026-11-05\npeople: ['[[Ana]]']\n---\n")  # fixed
    index.refresh(["m.md"])
    assert (index.vault().contacts[0].sources, index.vault().errors) == (
        (("contacted", "2026-11-05", "m.md"),),
        (),
    )


def test_the_sections_of_a_note_count_only_when_it_links_one_person(tmp_path: Path) -> None:
    person(tmp_path, "People/Ana.md")
    person(tmp_path, "People/Bo.md")
    body = "## Advice\n- Talk to the team lead\n"
    write_note(
        tmp_path, "one.md", f"---\ndate: 2026-11-01\ntype: coffee chat\npeople: ['[[Ana]]']\n---\n{body}"
    )
    write_note(
        tmp_path, "two.md", f"---\ndate: 2026-11-02\ntags: [coffee-chats]\npeople: [Ana, Bo]\n---\n{body}"
    )
    contacts = by_path(tmp_path)
    assert contacts["People/Ana.md"].advice == ("Talk to the team lead",)
    assert contacts["People/Ana.md"].interviews == (dt.date(2026, 11, 1), dt.date(2026, 11, 2))
    assert contacts["People/Bo.md"].advice == ()
    assert contacts["People/Bo.md"].interviews == (dt.date(2026, 11, 2),)


def test_audit_json_says_which_note_each_date_came_from(tmp_path: Path) -> None:
    person(tmp_path, "People/Ana.md", "interviews: [2026-10-01]\n")
    write_note(tmp_path, "m.md", "---\ndate: 2026-11-01\ntype: informational interview\npeople: [Ana]\n---\n")
    document = json.loads(as_json(pipeline.audit(tmp_path, TODAY), "v"))
    assert document["dates"] == [
        {"contact": "People/Ana.md", "kind": "interview", "date": "2026-10-01", "note": "People/Ana.md"},
        {"contact": "People/Ana.md", "kind": "interview", "date": "2026-11-01", "note": "m.md"},
    ]


def _write_meeting(rng: random.Random, root: Path, path: str, people: list[str], day: dt.date) -> None:
    """A meeting note linking ``people`` in one of the ways vaults write it."""
    kind = rng.choice(["coffee chat", "meeting", "job interview"])
    styles = [lambda n: f"[[{n}]]", lambda n: f"[[People/{n}|x]]", lambda n: n.lower().replace(" ", "-"), str]
    links = [rng.choice(styles)(name) for name in people]
    body = "## Advice\n- Ask about the team\n" if rng.random() < 0.5 else ""
    if rng.random() < 0.3:
        body += "## Participants\n" + "".join(f"- [[{name}]]\n" for name in people)
        links = []
    text = f"---\ndate: {day.isoformat()}\ntype: {kind}\npeople: {json.dumps(links)}\n---\n{body}"
    write_note(root, path, text)


def _write_person(rng: random.Random, root: Path, name: str, day: dt.date) -> None:
    """A contact note; at times named otherwise than its file, with aliases, or not a contact."""
    extra = f"thank_you_sent: [{day.isoformat()}]\n" if rng.random() < 0.5 else ""
    if rng.random() < 0.3:
        extra += f"name: {rng.choice(['Ana', 'Bo', name])}\n"
    if rng.random() < 0.3:
        extra += f"aliases: [{rng.choice(['Ana', 'Bo', 'Person 0'])}]\n"
    kind = "person" if rng.random() < 0.9 else "project"
    write_note(root, f"People/{name}.md", f"---\ntype: {kind}\nemail: x@example.org\n{extra}---\n")


@pytest.mark.parametrize("seed", range(6))
def test_the_watcher_follows_interaction_links_after_edits(tmp_path: Path, seed: int) -> None:
    """Random edits of contacts (their names and aliases too) and of meeting notes, each picked up
    as the watcher does (its index refreshes only the saved path, its memo builds): the contacts,
    the calendar and the findings equal a fresh build from disk after every step."""
    rng = random.Random(seed)
    root, out = tmp_path / "vault", tmp_path / "out"
    out.mkdir()
    names = [f"Person {i}" for i in range(8)]
    for name in names:
        person(root, f"People/{name}.md", "email: x@example.org\n")
    for i in range(seed % 3):  # none at first too: the first meeting note saved starts the join
        _write_meeting(rng, root, f"Meetings/{i}.md", rng.sample(names, 2), TODAY)
    index = VaultIndex(root)
    if seed % 2:
        index.load()  # the watcher's first build: every note read at once
    else:
        index.scan()
    memo = BuildMemo()
    for step in range(40):
        day = TODAY - dt.timedelta(days=rng.randrange(0, 70))
        what = rng.choice(
            ["meeting", "meeting", "remove meeting", "contact", "remove contact", "move contact"]
        )
        name = rng.choice(names)
        path = f"People/{name}.md"
        if what == "meeting":
            path = f"Meetings/{rng.randrange(6)}.md"
            _write_meeting(rng, root, path, rng.sample(names, rng.randint(1, 3)), day)
        elif what == "remove meeting":
            path = f"Meetings/{rng.randrange(6)}.md"
            (root / path).unlink(missing_ok=True)
        elif what == "remove contact":
            (root / path).unlink(missing_ok=True)
        else:
            if what == "move contact" and (root / path).exists():  # gone, then back
                (root / path).unlink()
                index.refresh([path])
                memo.build(index.vault(), TODAY)
            _write_person(rng, root, name, day)
        index.refresh([path])
        built = pipeline.build(index.vault(), TODAY, out / "watch.ics", memo=memo)
        fresh = pipeline.build(root, TODAY, out / "fresh.ics")
        assert index.vault().contacts == fresh.audit.vault.contacts, step
        assert index.vault().interactions == fresh.audit.vault.interactions, step
        assert (out / "watch.ics").read_bytes() == (out / "fresh.ics").read_bytes(), step
        assert built.audit.findings == fresh.audit.findings, step


def test_a_saved_meeting_note_makes_again_only_the_contacts_it_links_and_linked(tmp_path: Path) -> None:
    """The watcher's join is kept in step: every other contact stays the same object, so the memo
    evaluates only those again."""
    for name in ("Ana", "Bo", "Cy", "Di"):
        person(tmp_path, f"People/{name}.md")
    write_note(tmp_path, "m.md", "---\ndate: 2026-11-01\npeople: [Ana, Bo]\n---\n")
    write_note(tmp_path, "n.md", "---\ndate: 2026-11-02\npeople: [Di]\n---\n")
    index = VaultIndex(tmp_path)
    index.scan()
    before = {c.path: c for c in index.vault().contacts}
    write_note(tmp_path, "m.md", "---\ndate: 2026-11-03\npeople: [Bo, Cy]\n---\n")
    index.refresh(["m.md"])
    after = {c.path: c for c in index.vault().contacts}
    again = sorted(path for path in after if after[path] is not before[path])
    assert again == ["People/Ana.md", "People/Bo.md", "People/Cy.md"]
    assert after["People/Ana.md"].sources == ()
    assert after["People/Cy.md"].sources == (("contacted", "2026-11-03", "m.md"),)
    write_note(tmp_path, "People/Di.md", "---\ntype: person\naliases: [Dee]\n---\n")
    index.refresh(["People/Di.md"])
    last = {c.path: c for c in index.vault().contacts}
    assert sorted(path for path in last if last[path] is not after[path]) == ["People/Di.md"]
    assert last["People/Di.md"].sources == (("contacted", "2026-11-02", "n.md"),)


def test_each_contact_is_judged_and_serialised_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the join, not before it and again after it."""
    import vaultsync.incremental.results as results_module
    import vaultsync.model.rules as rules_module

    for name in ("Ana", "Bo", "Cy"):
        person(tmp_path, f"People/{name}.md", "interviews: [2026-11-01]\n")
    write_note(tmp_path, "m.md", "---\ndate: 2026-11-10\ntype: coffee chat\npeople: [Ana, Bo]\n---\n")
    judged: list[str] = []
    real = rules_module.contact_findings

    def counted(contact: Contact, *args: object, **kwargs: object) -> object:
        judged.append(contact.path)
        return real(contact, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules_module, "contact_findings", counted)
    monkeypatch.setattr(results_module, "contact_findings", counted)
    checked = pipeline.audit(tmp_path, TODAY)
    assert sorted(judged) == ["People/Ana.md", "People/Bo.md", "People/Cy.md"]
    judged.clear()
    built = pipeline.build(tmp_path, TODAY, tmp_path / "out.ics")
    assert sorted(judged) == ["People/Ana.md", "People/Bo.md", "People/Cy.md"]
    assert built.audit.findings == checked.findings
    assert [f.due for f in checked.findings if f.rule == "thank-you" and f.path == "People/Ana.md"] == [
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 13),
    ]


def test_a_cached_build_follows_what_meeting_notes_give(tmp_path: Path) -> None:
    """The kept results of a contact whose note did not change are not used once its meetings
    give it something else: other dates, or the sections of a note that links only them."""
    person(tmp_path, "People/Ana.md")
    person(tmp_path, "People/Bo.md")
    meeting = "---\ndate: {day}\ntype: coffee chat\npeople: [{people}]\n---\n{body}"
    edits = [
        ("2026-11-10", "Ana", ""),
        ("2026-11-10", "Ana", "## Questions\n- What would you do first?\n"),
        ("2026-11-10", "Ana", "## Thank-you draft\nDear Ana, thank you.\n"),
        ("2026-11-12", "Ana", "## Thank-you draft\nDear Ana, thank you.\n"),
        ("2026-11-12", "Ana, Bo", "## Thank-you draft\nDear Ana, thank you.\n"),
    ]
    for day, people, body in edits:
        write_note(tmp_path, "m.md", meeting.format(day=day, people=people, body=body))
        os.utime(tmp_path / "m.md", ns=(1, 1))  # settled: its signature can be kept
        for path in ("People/Ana.md", "People/Bo.md"):
            os.utime(tmp_path / path, ns=(1, 1))
        cached = pipeline.build(tmp_path, TODAY, tmp_path / "cached.ics", cache=True)
        fresh = pipeline.build(tmp_path, TODAY, tmp_path / "fresh.ics")
        assert cached.audit.findings == fresh.audit.findings, body
        assert (tmp_path / "cached.ics").read_bytes() == (tmp_path / "fresh.ics").read_bytes()
