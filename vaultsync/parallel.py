"""Reading many notes on two cores: this process and one forked worker share a list of chunks.

Each takes the next chunk from a shared counter until none is left, so neither waits for the
other whatever the notes cost. The worker sends back its chunks pickled (the same bytes the
cache stores); if it dies, this process reads whatever it had claimed. A fork copies the
settings and paths for free, and is only safe with one thread: elsewhere (a second thread,
macOS, Windows) everything is read in this process.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultsync.cache import Record, Signature, dump_records, load_records

if TYPE_CHECKING:
    from vaultsync.config import Settings

#: Notes per chunk, and the fewest worth a second process (forking costs ~10 ms).
CHUNK = 200
MIN_NOTES = 1000
#: This process and one worker (the issue's machine has two cores).
PROCESSES = 2

Chunk = Sequence[tuple[str, Signature | None]]
Loaded = tuple[dict[str, Record], bytes | None]


def default_processes() -> int:
    """2 when forking is safe and a second core is there, else 1."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(PROCESSES, cores)


def read_chunk(root: Path, settings: Settings, chunk: Chunk) -> dict[str, Record]:
    from vaultsync.vault import load_entry

    return {path: (sig, load_entry(root, path, settings)) for path, sig in chunk}


def load(
    root: Path, settings: Settings, items: Chunk, *, processes: int | None = None, pickled: bool = False
) -> list[Loaded]:
    """Read the notes of ``items``; each chunk's records, pickled too when ``pickled`` (for the cache)."""
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    if processes is None:
        processes = default_processes()
    if processes < 2 or len(items) < MIN_NOTES:
        return [(read_chunk(root, settings, chunk), None) for chunk in chunks]
    return _load_forked(root, settings, chunks, pickled)


def _load_forked(root: Path, settings: Settings, chunks: list[Chunk], pickled: bool) -> list[Loaded]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    counter = context.Value("i", 0)
    receive, send = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):  # or the worker would flush a copy of what is buffered
        stream.flush()
    worker = context.Process(target=_work, args=(root, settings, chunks, counter, send), daemon=True)
    worker.start()
    send.close()
    results: list[Loaded | None] = [None] * len(chunks)
    try:
        for index in _claim(counter, len(chunks)):
            records = read_chunk(root, settings, chunks[index])
            results[index] = (records, dump_records(records) if pickled else None)
        try:
            for index, blob in receive.recv():
                results[index] = (load_records(blob), blob)
        except (EOFError, OSError):
            pass  # the worker died: its chunks are read below
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    return [
        result if result is not None else (read_chunk(root, settings, chunks[index]), None)
        for index, result in enumerate(results)
    ]


def _claim(counter: Any, total: int) -> Iterator[int]:
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value = index + 1
        if index >= total:
            return
        yield index


def _work(root: Path, settings: Settings, chunks: list[Chunk], counter: Any, send: Any) -> None:
    """The worker: read chunks until none is left, send them pickled, leave without a trace."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    gc.disable()
    try:
        done = [
            (index, dump_records(read_chunk(root, settings, chunks[index])))
            for index in _claim(counter, len(chunks))
        ]
        send.send(done)
        send.close()
    except BaseException:
        os._exit(1)  # no traceback: the parent reads these chunks itself, and reports any error
    os._exit(0)
