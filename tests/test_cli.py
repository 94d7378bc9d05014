"""The command line: exact exit codes and exact output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import REPO, tree_digest, write_note
from conftest import run_cli as run

from vaultsync.drivers.cli import cli

JANE = """
---
type: contact
email: jane@northwind.example
interviews: [2026-11-10]
referrals: ["Ana Ortiz, 413-555-0199"]
advice: [Volunteer first.]
---
"""


def test_audit_text_exact(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    write_note(vault, "Contacts/Broken.md", "---\ntype: contact\nname: [oops\n---\n")
    code, out, err = run("audit", str(vault), "--today", "2026-11-12")
    assert (code, err) == (1, "")
    assert out == (
        f"{vault} on 2026-11-12: 1 contact, 2 findings, 1 problem reading notes\n"
        "\n"
        "Due (2)\n"
        "  2026-11-13  Jane Doe: Send a thank-you letter for the 2026-11-10 interview (due 2026-11-13): "
        "what you enjoyed, the advice that helped, what you plan to do with it; then record "
        "thank_you_sent.  [thank-you] Contacts/Jane Doe.md\n"
        "  2026-11-17  Ana Ortiz: Reach out to Ana Ortiz (413-555-0199), suggested by Jane Doe "
        "(interview 2026-11-10; due 2026-11-17); no note for them yet. Then record the date in a note "
        "for them (outreach).  [referral] Contacts/Jane Doe.md\n"
        "\n"
        "Unreadable notes and values (1)\n"
        "  Contacts/Broken.md:3: invalid YAML in the front-matter: while parsing a flow sequence; did not find expected ',' or ']'\n"
    )


def test_audit_json_exact(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    code, out, _ = run("audit", str(vault), "--today", "2026-11-14", "--format", "json")
    assert code == 1  # overdue
    assert json.loads(out) == {
        "vault": str(vault),
        "today": "2026-11-14",
        "contacts": 1,
        "findings": [
            {
                "rule": "thank-you",
                "level": "overdue",
                "contact": "Jane Doe",
                "path": "Contacts/Jane Doe.md",
                "line": None,
                "due": "2026-11-13",
                "message": "Send a thank-you letter for the 2026-11-10 interview (was due 2026-11-13): "
                "what you enjoyed, the advice that helped, what you plan to do with it; then record "
                "thank_you_sent.",
            },
            {
                "rule": "referral",
                "level": "due",
                "contact": "Ana Ortiz",
                "path": "Contacts/Jane Doe.md",
                "line": None,
                "due": "2026-11-17",
                "message": "Reach out to Ana Ortiz (413-555-0199), suggested by Jane Doe (interview "
                "2026-11-10; due 2026-11-17); no note for them yet. Then record the date in a note for "
                "them (outreach).",
            },
        ],
        "lapsed": 0,
        "errors": [],
        "dates": [
            {
                "contact": "Contacts/Jane Doe.md",
                "kind": "interview",
                "date": "2026-11-10",
                "note": "Contacts/Jane Doe.md",
            }
        ],
    }


def test_audit_exit_0_when_nothing_overdue_and_all_read(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    assert run("audit", str(vault), "--today", "2026-11-12")[0] == 0
    write_note(vault, "Notes/plain.md", "# Not a contact\n")
    assert run("audit", str(vault), "--today", "2026-11-12")[0] == 0


def test_audit_empty_vault(vault: Path):
    code, out, _ = run("audit", str(vault), "--today", "2026-11-12")
    assert code == 0
    assert out.endswith("\nNothing to do: every thank-you and check-in is done.\n")


def test_audit_defaults_to_the_vault_around_the_current_folder(vault: Path, monkeypatch: pytest.MonkeyPatch):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    (vault / ".obsidian").mkdir()
    monkeypatch.chdir(vault)
    code, out, _ = run("audit", "--today", "2026-11-12", "--format", "json")
    # Named by its path, not "." (the issue: a header that read ". on 2026-12-07")
    assert code == 0 and json.loads(out)["contacts"] == 1 and json.loads(out)["vault"] == str(vault.resolve())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "no/such/vault"], "vaultsync: vault not found: no/such/vault\n"),
        (
            ["audit", ".", "--today", "2026-02-30"],
            "vaultsync: --today: '2026-02-30' is not a date (use YYYY-MM-DD)\n",
        ),
        (
            ["audit", ".", "--today", "tomorrow"],
            "vaultsync: --today: 'tomorrow' is not a date (use YYYY-MM-DD)\n",
        ),
        (["build", "no/such/vault"], "vaultsync: vault not found: no/such/vault\n"),
        (
            ["audit", ".", "--format", "xml"],
            "vaultsync: Invalid value for '--format': 'xml' is not one of 'text', 'json'. "
            "(see 'vaultsync audit --help')\n",
        ),
        (["frobnicate"], "vaultsync: No such command 'frobnicate'.\n"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, message):
    code, out, err = run(*args)
    assert (code, out, err) == (2, "", message)


def test_bad_config_is_a_usage_error(vault: Path):
    (vault / ".vaultsync.toml").write_text("thank_you_days = 'three'\n")
    code, _, err = run("audit", str(vault))
    assert code == 2
    assert err == (
        f"vaultsync: {vault / '.vaultsync.toml'}: thank_you_days: expected a whole number of days from 0 to 3650 (ten years)\n"
    )


def test_build_writes_then_leaves_unchanged(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    calendar = vault / "vaultsync.ics"
    code, out, err = run("build", str(vault), "--today", "2026-11-12")
    # the thank-you, the check-in's two days, the referral to Ana Ortiz
    assert (code, out, err) == (0, f"wrote {calendar}: 4 events from 1 contact\n", "")
    first = calendar.stat().st_mtime_ns
    code, out, _ = run("build", str(vault), "--today", "2026-11-12")
    assert (code, out) == (0, f"unchanged {calendar}: 4 events from 1 contact\n")
    assert calendar.stat().st_mtime_ns == first


def test_build_reports_bad_notes_and_still_writes(vault: Path, tmp_path: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    write_note(vault, "Contacts/Bad.md", "---\ntype: contact\ninterviews: [soon]\n---\n")
    target = tmp_path / "out" / "cal.ics"
    code, out, err = run("build", str(vault), "--today", "2026-11-12", "--calendar", str(target))
    assert code == 1
    assert out == f"wrote {target}: 4 events from 2 contacts\n"
    assert err == (
        "vaultsync: Contacts/Bad.md:3: interviews: 'soon' is not a date "
        "(write YYYY-MM-DD, or YYYY-MM-DDTHH:MM for a time)\n"
    )
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_build_into_unwritable_place_is_exit_1(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    blocker = vault / "file"
    blocker.write_text("not a folder")
    code, out, err = run("build", str(vault), "--calendar", str(blocker / "cal.ics"))
    assert code == 1 and out == ""
    assert err.startswith(f"vaultsync: cannot write {blocker / 'cal.ics'}: ") and err.count("\n") == 1


def test_audit_and_build_change_no_note(vault: Path):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    write_note(vault, "Contacts/Bad.md", "---\n{{date}}\n---\n")
    before = tree_digest(vault)
    run("audit", str(vault), "--today", "2026-11-12")
    run("build", str(vault), "--today", "2026-11-12", "--calendar", str(vault.parent / "c.ics"))
    assert tree_digest(vault) == before


def test_python_dash_m_and_help():
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "audit" in done.stdout and "build" in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "vaultsync", "--version"], capture_output=True, text=True, check=False
    )
    assert version.stdout == "vaultsync, version 0.1.0\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_output_to_a_full_disk_is_one_line_exit_1(vault: Path, unbuffered: str):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "vaultsync", "audit", str(vault), "--today", "2026-11-12"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    assert (done.returncode, done.stderr) == (1, "vaultsync: No space left on device\n")


def test_audit_keeps_what_it_made_until_the_process_exits(vault: Path):
    """Dropping a large audit as the command returns costs more than leaving it to the exit."""
    from vaultsync.drivers.cli import cli

    write_note(vault, "Contacts/Jane Doe.md", JANE)
    run("audit", str(vault), "--today", "2026-11-12", "--no-cache")
    (kept,) = cli.until_exit.made
    assert kept.code == 0 and [c.name for c in kept.audit.vault.contacts] == ["Jane Doe"]
    run("audit", str(vault), "--today", "2026-11-13", "--no-cache")
    assert len(cli.until_exit.made) == 1 and cli.until_exit.made[0].audit.today.isoformat() == "2026-11-13"


# --- The vault: given the same way to every command, found as git finds a repository ----------

COMMANDS = (
    "audit",
    "build",
    "push",
    "doctor",
    "export",
    "watch",
    "serve",
    "new",
    "import",
    "letter",
    "outreach",
)
NOT_A_VAULT = (
    "vaultsync: {folder} is not in a vault (no .obsidian/ or .vaultsync.toml in it or above it, and no "
    "contact notes in it), so vaultsync would read every note in it and its subfolders: name the vault "
    "({how}; . for this folder)\n"
)


def options(command: str) -> dict[str, click.Parameter]:
    return {opt: param for param in cli.commands[command].params for opt in param.opts}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_vault_the_same_way(command: str):
    vault_option = options(command)["--vault"]
    assert (
        vault_option == options("audit")["--vault"] or vault_option.help == options("audit")["--vault"].help
    )
    positional = [p for p in cli.commands[command].params if isinstance(p, click.Argument)]
    if command in ("new", "import", "letter", "outreach"):  # their argument is NAME / FILE / NOTE
        assert [p.name for p in positional] == [{"new": "name", "import": "file"}.get(command, "note")]
    else:
        assert [(p.human_readable_name, p.required) for p in positional] == [("[VAULT]", False)]


def test_shared_options_are_spelled_the_same_in_every_command():
    """One decorator per option: the same flags, metavar and type wherever it is taken."""
    seen: dict[str, set[tuple[object, ...]]] = {}
    for command in COMMANDS:
        for opt, param in options(command).items():
            if opt.startswith("-"):
                shape = (tuple(param.opts), param.metavar, param.type.name, getattr(param, "is_flag", False))
                seen.setdefault(opt, set()).add(shape)
    assert {opt: len(shapes) for opt, shapes in seen.items() if len(shapes) > 1} == {}
    # the request for a meeting, and the contacts' cards, are the same whatever the day
    assert {c for c in COMMANDS if "--today" in options(c)} == set(COMMANDS) - {"outreach", "export"}
    assert {c for c in COMMANDS if "-v" in options(c)} == {"watch", "serve"}
    assert {c for c in COMMANDS if "-q" in options(c)} == {"watch", "serve"}
    assert (
        options("serve")["-v"].help
        == options("watch")["-v"].help
        == "Also print each file event acted on, and more detail."
    )


@pytest.mark.parametrize(
    "how",
    [
        ["audit", "{v}"],
        ["audit", "--vault", "{v}"],
        ["--vault", "{v}", "audit"],
        ["--vault", "/x", "audit", "{v}"],
    ],
)
def test_vault_as_argument_option_or_before_the_command(vault: Path, how: list[str]):
    write_note(vault, "Contacts/Jane Doe.md", JANE)
    code, out, err = run(*[part.format(v=vault) for part in how], "--today", "2026-11-12")
    assert (code, err) == (0, "")
    assert out.startswith(f"{vault} on 2026-11-12: 1 contact, 2 findings")


def test_two_vaults_given_to_one_command_is_a_usage_error(vault: Path, tmp_path: Path):
    code, out, err = run("audit", str(vault), "--vault", str(tmp_path))
    assert (code, out, err) == (2, "", f"vaultsync: two vaults given: {vault} and {tmp_path}; give one\n")
    assert run("audit", str(vault), "--vault", str(vault) + "/", "--today", "2026-11-12")[0] == 0  # the same


def test_minus_capital_v_is_the_version():
    assert run("-V") == (0, "vaultsync, version 0.1.0\n", "")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder like a home: notes in subfolders, a contact among them, no vault marker."""
    root = tmp_path / "home"
    write_note(root, "Documents/todo.md", "# Things\n")
    write_note(root, "Documents/people/Jane Doe.md", JANE)
    write_note(root, "README.md", "# Not a contact\n")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(
    ("args", "how"),
    [
        (["audit"], "vaultsync audit VAULT"),
        (["build"], "vaultsync build VAULT"),
        (["doctor"], "vaultsync doctor VAULT"),
        (["push", "--url", "http://127.0.0.1:9/cal/"], "vaultsync push VAULT"),
        (["new", "Ana Ortiz"], "vaultsync new ... --vault VAULT"),
        (["letter", "Jane Doe"], "--vault VAULT"),
    ],
)
def test_outside_a_vault_nothing_is_read_and_the_vault_is_asked_for(home: Path, args, how):
    before = tree_digest(home)
    code, out, err = run(*args, "--today", "2026-11-12")
    assert (code, out, err) == (2, "", NOT_A_VAULT.format(folder=home.resolve(), how=how))
    assert tree_digest(home) == before


@pytest.mark.parametrize("command", ["watch", "serve"])
def test_watch_and_serve_outside_a_vault_exit_2_at_once(home: Path, command: str):
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync", command, *(["--port", "0"] if command == "serve" else [])],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    how = f"vaultsync {command} VAULT"
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        NOT_A_VAULT.format(folder=home.resolve(), how=how),
    )


def test_a_folder_given_is_read_as_given(home: Path):
    code, out, _ = run("audit", ".", "--today", "2026-11-12")
    assert code == 0
    assert out.startswith(f"{home.resolve()} on 2026-11-12: 1 contact,")  # the full path, never "."
    assert run("audit", "Documents", "--today", "2026-11-12")[1].startswith(
        "Documents on 2026-11-12: 1 contact,"
    )


def test_a_plain_folder_holding_contact_notes_is_a_vault(vault: Path, monkeypatch: pytest.MonkeyPatch):
    write_note(vault, "Jane Doe.md", JANE)
    write_note(vault, "more/Kofi.md", "---\ntype: contact\nemail: k@o.example\n---\n")
    monkeypatch.chdir(vault)
    code, out, _ = run("audit", "--today", "2026-11-12", "--format", "json")
    assert (code, json.loads(out)["contacts"], json.loads(out)["vault"]) == (0, 2, str(vault.resolve()))


def test_a_folder_holding_two_vaults_is_not_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("A", "B"):
        (tmp_path / name / ".obsidian").mkdir(parents=True)
        write_note(tmp_path / name, f"Contacts/{name} Person.md", JANE)
    monkeypatch.chdir(tmp_path)
    code, out, err = run("audit", "--today", "2026-11-12")
    assert (code, out) == (2, "")
    assert err == NOT_A_VAULT.format(folder=tmp_path.resolve(), how="vaultsync audit VAULT")
    # From inside one of them, the nearest vault at or above: that one whole, not the subfolder alone
    write_note(tmp_path / "A", "Notes/Ana.md", "---\ntype: contact\nemail: a@o.example\n---\n")
    monkeypatch.chdir(tmp_path / "A" / "Contacts")
    code, out, _ = run("audit", "--today", "2026-11-12", "--format", "json")
    report = json.loads(out)
    assert (code, report["vault"], report["contacts"]) == (0, str((tmp_path / "A").resolve()), 2)
    assert {f["path"] for f in report["findings"]} == {"Contacts/A Person.md"}


def test_doctor_names_the_vault_by_its_path(vault: Path, monkeypatch: pytest.MonkeyPatch):
    (vault / ".obsidian").mkdir()
    monkeypatch.chdir(vault)
    code, out, _ = run("doctor", ".", "--today", "2026-11-12")
    assert out.startswith(f"{vault.resolve()} on 2026-11-12:\n")


# --- Help, completion -------------------------------------------------------------------------


def test_help_summaries_are_whole_sentences():
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    listed = done.stdout.split("Commands:\n", 1)[1].splitlines()
    summaries = dict(line.split(None, 1) for line in listed)
    assert sorted(summaries) == sorted(COMMANDS)
    for command, summary in summaries.items():
        assert summary.endswith(".") and "..." not in summary, (command, summary)
        assert summary == cli.commands[command].short_help


def readme_completion_lines() -> list[str]:
    readme = (REPO / "README.md").read_text()
    return [line for line in readme.splitlines() if "_VAULTSYNC_COMPLETE=" in line]


@pytest.mark.parametrize(
    ("shell", "produced"),
    [
        ("bash", "complete -o nosort -F _vaultsync_completion vaultsync"),
        ("zsh", "compdef _vaultsync_completion vaultsync"),
        ("fish", "complete --no-files --command vaultsync"),
    ],
)
def test_the_completion_scripts_in_readme_are_produced(shell: str, produced: str):
    (line,) = [line for line in readme_completion_lines() if f"={shell}_source vaultsync" in line]
    env = {**os.environ, "_VAULTSYNC_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync"], capture_output=True, text=True, env=env, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert produced in done.stdout


def test_completion_completes_commands_and_options():
    env = {
        **os.environ,
        "_VAULTSYNC_COMPLETE": "bash_complete",
        "COMP_WORDS": "vaultsync au",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync"], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout == "plain,audit\n"
    env |= {"COMP_WORDS": "vaultsync serve --ver", "COMP_CWORD": "2"}
    done = subprocess.run(
        [sys.executable, "-m", "vaultsync"], capture_output=True, text=True, env=env, check=False
    )
    assert done.stdout == "plain,--verbose\n"


def test_readme_pre_commit_rev_is_no_tag_that_does_not_exist():
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: its tags are unknown")
    tags = subprocess.run(
        ["git", "-C", str(REPO), "tag", "--list"], capture_output=True, text=True, check=True
    )
    revs = {
        name: re.findall(r"^\s+rev: (\S+)", (REPO / name).read_text(), re.M)
        for name in ("README.md", "docs/pre-commit.md")
    }
    assert revs["README.md"] == revs["docs/pre-commit.md"] and len(revs["README.md"]) == 1
    (rev,) = revs["README.md"]
    assert rev in tags.stdout.split() or not re.fullmatch(r"v?\d+(\.\d+)*", rev), f"rev: {rev} is no tag here"


# --- The text report in a terminal, the JSON finding's line -----------------------------------


def in_a_terminal(args: list[str], columns: int) -> str:
    """What ``vaultsync ARGS`` prints to a terminal ``columns`` wide (a real pseudo-terminal)."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-m", "vaultsync", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=REPO,
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(30)
    os.close(leader)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_the_text_report_wraps_to_the_terminal_and_not_when_piped():
    args = ["audit", "sample-vault", "--today", "2026-11-20", "--no-cache"]
    piped = run(*args)[1]
    assert max(len(line) for line in piped.splitlines()) > 200  # whole lines: the README's output
    shown = in_a_terminal(args, 72)
    assert max(len(line) for line in shown.splitlines()) <= 72
    assert shown.splitlines()[:4] == [
        "sample-vault on 2026-11-20: 18 contacts, 24 findings, 2 problems reading",
        "  notes",
        "",
        "Overdue (3)",
    ]
    assert shown.splitlines()[4:6] == [  # a finding's further lines under its text
        "  2026-10-22  Noor Rahman: Reach out to Noor Rahman (617-555-0188),",
        "              suggested by Arjun Mehta (interview 2026-10-15; was due",
    ]
    assert shown.splitlines()[-8:-6] == [  # the lapsed line too (it once ran past the width)
        "2 older reminders lapsed (more than 30 days past due); --lapsed lists",
        "them.",
    ]
    assert shown.split() == piped.split()  # the same words, in the same order
    assert shown.count("\n\n") == piped.count("\n\n")


def test_a_finding_about_a_line_has_it_in_json():
    code, out, _ = run("audit", "sample-vault", "--today", "2026-11-20", "--format", "json")
    lines = {
        (f["rule"], f["contact"]): f["line"] for f in json.loads(out)["findings"] if f["line"] is not None
    }
    assert lines == {("job-ask", "Daniel Okafor"): 13, ("job-ask", "Grace Kim"): 18}
    assert all(
        list(f)[:5] == ["rule", "level", "contact", "path", "line"] for f in json.loads(out)["findings"]
    )


@pytest.mark.parametrize(
    "how", [["audit", "{f}"], ["audit", "--vault", "{f}"], ["new", "Ana", "--vault", "{f}"]]
)
def test_a_file_given_as_the_vault(tmp_path: Path, how: list[str]):
    (tmp_path / "notes.md").write_text("# A note\n")
    code, out, err = run(*[part.format(f=tmp_path / "notes.md") for part in how])
    assert (code, out, err) == (2, "", f"vaultsync: not a folder: {tmp_path / 'notes.md'}\n")


def test_help_imports_no_heavy_module():
    """``vaultsync --help`` stays instant: the parsers, the calendar and the vault load in commands."""
    code = (
        "import sys\n"
        "from vaultsync.drivers.cli import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('yaml', 'markdown_it', 'icalendar', 'frontmatter', 'vaultsync.store.loader', 'vaultsync.outputs.report')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in heavy or name in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_readme_shows_the_message_given_outside_a_vault():
    readme = (REPO / "README.md").read_text()
    assert NOT_A_VAULT.format(folder="/home/ana", how="vaultsync audit VAULT") in readme


def test_a_one_shot_command_sets_aside_what_it_made_before_collection_resumes():
    """Without the freeze, the first collection after the command walks every entry the audit
    made, as the process leaves (a cold audit of 10,000 contacts took 0.45 s longer)."""
    import gc

    from vaultsync.drivers.cli.process import one_shot

    seen = []
    made = one_shot(lambda: seen.append(gc.isenabled()) or [[] for _ in range(1000)])
    assert gc.isenabled()
    gc.unfreeze()
    try:
        kept = made()
        assert seen == [False]  # no collection while the command runs
        assert gc.isenabled() and gc.get_freeze_count() > 0
        assert len(kept) == 1000
    finally:
        gc.unfreeze()


def test_loading_a_vault_leaves_the_collector_as_it_was(tmp_path: Path):
    """The pause is the edge's to make (a one-shot command, a driver's start), never a library call's."""
    import gc

    from vaultsync.store.loader import load_vault

    write_note(tmp_path, "Contacts/Jane.md", "---\ntype: contact\ninterviews: [2026-11-10]\n---\n")
    gc.unfreeze()
    frozen = gc.get_freeze_count()
    vault = load_vault(tmp_path, processes=1)
    assert [c.path for c in vault.contacts] == ["Contacts/Jane.md"]
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_watcher_run_until_signalled_reads_the_vault_with_collection_paused():
    """``vaultsync watch`` (and ``serve``) read the vault at the start as a one-shot command does,
    watching it from before its notes are read; the loop after it collects as usual."""
    import gc

    from vaultsync.drivers.watch_process import run_until_signalled

    class Driver:
        seen: list[tuple[str, bool, bool]] = []

        def open(self, *, watch: bool = False) -> None:
            self.seen.append(("open", gc.isenabled(), watch))

        def run(self, stop: object) -> None:
            self.seen.append(("run", gc.isenabled(), True))

    gc.unfreeze()
    try:
        run_until_signalled(Driver())
        assert Driver.seen == [("open", False, True), ("run", True, True)]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
