"""Pushing the calendar to a CalDAV server (Nextcloud, Fastmail, iCloud, Radicale, ...).

After a push the calendar at the URL holds exactly the vault's events: new ones are added,
changed ones replaced (same UID, same resource), the ones vaultsync put there earlier and that are
no longer due are deleted, and events it did not put there are left alone.

Every event vaultsync puts carries ``X-VAULTSYNC-DIGEST``, a hash of the event as sent. It marks
the events a push owns (only those are ever replaced or deleted), and tells an unchanged event
from a changed one without comparing bytes with the server's copy (servers rewrite what they
store). So a second push with nothing changed reads the calendar once and writes nothing.

This module is the push as its callers see it; the rest is in three rooms below it:
``caldav_plan`` (what to write), ``caldav_server`` (the conversation with the server) and
``caldav_wire`` (the connection's bounds in time, and network failures in words).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Unpack
from urllib.parse import urlsplit

from vaultsync.errors import UsageError
from vaultsync.outputs.caldav_plan import MARK, PushResult, Resource, resources
from vaultsync.outputs.caldav_server import CALENDARS, Bounds, converse
from vaultsync.outputs.caldav_wire import TIMEOUT, PushError, public_url

if TYPE_CHECKING:
    from vaultsync.model.audit import Build

log = logging.getLogger("vaultsync.push")

#: What callers import from here, whichever room below defines it.
__all__ = [
    "MARK",
    "TIMEOUT",
    "PushError",
    "PushResult",
    "Pusher",
    "Resource",
    "check_url",
    "public_url",
    "push",
    "quiet_library",
    "resources",
]


def check_url(url: str, *, password: bool, option: str = "--url") -> list[str]:
    """Refuse a URL a push cannot use (given by ``option``); the warnings it deserves (a
    password sent in clear)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option}: {url!r} is not an http:// or https:// URL")
    if parts.password is not None:
        raise UsageError(
            f"{option}: put the password in an environment variable (--password-env VAR), not in the "
            "URL, where your shell history keeps it"
        )
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if password and parts.scheme == "http" and not loopback:
        return [f"{public_url(url)} is plain http: the password crosses the network unencrypted"]
    return []


def quiet_library() -> None:
    """Keep the caldav library's own log lines (its warnings about odd answers, with their
    tracebacks) off stderr: a push reports each failure once, in its own words."""
    library = logging.getLogger("caldav")
    library.propagate = False  # the root logger may have a handler: caldav calls logging.info()
    if not any(isinstance(handler, logging.NullHandler) for handler in library.handlers):
        library.addHandler(logging.NullHandler())


def push(calendar: bytes, url: str, *, name: str, **bounds: Unpack[Bounds]) -> PushResult:
    """Make the CalDAV calendar at ``url`` hold exactly the events of ``calendar`` (its bytes).

    Nothing is written unless ``url`` is a calendar, or nothing at all, where the calendar is
    made (with display name ``name``). The bounds: ``caldav_server.Bounds``. Every failure is a
    PushError saying what to do.
    """
    wanted = resources(calendar)
    return converse(url, CALENDARS, lambda target: target.push(wanted, name), **bounds)


class Pusher:
    """``on_build`` for the watcher: push after each build that changed the calendar, and after
    any build that follows a failed push.

    Pushes run on a thread of their own, so a slow or stalled server never holds the watcher:
    a build that comes while a push is under way waits, and only the latest one is pushed. A
    failure is one line in the log; the watcher goes on. ``close()`` stops within CLOSE_SECONDS,
    whatever the server does."""

    #: Seconds ``close()`` waits for a push under way to give up.
    CLOSE_SECONDS = 2.0

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        client: Callable[..., Any] | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.url = url
        self.username = username
        self._password = password
        self._client = client
        self.timeout = timeout
        self.in_step = False  # the server holds the last build (no push yet in this process: no)
        self._cond = threading.Condition()
        self._waiting: Build | None = None  # the latest build not pushed yet
        self._changed = False  # whether any build folded into it wrote the calendar
        self._busy = False
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, build: Build) -> None:
        with self._cond:
            if self._closed.is_set():
                return
            self._waiting = build
            self._changed = self._changed or build.written
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="vaultsync-pusher", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._waiting is None and not self._closed.is_set():
                    self._cond.wait()
                if self._closed.is_set():
                    return
                build, changed, self._waiting, self._changed = self._waiting, self._changed, None, False
                self._busy = True
            try:
                assert build is not None
                self.push_now(build, changed=changed)
            except Exception as err:  # the thread must live on: a bug is logged, not fatal
                log.error("push failed: %s: %s", type(err).__name__, err)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def push_now(self, build: Build, *, changed: bool | None = None) -> PushResult | None:
        """Push ``build`` on this thread, unless the server holds it already (None then, and
        after a failure, which is logged)."""
        if self.in_step and not (build.written if changed is None else changed):
            return None
        try:
            data = build.path.read_bytes()
            name = build.audit.vault.settings.calendar_name
            result = push(
                data,
                self.url,
                name=name,
                username=self.username,
                password=self._password,
                client=self._client,
                timeout=self.timeout,
                cancel=self._closed,
            )
        except (PushError, OSError) as err:
            self.in_step = False
            if self._closed.is_set():
                log.info("push stopped: the watcher is stopping")
            else:
                log.error("push failed (trying again after the next build): %s", err)
            return None
        self.in_step = not result.foreign
        log.info("%s", result.summary())
        for uid in result.foreign:
            log.warning("%s: left alone: an event vaultsync did not add holds this UID", uid)
        return result

    def close(self) -> None:
        """Stop: a push under way gives up (its connection cut), and no other starts."""
        with self._cond:
            self._closed.set()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(self.CLOSE_SECONDS)
