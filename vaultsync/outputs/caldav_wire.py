"""The connection a push holds to a CalDAV server: its bounds in time, cutting it, and what a
failure below HTTP means in words.

The HTTP library's timeout bounds each read of the socket, not a request: the bounds of a push
are kept here by the clock, on a thread of its own (``bounded``).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from vaultsync.errors import VaultsyncError

#: Seconds for any one request to the server, from sending it to the last byte of the answer.
TIMEOUT = 30.0
#: The whole push may take as long as this many requests.
PUSH_REQUESTS = 10
#: Seconds between two looks at the bounds while a push runs.
POLL = 0.1
#: Seconds a push waits for its request to end once it has cut the connection.
ABORT_GRACE = 1.0


class PushError(VaultsyncError):
    """The push did not happen: the server could not be reached, refused us, is not a
    calendar, or failed a request. Its own exit code: the events are not (all) on the server."""

    exit_code = 3


SLOW = "try again later, or give a longer --timeout"

T = TypeVar("T")


def public_url(url: str) -> str:
    """``url`` without any user name or password in it, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def basic_auth(username: str, password: str) -> Any:
    """Basic credentials to send with the first request (without them every push starts with
    a 401 and a retry, and servers such as Radicale make each failed login wait)."""
    from caldav.lib.http_sync import HTTPBasicAuth

    return HTTPBasicAuth(username, password)


def timed(base: Any) -> Any:
    """``base`` (a DAVClient class) noting when the request under way began, for ``bounded``."""

    class Timed(base):  # type: ignore[misc]
        started: float | None = None

        def request(self, *args: Any, **kwargs: Any) -> Any:
            self.started = time.monotonic()
            try:
                return super().request(*args, **kwargs)
            finally:
                self.started = None

    return Timed


def bounded(
    work: Callable[[], T],
    dav: Any,
    where: str,
    timeout: float,
    deadline: float | None,
    cancel: threading.Event | None,
) -> T:
    """Run ``work`` on a thread of its own and wait for it within the bounds.

    The HTTP library's timeout bounds each read of the socket, so a server that sends a byte
    every few seconds would hold a request for ever: the bounds are kept here instead, by the
    clock, and a request past them has its connection cut.
    """
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as err:  # handed to the waiting thread, which raises it
            outcome.append(err)

    thread = threading.Thread(target=run, name="vaultsync-push", daemon=True)
    begun = time.monotonic()
    whole = timeout * PUSH_REQUESTS if deadline is None else deadline
    thread.start()
    while True:
        thread.join(POLL)
        if not thread.is_alive():
            break
        now, started = time.monotonic(), dav.started
        if cancel is not None and cancel.is_set():
            problem = "stopped before the push was done"
        elif started is not None and now - started > timeout:
            problem = f"the server did not answer within {timeout:g} s ({SLOW})"
        elif now - begun > whole:
            problem = f"the push did not finish within {whole:g} s (the server is too slow)"
        else:
            continue
        _cut(dav)
        thread.join(ABORT_GRACE)
        raise PushError(f"{where}: {problem}")
    done = outcome[0]
    if isinstance(done, BaseException):
        raise done
    return done


def _cut(dav: Any) -> None:
    """Shut the sockets of ``dav``'s session, so that a request stuck in a read ends now.

    The HTTP library has no call for this: its pools are walked as niquests (urllib3-future)
    keeps them. With another library nothing is found here, and the push thread is left to end
    by itself (it is a daemon thread: it never keeps the process alive).
    """
    for adapter in list(getattr(dav.session, "adapters", {}).values()):
        manager = getattr(adapter, "poolmanager", None)
        for pool in _registered(getattr(manager, "pools", None)):
            for connection in _registered(getattr(pool, "pool", None)):
                sock = getattr(connection, "sock", None)
                if isinstance(sock, socket.socket):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(Exception):
        dav.session.close()


def _registered(police: Any) -> list[Any]:
    registry = getattr(police, "_registry", None)
    return list(registry.values()) if isinstance(registry, dict) else []


def network_problem(err: BaseException, url: str) -> str:
    """What went wrong below HTTP, in words: the deepest cause the HTTP library wrapped."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for cause in _causes(err):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"its TLS certificate is not trusted ({cause.verify_message or cause.reason})"
        if isinstance(cause, ssl.SSLError):
            reason = str(cause.reason or cause.strerror).lower().replace("_", " ")
            return f"the TLS handshake failed ({reason}): is the port one for https?"
        if isinstance(cause, socket.gaierror):
            return f"the host name {host} cannot be found (check the URL, and that this machine is online)"
        if isinstance(cause, ConnectionRefusedError):
            return (
                f"nothing answers at {host}:{port} (connection refused): is the server running, and "
                "the port right?"
            )
        if isinstance(cause, (TimeoutError, socket.timeout)):
            return f"the server did not answer in time ({SLOW})"
        if isinstance(cause, ConnectionResetError):
            return "the server closed the connection"
    return f"cannot reach the server ({_plain(err)})"


def _causes(err: BaseException) -> list[BaseException]:
    """``err`` and what it wraps, deepest first (as ``__cause__``, ``__context__``, arguments)."""
    seen: list[BaseException] = []
    todo = [err]
    while todo:
        one = todo.pop()
        if any(one is s for s in seen):
            continue
        seen.append(one)
        todo += [x for x in (one.__cause__, one.__context__, *one.args) if isinstance(x, BaseException)]
        reason = getattr(one, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
    return seen[::-1]


def _plain(err: BaseException) -> str:
    """A message without the Python objects the HTTP library puts in its own."""
    for cause in _causes(err):
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
    return type(err).__name__
