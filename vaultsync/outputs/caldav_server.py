"""The conversation with a CalDAV or CardDAV server: is the URL a calendar (an address book),
where to push instead, making one; and each of the server's refusals in the user's words.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from vaultsync.outputs.caldav_plan import EventWrites, PushResult, Resource, apply, held_events
from vaultsync.outputs.caldav_wire import (
    TIMEOUT,
    PushError,
    basic_auth,
    bounded,
    network_problem,
    public_url,
    timed,
)

DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"
CARDDAV = "{urn:ietf:params:xml:ns:carddav}"


@dataclass(frozen=True)
class Kind:
    """What a push writes into, in the server's tags and in the user's words."""

    noun: str  # "calendar"
    protocol: str  # "CalDAV"
    tag: str  # its resourcetype
    home: str  # the property naming the account's folder of them
    app: str  # where a user makes one by hand
    new: str  # the name of a new one, as push suggests it


CALENDARS = Kind(
    "calendar", "CalDAV", CALDAV + "calendar", CALDAV + "calendar-home-set", "calendar app", "vaultsync/"
)
ADDRESS_BOOKS = Kind(
    "address book",
    "CardDAV",
    CARDDAV + "addressbook",
    CARDDAV + "addressbook-home-set",
    "contacts app",
    "vaultsync-contacts/",
)


class Bounds(TypedDict, total=False):
    """Who a push is, and how long it may take: each request ``timeout`` seconds, first byte to
    last, and the whole push ``deadline`` (default: PUSH_REQUESTS requests' worth); setting
    ``cancel`` gives up at once. ``client`` replaces ``caldav.DAVClient`` (tests count requests
    with it)."""

    username: str | None
    password: str | None
    client: Callable[..., Any] | None
    timeout: float
    deadline: float | None
    cancel: threading.Event | None


def converse(
    url: str, kind: Kind, work: Callable[[Target], PushResult], **bounds: Unpack[Bounds]
) -> PushResult:
    """``work`` done with the server at ``url`` (a ``kind``), within the bounds: every failure
    is a PushError saying what to do."""
    import caldav

    username, password = bounds.get("username"), bounds.get("password")
    timeout = bounds.get("timeout", TIMEOUT)
    where = public_url(url)
    make_client: Callable[..., Any] = bounds.get("client") or caldav.DAVClient  # type: ignore[assignment]
    auth = basic_auth(username, password) if username is not None and password is not None else None
    dav = timed(make_client)(
        url=url, username=username, password=password, auth=auth, timeout=timeout, enable_rfc6764=False
    )
    target = Target(dav, url, where, username, kind)
    try:
        return bounded(
            lambda: work(target), dav, where, timeout, bounds.get("deadline"), bounds.get("cancel")
        )
    finally:
        dav.close()


@dataclass(frozen=True)
class Target:
    """The URL a push writes to (a calendar, or an address book: ``kind``), and how each of its
    failures reads for the user."""

    dav: Any
    url: str
    where: str
    username: str | None
    kind: Kind = CALENDARS

    def push(self, wanted: list[Resource], name: str) -> PushResult:
        """Make the calendar at the URL hold exactly ``wanted`` (made, named ``name``, if missing)."""
        result = PushResult(self.where)
        with self.failures():
            if self.is_there():
                remote = self.dav.calendar(url=self.url)
                existing = held_events(remote.get_events())
            else:
                self.check_parent()
                remote, existing = self._make_calendar(name), []
                result.made_calendar = True
            apply(existing, wanted, EventWrites(remote), result)
        return result

    @contextlib.contextmanager
    def failures(self) -> Iterator[None]:
        """Every failure of the conversation inside, as a PushError in the user's words."""
        from caldav.lib import error
        from lxml import etree

        try:
            yield
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

    def is_there(self) -> bool:
        """True for a calendar (an address book), False where nothing is; PushError for
        anything else."""
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
        if self.kind.tag in kinds:
            return True
        noun = self.kind.noun
        raise PushError(f"{self.where} is {_describe(kinds)}, not {_a(noun)}: {self._advice(answer[0])}")

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
        noun, protocol = self.kind.noun, self.kind.protocol
        if 200 <= reply.status < 300 and kind in ("text/html", "application/xhtml+xml"):
            raise PushError(
                f"{self.where}: the server answered with a web page, not {protocol}: a Wi-Fi login "
                f"page, or {_a(noun)}'s web address instead of its {protocol} one (see docs/subscribing.md)"
            )
        if reply.status in (405, 501) or 200 <= reply.status < 300:
            raise PushError(
                f"{self.where}: this is not a {protocol} address (PROPFIND answered {reply.status} "
                f"{_phrase(reply)}): use the {noun}'s {protocol} URL (see docs/subscribing.md)"
            )
        raise PushError(f"{self.where}: the server failed a request: {reply.status} {_phrase(reply)}")

    def _advice(self, answer: Any) -> str:
        """Where to push instead: the calendars (address books) found below the URL, or a new one."""
        home = _href(answer, self.kind.home)
        principal = _href(answer, DAV + "current-user-principal")
        if home is None and principal is not None:
            found = self._propfind(urljoin(self.url, principal), 0, PROPS)
            home = _href(found[0], self.kind.home) if found else None
        present: list[str] = []
        for folder in dict.fromkeys([self.url, *([urljoin(self.url, home)] if home else [])]):
            present = self._found_in(folder)
            if present:
                break
        # The home (else the URL) is a folder even without its final slash: Radicale, asked at
        # /me, names the home /me.
        folder = urljoin(self.url, home or "")
        new = public_url(urljoin(folder if folder.endswith("/") else f"{folder}/", self.kind.new))
        noun = self.kind.noun
        if new in present:  # made by an earlier push: suggested once
            return f"push to one of your {noun}s ({', '.join(present)})"
        if present:
            return f"push to one of your {noun}s ({', '.join(present)}), or to a new one such as {new}"
        return f"push to a new {noun} such as {new} (push makes it)"

    def _found_in(self, folder: str) -> list[str]:
        found = self._propfind(folder, 1, PROPS) or []
        return sorted(
            public_url(urljoin(folder, href.text))
            for answer in found
            if self.kind.tag in _resourcetype(answer)
            and (href := answer.find(DAV + "href")) is not None
            and href.text
        )

    def check_parent(self) -> None:
        """Refuse to make a calendar (an address book) where its parent is missing, or is one
        itself (which Xandikos allows, and no app shows)."""
        parent = self._parent()
        answer = self._propfind(parent, 0, PROPS)
        if answer is None:
            raise self.not_found()
        if self.kind.tag in _resourcetype(answer[0]):
            noun = self.kind.noun
            raise PushError(
                f"{self.where}: nothing is there, and {public_url(parent)} is {_a(noun)}: push to it, "
                f"or to a new {noun} beside it"
            )

    def _parent(self) -> str:
        return self.url.rstrip("/").rpartition("/")[0] + "/"

    def not_found(self) -> PushError:
        noun = self.kind.noun
        return PushError(
            f"{self.where}: not found, nor is {public_url(self._parent())}: check the URL (its last "
            f"part is the {noun}, the part before it your account's {noun}s)"
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
            raise self._not_made(None) from None
        except error.DAVError as err:
            raise self._not_made(err.status, _reason(err)) from None

    def make_address_book(self, name: str) -> None:
        """Make the address book at the URL, named ``name`` (an extended MKCOL, RFC 5689: what
        CardDAV servers accept; the caldav library makes only calendars)."""
        from caldav.lib import error

        body = MKCOL.format(name=escape(name))
        try:
            reply = self.dav.request(
                self.url, "MKCOL", body, {"Content-Type": "application/xml; charset=utf-8"}
            )
        except error.AuthorizationError as err:
            if err.status == 401:
                raise
            raise self._not_made(None) from None
        if not 200 <= reply.status < 300:
            raise self._not_made(reply.status, f"{reply.status} {_phrase(reply)}")

    def _not_made(self, status: int | None, reason: str = "") -> PushError:
        """Why nothing could be made at the URL (``status`` None: the user may not)."""
        if status in (404, 409):
            return self.not_found()
        noun, app = self.kind.noun, self.kind.app
        if status is None:
            return PushError(
                f"{self.where}: nothing is there, and the server does not let {self.who()} make "
                f"{_a(noun)} there: make one in your {app} and push to its URL"
            )
        return PushError(
            f"{self.where}: nothing is there, and the server would not make {_a(noun)} there "
            f"({reason}): make one in your {app} and push to its URL"
        )

    def _refused(self, status: int | None) -> str:
        if status == 403:
            noun = self.kind.noun
            return (
                f"{self.who()} may not write to this {noun} (403 Forbidden): check that the URL names one "
                f"of your own {noun}s (or one shared with you for writing)"
            )
        if self.username is None:
            return "the server asks for a user name and password: give --user (and --password-env VAR)"
        return f"the server refused the user name or password of {self.username} (401 Unauthorized)"

    def who(self) -> str:
        return self.username if self.username is not None else "an anonymous user"


PROPFIND = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="urn:ietf:params:xml:ns:carddav">'
    "<prop>{props}</prop></propfind>"
)
MKCOL = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<mkcol xmlns="DAV:" xmlns:A="urn:ietf:params:xml:ns:carddav"><set><prop>'
    "<resourcetype><collection/><A:addressbook/></resourcetype><displayname>{name}</displayname>"
    "</prop></set></mkcol>"
)
PROPS = "<resourcetype/><current-user-principal/><C:calendar-home-set/><A:addressbook-home-set/>"
NOT_XML = (
    "the server's answer is not WebDAV (its XML is malformed or missing): is this the calendar's CalDAV URL?"
)
KINDS = {
    DAV + "principal": "an account (a principal)",
    CARDDAV + "addressbook": "an address book",
    CALDAV + "calendar": "a calendar",
    CALDAV + "schedule-inbox": "a scheduling inbox",
    CALDAV + "schedule-outbox": "a scheduling outbox",
}


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


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
