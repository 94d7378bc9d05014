"""The properties vaultsync reads from a contact note, the other names vaults give them, and
how a property's name is folded so that those names meet.

The settings (``config``) start from these; ``property_aliases`` in the config adds to the names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

#: The properties vaultsync reads from a contact note, in the order the docs list them.
CANONICAL_PROPERTIES = (
    "name",
    "aliases",
    "organization",
    "role",
    "email",
    "phone",
    "address",
    "profile",
    "interviews",
    "thank_you_sent",
    "check_ins",
    "referrals",
    "referred_by",
    "advice",
    "follow_up",
    "outreach",
    "replied",
    "contacted",
    "do_not_contact",
    "keep_in_touch",
    "interview_minutes",
)

#: Names other vaults use for the same thing; ``property_aliases`` in the config adds to these.
DEFAULT_PROPERTY_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "organization": ("organisation", "company", "org", "firm", "employer", "organizations"),
        "role": ("title", "job_title", "position"),
        "email": ("e-mail", "mail", "emails"),
        "phone": ("telephone", "tel", "mobile", "phones"),
        "profile": ("linkedin", "url", "website", "homepage", "twitter", "github", "mastodon"),
        "interviews": ("interview", "meetings", "met"),
        "thank_you_sent": ("thank_you", "thanks_sent", "thank_you_letter"),
        "check_ins": ("check_in", "checkins", "followed_up"),
        "referrals": ("referral", "suggested", "suggested_contacts"),
        "referred_by": ("introduced_by", "referrer"),
        "follow_up": ("followup", "remind"),
        "outreach": ("reached_out", "wrote_to", "requests_sent", "asked_to_meet"),
        "replied": ("reply", "replies", "answered", "responded"),
        "contacted": ("last_contact", "last_contacted", "last_contacted_at", "contact_dates", "spoke"),
        "do_not_contact": ("donotcontact", "dnc", "no_contact"),
        "keep_in_touch": ("stay_in_touch", "keep_in_touch_days"),
    }
)


@lru_cache(maxsize=4096)  # a vault repeats the same few dozen names in every note
def property_key(name: str) -> str:
    """Fold a property name so ``Last-Contact``, ``last_contact`` and ``lastContact`` meet."""
    return re.sub(r"[\s_\-]", "", name).casefold()
