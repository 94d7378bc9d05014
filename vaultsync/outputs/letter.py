"""The thank-you letter (guide rule 5): a draft from the note, and a check of the draft the user wrote.

The draft thanks them for their time on the day of the latest interview, recalls the talk
(the questions recorded), the advice that helped, what the user plans to do with it (a
``## Plan`` section), and the people they suggested, saying which the user already reached
out to. What the note does not say is left as a ``[bracketed]`` prompt, which the check flags
until it is replaced. Neither reads the clock nor writes a file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from vaultsync.errors import VaultsyncError
from vaultsync.model.contact import PersonRef, find_person, index_by_name
from vaultsync.model.dates import day_of
from vaultsync.model.rules import job_asks
from vaultsync.model.vault import Vault
from vaultsync.outputs.lookup import Opened
from vaultsync.outputs.spelling import accepted_words, misspellings, words
from vaultsync.reading.sections import Line

#: A [prompt] left for the user: brackets that are no link, wikilink or task box.
PLACEHOLDER = re.compile(r"(?<!\[)\[(?![\[ xX]\])([^\[\]]+)\](?![\](])")
#: Words too common to show that a letter mentions a piece of advice.
STOPWORDS = frozenset(
    """a about after all also an and any are as at be been before being but by can could did do
    does for from had has have how i if in into is it its just me more most my no not of on one
    only or other our out over so some than that the their them then there these they this those
    to too up very was we were what when which who will with would you your""".split()  # noqa: SIM905
)


# --- the draft


def _when(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "today"
    if day == today - dt.timedelta(days=1):
        return "yesterday"
    year = f", {day.year}" if day.year != today.year else ""
    return f"on {day:%A}, {day:%B} {day.day}{year}"


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def draft(letter: Opened, today: dt.date) -> str:
    """A thank-you letter for the latest interview held on or before ``today``."""
    contact, settings = letter.contact, letter.vault.settings
    held = contact.held(today)
    if not held:
        raise VaultsyncError(
            f"{contact.path}: no interview on or before {today} is recorded (interviews), so there is "
            "nothing to thank them for yet"
        )
    first = contact.name.split()[0] if contact.name.split() else contact.name
    work = " at ".join(filter(None, (contact.role, contact.organization)))
    about = f" about your work as {work}" if contact.role else f" about your work at {work}" if work else ""
    asks = {line for line, _ in job_asks(contact.sections.questions, settings)}
    topics = [f"\u201c{text}\u201d" for text, number in contact.sections.questions if number not in asks]
    talk = f"; you asked: {'; '.join(topics)}" if topics else ""
    when = _when(day_of(held[-1]), today)
    when += "," if about and when.startswith("on ") else ""
    parts = [
        f"Dear {first},",
        f"Thank you for taking the time to talk with me {when}{about}. "
        f"I especially enjoyed [what you enjoyed most in the conversation{talk}].",
    ]
    if contact.advice:
        parts.append("Your advice was especially helpful:\n" + "\n".join(f"- {a}" for a in contact.advice))
    else:
        parts.append("[The advice that helped you most, and why.]")
    if contact.sections.plan:
        parts.append(
            "Here is what I plan to do next:\n" + "\n".join(f"- {text}" for text, _ in contact.sections.plan)
        )
    else:
        parts.append("[What you plan to do with their advice.]")
    parts.append(_referrals(contact.referrals, letter.vault, today))
    parts += ["Thank you again for your time and advice.", "Best regards,\n[Your name]"]
    return "\n\n".join(parts) + "\n"


def _referrals(referrals: Sequence[PersonRef], vault: Vault, today: dt.date) -> str:
    if not referrals:
        return (
            "If you know anyone else I could talk with to learn more about [the field], "
            "I would be grateful for an introduction."
        )
    by_name = index_by_name(vault.contacts)
    sentences = [f"Thank you also for suggesting that I talk with {_names([p.name for p in referrals])}."]
    waiting = []
    for person in referrals:
        note = find_person(person, by_name)
        if note is None or not note.interviews:
            waiting.append(person.name)
            continue
        held = note.held(today)
        when = (
            f"we talked {_when(day_of(held[-1]), today)}"
            if held
            else (f"we are meeting {_when(day_of(note.interviews[0]), today)}")
        )
        sentences.append(f"I have already reached out to {person.name}, and {when}.")
    if len(waiting) == len(referrals):
        sentences[0] = sentences[0].removesuffix(".") + "; I will reach out soon."
    elif waiting:
        sentences.append(f"I will reach out to {_names(waiting)} soon.")
    return " ".join(sentences)


# --- the check


@dataclass(frozen=True)
class Problem:
    line: int
    kind: str  # "spelling", "job-ask", "advice", "placeholder", "empty"
    message: str


def _stems(text: str) -> set[str]:
    """Content words of ``text``, folded and stripped of common endings, for a loose match."""
    stems = set()
    for word in words(text.casefold()):
        word = word.removesuffix("'s")
        if word in STOPWORDS or len(word) < 3:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        stems.add(word)
    return stems


def mentions(draft_lines: Sequence[Line], advice: str) -> bool:
    """True when the draft has at least a third of the content words of ``advice`` (and one at least)."""
    wanted = _stems(advice)
    shared = wanted & set().union(*(_stems(text) for text, _ in draft_lines))
    return bool(shared) and 3 * len(shared) >= len(wanted)


def _spelling_message(word: str, suggestions: Sequence[str]) -> str:
    if not suggestions:
        return f"\u201c{word}\u201d is not in the dictionary"
    return f"\u201c{word}\u201d: did you mean " + " or ".join(f"\u201c{s}\u201d" for s in suggestions) + "?"


def check(letter: Opened) -> list[Problem]:
    """What to fix in the draft under the note's Thank-you heading, by line."""
    contact, settings = letter.contact, letter.vault.settings
    lines = contact.sections.letter
    if not contact.sections.has_letter:
        raise VaultsyncError(
            f"{contact.path}: no Thank-you section (a heading like '## Thank-you draft') holds a draft to "
            f"check; 'vaultsync letter {contact.path}' prints one to start from"
        )
    if not lines:
        return [Problem(0, "empty", "the Thank-you section is empty")]
    draft_start = lines[0][1]  # the file line where the draft begins
    found = [
        Problem(
            line,
            "job-ask",
            f"asks directly for a job (\u201c{phrase}\u201d); ask instead, in a general way, "
            "whether they know of openings or of other people to talk with",
        )
        for line, phrase in job_asks(lines, settings)
    ]
    found += [
        Problem(number, "placeholder", f"replace the prompt [{m.group(1)}]")
        for text, number in lines
        for m in PLACEHOLDER.finditer(text)
    ]
    accepted = accepted_words(
        [
            *(c.name for c in letter.vault.contacts),
            *(c.organization for c in letter.vault.contacts),
            contact.name,
            contact.organization,
            contact.role,
            contact.stem,
            *contact.aliases,
            *(p.name for p in (*contact.referrals, *contact.referred_by)),
            *settings.spelling_words,
        ]
    )
    found += [
        Problem(m.line, "spelling", _spelling_message(m.word, m.suggestions))
        for m in misspellings(lines, accepted, settings.spelling_language)
    ]
    if not contact.advice:
        found.append(
            Problem(
                draft_start,
                "advice",
                "no advice is recorded in the note (advice, or an ## Advice section), "
                "so the draft cannot be checked for it: record the advice that helped and mention it",
            )
        )
    elif not any(mentions(lines, advice) for advice in contact.advice):
        found.append(
            Problem(
                draft_start,
                "advice",
                f"the draft mentions none of the advice they offered "
                f"(like \u201c{contact.advice[0]}\u201d): say which advice helped you",
            )
        )
    return sorted(found, key=lambda p: (p.line, p.kind, p.message))
