"""Reading a child process's output without ever blocking a test for good."""

from __future__ import annotations

import queue
import threading
from typing import IO


def line_queue(stream: IO[str] | None) -> queue.Queue[str]:
    """The lines of ``stream`` (newline stripped) as they come, read on a thread of their own;
    ``get(timeout=...)`` bounds each wait. At its end the stream is closed and an empty string
    put."""
    assert stream is not None
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        with stream:
            for line in stream:
                lines.put(line.rstrip("\n"))
        lines.put("")

    threading.Thread(target=read, daemon=True).start()
    return lines
