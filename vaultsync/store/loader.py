"""Loading a vault: its notes listed, then read (through the entry cache, on two cores)."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

from vaultsync.config import Settings, load_settings
from vaultsync.model.vault import Entry, Vault
from vaultsync.reading.listing import Scan, scan_notes, vault_root
from vaultsync.reading.note import NoteError, NoteReader
from vaultsync.store import parallel
from vaultsync.store.cache import DerivedCache, EntryCache, Signature, signature
from vaultsync.store.parallel import Evaluate

#: What a driver derives from one entry, given what it derived from the same note last time
#: (None: nothing kept); None for nothing to keep. Its result must pickle, as plain values.
Derive = Callable[[Entry, Any], Any]


def scan_vault(root: Path, settings: Settings | None = None, *, stat: bool = False) -> Scan:
    """Find the notes of the vault at ``root`` (its own settings unless given)."""
    root = vault_root(root)
    settings = settings or load_settings(root)
    errors: list[NoteError] = []
    found = list(scan_notes(root, settings, errors))
    signatures = None
    if stat:
        now = time.time_ns()
        signatures = tuple(signature(entry, now) for _, entry in found)
    return Scan(root, settings, tuple(path for path, _ in found), tuple(errors), signatures)


def load_vault(
    root: Path,
    settings: Settings | None = None,
    *,
    cache: bool = False,
    processes: int | None = None,
    reader: NoteReader | None = None,
) -> Vault:
    """Read every note of the vault at ``root`` (its own settings unless given).

    ``cache``: keep entries between runs in the cache folder (``vaultsync.store.cache``), so
    unchanged notes are not read again. ``processes``: how many processes read notes; by
    default two for a large vault when the platform allows (see ``vaultsync.store.parallel``).
    The garbage collector leaves alone the objects that exist afterwards (``gc.freeze``): the
    entries hold no cycles, and walking them again and again is a large part of an audit's time.
    ``reader``: the ``NoteReader`` that reads the notes (its fast paths, its counts), else a new one.
    """
    scan = scan_vault(root, settings, stat=cache)
    return load_scan(scan, cache=cache, processes=processes, reader=reader)


def load_scan(
    scan: Scan, *, cache: bool = False, processes: int | None = None, reader: NoteReader | None = None
) -> Vault:
    """Read the notes ``scan`` found (see ``load_vault``)."""
    return load_and_evaluate(scan, None, cache=cache, processes=processes, reader=reader)[0]


def load_and_evaluate(
    scan: Scan,
    evaluate: Evaluate | None,
    *,
    cache: bool = False,
    processes: int | None = None,
    reader: NoteReader | None = None,
) -> tuple[Vault, list[Any], Scan]:
    """Read the notes ``scan`` found (see ``load_vault``), and pass every note's entry, a few
    hundred at a time, to ``evaluate``: in the process that read them, or in this one for the
    entries the cache held. Gives the vault, what each call of ``evaluate`` returned, and the
    scan as read: with ``cache``, each note's signature, taken before it was read."""
    return _load(scan, cache, processes, evaluate, None, reader)


def _load(
    scan: Scan,
    cache: bool,
    processes: int | None,
    evaluate: Evaluate | None,
    derive: Derive | None,
    reader: NoteReader | None = None,
) -> tuple[Vault, list[Any], Scan]:
    collecting = gc.isenabled()
    gc.disable()  # a collection every few thousand new objects, each walking all of them so far
    try:
        entries, evaluated, signatures = _load_entries(
            scan, cache, processes, evaluate, reader or NoteReader(), derive
        )
    finally:
        if collecting:
            gc.freeze()  # the entries live on and hold no cycles: spare them later collections too
            gc.enable()
    entries += [Entry(err.path, None, (err,)) for err in scan.errors]
    if signatures is not scan.signatures:
        scan = replace(scan, signatures=signatures)
    return Vault.from_entries(scan.root, scan.settings, entries), evaluated, scan


def load_and_derive(
    scan: Scan,
    derive: Derive,
    *,
    cache: bool = False,
    processes: int | None = None,
    reader: NoteReader | None = None,
) -> tuple[Vault, dict[str, Any], Scan]:
    """``load_and_evaluate``, giving what ``derive`` made of each entry, by path. With ``cache``,
    what it made is kept with the entry cache (``store.cache.DerivedCache``), and given back to
    it the next time the note is unchanged."""
    vault, evaluated, scan = _load(scan, cache, processes, None, derive, reader)
    return vault, {path: value for chunk in evaluated for path, value in chunk}, scan


def _deriving(derive: Derive, entries: list[Entry]) -> list[tuple[str, Any]]:
    """``derive`` as an ``Evaluate``: on entries just read, with nothing kept from before."""
    return [(entry.path, derive(entry, None)) for entry in entries]


def _derive_kept(derive: Derive, pairs: list[tuple[Entry, Any]]) -> list[Any]:
    """``derive`` of each cached entry, given what it made of it before."""
    return [derive(entry, before) for entry, before in pairs]


def _load_entries(
    scan: Scan,
    cache: bool,
    processes: int | None,
    evaluate: Evaluate | None,
    reader: NoteReader,
    derive: Derive | None = None,
) -> tuple[list[Entry], list[Any], tuple[Signature | None, ...] | None]:
    root, settings = scan.root, scan.settings
    if derive is not None:
        evaluate = partial(_deriving, derive)
    if not cache:
        items = [(path, None) for path in scan.paths]
        loaded = parallel.load(root, settings, items, processes=processes, evaluate=evaluate, reader=reader)
        read = [entry for chunk in loaded for entry in chunk.entries]
        return read, [chunk.evaluated for chunk in loaded], scan.signatures
    store = EntryCache.open(root, settings)
    derived = DerivedCache(store.root, store.fingerprint) if derive is not None else None
    signatures = scan.signatures
    # A first run has nothing to look up: each note is signed where it is read, in parallel
    # (taking every signature here first would add a pass over the vault to a cold audit).
    signed = signatures is None and store.empty
    if signatures is None and not signed:  # take the signatures now, before any read
        now = time.time_ns()
        signatures = tuple(signature(os.path.join(root, path), now) for path in scan.paths)
    entries: list[Entry] = []
    cached_signatures: list[Signature | None] = []
    missing = []
    for path, sig in zip(scan.paths, signatures or [None] * len(scan.paths), strict=True):
        entry = store.get(path, sig)  # None for every note when signed: no signature yet, nothing cached
        if entry is None:
            missing.append((path, sig))
        else:
            entries.append(entry)
            cached_signatures.append(sig)
    # What a build works out again from cached entries (another day's rules and events) is
    # shared by both cores, as reading is. An audit's rules alone are not: sending their
    # findings back, and the worker's copies of the pages it touches, cost what they save.
    if derive is not None and derived is not None:
        pairs = [
            (entry, derived.get(entry.path, sig))
            for entry, sig in zip(entries, cached_signatures, strict=True)
        ]
        values = chain.from_iterable(parallel.map_chunks(partial(_derive_kept, derive), pairs, processes))
        kept = [(entry.path, value) for (entry, _), value in zip(pairs, values, strict=True)]
        for (path, value), sig in zip(kept, cached_signatures, strict=True):
            derived.put(path, sig, value)
        evaluated = [kept]
    else:
        evaluated = [evaluate(entries)] if evaluate is not None and entries else []
    signed_as: dict[str, Signature | None] = {}
    loaded = parallel.load(
        root,
        settings,
        missing,
        processes=processes,
        pickled=True,
        signed=signed,
        evaluate=evaluate,
        reader=reader,
    )
    for chunk in loaded:
        store.add(chunk.records, chunk.blob)
        entries += chunk.entries
        evaluated.append(chunk.evaluated)
        if signed:
            signed_as.update((path, sig) for path, (sig, _) in chunk.records.items())
        if derived is not None:
            for path, value in chunk.evaluated:
                derived.put(path, chunk.records[path][0], value)
    store.save()
    if derived is not None:
        derived.save(scan.paths)
    if signed:
        signatures = tuple(signed_as[path] for path in scan.paths)
    return entries, evaluated, signatures
