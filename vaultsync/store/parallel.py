"""Reading many notes on two cores: this process and one forked worker share a list of chunks.

Each takes the next chunk from a shared counter until none is left, so neither waits for the
other whatever the notes cost. The worker sends each chunk back as soon as it is read, pickled
(the same bytes the cache stores), and this process unpickles them between chunks of its own,
so that work is shared too. If the worker dies, this process reads whatever it had claimed. A
fork copies the settings and paths for free, and is only safe with one thread: elsewhere (a
second thread, macOS, Windows) everything is read in this process.

``evaluate``, when given, runs on each chunk's entries in the process that read them (the
rules about each contact, when auditing), so that work is shared as well. So does taking the
notes' signatures for the cache (``signed``), on a first run, when nothing was there to compare
them with before reading. ``before_reading``, when given, runs in this process once the worker
is forked and before either reads a note: what must see every change from then on but holds a
thread, which must not be forked (a watcher's observer).
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from vaultsync.store.cache import Record, Signature, dump_records, load_records
from vaultsync.store.entries import load_entry, load_record

if TYPE_CHECKING:
    from vaultsync.config import Settings
    from vaultsync.model.vault import Entry
    from vaultsync.reading.note import NoteReader

#: Notes per chunk, and the fewest worth a second process (below that, forking costs more than it saves).
CHUNK = 200
MIN_NOTES = 1000
#: This process and one worker (the issue's machine has two cores).
PROCESSES = 2

Chunk = Sequence[tuple[str, Signature | None]]
#: What is worked out from a chunk's entries where they were read; its result must pickle.
Evaluate = Callable[[list["Entry"]], Any]
_Beside = TypeVar("_Beside")


class Loaded:
    """One chunk read: its records, pickled too when asked (for the cache), and what
    ``evaluate`` made of it."""

    __slots__ = ("records", "blob", "evaluated")

    def __init__(self, records: dict[str, Record], blob: bytes | None, evaluated: Any) -> None:
        self.records, self.blob, self.evaluated = records, blob, evaluated

    @property
    def entries(self) -> list[Entry]:
        return [entry for _, entry in self.records.values()]


def default_processes() -> int:
    """2 when forking is safe and a second core is there, else 1."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(PROCESSES, cores)


def read_chunk(
    root: Path, settings: Settings, chunk: Chunk, signed: bool = False, reader: NoteReader | None = None
) -> dict[str, Record]:
    """Each note of ``chunk`` read (by ``reader`` when given), with its signature; taken here, as
    it is opened, when ``signed``."""
    if signed:
        now = time.time_ns()
        return {path: load_record(root, path, settings, now, reader) for path, _ in chunk}
    return {path: (sig, load_entry(root, path, settings, reader)) for path, sig in chunk}


def load(
    root: Path,
    settings: Settings,
    items: Chunk,
    *,
    processes: int | None = None,
    pickled: bool = False,
    signed: bool = False,
    evaluate: Evaluate | None = None,
    reader: NoteReader | None = None,
    before_reading: Callable[[], None] | None = None,
) -> list[Loaded]:
    """Read the notes of ``items``, a chunk at a time; each chunk pickled too when ``pickled``
    (for the cache), and passed to ``evaluate`` when given. ``signed``: take each note's
    signature just before reading it (the signatures of ``items`` are not used). ``reader``:
    the reader of this process (the worker reads with a copy of it; its counts stay there).
    ``before_reading``: called once, before any note is read, after the worker is forked."""
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    if processes is None:
        processes = default_processes()
    if processes < 2 or len(items) < MIN_NOTES:
        if before_reading is not None:
            before_reading()
        return [_read(root, settings, chunk, pickled, signed, evaluate, reader) for chunk in chunks]
    return _load_forked(root, settings, chunks, pickled, signed, evaluate, reader, before_reading)


def _read(
    root: Path,
    settings: Settings,
    chunk: Chunk,
    pickled: bool,
    signed: bool,
    evaluate: Evaluate | None,
    reader: NoteReader | None,
) -> Loaded:
    records = read_chunk(root, settings, chunk, signed, reader)
    loaded = Loaded(records, dump_records(records) if pickled else None, None)
    if evaluate is not None:
        loaded.evaluated = evaluate(loaded.entries)
    return loaded


def _load_forked(
    root: Path,
    settings: Settings,
    chunks: list[Chunk],
    pickled: bool,
    signed: bool,
    evaluate: Evaluate | None,
    reader: NoteReader | None,
    before_reading: Callable[[], None] | None,
) -> list[Loaded]:
    def there(index: int) -> tuple[bytes | None, Any]:
        loaded = _read(root, settings, chunks[index], True, signed, evaluate, reader)
        return loaded.blob, loaded.evaluated

    def taken(message: tuple[bytes, Any]) -> Loaded:
        blob, evaluated = message
        return Loaded(load_records(blob), blob, evaluated)

    results, _ = _forked(
        len(chunks),
        lambda index: _read(root, settings, chunks[index], pickled, signed, evaluate, reader),
        there,
        taken,
        _nothing,
        before_reading,
    )
    return [
        result
        if result is not None
        else _read(root, settings, chunks[index], False, signed, evaluate, reader)
        for index, result in enumerate(results)
    ]


def map_chunks(
    items: Sequence[Any], work: Callable[[Sequence[Any]], Any], *, processes: int | None = None
) -> list[Any]:
    """``work`` of each chunk of ``items``, in order, shared with a forked worker as reading is
    (the worker has the items by the fork: only what ``work`` gives is pickled, and it must pickle)."""
    return map_chunks_beside(items, work, _nothing, processes=processes)[0]


def map_chunks_beside(
    items: Sequence[Any],
    work: Callable[[Sequence[Any]], Any],
    beside: Callable[[], _Beside],
    *,
    processes: int | None = None,
) -> tuple[list[Any], _Beside]:
    """``map_chunks``, and ``beside()`` run in this process meanwhile: first, while the worker
    starts on the chunks (it then takes more of them), so that work does not wait for both
    cores to be done. Gives what ``map_chunks`` gives, and what ``beside`` returned."""
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    if processes is None:
        processes = default_processes()
    if processes < 2 or len(items) < MIN_NOTES:
        aside = beside()
        return [work(chunk) for chunk in chunks], aside
    done, aside = _forked(
        len(chunks),
        lambda index: (work(chunks[index]),),
        lambda index: work(chunks[index]),
        lambda x: (x,),
        beside,
    )
    return [
        result[0] if result is not None else work(chunks[index]) for index, result in enumerate(done)
    ], aside


def _nothing() -> None:
    return None


def _forked(
    total: int,
    here: Callable[[int], Any],
    there: Callable[[int], Any],
    taken: Callable[[Any], Any],
    beside: Callable[[], _Beside],
    first: Callable[[], None] | None = None,
) -> tuple[list[Any], _Beside]:
    """Chunks 0 to ``total`` - 1 shared between this process (``here``) and one forked worker
    (``there``, its result sent through a pipe and made ``taken`` here), with ``beside()`` done
    here before this process takes any, and ``first()`` before either does: the worker waits
    for it. A chunk the worker claimed but did not send (it died) is None."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    receive, send = context.Pipe(duplex=False)
    # The worker starts when this end is closed (or this process is gone: it then finds no one
    # to send to, and leaves).
    wait, go = context.Pipe(duplex=False) if first is not None else (None, None)
    for stream in (sys.stdout, sys.stderr):  # or the worker would flush a copy of what is buffered
        stream.flush()
    worker = context.Process(target=_work, args=(total, there, counter, send, wait, go), daemon=True)
    worker.start()
    send.close()
    if wait is not None:
        wait.close()
    results: list[Any] = [None] * total
    done = 0  # chunks done here or received
    receiving = True  # until the worker is gone: done, or dead

    def take() -> None:
        nonlocal done, receiving
        try:
            index, message = receive.recv()
        except (EOFError, OSError):
            receiving = False  # its chunks not received are done by the caller
            return
        results[index] = taken(message)
        done += 1

    try:
        if first is not None:
            try:
                first()
            finally:
                assert go is not None
                go.close()
        aside = beside()
        for index in _claim(counter, total):
            results[index] = here(index)
            done += 1
            while receiving and receive.poll():
                take()
        while receiving and done < total:  # every chunk is claimed: the rest are the worker's
            take()
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    return results, aside


def _claim(counter: Any, total: int) -> Iterator[int]:
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value = index + 1
        if index >= total:
            return
        yield index


def _work(total: int, there: Callable[[int], Any], counter: Any, send: Any, wait: Any, go: Any) -> None:
    """The worker: once ``wait`` is closed at its other end (when given), do chunks until none
    is left, sending each as it is done (by a second thread, so the work never waits for the
    pipe), then leave without a trace."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    gc.disable()
    if wait is not None:
        go.close()  # the fork's copy of the parent's end: else the end never comes
        with contextlib.suppress(EOFError, OSError):
            wait.recv()
    outbox: queue.SimpleQueue[tuple[int, Any] | None] = queue.SimpleQueue()

    def post() -> None:
        try:
            while (message := outbox.get()) is not None:
                send.send(message)
        except OSError:
            os._exit(1)  # the parent stopped listening (it is on its way out): no traceback

    try:
        sender = threading.Thread(target=post, daemon=True)
        sender.start()
        for index in _claim(counter, total):
            outbox.put((index, there(index)))
        outbox.put(None)
        sender.join()
        send.close()
    except BaseException:
        os._exit(1)  # no traceback: the parent does these chunks itself, and reports any error
    os._exit(0)
