"""The dashboard: one Markdown note of what to do next, for Obsidian or any Markdown viewer.

Tables of the urgent findings, check-ins, interviews, referrals and record gaps, each row
linking the contact's note; the referral network as a Mermaid graph; a few counts. The same
vault on the same day gives the same text. Its front-matter marks it as generated
(``reading.marker.GENERATED_KEY``), so it is never read back as a contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.dates import day_of, has_time, moment_sort_key
from vaultsync.model.deadlines import CHECK_IN, INTERVIEW, deadlines, held, interview_end, search_over
from vaultsync.model.finding import LAPSED, Finding
from vaultsync.model.network import MET, NOT_CONTACTED, OTHER, SCHEDULED, Network, referral_network
from vaultsync.model.now import Asked, Now, judged_at
from vaultsync.model.referral import pending_referrals
from vaultsync.model.vault import Vault
from vaultsync.reading.marker import GENERATED_BY, GENERATED_KEY
from vaultsync.reading.note import NoteError

#: "Due this week": not overdue, and due within this many days from today.
WEEK = dt.timedelta(days=7)
#: Rows a table lists; a real vault rarely comes near, and a note of thousands of rows is slow to open.
MAX_ROWS = 200
#: Mermaid's own limits (its maxEdges and maxTextSize defaults): past them it draws nothing.
MAX_EDGES = 500
MAX_GRAPH_TEXT = 50_000
#: Mermaid class per state of a person in the referral graph, and how the legend names it.
STYLES = {
    MET: ("fill:#d3f9d8,stroke:#2b8a3e,color:#000", "green: met"),
    SCHEDULED: ("fill:#fff3bf,stroke:#e67700,color:#000", "yellow: interview scheduled"),
    NOT_CONTACTED: ("fill:#ffe3e3,stroke:#c92a2a,color:#000", "red: not yet contacted"),
    OTHER: ("fill:#f1f3f5,stroke:#868e96,color:#000", "grey: introduced through someone else"),
}


def dashboard_markdown(vault: Vault, findings: Sequence[Finding], when: Asked) -> str:
    """The whole dashboard note for ``vault`` at ``when``, given the rules' findings."""
    settings = vault.settings
    now = judged_at(when, settings)
    today = now.day
    contacts = vault.contacts
    week_end = today + WEEK
    overdue = [f for f in findings if f.level == "overdue"]
    this_week = sorted(
        (f for f in findings if f.level in ("due", "upcoming") and f.due and f.due <= week_end),
        key=lambda f: (f.due, f.sort_key()),
    )
    gaps = [f for f in findings if f.rule == "record"]
    parts = [
        "---",
        f"{GENERATED_KEY}: {GENERATED_BY}",
        f"date: {today.isoformat()}",
        "---",
        "# Networking",
        "",
        f"> [!info] Written by vaultsync on {today.isoformat()} from {_count(len(contacts), 'contact')}. "
        "The next build replaces this note: change the contact notes instead.",
        "",
        "## At a glance",
        "",
        _table(("Measure", "Count"), [*_counts(vault, now), *_lapsed_row(findings, settings)]),
        _findings_section(f"Overdue ({len(overdue)})", overdue, "Nothing is overdue."),
        _findings_section(
            f"Due this week ({len(this_week)})", this_week, f"Nothing else is due by {week_end.isoformat()}."
        ),
        _check_ins_section(contacts, now, settings),
        _interviews_section(contacts, now, settings),
        _referrals_section(contacts) if not search_over(today, settings) else _search_over_section(settings),
        _section(
            f"Records with gaps ({len(gaps)})",
            ("Contact", "What to record"),
            [(_link(f.path, f.contact), f.message) for f in gaps],
            "Every record is complete.",
        ),
        _network_section(referral_network(contacts, now, settings)),
    ]
    if vault.errors:
        parts.append(_errors_section(vault.errors))
    return "\n".join(parts).rstrip("\n") + "\n"


# --- counts


def _count(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _share(done: int, total: int) -> str:
    return f"{done} of {total} ({round(100 * done / total)}%)" if total else "none yet"


def _counts(vault: Vault, now: Now) -> list[tuple[str, str]]:
    """The counts at ``now``: an interview is held once it has ended (``deadlines.held``)."""
    settings, today = vault.settings, now.day
    month = [
        (c, m)
        for c in vault.contacts
        for m in c.interviews
        if now.day_of(m).replace(day=1) == today.replace(day=1)
    ]
    over = sum(now.reached(interview_end(c, m, settings)) for c, m in month)
    thanks = [_thanked_on_time(c, now, settings) for c in vault.contacts if not c.do_not_contact]
    on_time = sum(done for done, _ in thanks)
    counted = sum(total for _, total in thanks)
    writing = [c for c in vault.contacts if c.follow_up and not c.do_not_contact]
    check_ins = [_checked_in(c, now, settings) for c in writing]
    due_check_ins = [done for done in check_ins if done is not None]
    rows = [
        ("Contacts", str(len(vault.contacts))),
        (
            f"Interviews in {today:%B %Y}",
            f"{len(month)} ({over} held, {len(month) - over} scheduled)",
        ),
        (f"Thank-you letters sent within {settings.thank_you_days} days", _share(on_time, counted)),
        (
            "Check-ins done, of the contacts whose check-in window has opened",
            _share(sum(due_check_ins), len(due_check_ins)),
        ),
    ]
    if vault.errors:
        rows.append(("Notes or values that could not be read", str(len(vault.errors))))
    return rows


def _lapsed_row(findings: Sequence[Finding], settings: Settings) -> list[tuple[str, str]]:
    """The count of lapsed reminders, as the audit's report gives it (none: no row)."""
    old = sum(f.level == LAPSED for f in findings)
    if not old:
        return []
    past = f"more than {_count(settings.lapse_days, 'day')} past due"
    return [(f"Older reminders lapsed ({past}; `vaultsync audit --lapsed` lists them)", str(old))]


def _thanked_on_time(contact: Contact, now: Now, settings: Settings) -> tuple[int, int]:
    """(letters sent on time, interviews counted): an interview counts once its letter is sent
    on time or its window has closed, so a letter still in its window is not counted late."""
    window = dt.timedelta(days=settings.thank_you_days)
    on_time = counted = 0
    today = now.day
    for moment in held(contact, now, settings):
        day = now.day_of(moment)
        sent = any(day <= s <= day + window for s in contact.thank_you_sent)
        if sent or today > day + window:
            counted += 1
            on_time += sent
    return on_time, counted


def _checked_in(contact: Contact, now: Now, settings: Settings) -> bool | None:
    """Whether the contact was written to after the latest interview held; None before the window opens."""
    over = held(contact, now, settings)
    if not over:
        return None
    latest = now.day_of(over[-1])
    if now.day < latest + dt.timedelta(days=settings.check_in_opens_days):
        return None
    return any(done > latest for done in contact.check_ins)


# --- tables


def _cell(text: str) -> str:
    """Table-cell text: one line, pipes escaped (Obsidian and markdown-it both read ``\\|``)."""
    return " ".join(text.split()).replace("|", "\\|")


def _link(path: str, name: str) -> str:
    """A wikilink to the note at ``path`` showing ``name`` (``_cell`` escapes its pipe)."""
    return f"[[{path.removesuffix('.md')}|{name}]]"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _section(title: str, header: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    """A titled table; past MAX_ROWS rows the rest is counted, not listed (the title keeps the total)."""
    body = _table(header, rows[:MAX_ROWS]) if rows else f"{empty}\n"
    if len(rows) > MAX_ROWS:
        body += f"\nAnd {len(rows) - MAX_ROWS} more: `vaultsync audit` lists every finding.\n"
    return f"## {title}\n\n{body}"


def _findings_section(title: str, findings: Sequence[Finding], empty: str) -> str:
    rows = [
        (f.due.isoformat() if f.due else "", _link(f.path, f.contact), f.message, f.rule) for f in findings
    ]
    return _section(title, ("Due", "Contact", "What to do", "Rule"), rows, empty)


def _check_ins_section(contacts: Sequence[Contact], now: Now, settings: Settings) -> str:
    windows = sorted(
        (
            (d.start, d.end, c, d.interview_day)
            for c in contacts
            for d in deadlines(c, now, settings)
            if d.kind == CHECK_IN and now.day <= d.end
        ),
        key=lambda w: (w[0], w[2].path),
    )
    rows = [
        (start.isoformat(), end.isoformat(), _link(c.path, c.name), latest.isoformat())
        for start, end, c, latest in windows
    ]
    return _section(
        f"Upcoming check-ins ({len(rows)})",
        ("Window opens", "Window closes", "Contact", "Latest interview"),
        rows,
        "No check-in window is open or coming.",
    )


def _interviews_section(contacts: Sequence[Contact], now: Now, settings: Settings) -> str:
    planned = sorted(
        ((d.anchor, c) for c in contacts for d in deadlines(c, now, settings) if d.kind == INTERVIEW),
        key=lambda item: (moment_sort_key(item[0]), item[1].path),
    )
    rows = [
        (
            day_of(moment).isoformat(),
            f"{moment:%H:%M}" if has_time(moment) else "",
            _link(c.path, c.name),
            c.organization,
            f"yes ({len(c.sections.questions)})" if c.sections.questions else "no",
        )
        for moment, c in planned
    ]
    return _section(
        f"Scheduled interviews ({len(rows)})",
        ("Date", "Time", "Contact", "Organization", "Questions prepared"),
        rows,
        "No interview is scheduled.",
    )


def _referrals_section(contacts: Sequence[Contact]) -> str:
    pending = sorted(
        pending_referrals(contacts), key=lambda p: (p.note is not None, p.person.name.casefold())
    )
    rows = [
        (
            _link(p.note.path, p.note.name) if p.note else p.person.name,
            ", ".join(_link(r.path, r.name) for r in p.referrers),
            p.person.detail,
            "note, no interview yet" if p.note else "no note yet",
        )
        for p in pending
    ]
    return _section(
        f"Referrals not yet contacted ({len(rows)})",
        ("Person", "Suggested by", "Details", "Status"),
        rows,
        "Everyone your contacts suggested has been contacted.",
    )


def _search_over_section(settings: Settings) -> str:
    """In place of the referrals still to reach: once the search has ended, none are (as in the audit)."""
    ended = f"Your search ended on {settings.search_ended}: no one more to reach."
    return f"## Referrals not yet contacted\n\n{ended}\n"


def _errors_section(errors: Sequence[NoteError]) -> str:
    rows = [
        (_link(e.path, e.path) if e.path.endswith(".md") else e.path, str(e.line or ""), e.message)
        for e in errors
    ]
    return _section(f"Notes that could not be read ({len(rows)})", ("Note", "Line", "Problem"), rows, "")


# --- the referral graph


def _label(text: str) -> str:
    """Text for a quoted Mermaid label: its own entity codes for the characters it reserves."""
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _network_section(network: Network) -> str:
    if not network.edges:
        return "## Referral network\n\nNo referrals are recorded yet.\n"
    rank = {state: index for index, state in enumerate((NOT_CONTACTED, SCHEDULED, MET, OTHER))}
    states = {person.key: person.state for person in network.people}
    edges = sorted(network.edges, key=lambda edge: (rank[states[edge[1]]], edge))[:MAX_EDGES]
    graph = _mermaid(network, edges)
    while len(graph) > MAX_GRAPH_TEXT:
        edges = edges[: len(edges) * 3 // 4]
        graph = _mermaid(network, edges)
    used = [state for state in STYLES if f"classDef {state.replace('-', '')} " in graph]
    legend = "; ".join(STYLES[state][1] for state in used)
    shown = ""
    if len(edges) < len(network.edges):
        shown = (
            f" It shows {len(edges)} of {len(network.edges)} referrals, those to people not yet contacted "
            "first: Mermaid draws no more."
        )
    return f"## Referral network\n\nWho suggested whom ({legend}).{shown}\n\n{graph}"


def _mermaid(network: Network, edges: Sequence[tuple[str, str]]) -> str:
    """A Mermaid flowchart of ``edges``, people coloured by state."""
    linked = {key for edge in edges for key in edge}
    people = [person for person in network.people if person.key in linked]
    ids = {person.key: f"p{index}" for index, person in enumerate(people, 1)}
    lines = ["```mermaid", "graph LR"]
    lines += [f'  {ids[p.key]}["{_label(p.name)}"]' for p in people]
    lines += [f"  {ids[a]} --> {ids[b]}" for a, b in sorted(edges)]
    for state, (style, _) in STYLES.items():
        members = [ids[p.key] for p in people if p.state == state]
        if members:
            name = state.replace("-", "")
            lines.append(f"  classDef {name} {style}")
            lines.append(f"  class {','.join(members)} {name}")
    lines.append("```")
    return "\n".join(lines) + "\n"
