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

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from vaultsync.errors import UsageError, VaultsyncError

if TYPE_CHECKING:
    from vaultsync.sync import Build

log = logging.getLogger("vaultsync.push")

MARK = "X-VAULTSYNC-DIGEST"
#: Seconds for any one request to the server.
TIMEOUT = 30


class PushError(VaultsyncError):
    """The CalDAV server could not be reached, refused us, or failed a request."""


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


def push(
    calendar: bytes,
    url: str,
    *,
    name: str,
    username: str | None = None,
    password: str | None = None,
    client: Callable[..., Any] | None = None,
) -> PushResult:
    """Make the CalDAV calendar at ``url`` hold exactly the events of ``calendar`` (its bytes).

    The calendar is made (with display name ``name``) when missing. ``client`` replaces
    ``caldav.DAVClient`` (tests count requests with it).
    """
    import caldav
    from caldav.lib import error

    where = public_url(url)
    result = PushResult(where)
    wanted = resources(calendar)
    make_client: Callable[..., Any] = client or caldav.DAVClient  # type: ignore[assignment]
    try:
        with make_client(
            url=url, username=username, password=password, timeout=TIMEOUT, enable_rfc6764=False
        ) as dav:
            remote = dav.calendar(url=url)
            try:
                existing = remote.get_events()
            except error.NotFoundError:
                remote, existing = _make_calendar(dav, url, name), []
                result.made_calendar = True
            _sync(remote, existing, wanted, result)
    except error.AuthorizationError as err:
        raise PushError(f"{where}: the server refused the user name or password ({_short(err)})") from None
    except error.DAVError as err:
        raise PushError(f"{where}: the CalDAV server failed a request: {_short(err)}") from None
    except OSError as err:  # connection refused, DNS, TLS, timeouts (the HTTP library's errors are OSErrors)
        raise PushError(f"{where}: cannot reach the server: {_short(err)}") from None
    return result


def _make_calendar(dav: Any, url: str, name: str) -> Any:
    from caldav.collection import CalendarSet

    parent, _, cal_id = url.rstrip("/").rpartition("/")
    return CalendarSet(dav, url=parent + "/").make_calendar(name=name, cal_id=cal_id)


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


def _short(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


class Pusher:
    """``on_build`` for the watcher: push after each build that changed the calendar, and after
    any build that follows a failed push. A failure is one line in the log; the watcher goes on."""

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        client: Callable[..., Any] | None = None,
    ) -> None:
        self.url = url
        self.username = username
        self._password = password
        self._client = client
        self.in_step = False  # the server holds the last build (no push yet in this process: no)

    def __call__(self, build: Build) -> PushResult | None:
        if self.in_step and not build.written:
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
            )
        except (PushError, OSError) as err:
            self.in_step = False
            log.error("push failed (trying again after the next build): %s", err)
            return None
        self.in_step = not result.foreign
        log.info("%s", result.summary())
        for uid in result.foreign:
            log.warning("%s: left alone: an event vaultsync did not add holds this UID", uid)
        return result
