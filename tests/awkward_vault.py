"""A vault of awkward names: what calendar text escaping, folding and time zones get wrong.

Commas and semicolons (TEXT escapes), a backslash followed by ``n`` (a parser that unescapes
twice reads a newline), emoji with zero-width joiners and flags (4-byte UTF-8 that folding must
not split), a name far longer than one 75-octet line, non-Latin scripts (CJK, Cyrillic,
right-to-left Arabic, Devanagari with combining marks), a zoned time, a time with an offset.
Judged on 2026-11-20 (the README's day), in America/New_York.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import write_note

TODAY = dt.date(2026, 11, 20)
BACKSLASH_NAME = r"C:\new\table \, Ng"
LONG_NAME = "Maximiliane Alexandra Konstantinopoulou-Wittgenstein von Hohenzollern-Sigmaringen 山田花子 ✨🌍"

LONG_ORGANIZATION = (
    "International Organization for Standardization Technical Committee 211 — Geographic information"
)

NOTES = {
    ".vaultsync.toml": """
        timezone = "America/New_York"
        calendar_name = "Interviews, 2026; ✨ \\\\ and more"
        """,
    "Contacts/Smith, Jones; Partners.md": """
        ---
        type: contact
        organization: 'Acme, Inc.; R&D: "Labs"'
        email: smith@acme.example
        interviews:
          - 2026-11-18
        advice:
          - "Use commas, semicolons; and colons: all of them."
        referrals:
          - "O'Brien, Pat; 555-0100"
        ---
        """,
    "Contacts/Zoë Émile.md": """
        ---
        type: contact
        name: "Zoë 👩‍💻 Émile 🇧🇷"
        organization: Café Ñandú
        phone: 555-0101
        interviews:
          - "2026-11-27T09:15"
        ---
        ## Questions
        - ¿Cómo empezó?
        """,
    "Contacts/Long name.md": f"""
        ---
        type: contact
        name: "{LONG_NAME}"
        organization: "{LONG_ORGANIZATION}"
        email: long@iso.example
        interviews:
          - 2026-10-01
        advice:
          - "{"A very long piece of advice, well past one line of text, " * 4}"
        ---
        """,
    "Contacts/李小龙.md": """
        ---
        type: contact
        organization: 北京大学
        email: li@pku.example
        interviews:
          - 2026-11-16
        advice:
          - 先做两个深入的案例研究。
        ---
        """,
    "Contacts/Алексей Смирнов.md": """
        ---
        type: contact
        organization: Яндекс
        email: a@ya.example
        interviews:
          - "2026-11-26T14:00:00+01:00"
        ---
        ## Questions
        - Как вы начали?
        """,
    "Contacts/محمد علي.md": """
        ---
        type: contact
        organization: جامعة القاهرة
        email: m@cu.example
        interviews:
          - 2026-09-01
        thank_you_sent: 2026-09-03
        ---
        """,
    "Contacts/अनन्या शर्मा.md": """
        ---
        type: contact
        organization: भारतीय प्रौद्योगिकी संस्थान
        email: a@iit.example
        interviews:
          - 2026-11-19
        ---
        """,
    "Contacts/Back\\slash.md": f"""
        ---
        type: contact
        name: '{BACKSLASH_NAME}'
        organization: 'Semi;colon\\Back'
        email: ng@example.com
        interviews:
          - 2026-11-17
        ---
        """,
}


def make_awkward_vault(root: Path) -> Path:
    """Write the awkward vault into ``root`` (created) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for path, text in NOTES.items():
        write_note(root, path, text)
    return root
