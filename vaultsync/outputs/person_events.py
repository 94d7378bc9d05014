"""The events of the deadlines across contacts (``model.referral``): reach the people suggested
to you, tell the referrer you met them. Made as ``outputs.events`` makes each contact's."""

from __future__ import annotations

import datetime as dt
import hashlib

from vaultsync.config import Settings
from vaultsync.model.deadlines import REFERRAL
from vaultsync.model.referral import PersonDeadline
from vaultsync.outputs.events import (
    CATEGORY,
    OVERDUE,
    Item,
    NoteLinks,
    day_event,
    day_stamp,
    overdue_event,
    reminder_offset,
)


def person_items(
    deadline: PersonDeadline, today: dt.date, settings: Settings, links: NoteLinks
) -> list[Item]:
    """The events of a deadline across contacts (``model.referral``): from the day after the
    referral (or the meeting) through the due day, with an alarm on each, then overdue; each
    opens the referrer's note."""
    link, at_reminder = links(deadline.link), reminder_offset(settings)
    by, person = " and ".join(deadline.referrers), deadline.person
    detail = f" ({deadline.detail})" if deadline.detail else ""
    if deadline.kind == REFERRAL:
        summary = f"Reach out to {person}"
        text = (
            f"Reach out to {person}{detail} by {deadline.end}: {by} suggested them "
            f"(interview {deadline.anchor}). A warm introduction goes cold within about a week."
        )
        first_alarm = f"Reach out to {person}, suggested by {by}, by {deadline.end}"
        last_alarm = f"Last day to reach out to {person}, suggested by {by}"
    else:
        summary = f"Tell {by} you met {person}"
        text = (
            f"Let {by} know by {deadline.end} that you met {person} (interview {deadline.anchor}), "
            "whom they suggested: thank them for the introduction and say how it went."
        )
        first_alarm = f"Let {by} know you met {person}, due {deadline.end}"
        last_alarm = f"Last day to tell {by} you met {person}"
    uid = _person_uid(deadline)
    context = f"Open the note: {link}"
    alarms = [(at_reminder + (deadline.end - deadline.start), last_alarm)]
    if deadline.start < deadline.end:
        alarms.insert(0, (at_reminder, first_alarm))
    span = (deadline.start, deadline.end)
    stamp, category = day_stamp(deadline.anchor), CATEGORY[deadline.kind]
    who = f"{person}{detail}, suggested by {by}" if deadline.kind == REFERRAL else f"{by}, you met {person}"
    if today > deadline.end:  # one event, on today (docs/subscribing.md)
        words = (summary, text, context)
        return [
            overdue_event(
                _person_uid(deadline, OVERDUE),
                (deadline.end, today),
                words,
                (who, ""),
                category,
                at_reminder,
                link,
            )
        ]
    description, about = f"{text}\n\n{context}", ("", deadline.end, who, "")
    return [day_event(uid, span, summary, description, category, tuple(alarms), link, stamp, about=about)]


def _person_uid(deadline: PersonDeadline, suffix: str = "") -> str:
    key = hashlib.sha256(deadline.key.encode()).hexdigest()[:16]
    return f"{deadline.kind}-{deadline.anchor.isoformat()}-{key}{suffix}@vaultsync"
