"""Pushing the calendar to a CalDAV server (Nextcloud, Fastmail, iCloud, Radicale, ...).

After a push the calendar at the URL holds exactly the vault's events: new ones are added,
changed ones replaced (same UID, same resource), the ones vaultsync put there earlier and that are
no longer due are deleted, and events it did not put there are left alone.

Every event vaultsync puts carries ``X-VAULTSYNC-DIGEST``, a hash of the event as sent. It marks
the events a push owns (only those are ever replaced or deleted), and tells an unchanged event
from a changed one without comparing bytes with the server's copy (servers rewrite what they
store). So a second push with nothing changed reads the calendar once and writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from vaultsync.errors import UsageError, VaultsyncError

if TYPE_CHECKING:
    from vaultsync.model.audit import Build

log = logging.getLogger("vaultsync.push")

MARK = "X-VAULTSYNC-DIGEST"
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


@dataclass(frozen=True)
class Resource:
    """One calendar object resource: a VCALENDAR holding one event (and its time zone)."""

    uid: str
    digest: str
    ics: bytes


@dataclass
class PushResult:
    url: str
    made_calendar: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    foreign: list[str] = field(default_factory=list)  # a UID we would write, held by an event not ours

    @property
    def writes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deleted)

    def summary(self) -> str:
        made = "made the calendar, " if self.made_calendar else ""
        return (
            f"pushed to {self.url}: {made}{len(self.created)} added, {len(self.updated)} replaced, "
            f"{len(self.deleted)} deleted, {self.unchanged} unchanged"
        )


def resources(calendar: bytes) -> list[Resource]:
    """The calendar split into one resource per event, each marked with its digest."""
    from icalendar import Calendar

    whole = Calendar.from_ical(calendar)
    zones = {str(zone["tzid"]): zone for zone in whole.walk("VTIMEZONE")}
    out = []
    for event in whole.walk("VEVENT"):
        one = Calendar()
        for name in ("prodid", "version", "calscale"):
            if name in whole:
                one.add(name, whole[name])
        used = _tzids(event)
        for tzid in sorted(used & zones.keys()):
            one.add_component(zones[tzid])
        one.add_component(event)
        digest = hashlib.sha256(one.to_ical()).hexdigest()[:32]
        event.add(MARK, digest)
        out.append(Resource(str(event["uid"]), digest, one.to_ical()))
    return out


def _tzids(event: Any) -> set[str]:
    return {
        str(value.params["TZID"])
        for name in ("dtstart", "dtend")
        if (value := event.get(name)) is not None and "TZID" in value.params
    }


def public_url(url: str) -> str:
    """``url`` without any user name or password in it, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def check_url(url: str, *, password: bool) -> list[str]:
    """Refuse a URL a push cannot use; the warnings it deserves (a password sent in clear)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--url: {url!r} is not an http:// or https:// URL")
    if parts.password is not None:
        raise UsageError(
            "--url: put the password in an environment variable (--password-env VAR), not in the "
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


def push(
    calendar: bytes,
    url: str,
    *,
    name: str,
    username: str | None = None,
    password: str | None = None,
    client: Callable[..., Any] | None = None,
    timeout: float = TIMEOUT,
    deadline: float | None = None,
    cancel: threading.Event | None = None,
) -> PushResult:
    """Make the CalDAV calendar at ``url`` hold exactly the events of ``calendar`` (its bytes).

    Nothing is written unless ``url`` is a calendar, or nothing at all, where the calendar is
    made (with display name ``name``). Each request may take ``timeout`` seconds, first byte to
    last, and the whole push ``deadline`` (default: PUSH_REQUESTS requests' worth); setting
    ``cancel`` gives up at once. Every failure is a PushError saying what to do. ``client``
    replaces ``caldav.DAVClient`` (tests count requests with it).
    """
    import caldav

    where = public_url(url)
    wanted = resources(calendar)
    make_client: Callable[..., Any] = client or caldav.DAVClient  # type: ignore[assignment]
    # Basic credentials go with the first request: without them every push starts with a 401
    # and a retry, and servers such as Radicale make each failed login wait.
    auth = _basic(username, password) if username is not None and password is not None else None
    dav = _timed(make_client)(
        url=url, username=username, password=password, auth=auth, timeout=timeout, enable_rfc6764=False
    )
    target = _Target(dav, url, where, username)
    try:
        return _bounded(lambda: target.push(wanted, name), dav, where, timeout, deadline, cancel)
    finally:
        dav.close()


def _basic(username: str, password: str) -> Any:
    from caldav.lib.http_sync import HTTPBasicAuth

    return HTTPBasicAuth(username, password)


def _timed(base: Any) -> Any:
    """``base`` (a DAVClient class) noting when the request under way began, for ``_bounded``."""

    class Timed(base):  # type: ignore[misc]
        started: float | None = None

        def request(self, *args: Any, **kwargs: Any) -> Any:
            self.started = time.monotonic()
            try:
                return super().request(*args, **kwargs)
            finally:
                self.started = None

    return Timed


def _bounded(
    work: Callable[[], PushResult],
    dav: Any,
    where: str,
    timeout: float,
    deadline: float | None,
    cancel: threading.Event | None,
) -> PushResult:
    """Run ``work`` on a thread of its own and wait for it within the bounds.

    The HTTP library's timeout bounds each read of the socket, so a server that sends a byte
    every few seconds would hold a request for ever: the bounds are kept here instead, by the
    clock, and a request past them has its connection cut.
    """
    outcome: list[PushResult | BaseException] = []

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


@dataclass(frozen=True)
class _Target:
    """The URL a push writes to, and how each of its failures reads for the user."""

    dav: Any
    url: str
    where: str
    username: str | None

    def push(self, wanted: list[Resource], name: str) -> PushResult:
        from caldav.lib import error
        from lxml import etree

        result = PushResult(self.where)
        try:
            if self._is_calendar():
                remote = self.dav.calendar(url=self.url)
                existing = remote.get_events()
            else:
                self._check_parent()
                remote, existing = self._make_calendar(name), []
                result.made_calendar = True
            _sync(remote, existing, wanted, result)
        except PushError:
            raise
        except error.AuthorizationError as err:
            raise PushError(f"{self.where}: {self._refused(err.status)}") from None
        except error.DAVError as err:
            raise PushError(f"{self.where}: the server failed a request: {_reason(err)}") from None
        except etree.LxmlError:
            raise PushError(f"{self.where}: {NOT_XML}") from None
        except OSError as err:  # the HTTP library's errors are OSErrors
            raise PushError(f"{self.where}: {network_problem(err, self.url)}") from None
        return result

    def _is_calendar(self) -> bool:
        """True for a calendar, False where nothing is; PushError for anything else."""
        from caldav.lib import error

        try:
            answer = self._propfind(self.url, 0, PROPS)
        except error.AuthorizationError as err:
            if err.status != 401 or self.dav.auth is None:
                raise
            # Refused with Basic sent up front: the server may want another scheme (Digest),
            # which the library negotiates from the 401 when it has no credentials ready.
            self.dav.auth = None
            answer = self._propfind(self.url, 0, PROPS)
        if answer is None:
            return False
        kinds = _resourcetype(answer[0])
        if CALDAV + "calendar" in kinds:
            return True
        raise PushError(f"{self.where} is {_describe(kinds)}, not a calendar: {self._advice(answer[0])}")

    def _propfind(self, url: str, depth: int, props: str) -> list[Any] | None:
        """The ``{DAV:}response`` elements of a PROPFIND, or None for a 404."""
        reply = self.dav.request(url, "PROPFIND", PROPFIND.format(props=props), {"Depth": str(depth)})
        kind = str(reply.headers.get("Content-Type", "")).split(";")[0].strip().lower()
        if reply.status == 404:
            return None
        if reply.status == 207:
            tree = reply.tree
            if tree is None or tree.tag != DAV + "multistatus":
                raise PushError(f"{self.where}: {NOT_XML}")
            found = list(tree.iter(DAV + "response"))
            if depth == 0 and found and " 404 " in (found[0].findtext(DAV + "status") or ""):
                return None  # Xandikos says "not found" inside a 207
            return found
        if 200 <= reply.status < 300 and kind in ("text/html", "application/xhtml+xml"):
            raise PushError(
                f"{self.where}: the server answered with a web page, not CalDAV: a Wi-Fi login "
                "page, or a calendar's web address instead of its CalDAV one (see docs/subscribing.md)"
            )
        if reply.status in (405, 501) or 200 <= reply.status < 300:
            raise PushError(
                f"{self.where}: this is not a CalDAV address (PROPFIND answered {reply.status} "
                f"{_phrase(reply)}): use the calendar's CalDAV URL (see docs/subscribing.md)"
            )
        raise PushError(f"{self.where}: the server failed a request: {reply.status} {_phrase(reply)}")

    def _advice(self, answer: Any) -> str:
        """Where to push instead: the calendars found below the URL, or a new one."""
        home = _href(answer, CALDAV + "calendar-home-set")
        principal = _href(answer, DAV + "current-user-principal")
        if home is None and principal is not None:
            found = self._propfind(urljoin(self.url, principal), 0, PROPS)
            home = _href(found[0], CALDAV + "calendar-home-set") if found else None
        calendars: list[str] = []
        for folder in dict.fromkeys([self.url, *([urljoin(self.url, home)] if home else [])]):
            calendars = self._calendars_in(folder)
            if calendars:
                break
        new = public_url(urljoin(urljoin(self.url, home or ""), "vaultsync/"))
        if calendars:
            return f"push to one of your calendars ({', '.join(calendars)}), or to a new one such as {new}"
        return f"push to a new calendar such as {new} (push makes it)"

    def _calendars_in(self, folder: str) -> list[str]:
        found = self._propfind(folder, 1, PROPS) or []
        return sorted(
            public_url(urljoin(folder, href.text))
            for answer in found
            if CALDAV + "calendar" in _resourcetype(answer)
            and (href := answer.find(DAV + "href")) is not None
            and href.text
        )

    def _check_parent(self) -> None:
        """Refuse to make a calendar where its parent is missing, or is a calendar itself (which
        Xandikos allows, and no calendar app shows)."""
        parent = self._parent()
        answer = self._propfind(parent, 0, PROPS)
        if answer is None:
            raise self._not_found()
        if CALDAV + "calendar" in _resourcetype(answer[0]):
            raise PushError(
                f"{self.where}: nothing is there, and {public_url(parent)} is a calendar: push to it, "
                "or to a new calendar beside it"
            )

    def _parent(self) -> str:
        return self.url.rstrip("/").rpartition("/")[0] + "/"

    def _not_found(self) -> PushError:
        return PushError(
            f"{self.where}: not found, nor is {public_url(self._parent())}: check the URL (its last "
            "part is the calendar, the part before it your account's calendars)"
        )

    def _make_calendar(self, name: str) -> Any:
        from caldav.collection import CalendarSet
        from caldav.lib import error

        parent, _, cal_id = self.url.rstrip("/").rpartition("/")
        try:
            return CalendarSet(self.dav, url=parent + "/").make_calendar(name=name, cal_id=cal_id)
        except error.AuthorizationError as err:
            if err.status == 401:
                raise
            raise PushError(
                f"{self.where}: nothing is there, and the server does not let {self._who()} make a "
                "calendar there: make one in your calendar app and push to its URL"
            ) from None
        except error.DAVError as err:
            if err.status in (404, 409):
                raise self._not_found() from None
            raise PushError(
                f"{self.where}: nothing is there, and the server would not make a calendar there "
                f"({_reason(err)}): make one in your calendar app and push to its URL"
            ) from None

    def _refused(self, status: int | None) -> str:
        if status == 403:
            return (
                f"{self._who()} may not write to this calendar (403 Forbidden): check that the URL names one "
                "of your own calendars (or one shared with you for writing)"
            )
        if self.username is None:
            return "the server asks for a user name and password: give --user (and --password-env VAR)"
        return f"the server refused the user name or password of {self.username} (401 Unauthorized)"

    def _who(self) -> str:
        return self.username if self.username is not None else "an anonymous user"


DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"
PROPFIND = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><prop>{props}</prop></propfind>'
)
PROPS = "<resourcetype/><current-user-principal/><C:calendar-home-set/>"
NOT_XML = (
    "the server's answer is not WebDAV (its XML is malformed or missing): is this the calendar's CalDAV URL?"
)
SLOW = "try again later, or give a longer --timeout"
KINDS = {
    DAV + "principal": "an account (a principal)",
    "{urn:ietf:params:xml:ns:carddav}addressbook": "an address book",
    CALDAV + "schedule-inbox": "a scheduling inbox",
    CALDAV + "schedule-outbox": "a scheduling outbox",
}


def _resourcetype(answer: Any) -> set[str]:
    kinds = answer.find(f".//{DAV}resourcetype")
    return set() if kinds is None else {str(kind.tag) for kind in kinds}


def _describe(kinds: set[str]) -> str:
    for tag, words in KINDS.items():
        if tag in kinds:
            return words
    return "a folder (a collection)" if DAV + "collection" in kinds else "a file (not a collection)"


def _href(answer: Any, prop: str) -> str | None:
    found = answer.find(f".//{prop}/{DAV}href")
    return str(found.text).strip() if found is not None and found.text else None


def _phrase(reply: Any) -> str:
    return " ".join(str(reply.reason or "").split()) or "(no reason given)"


def _reason(err: Any) -> str:
    """A caldav error's reason, as the server gave it (its status and text)."""
    reason = " ".join(str(err.reason).split())
    if err.status is not None and str(err.status) not in reason:
        reason = f"{err.status} {reason}"
    return reason


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


def _sync(remote: Any, existing: list[Any], wanted: list[Resource], result: PushResult) -> None:
    ours: dict[str, tuple[Any, str]] = {}
    theirs: set[str] = set()
    for obj in existing:
        component = obj.icalendar_component
        uid = str(component.get("uid", ""))
        mark = component.get(MARK)
        if mark is None:
            theirs.add(uid)
        else:
            ours[uid] = (obj, str(mark))
    for resource in wanted:
        if resource.uid in theirs:
            result.foreign.append(resource.uid)
        elif resource.uid in ours:
            obj, mark = ours.pop(resource.uid)
            if mark == resource.digest:
                result.unchanged += 1
            else:
                obj.data = resource.ics.decode()
                obj.save(increase_seqno=False)
                result.updated.append(resource.uid)
        else:
            remote.add_event(resource.ics.decode(), increase_seqno=False)
            result.created.append(resource.uid)
    for uid, (obj, _) in sorted(ours.items()):
        obj.delete()
        result.deleted.append(uid)


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
