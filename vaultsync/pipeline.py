"""The one public way to audit and build: load the vault, evaluate the rules, write the outputs.

Every driver (the CLI, the watcher, the server, a push) calls these; none of them repeats the
steps. ``audit`` and ``build`` take a vault's folder, or what a driver already holds (a ``Scan``,
a ``Vault``); the options say whether the entry cache is used (``cache``), whether a driver's
memo makes the build (``memo``), and where the calendar goes (``calendar``).

The rules and the calendar are imported inside the functions: a stored report is given again
without loading any of them. Pushing the vault to a server and exporting its cards are
``pipeline_push``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from dataclasses import replace
from functools import partial
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vaultsync.model.now import Asked, Now, judged_at
from vaultsync.model.vault import Vault
from vaultsync.reading.listing import Scan
from vaultsync.store.cache import ReportCache
from vaultsync.store.files import settled_state
from vaultsync.store.loader import load_and_derive, load_and_evaluate, load_scan, scan_vault
from vaultsync.store.parallel import map_chunks_beside

if TYPE_CHECKING:
    from vaultsync.config import Settings
    from vaultsync.incremental.memo import BuildMemo
    from vaultsync.incremental.results import Kept
    from vaultsync.model.audit import Audit, Build
    from vaultsync.model.contact import Contact
    from vaultsync.model.finding import Finding
    from vaultsync.outputs.events import NoteLinks


def audit(source: Path | Scan | Vault, when: Asked, *, cache: bool = False) -> Audit:
    """Check the vault against the rules at ``when`` (``vaultsync.model.now.judged_at``: a day,
    a time, an instant): the vault at a folder, the notes a ``Scan`` found, or a ``Vault``
    already read.

    Reading a folder or a scan, the rules about one contact run once every note is read (so each
    contact has the dates of the interaction notes that link it), shared between two processes
    (``vaultsync.store.parallel.map_chunks_beside``); the one across contacts (``referral``) in
    this process meanwhile.
    ``cache``: reuse (and update) the entries of notes unchanged since the last run."""
    from vaultsync.model.across import across_contacts
    from vaultsync.model.audit import Audit
    from vaultsync.model.rules import each_contact_findings, findings

    if isinstance(source, Vault):
        now = judged_at(when, source.settings)
        return Audit(source, now, [findings(source.contacts, now, source.settings)])
    scan = source if isinstance(source, Scan) else scan_vault(source, stat=cache)
    vault, _, read = load_and_evaluate(scan, None, cache=cache)
    now = judged_at(when, vault.settings)
    # Judged once read, each with the dates of the interaction notes that link it, on two cores.
    each = partial(each_contact_findings, now=now, settings=vault.settings)
    # The rule across contacts runs here while the worker judges (it then judges more of them).
    found, across = map_chunks_beside(
        vault.contacts, each, partial(across_contacts, vault.contacts, now, vault.settings)
    )
    found = _told(found, across.met)
    found.append(across.findings)
    return Audit(vault, now, found, read)


def _told(found: list[list[Finding]], met: dict[str, tuple[str, ...]]) -> list[list[Finding]]:
    """``found`` with the check-ins that can name people the referrer suggested (``close_loop.telling``)."""
    from vaultsync.model.close_loop import telling

    return [telling(chunk, met) for chunk in found] if met else found


def build(
    source: Path | Scan | Vault,
    when: Asked,
    calendar: Path | None = None,
    *,
    cache: bool = False,
    memo: BuildMemo | None = None,
    vdir: Path | None = None,
) -> Build:
    """Write every output of the vault (at a folder, or already read): the calendar (to
    ``calendar`` or the configured path), the vdir (one file per event) when ``vdir`` is given,
    and the dashboard note when configured.

    ``cache``: read the folder through the entry cache. ``memo``: a driver that builds again and
    again keeps one and passes it to every build, so only the contacts that changed are
    evaluated again (the outputs are the same bytes). The Build says ``until`` when the outputs
    change by themselves (an interview ends, a day begins): a driver builds again then.
    """
    from vaultsync.errors import OutputError
    from vaultsync.model.audit import Audit, Build
    from vaultsync.model.deadlines import next_change
    from vaultsync.outputs.calendar import calendar_parts  # icalendar: only when building
    from vaultsync.outputs.dashboard import dashboard_markdown
    from vaultsync.outputs.generated import (
        CALENDAR,
        calendar_path_problem,
        dashboard_path,
        vault_file,
        write_generated_note,
    )
    from vaultsync.outputs.vdir import KeptVdir
    from vaultsync.store.files import write_if_changed

    where = source if isinstance(source, (Vault, Scan)) else scan_vault(source, stat=cache)
    path = calendar or vault_file(where.root, where.settings.calendar_path)
    problem = calendar_path_problem(where.root, path)
    if problem:
        raise OutputError(problem)
    now = judged_at(when, where.settings)
    if isinstance(where, Scan) and memo is None:
        vault, checked, pieces, until = _build_from_notes(where, now, cache)
        written = write_if_changed(path, pieces, CALENDAR)
    else:
        vault = where if isinstance(where, Vault) else load_scan(where, cache=cache)
        if memo is None:
            checked, pieces = audit(vault, now), calendar_parts(vault, now)
            written = write_if_changed(path, pieces, CALENDAR)
            until = next_change(vault.contacts, now, vault.settings)
        else:
            built = memo.build(vault, now)
            checked, pieces = Audit(vault, now, built.found_in, counted=built.levels), built.calendar
            written = memo.calendar_file.write(path, pieces, CALENDAR)
            until = built.until
    dashboard = dashboard_path(vault.root, vault.settings)
    dashboard_written = dashboard is not None and write_generated_note(
        dashboard, dashboard_markdown(vault, checked.findings, now)
    )
    folder = None
    if vdir is not None:
        folder = (memo.vdir_folder if memo is not None else KeptVdir()).write(vdir, pieces)
    return Build(checked, path, written, len(pieces) - 2, dashboard, dashboard_written, folder, until)


def _build_from_notes(scan: Scan, now: Now, cache: bool) -> tuple[Vault, Audit, list[bytes], dt.datetime]:
    """Read the notes ``scan`` found, then evaluate each contact once and make its events (on two
    cores), with the dates of the interaction notes that link it, while the rules across
    contacts run here. Only the events the calendar shows are serialised: a crowded day's digest
    gathers most of the others. With ``cache``, a contact whose note is unchanged (and its
    interaction notes' gains) gives again what it gave the last build on the same day with the
    same links (while none of its interviews ended since), and on another day keeps the bytes of
    each event that did not change. Gives the vault, its audit, the calendar in pieces and when
    they change by themselves."""
    from vaultsync.model.across import across_contacts
    from vaultsync.model.audit import Audit
    from vaultsync.outputs.calendar import calendar_head, calendar_pieces, event_bytes, person_events
    from vaultsync.outputs.digest import Calm
    from vaultsync.outputs.events import note_linker

    links = note_linker(scan.root)
    derived = load_and_derive(
        scan,
        partial(_results_of, now=now, settings=scan.settings, links=links),
        holds=partial(_holds, now=now, links=links),
        beside=lambda vault: across_contacts(vault.contacts, now, vault.settings),
        cache=cache,
    )
    vault, gave, across = derived.vault, derived.values, derived.aside
    results: list[Results] = [gave[contact.path] for contact in vault.contacts]
    found = _told([list(result[2]) for result in results], across.met)
    found.append(across.findings)
    events = sorted(
        chain(
            chain.from_iterable(result[3] for result in results),
            chain.from_iterable(person_events(d, now.day, vault.settings, links) for d in across.deadlines),
        ),
        key=itemgetter(0),
    )
    calm = Calm[bytes | None](now.day, vault.settings, links, event_bytes)
    calm.add(events)
    shown = _written(vault, gave, calm.shown_entries(events), now, links)
    derived.keep(gave)
    zones = (
        frozenset[str]().union(*(result[4] for result in results)) if vault.settings.timezone else frozenset()
    )
    head = calendar_head(vault.settings, zones)
    until = min((now.next_day, *filter(None, (result[0][3] for result in results))))
    return vault, Audit(vault, now, found, derived.scan), calendar_pieces(head, shown), until


def _written(
    vault: Vault, gave: dict[str, Results], shown: list[Kept], now: Now, links: NoteLinks
) -> list[bytes]:
    """The bytes of the ``shown`` events: those not yet written (``results.contact_results``)
    are written now, and kept in their contact's results in ``gave``."""
    from vaultsync.incremental.results import serialised

    unwritten = {id(event) for event in shown if event[1] is None}
    written: dict[int, bytes] = {}
    if unwritten:
        for contact in vault.contacts:
            result = gave[contact.path]
            wanted = [event for event in result[3] if id(event) in unwritten]
            if wanted:
                events = serialised(contact, result[3], wanted, now, vault.settings, links)
                gave[contact.path] = (*result[:3], events, result[4])
                written.update(
                    (id(old), new[1]) for old, new in zip(result[3], events, strict=True) if new[1]
                )
    return [event[1] if event[1] is not None else written[id(event)] for event in shown]


#: What a build keeps of each contact (``store.cache.DerivedCache``), in plain values: when
#: (``Made``), the note links (the vault's folder, its Obsidian name), the findings, the events
#: (``incremental.results.Kept``: their ``event_order``, bytes when written, ``Brief``) and the
#: time zones they use.
Results = tuple[
    "Made",
    tuple[str, "str | None"],
    tuple["Finding", ...],
    tuple["Kept", ...],
    frozenset[str],
]


#: When a contact's results were made: the user's day and time zone, the instant, and the next
#: end of one of its interviews (None: none ahead), until which they hold on that day.
Made = tuple[dt.date, str, dt.datetime, "dt.datetime | None"]


def _holds(kept: Results, *, now: Now, links: NoteLinks) -> bool:
    """Whether a contact's results ``kept`` hold at ``now`` with ``links`` (its note unchanged):
    made on the same day in the same zone with the same links, and none of its interviews has
    ended since."""
    until = kept[0][3]
    same = kept[1] == (str(links.root), links.obsidian) and kept[0][:2] == (now.day, str(now.zone))
    return same and (until is None or now.at < until)


def _results_of(
    contact: Contact, kept: Results | None, *, now: Now, settings: Settings, links: NoteLinks
) -> Results:
    from vaultsync.incremental.results import Before, contact_results
    from vaultsync.model.deadlines import next_end
    from vaultsync.outputs.events import NoteLinks

    if kept is not None and _holds(kept, now=now, links=links):
        return kept
    plain, zone = (str(links.root), links.obsidian), str(now.zone)
    before = None
    if kept is not None and kept[0][1] == zone:  # the same note at another moment, or with other links
        (_, _, then, _), (root, obsidian), _, events, _ = kept
        were = links if kept[1] == plain else NoteLinks(Path(root), obsidian)
        before = Before(contact, Now(then, now.zone), settings, were, events)
    findings, made, zones = contact_results(contact, now, settings, links, before, shown_only=True)
    until = next_end(contact, now, settings)  # kept in UTC: the entry cache reads no other zone
    when = (now.day, zone, now.at.astimezone(dt.UTC), until and until.astimezone(dt.UTC))
    return when, plain, findings, made, zones


class BuildReport(NamedTuple):
    lines: str  # what the build did, a line for each output
    errors: tuple[str, ...]  # a line for each unreadable note
    code: int  # the exit code: 1 when a note could not be read
    build: Build | None  # what the lines were made from; None when a stored build was given again


def build_report(
    root: Path,
    when: Asked,
    calendar: Path | None = None,
    *,
    cache: bool = False,
    vdir: Path | None = None,
) -> BuildReport:
    """``build`` the vault at ``root``, in words. With ``cache``, when no note changed since a
    build on this day to the same calendar (and no interview ended since), and the calendar file
    is as that build left it (its size, times and inode), nothing is read or written: that
    build's words are given again.
    Not when a dashboard note is configured (it is written again, when changed, at each build),
    nor with a vdir (another program may have changed its files: each is compared)."""
    from vaultsync.outputs.generated import dashboard_path, vault_file
    from vaultsync.outputs.report import build_line, build_lines, error_line

    # The notes' signatures are taken first only when a stored build could be given again;
    # otherwise as the notes are read (as ``report`` does).
    scan = scan_vault(root, stat=cache and ReportCache.stored(root, "build"))
    now = judged_at(when, scan.settings)
    path = calendar or vault_file(scan.root, scan.settings.calendar_path)
    storable = cache and vdir is None and dashboard_path(scan.root, scan.settings) is None
    if storable and scan.signatures is not None:
        stored = _stored_build(scan, now, path)
        hit = stored.get() if stored is not None else None
        if hit is not None and _still(hit[0], now):
            (lines, errors, _), codes = hit
            return BuildReport(lines, errors, codes["build"], None)
    built = build(scan, now, calendar, cache=cache, vdir=vdir)
    lines = "\n".join(build_lines(built))
    errors = tuple(map(error_line, built.audit.vault.errors))
    code = 1 if errors else 0
    read = built.audit.scan
    if storable and read is not None:
        stored = _stored_build(read, now, built.path)
        if stored is not None:  # the next build, if nothing changed, leaves the calendar as it is
            words = (build_line(replace(built, written=False)), errors, _stamp(built.until))
            stored.put(words, {"build": code})
    return BuildReport(lines, errors, code, built)


def _still(stored: tuple[object, ...], now: Now) -> bool:
    """Whether a stored report (its last item: until when it holds, as a POSIX timestamp) still
    holds at ``now``."""
    until = stored[-1]
    return isinstance(until, float) and now.at.timestamp() < until


def _stamp(until: dt.datetime | None) -> float:
    """``until`` as the report cache keeps it: plain values only."""
    return math.inf if until is None else until.timestamp()


def _stored_build(scan: Scan, now: Now, path: Path) -> ReportCache | None:
    """The stored build of ``scan`` on ``now``'s day to the calendar at ``path`` as the file is now
    (None when it is missing or changed too recently to tell)."""
    try:
        state = settled_state(os.stat(path), time.time_ns())
    except OSError:
        return None
    if state is None:
        return None
    links = (str(scan.root.resolve()), (scan.root / ".obsidian").is_dir())  # what the note links are made of
    return ReportCache(scan, "build", now.day, str(now.zone), str(path), links, state)


class AuditReport(NamedTuple):
    text: str
    code: int  # the exit code
    audit: Audit | None  # what the report was made from; None when a stored report was given again


def report(
    root: Path,
    when: Asked,
    fmt: str,
    label: str,
    *,
    fail_on: str = "overdue",
    cache: bool = False,
    width: int | None = None,
    lapsed: bool = False,
) -> AuditReport:
    """The audit of the vault at ``root`` at ``when`` as ``fmt`` (naming the vault ``label``,
    text wrapped to ``width`` columns when given, the lapsed reminders listed with ``lapsed``),
    and its exit code by ``fail_on`` (see ``vaultsync.model.audit.FAIL_ON``).

    With ``cache``, notes unchanged since the last run are not read again, and when no note
    changed since a report in this format on this day (and no interview ended since), that
    report is given again at once.
    """
    from vaultsync.model.deadlines import next_change

    # The notes' signatures are taken first only when a stored report could be given again;
    # otherwise they are taken as the notes are read (store.loader.load_and_evaluate).
    scan = scan_vault(root, stat=cache and ReportCache.stored(root, fmt))
    now = judged_at(when, scan.settings)
    made_of = (now.day, str(now.zone), label, width, lapsed)
    stored = None
    if scan.signatures is not None:
        stored = ReportCache(scan, fmt, *made_of)
        hit = stored.get()
        if hit is not None and fail_on in hit[1] and _still(hit[0], now):
            return AuditReport(hit[0][0], hit[1][fail_on], None)
    from vaultsync.model.audit import FAIL_ON  # the rules: only when there is work for them
    from vaultsync.outputs.report import FORMATS

    result = audit(scan, now, cache=cache)
    code = result.exit_code_on(fail_on)
    text = FORMATS[fmt](result, label, width, lapsed)
    if cache and result.scan is not None:
        if stored is None or result.scan is not scan:  # signed as read: the key is new
            stored = ReportCache(result.scan, fmt, *made_of)
        until = next_change(result.vault.contacts, now, result.vault.settings)
        stored.put((text, _stamp(until)), {way: result.exit_code_on(way) for way in FAIL_ON})
    return AuditReport(text, code, result)
