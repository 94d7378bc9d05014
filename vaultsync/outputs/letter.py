"""The thank-you letter (guide rule 5): a draft from the note, and a check of the draft the user wrote.

The draft thanks them for their time on the day of the latest interview, recalls the talk
(the questions recorded), the advice that helped, what the user plans to do with it (a
``## Plan`` section), and the people they suggested, saying which the user already reached
out to. What the note does not say is left as a ``[bracketed]`` prompt, which the check flags
until it is replaced. Both judge at a moment (``model.now.Now``): an interview is held once it
has ended, on the user's day. Neither reads the clock nor writes a file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from vaultsync.config import Settings
from vaultsync.errors import VaultsyncError
from vaultsync.model.contact import Contact, PersonRef, find_person, index_by_name
from vaultsync.model.deadlines import held as held_by
from vaultsync.model.now import Now
from vaultsync.model.rules import job_asks
from vaultsync.model.vault import Vault
from vaultsync.outputs.lookup import Opened
from vaultsync.outputs.spelling import WORD, accepted_words, misspellings, words
from vaultsync.outputs.wording import slips
from vaultsync.reading.sections import Line

#: A [prompt] left for the user: brackets that are no link, wikilink or task box.
PLACEHOLDER = re.compile(r"(?<!\[)\[(?![\[ xX]\])([^\[\]]+)\](?![\](])")
#: A sentence that says what the user enjoyed or valued in the conversation.
ENJOYED = re.compile(
    r"\b(?:enjoy\w*|loved|appreciated|especially|fascinat\w*|interesting|insightful|inspir\w*|struck me"
    r"|stayed with me|stood out|highlight|memorable|learn(?:ed|t)|glad|eye-opening|helped me see)\b",
    re.IGNORECASE,
)
#: A sentence about what the user will do (or has started doing) with the advice.
PLANS = re.compile(
    r"\b(?:i\s+plan|i\s+will|i['’]ll|i\s+am\s+going\s+to|i['’]m\s+going\s+to|i\s+intend|my\s+next\s+steps?"
    r"|next,?\s+i|i\s+have\s+(?:already\s+)?started|i['’]ve\s+(?:already\s+)?started|i\s+started|i\s+have\s+already"
    r"|i['’]ve\s+already|i\s+am\s+now|i['’]m\s+now)\b"
    # "I will reach out to Ana soon" is about the people suggested, not the advice
    r"(?!\s+(?:soon\s+|also\s+)?(?:reach|contact|write|be\s+in\s+touch|keep\s+in|stay\s+in|follow\s+up))",
    re.IGNORECASE,
)
#: The ask for other people to talk with (guide rule 3).
MORE_PEOPLE = re.compile(
    r"\b(?:anyone|anybody|someone|somebody|others|other\s+people|colleagues?|contacts?)\b[^.?!]{0,80}"
    r"\b(?:talk|speak|meet|contact|reach|learn|introduc\w*)"
    r"|\b(?:introduc\w*|put\s+me\s+in\s+touch|connect\s+me)\b[^.?!]{0,60}"
    r"\b(?:anyone|anybody|someone|somebody|others|other\s+people|colleagues?)\b",
    re.IGNORECASE,
)
#: Days after the interview within which the letter goes out (guide rule 5: "within two to three days").
ON_TIME_DAYS = 3
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


def draft(letter: Opened, now: Now) -> str:
    """A thank-you letter for the latest interview held by ``now`` (ended)."""
    contact, settings = letter.contact, letter.vault.settings
    today = now.day
    held = held_by(contact, now, settings)
    if not held:
        raise VaultsyncError(
            f"{contact.path}: no interview {_by(now)} is recorded (interviews), so there is "
            "nothing to thank them for yet"
        )
    first = contact.name.split()[0] if contact.name.split() else contact.name
    work = " at ".join(filter(None, (contact.role, contact.organization)))
    about = f" about your work as {work}" if contact.role else f" about your work at {work}" if work else ""
    asks = {line for line, _ in job_asks(contact.sections.questions, settings)}
    topics = [f"\u201c{text}\u201d" for text, number in contact.sections.questions if number not in asks]
    talk = f"; you asked: {'; '.join(topics)}" if topics else ""
    when = _when(now.day_of(held[-1]), today)
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
    parts.append(_referrals(contact.referrals, letter.vault, now))
    parts += ["Thank you again for your time and advice.", "Best regards,\n[Your name]"]
    return "\n\n".join(parts) + "\n"


def _by(now: Now) -> str:
    """Held by ``now``, as a message says it: by the day when judged at its end (``--today``)."""
    if now.wall.time() == dt.time.max:
        return f"on or before {now.day}"
    return f"ended by {now.wall:%Y-%m-%d %H:%M}"


def _referrals(referrals: Sequence[PersonRef], vault: Vault, now: Now) -> str:
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
        if note is not None and not note.interviews and (note.outreach or note.replies or note.contacted):
            sentences.append(f"I have already reached out to {person.name}.")
            continue
        if note is None or not note.interviews:
            waiting.append(person.name)
            continue
        held = held_by(note, now, vault.settings)
        coming = [m for m in note.interviews if m not in held]
        when = (
            f"we talked {_when(now.day_of(held[-1]), now.day)}"
            if held
            else f"we are meeting {_when(now.day_of(coming[0]), now.day)}"
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
    kind: str  # "spelling", "job-ask", "advice", "enjoyed", "plan", "referrals", "confused", "repeated",
    # "late", "placeholder", "empty"
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


def check(letter: Opened, now: Now) -> list[Problem]:
    """What to fix in the draft under the note's Thank-you heading, by line (guide rule 5: what
    you enjoyed, the advice that helped, your plan, the people they suggested, well written and
    spelled, within three days of the interview; rule 2: no direct ask for a job)."""
    contact = letter.contact
    lines = contact.sections.letter
    if not contact.sections.has_letter:
        raise VaultsyncError(
            f"{contact.path}: no Thank-you section (a heading like '## Thank-you draft') holds a draft to "
            f"check; 'vaultsync letter {contact.path}' prints one to start from"
        )
    if not lines:
        return [Problem(0, "empty", "the Thank-you section is empty")]
    draft_start = lines[0][1]  # the file line where the draft begins
    found = writing(letter, lines)
    found += _advice(contact, lines, draft_start)
    found += _elements(contact, [(prose(lines), draft_start)], draft_start)
    found += _late(contact, now, letter.vault.settings, draft_start)
    return sorted(found, key=lambda p: (p.line, p.kind, p.message))


def writing(opened: Opened, lines: Sequence[Line]) -> list[Problem]:
    """What any letter to a contact must not have: a direct ask for a job, a prompt left in,
    a word misspelled, confused or written twice."""
    contact, settings = opened.contact, opened.vault.settings
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
            *(c.name for c in opened.vault.contacts),
            *(c.organization for c in opened.vault.contacts),
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
    return found + [Problem(slip.line, slip.kind, slip.message) for slip in slips(lines)]


def prose(lines: Sequence[Line]) -> str:
    """The text of ``lines`` as one, without its [prompts] (what the user has not written yet)."""
    return " ".join(PLACEHOLDER.sub(" ", text) for text, _ in lines)


def report(where: str, problems: Sequence[Problem], ready: str) -> tuple[list[str], int]:
    """The lines ``path:line: kind: message`` for ``problems``, or the ``ready`` line, and the
    exit code: 1 when something is to fix."""
    if not problems:
        return [f"{where}: {ready}"], 0
    return [f"{where}:{f'{p.line}:' if p.line else ''} {p.kind}: {p.message}" for p in problems], 1


def _advice(contact: Contact, lines: Sequence[Line], draft_start: int) -> list[Problem]:
    if not contact.advice:
        return [
            Problem(
                draft_start,
                "advice",
                "no advice is recorded in the note (advice, or an ## Advice section), "
                "so the draft cannot be checked for it: record the advice that helped and mention it",
            )
        ]
    if not any(mentions(lines, advice) for advice in contact.advice):
        return [
            Problem(
                draft_start,
                "advice",
                f"the draft mentions none of the advice they offered "
                f"(like \u201c{contact.advice[0]}\u201d): say which advice helped you",
            )
        ]
    return []


def _elements(contact: Contact, prose: Sequence[Line], draft_start: int) -> list[Problem]:
    """What you enjoyed, your plan, the people they suggested: in ``prose``, the draft without
    its prompts."""
    found = []
    text = " ".join(line for line, _ in prose)
    if not ENJOYED.search(text):
        found.append(
            Problem(
                draft_start,
                "enjoyed",
                "the draft does not say what you enjoyed in the conversation "
                "(a sentence like \u201cI especially enjoyed hearing how you ...\u201d)",
            )
        )
    plan = contact.sections.plan
    if plan and not any(mentions(prose, text) for text, _ in plan):
        found.append(
            Problem(
                draft_start,
                "plan",
                f"the draft mentions nothing of your ## Plan section (like \u201c{plan[0][0]}\u201d): "
                "say what you will do with their advice",
            )
        )
    elif not plan and not PLANS.search(text):
        found.append(
            Problem(
                draft_start,
                "plan",
                "the draft does not say what you plan to do with their advice, and the note has no "
                "## Plan section: write the plan there and say it in the draft",
            )
        )
    words = {w.casefold() for w in WORD.findall(text)}
    missing = [p.name for p in contact.referrals if not _named(p.name, words)]
    if missing:
        found.append(
            Problem(
                draft_start,
                "referrals",
                f"the draft does not thank them for suggesting {_names(missing)}",
            )
        )
    elif not contact.referrals and not MORE_PEOPLE.search(text):
        found.append(
            Problem(
                draft_start,
                "referrals",
                "no one they suggested is recorded (referrals), and the draft does not ask whether they "
                "know others you could talk with",
            )
        )
    return found


def _named(name: str, words: set[str]) -> bool:
    """Whether the draft names ``name``: all its words, or its first one (a first name)."""
    parts = [w.casefold() for w in WORD.findall(name)]
    return bool(parts) and (parts[0] in words or all(part in words for part in parts))


def _late(contact: Contact, now: Now, settings: Settings, draft_start: int) -> list[Problem]:
    held = held_by(contact, now, settings)
    if not held:
        return []
    today, day = now.day, now.day_of(held[-1])
    if (today - day).days <= ON_TIME_DAYS or any(sent >= day for sent in contact.thank_you_sent):
        return []
    return [
        Problem(
            draft_start,
            "late",
            f"the interview was on {day}, {(today - day).days} days before {today}: the guide asks for the "
            "letter within three days; send it as soon as you can",
        )
    ]
