"""A finding: what a rule found about a contact, as reports and the calendar show it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

#: A deadline more than ``lapse_days`` past its end (``model.settle``): listed last, and only on request.
LAPSED = "lapsed"
LEVELS = ("overdue", "due", "upcoming", "warning", "info", LAPSED)
RULES: tuple[str, ...] = (
    "thank-you",
    "check-in",
    "prepare",
    "ask-referrals",
    "referral",
    "close-loop",
    "record",
    "job-ask",
    "keep-in-touch",
    "search-ended",
)
RULES += ("no-reply-other", "no-reply-follow-up", "no-reply-move-on")


@dataclass(frozen=True, slots=True)  # tens of thousands in a large vault
class Finding:
    rule: str
    level: str
    contact: str
    path: str
    due: dt.date | None
    message: str
    line: int | None = None  # the line of the note the finding is about, when it is about one

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "contact": self.contact,
            "path": self.path,
            "line": self.line,
            "due": self.due.isoformat() if self.due else None,
            "message": self.message,
        }

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        """Pickled as its fields in order: quicker than the state of slots (a worker process
        sends thousands)."""
        fields = (self.rule, self.level, self.contact, self.path, self.due, self.message, self.line)
        return (Finding, fields)

    def sort_key(self) -> tuple[Any, ...]:
        return (
            LEVELS.index(self.level),
            self.due or dt.date.max,
            self.contact.casefold(),
            self.path,
            RULES.index(self.rule),
            self.message,
        )
