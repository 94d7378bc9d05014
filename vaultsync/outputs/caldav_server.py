"""The conversation with a CalDAV server: is the URL a calendar, where to push instead, making
the calendar; and each of the server's refusals in the user's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from vaultsync.outputs.caldav_plan import PushResult, Resource, apply
from vaultsync.outputs.caldav_wire import PushError, network_problem, public_url


@dataclass(frozen=True)
class Target:
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
            apply(remote, existing, wanted, result)
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
