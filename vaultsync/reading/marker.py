"""The marker of a note vaultsync wrote (the dashboard): a note that carries it is never a contact,
wherever it lies, and only a note that carries it is ever replaced by an output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The front-matter property (and value) that marks a note vaultsync wrote.
GENERATED_KEY = "generated_by"
GENERATED_BY = "vaultsync"


def is_generated(meta: Mapping[str, Any]) -> bool:
    """True for the front-matter of a note vaultsync wrote (the dashboard)."""
    return meta.get(GENERATED_KEY) == GENERATED_BY
