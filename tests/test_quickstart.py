"""README's Quick start: its two commands, the output it shows, and the first command run
verbatim in a fresh clone with a fresh virtual environment, as a new user would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
QUICK_START = README.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
RUN_SAMPLE, RUN_TESTS = re.findall(r"```sh\n(.*?)\n```", QUICK_START, re.DOTALL)[:2]
SHOWN = QUICK_START.split("```text\n", 1)[1].split("```", 1)[0]


def test_the_two_commands_are_one_line_each_and_make_a_virtual_environment():
    for command in (RUN_SAMPLE, RUN_TESTS):
        assert "\n" not in command
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install -e ")
    assert RUN_SAMPLE.endswith("vaultsync audit sample-vault --today 2026-11-20")


def test_the_test_command_is_what_ci_runs():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert RUN_TESTS in ci  # a line of its own, unchanged


def test_the_output_shown_is_the_real_output():
    args = RUN_SAMPLE.split(" && ")[-1].split()[1:]  # after `.venv/bin/vaultsync`
    code, out, _ = run_cli(*args)
    assert code == 1
    assert out == SHOWN, "README's Quick start output is stale: paste the real output"


#: The distribution's own Python (Debian's refuses `pip install` outside a virtual environment).
SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.mark.slow
@pytest.mark.parametrize("python", ["python3 on the PATH", "the distribution's /usr/bin/python3"])
def test_the_first_command_works_verbatim_in_a_fresh_clone(tmp_path: Path, python: str):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of vaultsync to clone")
    if python.endswith("/usr/bin/python3") and not SYSTEM_PYTHON.exists():
        pytest.skip("no distribution Python at /usr/bin/python3 on this machine")
    clone = tmp_path / "vaultsync"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    # As in a new user's shell: no virtual environment active, nothing of this one on the path.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    active = os.environ.get("VIRTUAL_ENV")
    if active:
        env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not p.startswith(active))
    if python.endswith("/usr/bin/python3"):
        env["PATH"] = os.pathsep.join([str(SYSTEM_PYTHON.parent), env["PATH"]])
    done = subprocess.run(
        ["bash", "-c", RUN_SAMPLE], cwd=clone, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 1, done.stderr[-3000:]  # the audit's own code: overdue items
    assert done.stdout.endswith(SHOWN), done.stdout[-3000:]
    assert "Traceback" not in done.stderr
