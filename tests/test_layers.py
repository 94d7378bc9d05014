"""The layers of the package: imports go only downward, and never close a circle (tools/check_layers.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import check_layers  # noqa: E402


def package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A package named vaultsync in ``tmp_path`` holding ``files`` (path: source)."""
    root = tmp_path / "vaultsync"
    for name, source in {"__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(source, encoding="utf-8")
    return root


def test_the_package_imports_only_downward_and_in_no_circle():
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "check_layers.py")], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_an_upward_import_is_named_with_its_line_wherever_it_is(tmp_path: Path):
    root = package(
        tmp_path,
        {
            "model/__init__.py": "",
            "model/contact.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from vaultsync.store.cache import Record\n",
            "model/dates.py": "def later():\n    from vaultsync import pipeline\n",
            "store/__init__.py": "",
            "store/cache.py": "from vaultsync.model.contact import Contact\nfrom vaultsync.errors import UsageError\n",
            "errors.py": "",
            "pipeline.py": "",
        },
    )
    assert check_layers.check(root) == [
        "vaultsync/model/contact.py:4: vaultsync.model.contact (model) imports vaultsync.store.cache (store), a higher layer",
        "vaultsync/model/dates.py:2: vaultsync.model.dates (model) imports vaultsync.pipeline (pipeline), a higher layer",
    ]


def test_a_circle_in_one_layer_is_named_from_its_smallest_module(tmp_path: Path):
    root = package(
        tmp_path,
        {
            "store/__init__.py": "",
            "store/loader.py": "from vaultsync.store import parallel\n",
            "store/parallel.py": "def read():\n    from vaultsync.store.cache import Record\n",
            "store/cache.py": "from . import loader\n",
            "store/files.py": "",
            "drivers/__init__.py": "",
            "drivers/tool.py": "",
        },
    )
    assert check_layers.check(root) == [
        "a circle among the store modules: vaultsync.store.cache -> vaultsync.store.loader "
        "-> vaultsync.store.parallel -> vaultsync.store.cache"
    ]
    assert check_layers.main([str(root)]) == 1


def test_a_module_in_no_layer_is_named(tmp_path: Path):
    root = package(tmp_path, {"sync.py": ""})
    assert check_layers.check(root) == [
        "vaultsync/sync.py: vaultsync.sync is in no layer: add it to LAYERS in tools/check_layers.py"
    ]
