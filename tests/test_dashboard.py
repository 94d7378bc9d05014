"""The dashboard note: rendered with markdown-it-py, its tables and graph checked against the vault."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import (
    KEPANO,
    REPO,
    SAMPLE_TODAY,
    copy_sample_vault,
    run_cli,
    tree_digest,
    write_note,
)
from markdown_it import MarkdownIt

from vaultsync.config import settings_from_mapping
from vaultsync.errors import OutputError
from vaultsync.model.contact import WIKILINK
from vaultsync.outputs.dashboard import MAX_EDGES, MAX_GRAPH_TEXT, MAX_ROWS
from vaultsync.outputs.generated import output_paths
from vaultsync.pipeline import audit, build
from vaultsync.reading.listing import note_paths
from vaultsync.reading.note import Note, parse_note
from vaultsync.store.loader import load_vault

TODAY = "2026-11-20"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample vault with the dashboard turned on."""
    root = copy_sample_vault(tmp_path / "sample-vault")
    (root / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n', encoding="utf-8")
    return root


def read_dashboard(path: Path) -> tuple[dict, dict[str, list[list[str]]], str, str]:
    """(front-matter, {section title without its count: table rows}, mermaid source, body)."""
    parsed = parse_note(path.name, path.read_bytes())
    assert isinstance(parsed, Note), parsed
    tokens = MarkdownIt("commonmark").enable("table").parse(parsed.body)
    tables: dict[str, list[list[str]]] = {}
    mermaid = ""
    title = ""
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            title = re.sub(r" \(\d+\)$", "", tokens[index + 1].content)
        elif token.type == "tbody_open":
            tables[title] = []
        elif token.type == "tr_open" and title in tables:
            row = []
        elif token.type == "inline" and row is not None and tokens[index - 1].type == "td_open":
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            tables[title].append(row)
            row = None
        elif token.type == "fence" and token.info == "mermaid":
            mermaid = token.content
    return dict(parsed.meta), tables, mermaid, parsed.body


def linked(cell: str) -> tuple[str, str]:
    """(note path without .md, shown name) of the one wikilink in a cell."""
    match = WIKILINK.fullmatch(cell)
    assert match, cell
    return match.group(1), match.group(2)


def mermaid_graph(source: str) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """(edges as (label, label), label -> class) of a Mermaid flowchart as the dashboard writes it."""
    labels = dict(re.findall(r'^\s+(p\d+)\["([^"]*)"\]$', source, re.M))
    edges = {(labels[a], labels[b]) for a, b in re.findall(r"^\s+(p\d+) --> (p\d+)$", source, re.M)}
    classes = {}
    for members, name in re.findall(r"^\s+class (\S+) (\w+)$", source, re.M):
        for member in members.split(","):
            classes[labels[member]] = name
    return edges, classes


def test_sample_vault_dashboard_matches_the_vault(sample: Path):
    code, out, err = run_cli("build", sample, "--today", TODAY)
    assert code == 1  # the sample vault has two unreadable notes
    assert out.splitlines()[1] == f"wrote {sample / 'Networking.md'}: dashboard"
    meta, tables, mermaid, _ = read_dashboard(sample / "Networking.md")
    assert meta["generated_by"] == "vaultsync"
    checked = audit(sample, SAMPLE_TODAY)

    # every wikilink in every table opens a real note
    for rows in tables.values():
        for row in rows:
            for cell in row:
                for match in WIKILINK.finditer(cell):
                    assert (sample / f"{match.group(1)}.md").is_file(), cell

    assert tables["At a glance"] == [
        ["Contacts", "18"],
        ["Interviews in November 2026", "7 (5 held, 2 scheduled)"],
        ["Thank-you letters sent within 3 days", "8 of 10 (80%)"],  # Rosa (follow_up: false) too
        ["Check-ins done, of the contacts whose check-in window has opened", "2 of 4 (50%)"],
        ["Notes or values that could not be read", "2"],
        [
            "Older reminders lapsed (more than 30 days past due; `vaultsync audit --lapsed` lists them)",
            "2",
        ],  # Priya's close-loop, in her keep-in-touch (issue 17)
    ]
    overdue = [(row[0], linked(row[1]), row[2], row[3]) for row in tables["Overdue"]]
    assert overdue == [
        (f.due.isoformat(), (f.path.removesuffix(".md"), f.contact), f.message, f.rule)
        for f in checked.findings
        if f.level == "overdue"
    ]
    assert [(row[0], linked(row[1])[1], row[3]) for row in tables["Due this week"]] == [
        ("2026-11-21", "Grace Kim", "thank-you"),
        ("2026-11-23", "Samir Haddad", "thank-you"),
        ("2026-11-24", "Dana Whitfield", "no-reply-other"),
        ("2026-11-24", "Marcus Lee", "prepare"),
        ("2026-11-25", "Nina Alvarez", "close-loop"),
        ("2026-11-25", "Theo Brandt", "referral"),
    ]
    assert [(row[0], row[1], linked(row[2])[1]) for row in tables["Upcoming check-ins"]] == [
        ("2026-10-31", "2026-11-30", "Jane Doe"),
        ("2026-11-27", "2026-12-27", "Olusegun Adeyemi"),
        ("2026-11-28", "2026-12-28", "Nina Alvarez"),
        ("2026-12-03", "2027-01-02", "Emily Nakamura"),
        ("2026-12-05", "2027-01-04", "Lena Fischer"),
        ("2026-12-12", "2027-01-11", "Tomás Herrera"),
        ("2026-12-18", "2027-01-17", "Grace Kim"),
        ("2026-12-20", "2027-01-19", "Samir Haddad"),
    ]
    assert [[*row[:2], linked(row[2])[0], *row[3:]] for row in tables["Scheduled interviews"]] == [
        ["2026-11-20", "", "Contacts/Samir Haddad", "Brightline Robotics", "no"],
        ["2026-11-24", "15:30", "Contacts/Marcus Lee", "Riverbank Analytics", "no"],
        ["2026-11-25", "10:00", "Contacts/Daniel Okafor", "Tidewater Energy", "yes (3)"],
    ]
    assert tables["Referrals not yet contacted"] == [
        ["Ana Ortiz", "[[Contacts/Jane Doe|Jane Doe]]", "413-555-0199", "no note yet"],
        ["Noor Rahman", "[[Notes/Coffee with Arjun Mehta|Arjun Mehta]]", "617-555-0188", "no note yet"],
        [
            "Theo Brandt",
            "[[Contacts/Grace Kim|Grace Kim]]",
            "copy editor, theo@brandt.example",
            "no note yet",
        ],
        [
            "[[Contacts/Wei Chen|Wei Chen]]",
            "[[Contacts/Hannah Schmidt|Hannah Schmidt]]",
            "",
            "note, no interview yet",
        ],
    ]
    referral_findings = {f.contact for f in checked.findings if f.rule == "referral"}
    assert referral_findings == {"Ana Ortiz", "Noor Rahman", "Theo Brandt", "Wei Chen"}
    gaps = [(linked(row[0])[1], row[1]) for row in tables["Records with gaps"]]
    assert gaps == [(f.contact, f.message) for f in checked.findings if f.rule == "record"]
    assert [linked(row[0])[0] + ".md" for row in tables["Notes that could not be read"]] == [
        e.path for e in checked.vault.errors
    ]

    edges, classes = mermaid_graph(mermaid)
    assert edges == {
        ("Career center alumni list", "Daniel Okafor"),  # referred_by as text
        ("Grace Kim", "Theo Brandt"),
        ("Hannah Schmidt", "Wei Chen"),  # written on both notes, drawn once
        ("Jane Doe", "Ana Ortiz"),
        ("Jane Doe", "Marcus Lee"),
        ("Lena Fischer", "Arjun Mehta"),  # found by the alias of Notes/Coffee with Arjun Mehta
        ("Nina Alvarez", "Grace Kim"),
        ("Olusegun Adeyemi", "Hannah Schmidt"),
        ("Priya Natarajan", "Jane Doe"),
        ("Arjun Mehta", "Noor Rahman"),
    }
    assert classes == {
        "Career center alumni list": "other",
        "Daniel Okafor": "scheduled",
        "Marcus Lee": "scheduled",
        "Ana Ortiz": "notcontacted",
        "Noor Rahman": "notcontacted",
        "Theo Brandt": "notcontacted",
        "Wei Chen": "notcontacted",
        **{
            name: "met"
            for name in (
                "Grace Kim",
                "Hannah Schmidt",
                "Jane Doe",
                "Lena Fischer",
                "Olusegun Adeyemi",
                "Priya Natarajan",
                "Arjun Mehta",
                "Nina Alvarez",
            )
        },
    }
    for state in ("met", "scheduled", "notcontacted", "other"):
        assert re.search(rf"^\s+classDef {state} fill:#\w+,stroke:#\w+,color:#000$", mermaid, re.M)


def test_dashboard_is_deterministic_and_written_only_when_it_changes(sample: Path, tmp_path: Path):
    first = build(sample, SAMPLE_TODAY)
    assert first.dashboard == sample / "Networking.md" and first.dashboard_written
    data = first.dashboard.read_bytes()
    stat = first.dashboard.stat()
    again = build(sample, SAMPLE_TODAY)
    assert not again.dashboard_written
    assert first.dashboard.read_bytes() == data
    assert (
        first.dashboard.stat().st_mtime_ns == stat.st_mtime_ns
        and first.dashboard.stat().st_ino == stat.st_ino
    )
    # the same notes elsewhere give the same bytes; another day gives others
    elsewhere = tmp_path / "copy"
    shutil.copytree(sample, elsewhere)
    (elsewhere / "Networking.md").unlink()
    assert build(elsewhere, SAMPLE_TODAY).dashboard.read_bytes() == data
    assert build(sample, SAMPLE_TODAY + dt.timedelta(days=1)).dashboard_written


def test_dashboard_is_never_read_as_a_contact(sample: Path):
    before = load_vault(sample)
    build(sample, SAMPLE_TODAY)
    after = load_vault(sample)
    assert after.contacts == before.contacts and after.errors == before.errors
    assert "Networking.md" not in list(note_paths(sample, after.settings, []))
    # an old dashboard left where contacts_folders points (the setting moved) is not a contact either
    (sample / "People").mkdir()
    shutil.copy(sample / "Networking.md", sample / "People" / "Old dashboard.md")
    (sample / ".vaultsync.toml").write_text(
        'dashboard = "Reports/Networking.md"\ncontacts_folders = ["People"]\n'
    )
    moved = load_vault(sample)
    assert [c.path for c in moved.contacts] == [c.path for c in before.contacts]
    assert moved.errors == before.errors


def test_output_paths_tell_a_watcher_what_to_ignore(sample: Path, tmp_path: Path):
    settings = load_vault(sample).settings
    assert output_paths(sample, settings) == {"vaultsync.ics", "Networking.md"}
    assert output_paths(sample, settings, calendar=tmp_path / "elsewhere.ics") == {"Networking.md"}
    nested = settings_from_mapping({"dashboard": "Reports/Networking.md", "calendar_path": "out/cal.ics"})
    assert output_paths(sample, nested) == {"out/cal.ics", "Reports/Networking.md"}
    assert output_paths(sample, settings_from_mapping({})) == {"vaultsync.ics"}
    # a build writes exactly these inside the vault, and a second build writes nothing
    before = tree_digest(sample)
    build(sample, SAMPLE_TODAY)
    after = tree_digest(sample)
    assert {p for p in after if before.get(p) != after[p]} == output_paths(sample, settings)
    result = build(load_vault(sample), SAMPLE_TODAY)
    assert not result.written and not result.dashboard_written
    assert tree_digest(sample) == after


def test_dashboard_is_off_by_default(vault: Path, note):
    note("Contacts/Jane.md", "---\ntype: contact\ninterviews: [2026-11-01]\n---\n")
    code, out, _ = run_cli("build", vault, "--today", TODAY)
    assert code == 0
    assert out == f"wrote {vault / 'vaultsync.ics'}: 3 events from 1 contact\n"  # overdue: on today only
    assert sorted(p.name for p in vault.iterdir()) == ["Contacts", "vaultsync.ics"]


def test_a_users_note_at_the_dashboard_path_is_never_replaced(vault: Path, note):
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    note("Networking.md", "# My own networking plans\n")
    before = tree_digest(vault)
    code, out, err = run_cli("build", vault, "--today", TODAY)
    assert code == 1
    assert err == (
        f"vaultsync: {vault / 'Networking.md'} exists and was not written by vaultsync "
        "(no 'generated_by: vaultsync' in its front-matter): not replaced; choose another path or "
        "move that note\n"
    )
    assert (vault / "Networking.md").read_text() == "# My own networking plans\n"
    after = tree_digest(vault)
    assert after.pop("vaultsync.ics") and after == before  # only the calendar was written
    with pytest.raises(OutputError):
        build(vault, SAMPLE_TODAY)


def test_empty_vault_dashboard(vault: Path):
    (vault / ".vaultsync.toml").write_text('dashboard = "Reports/Networking.md"\n')
    result = build(vault, SAMPLE_TODAY)
    meta, tables, mermaid, body = read_dashboard(vault / "Reports" / "Networking.md")
    assert tables == {
        "At a glance": [
            ["Contacts", "0"],
            ["Interviews in November 2026", "0 (0 held, 0 scheduled)"],
            ["Thank-you letters sent within 3 days", "none yet"],
            ["Check-ins done, of the contacts whose check-in window has opened", "none yet"],
        ]
    }
    assert mermaid == ""
    for line in (
        "Nothing is overdue.",
        "Nothing else is due by 2026-11-27.",
        "No check-in window is open or coming.",
        "No interview is scheduled.",
        "Everyone your contacts suggested has been contacted.",
        "Every record is complete.",
        "No referrals are recorded yet.",
    ):
        assert f"\n{line}\n" in body
    assert result.dashboard_written


def test_cells_and_labels_are_escaped(vault: Path, note):
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    note(
        "Contacts/Jane.md",
        """
        ---
        type: contact
        name: Jane "JD" <Doe>
        organization: Acme | Sons
        email: j@x.example
        interviews: ["2026-11-25T09:00"]
        referrals: ["Bo #1 >> B, 555-0100"]
        ---
        """,
    )
    build(vault, SAMPLE_TODAY)
    _, tables, mermaid, _ = read_dashboard(vault / "Networking.md")
    assert tables["Scheduled interviews"] == [
        ["2026-11-25", "09:00", '[[Contacts/Jane|Jane "JD" <Doe>]]', "Acme | Sons", "no"]
    ]
    assert mermaid_graph(mermaid)[1] == {
        "Jane #quot;JD#quot; #lt;Doe#gt;": "scheduled",
        "Bo #35;1 #gt;#gt; B": "notcontacted",
    }


def at_a_glance(vault: Path, properties: str, today: str) -> dict[str, str]:
    """The dashboard's counts for a vault of one contact with these properties."""
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    write_note(vault, "Jane.md", f"---\ntype: contact\n{properties}\n---\n")
    build(vault, dt.date.fromisoformat(today))
    return {row[0]: row[1] for row in read_dashboard(vault / "Networking.md")[1]["At a glance"]}


@pytest.mark.parametrize(
    ("sent", "today", "share"),
    [
        ([], "2026-11-04", "none yet"),  # still inside the 3-day window: not counted late
        ([], "2026-11-05", "0 of 1 (0%)"),  # window closed without a letter
        (["2026-11-04"], "2026-11-04", "1 of 1 (100%)"),  # day 3: on time
        (["2026-11-05"], "2026-11-20", "0 of 1 (0%)"),  # day 4: late
        (["2026-10-30"], "2026-11-20", "0 of 1 (0%)"),  # before the interview: not a thank-you for it
    ],
)
def test_thank_you_share(vault: Path, sent, today, share):
    rows = at_a_glance(vault, f"interviews: [2026-11-01]\nthank_you_sent: {sent}", today)
    assert rows["Thank-you letters sent within 3 days"] == share


@pytest.mark.parametrize(
    ("check_ins", "today", "share"),
    [
        ([], "2026-10-30", "none yet"),  # day 29: the window has not opened
        ([], "2026-10-31", "0 of 1 (0%)"),  # day 30: open, not done
        (["2026-10-15"], "2026-10-31", "1 of 1 (100%)"),  # written again after the interview
        (["2026-09-15"], "2026-10-31", "0 of 1 (0%)"),  # written before it: not a check-in for it
    ],
)
def test_check_in_share(vault: Path, check_ins, today, share):
    rows = at_a_glance(vault, f"interviews: [2026-10-01]\ncheck_ins: {check_ins}", today)
    assert rows["Check-ins done, of the contacts whose check-in window has opened"] == share


def test_silenced_contacts_are_left_out_of_the_shares(vault: Path):
    rows = at_a_glance(vault, "interviews: [2026-06-01]\ndo_not_contact: true", TODAY)
    assert rows["Contacts"] == "1"
    assert rows["Thank-you letters sent within 3 days"] == "none yet"
    assert rows["Check-ins done, of the contacts whose check-in window has opened"] == "none yet"


def test_follow_up_false_counts_for_the_thank_you_share_only(vault: Path):
    rows = at_a_glance(vault, "interviews: [2026-06-01]\nfollow_up: false", TODAY)
    assert rows["Thank-you letters sent within 3 days"] == "0 of 1 (0%)"
    assert rows["Check-ins done, of the contacts whose check-in window has opened"] == "none yet"


MERMAID = REPO / "tests" / "js"


@pytest.mark.skipif(
    shutil.which("node") is None or not (MERMAID / "node_modules" / "mermaid").is_dir(),
    reason="Mermaid's parser is not installed: npm install --prefix tests/js (.ci/run does)",
)
def test_graphs_parse_with_mermaids_own_parser(sample: Path, vault: Path, note):
    build(sample, SAMPLE_TODAY)
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    note(
        "Jane.md",
        '---\ntype: contact\nname: Jane "JD" <Doe> (α) [x] {y}\nreferrals: ["Bo #1 >> B; x"]\n---\n',
    )
    build(vault, SAMPLE_TODAY)
    graphs = [read_dashboard(root / "Networking.md")[2] for root in (sample, vault)]
    assert all(graphs)
    broken = graphs[0] + "  p1 -->> \n"  # proof that the parser does refuse a bad graph
    run = subprocess.run(
        ["node", str(MERMAID / "mermaid-parse.mjs")],
        input=json.dumps([*graphs, broken]),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    first, second, third = json.loads(run.stdout)
    assert (first, second) == (None, None)
    assert third.startswith("Parse error")


def test_long_tables_are_cut_and_counted(vault: Path):
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    for n in range(MAX_ROWS + 5):
        write_note(
            vault, f"C/{n:03}.md", "---\ntype: contact\nemail: a@b.example\ninterviews: [2026-11-01]\n---\n"
        )
    build(vault, SAMPLE_TODAY)
    _, tables, _, body = read_dashboard(vault / "Networking.md")
    assert len(tables["Overdue"]) == MAX_ROWS
    assert f"## Overdue ({MAX_ROWS + 5})\n" in body
    assert "\nAnd 5 more: `vaultsync audit` lists every finding.\n" in body


@pytest.mark.parametrize(("count", "name_length"), [(MAX_EDGES + 100, 8), (400, 150)])
def test_the_graph_stays_within_mermaids_limits(vault: Path, count: int, name_length: int):
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    names = [f"{n:04}".ljust(name_length, "x") for n in range(count)]
    referrals = "".join(f"\n  - {name}" for name in names)
    write_note(vault, "Hub.md", f"---\ntype: contact\ninterviews: [2026-11-01]\nreferrals:{referrals}\n---\n")
    write_note(vault, "Met.md", "---\ntype: contact\ninterviews: [2026-11-01]\nreferred_by: '[[Hub]]'\n---\n")
    build(vault, SAMPLE_TODAY)
    _, _, mermaid, body = read_dashboard(vault / "Networking.md")
    edges, classes = mermaid_graph(mermaid)
    assert len(edges) <= MAX_EDGES and len(f"```mermaid\n{mermaid}```\n") <= MAX_GRAPH_TEXT
    assert f" It shows {len(edges)} of {count + 1} referrals, those to people not yet contacted first" in body
    assert ("Hub", "Met") not in edges  # the one to someone already met is the first left out
    assert set(classes.values()) == {"met", "notcontacted"} and classes["Hub"] == "met"


@pytest.mark.skipif(not KEPANO.is_dir(), reason=f"the public Obsidian vault is not at {KEPANO}")
def test_dashboard_of_a_real_vault(tmp_path: Path):
    root = tmp_path / "kepano"
    shutil.copytree(KEPANO, root)
    (root / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    before = load_vault(root)
    result = build(root, SAMPLE_TODAY)
    _, tables, _, body = read_dashboard(result.dashboard)
    assert tables["At a glance"][0] == ["Contacts", str(len(before.contacts))]
    for rows in tables.values():
        for cell in (cell for row in rows for cell in row):
            for match in WIKILINK.finditer(cell):
                assert (root / f"{match.group(1)}.md").is_file(), cell
    assert load_vault(root).contacts == before.contacts
    assert not build(root, SAMPLE_TODAY).dashboard_written


def test_the_counts_and_the_graph_at_the_moment(vault: Path):
    """A 3 pm interview is scheduled until 15:30, then held: in the counts and in the graph."""
    (vault / ".vaultsync.toml").write_text('dashboard = "Networking.md"\n')
    write_note(
        vault, "Rosa.md", "---\ntype: contact\ninterviews: [2026-11-02]\nreferrals: ['[[Jane]]']\n---\n"
    )
    write_note(vault, "Jane.md", "---\ntype: contact\ninterviews: ['2026-11-20T15:00']\n---\n")
    seen = {}
    for clock in (dt.datetime(2026, 11, 20, 15, 29), dt.datetime(2026, 11, 20, 15, 30)):
        build(vault, clock)
        _, tables, mermaid, _ = read_dashboard(vault / "Networking.md")
        counts = {row[0]: row[1] for row in tables["At a glance"]}
        seen[clock.minute] = (counts["Interviews in November 2026"], mermaid_graph(mermaid)[1]["Jane"])
    assert seen == {29: ("2 (1 held, 1 scheduled)", "scheduled"), 30: ("2 (2 held, 0 scheduled)", "met")}
