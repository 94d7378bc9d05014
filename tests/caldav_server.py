"""A real CalDAV server for the push tests: Radicale, on 127.0.0.1 and a free port, storing in a
temporary folder, and a DAVClient that records every request it sends."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interop_readers import unavailable

STARTUP_SECONDS = 20


@dataclass(frozen=True)
class Radicale:
    base: str  # http://127.0.0.1:PORT/
    storage: Path

    def calendar_url(self, user: str, name: str) -> str:
        return f"{self.base}{user}/{name}/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def radicale(folder: Path, users: dict[str, str] | None = None) -> Iterator[Radicale]:
    """Run Radicale until the block ends. ``users`` (name: password) turns on htpasswd auth."""
    try:
        import radicale as _  # noqa: F401
    except ImportError:
        unavailable("Radicale is missing: python3 -m pip install -e '.[test]'")
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    if users:
        htpasswd = folder / "users"
        htpasswd.write_text("".join(f"{u}:{p}\n" for u, p in users.items()))
        auth = f"type = htpasswd\nhtpasswd_filename = {htpasswd}\nhtpasswd_encryption = plain\ndelay = 0\n"
    else:
        auth = "type = none\n"
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\n{auth}[rights]\ntype = owner_only\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n[web]\ntype = none\n"
        "[logging]\nlevel = error\n"
    )
    log = (folder / "log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Radicale exited: {(folder / 'log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Radicale did not start in {STARTUP_SECONDS} s") from None
                time.sleep(0.05)
        yield Radicale(f"http://127.0.0.1:{port}/", folder / "collections")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


def counting_client(requests: list[tuple[str, str]]) -> Any:
    """A caldav.DAVClient class that appends (method, url) to ``requests`` for each request."""
    import caldav

    class Counting(caldav.DAVClient):  # type: ignore[misc,name-defined]
        def request(self, url: Any, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
            requests.append((method, str(url)))
            return super().request(url, method, *args, **kwargs)

    return Counting
