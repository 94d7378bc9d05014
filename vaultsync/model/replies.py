"""Awaiting a reply: what to do while an outreach (a request for a conversation) goes unanswered.

The career coaches' "3B7": after 3 business days without a reply, write to another person at that
organization (or among the people suggested to you); after 7, follow up once with the first; a
follow-up unanswered 7 business days later means move on, and then nothing more is said. The
stages are deadlines (``deadlines.no_reply_deadlines``), so the calendar shows the same ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from vaultsync.config import Settings
from vaultsync.model.contact import Contact
from vaultsync.model.deadlines import (
    NO_REPLY_FOLLOW_UP,
    NO_REPLY_MOVE_ON,
    NO_REPLY_OTHER,
    Deadline,
    deadlines,
    unanswered,
)
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now

#: Each stage's level while it is open (a follow-up not sent by its day becomes overdue).
LEVEL = {NO_REPLY_OTHER: "due", NO_REPLY_FOLLOW_UP: "due", NO_REPLY_MOVE_ON: "info"}


def no_reply_text(deadline: Deadline, now: Now, settings: Settings, overdue: bool = False) -> str:
    """What to do at a stage of awaiting a reply: the finding's message, the event's description."""
    contact, sent = deadline.contact, deadline.interview_day
    if deadline.kind == NO_REPLY_OTHER:
        where = f"at {contact.organization} or " if contact.organization else ""
        follow = deadline.end + dt.timedelta(days=1)
        return (
            f"No reply since you wrote on {sent} ({settings.no_reply_other_days} business days): write "
            f"to another person {where}among the people suggested to you; follow up on {follow} if "
            "still no answer. Record their answer in replied."
        )
    if deadline.kind == NO_REPLY_FOLLOW_UP:
        what = f"You meant to follow up on {deadline.start}" if overdue else "Follow up once"
        return (
            f"{what}: no reply to your {sent} message in {settings.no_reply_follow_up_days} business "
            "days. Keep it short and polite; then add its date to outreach."
        )
    sent_all = unanswered(contact, now.end_of(sent), settings)  # the first request to the latest follow-up
    messages = ", ".join(map(str, sent_all[:-1])) + f" and {sent_all[-1]}"
    return (
        f"No answer to your messages of {messages}: move on to other people; no more reminders "
        "about it (record replied if they answer later)."
    )


def no_reply(
    contact: Contact, now: Now, settings: Settings, known: Sequence[Deadline] | None = None
) -> list[Finding]:
    """The stage of awaiting a reply that ``now`` is in, for each unanswered outreach."""
    found, today = deadlines(contact, now, settings) if known is None else known, now.day
    out = []
    for deadline in found:
        level = LEVEL.get(deadline.kind)
        if level is None or today < deadline.start:
            continue
        overdue = today > deadline.end
        due = deadline.start if deadline.kind == NO_REPLY_MOVE_ON else deadline.end
        out.append(
            Finding(
                deadline.kind,
                "overdue" if overdue else level,
                contact.name,
                contact.path,
                due,
                no_reply_text(deadline, now, settings, overdue),
            )
        )
    return out
