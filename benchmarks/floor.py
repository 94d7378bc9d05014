"""The floor: walk a vault, read every note, parse its front-matter with libyaml. Nothing else.

    python3 benchmarks/floor.py VAULT

This is the least any tool that reads the notes' properties must do, on one core; run.py
measures vaultsync against it. Prints how many notes were read.
"""

from __future__ import annotations

import contextlib
import os
import sys

import yaml


def floor(root: str) -> int:
    loader = yaml.CSafeLoader
    notes = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                text = handle.read().decode("utf-8")
            notes += 1
            if text.startswith("---\n"):
                end = text.find("\n---\n", 4)
                if end > 0:
                    with contextlib.suppress(yaml.YAMLError):
                        yaml.load(text[4:end], Loader=loader)
    return notes


if __name__ == "__main__":
    if not yaml.__with_libyaml__:
        sys.exit("PyYAML is installed without libyaml: the floor would not be a floor")
    print(floor(sys.argv[1]))
