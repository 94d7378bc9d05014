"""Close the loop with the referrer: once you have met someone a contact suggested, let that
contact know (guide: "you might be able to say that you have already set up another
informational interview with someone recommended by this contact").

Letting the referrer know and writing to them again are one letter when they fall together:
while their check-in (or the keep-in-touch after it) is listed and opens by the close-loop's due
day (or has opened), the close-loop folds into it (``close_loops``), and that letter names the
person met (``telling``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from vaultsync.config import Settings
from vaultsync.model.contact import PersonRef
from vaultsync.model.deadlines import CLOSE_LOOP, lapsed
from vaultsync.model.finding import Finding
from vaultsync.model.now import Now
from vaultsync.model.referral import ONE_DAY, PersonDeadline, R, Referrer, days_held, window

#: The rules of the letters that write to someone again, which a close-loop folds into.
WRITING_AGAIN = ("check-in", "keep-in-touch")


def last_told(referrer: Referrer, now: Now, settings: Settings) -> dt.date | None:
    """The latest day by ``now`` that anything records contact with ``referrer``: an interview
    held (however old: ``since`` does not apply), a thank-you, a check-in, a message either way,
    another contact."""
    return _last_told(referrer, list(days_held(referrer, now, settings, None)), now.day)


def _last_told(referrer: Referrer, held: Sequence[dt.date], today: dt.date) -> dt.date | None:
    """``last_told``, given the days of the referrer's interviews held (``since`` aside)."""
    last = held[-1] if held else None
    for dates in (
        referrer.thank_you_sent,
        referrer.check_ins,
        referrer.outreach,
        referrer.replies,
        referrer.contacted,
    ):
        for day in dates:
            if day <= today and (last is None or day > last):
                last = day
    return last


def first_held(person: Referrer, now: Now, settings: Settings) -> dt.date | None:
    """The day of ``person``'s first interview over by ``now`` on or after ``since``."""
    return next(days_held(person, now, settings, settings.since), None)


def met_suggested(
    referrer: R, notes: Sequence[tuple[PersonRef, R | None]], now: Now, settings: Settings
) -> list[tuple[R, dt.date]]:
    """The people ``referrer`` suggested (``resolved``) whom the user has met by ``now`` (a note
    with an interview held, on or after ``since``), each once, with the day of that first meeting."""
    found: list[tuple[R, dt.date]] = []
    for _, note in notes:
        if note is None or not note.interviews or note.path == referrer.path:
            continue
        if found and any(met is note for met, _ in found):  # suggested twice (a note per path)
            continue
        day = first_held(note, now, settings)
        if day is not None:
            found.append((note, day))
    return found


def letter_listed(
    referrer: Referrer, latest: dt.date | None, last: dt.date | None, today: dt.date, settings: Settings
) -> dt.date | None:
    """The day the next letter to ``referrer`` opens, when its finding is listed on ``today`` and
    not lapsed, as ``deadlines`` and the rules make it: the check-in after ``latest`` (their
    latest interview held; not done, from ``check_in_notice_days`` before its window, overdue
    after it), else the keep-in-touch that takes over from it (``keep_in_touch_days`` after
    ``last``, the latest contact). None when no such letter is listed."""
    if latest is None:
        return None
    checked = any(done > latest for done in referrer.check_ins)
    opens = latest + dt.timedelta(days=settings.check_in_opens_days)
    closes = latest + dt.timedelta(days=settings.check_in_closes_days)
    if not checked and today <= closes:
        return opens if today >= opens - dt.timedelta(days=settings.check_in_notice_days) else None
    every = settings.keep_in_touch_days if referrer.keep_in_touch is None else referrer.keep_in_touch
    start = (last or latest) + dt.timedelta(days=every or 0)
    if not checked:
        start = max(start, closes + ONE_DAY)
    if not every or today < start:  # no keep-in-touch yet: the check-in not done stays, overdue
        return opens if not checked and not lapsed(closes, today, settings) else None
    end = start + dt.timedelta(days=settings.keep_in_touch_window_days)
    return None if lapsed(end, today, settings) else start


def close_loops(
    referrer: R, notes: Sequence[tuple[PersonRef, R | None]], now: Now, settings: Settings
) -> tuple[list[tuple[Finding, PersonDeadline]], tuple[str, ...]]:
    """Let ``referrer`` know you met someone they suggested (``notes``: ``resolved``): due
    ``close_loop_days`` after that meeting, satisfied by any contact with them since
    (``last_told``). One letter, not two: while their check-in or keep-in-touch is listed
    (``letter_listed``) and opens by that due day (or has opened), the close-loop folds into it,
    and that letter names the person (the second value, for ``telling``). Nothing when they want
    no reminders."""
    if not referrer.follow_up or referrer.do_not_contact or not referrer.referrals:
        return [], ()
    met = met_suggested(referrer, notes, now, settings)
    if not met:
        return [], ()
    found, folded, today, since = [], [], now.day, settings.since
    held = list(days_held(referrer, now, settings, None))  # once for both: any meeting tells them
    told = _last_told(referrer, held, today)
    latest = next((day for day in reversed(held) if since is None or day >= since), None)  # referral_day
    opens = letter_listed(referrer, latest, told, today, settings)
    for note, day in met:
        if told is not None and told >= day:
            continue
        start, end = window(day, settings.close_loop_days)
        if opens is not None and opens <= max(end, today):
            folded.append(note.name)
            continue
        key = f"{referrer.path}\n{note.path}"
        deadline = PersonDeadline(
            CLOSE_LOOP, note.name, "", (referrer.name,), referrer.path, referrer.path, key, day, start, end
        )
        level = deadline.level(today)
        message = (
            f"Let {referrer.name} know that you met {note.name}, whom they suggested (interview {day}; "
            f"{'was ' if level == 'overdue' else ''}due {deadline.end}): thank them for the introduction "
            "and say how it went. Then record the date in contacted."
        )
        finding = Finding("close-loop", level, referrer.name, referrer.path, deadline.end, message)
        found.append((finding, deadline))
    return found, tuple(folded)


def telling(findings: Iterable[Finding], met: Mapping[str, tuple[str, ...]]) -> list[Finding]:
    """``findings``, each check-in or keep-in-touch of a referrer in ``met`` naming the people they
    suggested whom the user has met since (the guide: say that you have already met someone they
    recommended)."""
    if not met:
        return list(findings)
    return [told_in(f, met[f.path]) if f.rule in WRITING_AGAIN and f.path in met else f for f in findings]


def told_in(finding: Finding, names: Sequence[str]) -> Finding:
    """A check-in or keep-in-touch ``finding`` that names ``names``, whom the referrer suggested
    and the user has met."""
    said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    message = f"{finding.message} Tell them that you have met {said}, whom they suggested."
    return dataclasses.replace(finding, message=message)
