"""Loading a vault: its notes listed, then read (through the entry cache, on two cores)."""

from __future__ import annotations

import os
import pickle
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


class Derived:
    """What ``load_and_derive`` gives: the vault, what was derived of each contact (by path), the
    scan as read, what ``beside`` returned; ``keep`` stores the values for next time."""

    def __init__(
        self, vault: Vault, values: dict[str, Any], scan: Scan, aside: Any, store: DerivedCache | None
    ) -> None:
        self.vault, self.values, self.scan, self.aside = vault, values, scan, aside
        self._store, self._given = store, dict(values)

    def keep(self, values: dict[str, Any]) -> None:
        """Keep ``values`` (``values`` as given, or with some made anew) beside the entry cache,
        when it is used: those given are kept already (pickled where they were made); only
        those made anew since are pickled here."""
        from vaultsync.model.interactions import gained

        store = self._store
        if store is None:
            return
        signed = dict(zip(self.scan.paths, self.scan.signatures or (), strict=False))
        for contact in self.vault.contacts:
            value = values[contact.path]
            if value is not self._given.get(contact.path):
                store.put(contact.path, signed.get(contact.path), (gained(contact), value))
        store.save(self.scan.paths)


def load_and_derive(
    scan: Scan,
    derive: Derive,
    *,
    holds: Callable[[Any], bool] | None = None,
    beside: Callable[[Vault], Any] | None = None,
    cache: bool = False,
    processes: int | None = None,
    reader: NoteReader | None = None,
) -> Derived:
    """Read the notes ``scan`` found (see ``load_vault``), then give what ``derive`` made of each
    of the vault's contacts, by path: once, each with the dates of the interaction notes that
    link it, on two cores, with ``beside(vault)`` run meanwhile in this process. With ``cache``,
    what it made is kept beside the entry cache (``store.cache.DerivedCache``, pickled where it
    is made), and given back to it the next time the contact's note is unchanged and
    interaction notes give it the same (those are derived here); as it is, without calling
    ``derive``, when ``holds`` says so."""
    from vaultsync.model.interactions import gained  # not needed to scan or serve the cache

    vault, _, scan = _load(scan, cache, processes, None, reader)
    signed = dict(zip(scan.paths, scan.signatures or (), strict=False))
    derived = None
    values: dict[str, Any] = {}
    work: list[tuple[Contact, Any]] = []
    if cache:
        store = EntryCache(scan.root, scan.settings)
        derived = DerivedCache(store.root, store.fingerprint)
    for contact in vault.contacts:
        stored = derived.get(contact.path, signed.get(contact.path)) if derived is not None else None
        if stored is not None and stored[0] == gained(contact):
            if holds is not None and holds(stored[1]):
                values[contact.path] = stored[1]
                continue
            work.append((contact, stored[1]))
        else:
            work.append((contact, None))
    aside = partial(beside or _nothing, vault)
    making = partial(_deriving, derive, signed if derived is not None else None)
    chunks, made_aside = parallel.map_chunks_beside(work, making, aside, processes=processes)
    for chunk in chunks:
        if isinstance(chunk, bytes):  # pickled for the cache where it was made
            records = pickle.loads(chunk)
            values.update((path, value) for path, (_, (_, value)) in records.items())
            if derived is not None:
                derived.add(records, chunk)
        else:
            values.update(chunk)
    return Derived(vault, values, scan, made_aside, derived)


def _nothing(vault: Vault) -> None:
    return None


def _deriving(
    derive: Derive, signed: dict[str, Signature | None] | None, work: list[tuple[Contact, Any]]
) -> list[tuple[str, Any]] | bytes:
    """``derive`` of each contact of ``work``, given what was kept of it (None: nothing); with
    ``signed`` (the notes' signatures, by path), pickled as the cache keeps them, with what
    interaction notes gave each contact (the worker sends them pickled anyway)."""
    from vaultsync.model.interactions import gained

    made = [(contact, derive(contact, kept)) for contact, kept in work]
    if signed is None:
        return [(contact.path, value) for contact, value in made]
    records = {contact.path: (signed.get(contact.path), (gained(contact), value)) for contact, value in made}
    return pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)


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
