"""Loading a vault: its notes listed, then read (through the entry cache, on two cores)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultsync.config import Settings, load_settings
from vaultsync.model.vault import Entry, Vault
from vaultsync.reading.listing import Scan, scan_notes, vault_root
from vaultsync.reading.note import NoteError, NoteReader
from vaultsync.store import parallel
from vaultsync.store.cache import DerivedCache, EntryCache, Signature, signature
from vaultsync.store.parallel import Evaluate

if TYPE_CHECKING:
    from vaultsync.model.contact import Contact

#: What a driver derives from one contact, given what it derived from the same contact last time
#: (None: nothing kept). Its result must pickle, as plain values.
Derive = Callable[["Contact", Any], Any]


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
    The garbage collector is left as it is: a caller that reads a large vault once may pause it,
    as the command line does (docs/api.md, "Side effects").
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
    return _load(scan, cache, processes, evaluate, reader)


def _load(
    scan: Scan,
    cache: bool,
    processes: int | None,
    evaluate: Evaluate | None,
    reader: NoteReader | None = None,
) -> tuple[Vault, list[Any], Scan]:
    entries, evaluated, scan = load_entries(scan, cache, processes, evaluate, reader)
    return Vault.from_entries(scan.root, scan.settings, entries), evaluated, scan


def load_entries(
    scan: Scan,
    cache: bool = False,
    processes: int | None = None,
    evaluate: Evaluate | None = None,
    reader: NoteReader | None = None,
    before_reading: Callable[[], None] | None = None,
) -> tuple[list[Entry], list[Any], Scan]:
    """Every note's entry (the folders' errors too), what ``evaluate`` made of them, and the
    scan as read (see ``load_and_evaluate``). ``before_reading``: called once before any note
    is read or its signature taken (the scan's own signatures aside), after the reading worker
    is forked when the notes are read on two cores (see ``store.parallel``)."""
    entries, evaluated, signatures = _load_entries(
        scan, cache, processes, evaluate, reader or NoteReader(), before_reading
    )
    entries += [Entry(err.path, None, (err,)) for err in scan.errors]
    if signatures is not scan.signatures:
        scan = replace(scan, signatures=signatures)
    return entries, evaluated, scan


def load_and_derive(
    scan: Scan,
    derive: Derive,
    *,
    cache: bool = False,
    processes: int | None = None,
    reader: NoteReader | None = None,
) -> tuple[Vault, dict[str, Any], Scan]:
    """Read the notes ``scan`` found (see ``load_vault``), then give what ``derive`` made of each
    of the vault's contacts, by path: once, each with the dates of the interaction notes that
    link it, on two cores as the notes are read. With ``cache``, what it made is kept beside the
    entry cache (``store.cache.DerivedCache``) and given back to it the next time the contact's
    note is unchanged and interaction notes give it the same (those are derived here)."""
    from vaultsync.model.interactions import gained  # not needed to scan or serve the cache

    vault, _, scan = _load(scan, cache, processes, None, reader)
    signed = dict(zip(scan.paths, scan.signatures or (), strict=False))
    derived = None
    values: dict[str, Any] = {}
    fresh: list[Contact] = []
    if cache:
        store = EntryCache(scan.root, scan.settings)
        derived = DerivedCache(store.root, store.fingerprint)
    for contact in vault.contacts:
        stored = derived.get(contact.path, signed.get(contact.path)) if derived is not None else None
        if stored is not None and stored[0] == gained(contact):
            value = derive(contact, stored[1])
            values[contact.path] = value
            if derived is not None and value is not stored[1]:
                derived.put(contact.path, signed.get(contact.path), (stored[0], value))
        else:
            fresh.append(contact)
    for chunk in parallel.map_chunks(fresh, partial(_deriving, derive), processes=processes):
        values.update(chunk)
    if derived is not None:
        for contact in fresh:
            derived.put(contact.path, signed.get(contact.path), (gained(contact), values[contact.path]))
        derived.save(scan.paths)
    return vault, values, scan


def _deriving(derive: Derive, contacts: list[Contact]) -> list[tuple[str, Any]]:
    """``derive`` of each of ``contacts``, nothing kept from before."""
    return [(contact.path, derive(contact, None)) for contact in contacts]


def _load_entries(
    scan: Scan,
    cache: bool,
    processes: int | None,
    evaluate: Evaluate | None,
    reader: NoteReader,
    before_reading: Callable[[], None] | None = None,
) -> tuple[list[Entry], list[Any], tuple[Signature | None, ...] | None]:
    root, settings = scan.root, scan.settings
    if not cache:
        items = [(path, None) for path in scan.paths]
        loaded = parallel.load(
            root,
            settings,
            items,
            processes=processes,
            evaluate=evaluate,
            reader=reader,
            before_reading=before_reading,
        )
        read = [entry for chunk in loaded for entry in chunk.entries]
        return read, [chunk.evaluated for chunk in loaded], scan.signatures
    store = EntryCache.open(root, settings)
    signatures = scan.signatures
    # A first run has nothing to look up: each note is signed where it is read, in parallel
    # (taking every signature here first would add a pass over the vault to a cold audit).
    signed = signatures is None and store.empty
    if before_reading is not None and not signed:  # the signatures are taken here, before forking
        before_reading()
        before_reading = None
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
        before_reading=before_reading,
    )
    for chunk in loaded:
        store.add(chunk.records, chunk.blob)
        entries += chunk.entries
        evaluated.append(chunk.evaluated)
        if signed:
            signed_as.update((path, sig) for path, (sig, _) in chunk.records.items())
    store.save()
    if signed:
        signatures = tuple(signed_as[path] for path in scan.paths)
    return entries, evaluated, signatures
