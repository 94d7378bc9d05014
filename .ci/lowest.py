"""Print a pip constraints file that pins each runtime dependency to the oldest release its
bound in pyproject.toml claims (``name>=X`` -> ``name==X``), so CI can prove that claim."""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
for requirement in project["dependencies"]:
    found = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)\s*", requirement)
    if found is None:
        sys.exit(f"lowest.py: cannot read a lower bound in {requirement!r}: write it as name>=X")
    print(f"{found[1]}=={found[2]}")
