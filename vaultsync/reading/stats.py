"""How often a note reader took each way of reading: the fast paths and the libraries behind them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReadStats:
    """Counts kept by one ``vaultsync.reading.note.NoteReader``, for its caller to read.

    Each note with front-matter counts once under one of the first three; each body with a
    candidate heading (Questions, Advice, Thank-you, Plan) under one of the last two."""

    front_matter_lines: int = 0  # the line scan of ``key: value`` lines (``fastyaml``)
    front_matter_events: int = 0  # libyaml's events built into values (``fastyaml``)
    front_matter_loader: int = 0  # PyYAML's loader: neither fast path could, or they are off
    sections_scan: int = 0  # the line scan of a body (``sections``)
    sections_parser: int = 0  # markdown-it
