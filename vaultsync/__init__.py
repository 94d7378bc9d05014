"""vaultsync: a vault of contact notes, checked against the etiquette of informational
interviews, and published as an .ics calendar of deadlines."""

from __future__ import annotations

__version__ = "0.1.0"
