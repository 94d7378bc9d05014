"""Words a careful reader would stop at in a letter: commonly confused pairs and repeated words.

The confused pairs (advise/advice, your/you're, their/there, its/it's, affect/effect,
lose/loose, then/than) are judged by the words around them, and only where the context
settles it: "your advise" is wrong, "I advise" is not looked at. A rule that could flag right
text is left out rather than kept: a letter the check passes should not be one it nagged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vaultsync.model.asks import line_of
from vaultsync.reading.sections import Line

#: Words after which "advise" can only be the noun (not "that", "her" or "some": "people that
#: advise", "I heard her advise", "some advise against it").
_NOUN_BEFORE = (
    r"your|my|the|any|good|great|helpful|useful|valuable|wise|practical|honest|thoughtful|this|his|their|our"
    r"|piece\s+of|for"
)
_PERSON = r"me|you|him|her|them|us"
#: Words before "there" that make it the possessive ("thank you for there advice"), not the
#: adverb ("is there advice you would give").
_BEFORE_THEIR = r"for|to|with|at|on|in|of|about|from|by|and|love[ds]?|liked?|enjoyed|appreciated?"
#: (pattern, what to write, why). Group 1 is the wrong word. Patterns are matched case-blind.
CONFUSED = (
    (rf"\b(?:{_NOUN_BEFORE})\s+(advise)\b", "advice", "advice is the noun, advise the verb"),
    (rf"\b(?:would|will|could|can|may|might|please|did|i|we|they)\s+(?:you\s+)?(advice)\s+(?:{_PERSON}|on)\b",
     "advise", "advise is the verb, advice the noun"),
    (r"(?<!for\s)\b(your)\s+(?:welcome(?=\s*[.!,;]|\s*$)|going\s+to|not\s+alone"
     r"|(?:so|very|too)\s+kind(?=\s*[.!,;]|\s+to\b))", "you're", "you're is you are"),
    (r"\b(you['’]re)\s+(?:advice|time|help|team|work|support|insights?|email|note|kindness|generosity"
     r"|guidance|feedback|company|suggestions?|perspective|experience|career|story|book|article)\b",
     "your", "your is what belongs to you; you're is you are"),
    (r"\b(their)\s+(?:is|are|was|were|isn['’]t|aren['’]t|wasn['’]t|weren['’]t)\s+(?:a|an|no|many|some|few"
     r"|several|so|lots?|plenty)\b", "there", "there is, there are; their is what belongs to them"),
    (rf"\b(?:{_BEFORE_THEIR})\s+(there)\s+(?:team|company|advice|office|group|organi[sz]ation|website|work"
     r"|field)\b|\b(there)\s+own\b", "their", "their is what belongs to them"),
    (r"\b(its)\s+(?:a|an|been|not|going|really|always|never|also|too\s+early)\b", "it's",
     "it's is it is; its is what belongs to it"),
    (r"\b(it['’]s)\s+own\b", "its", "its is what belongs to it; it's is it is"),
    (r"\b(?:an|the|big|huge|real|lasting|great|no|any|side)\s+(affect)\b", "effect",
     "effect is the noun, a result; affect the verb"),
    (r"\b(?:will|would|could|can|may|might|not|it|that|this|they|i)\s+(effect)\s+(?:my|the|your|how|me"
     r"|our|their|his|her|whether|you)\b", "affect", "affect is the verb, to change; effect the noun"),
    (r"\b(?:to|never|will|would|don['’]t|didn['’]t|can['’]t|won['’]t|might)\s+(loose)\b", "lose",
     "lose is to stop having; loose is not tight"),
    (r"\b(loose)\s+(?:track|touch|sight|hope|interest|momentum)\b", "lose",
     "lose is to stop having; loose is not tight"),
    (r"\b(?:more|less|better|worse|rather|other|fewer|greater|higher|lower|larger|smaller|easier|harder"
     r"|faster)\s+(then)\b", "than", "than compares; then is about time"),
    (r"\b(?:and|since|until|back|by)\s+(than)\b(?!\s+(?:ever|before|usual|expected))", "then",
     "then is about time; than compares"),
)  # fmt: skip
_CONFUSED = tuple((re.compile(rx, re.IGNORECASE), right, why) for rx, right, why in CONFUSED)
#: A word written twice ("the the"), but not the pairs that English doubles on purpose.
_REPEATED = re.compile(r"\b([^\W\d_]+)\s+(\1)\b", re.IGNORECASE)
_DOUBLED_ON_PURPOSE = frozenset({"had", "that", "is", "do", "very", "so", "bye", "ha", "no", "really", "far"})


@dataclass(frozen=True)
class Slip:
    line: int
    kind: str  # "confused" or "repeated"
    message: str


def slips(lines: Sequence[Line]) -> list[Slip]:
    """Each confused word and each word written twice in ``lines``, read as one text."""
    if not lines:
        return []
    text = " ".join(line for line, _ in lines)
    found: dict[int, Slip] = {}  # by where the word is: two rules may find the same one
    for rx, right, why in _CONFUSED:
        for m in rx.finditer(text):
            group = next(index for index in range(1, (rx.groups or 0) + 1) if m.group(index) is not None)
            wrong = m.group(group)
            found.setdefault(
                m.start(group),
                Slip(
                    line_of(lines, m.start(group)),
                    "confused",
                    f"\u201c{' '.join(m.group(0).split())}\u201d: write \u201c{_like(right, wrong)}\u201d "
                    f"for \u201c{wrong}\u201d ({why})",
                ),
            )
    for m in _REPEATED.finditer(text):
        if (
            m.group(1).casefold() == m.group(2).casefold()
            and m.group(1).casefold() not in _DOUBLED_ON_PURPOSE
        ):
            found.setdefault(
                m.start(2),
                Slip(
                    line_of(lines, m.start(2)),
                    "repeated",
                    f"\u201c{' '.join(m.group(0).split())}\u201d: the word is written twice",
                ),
            )
    return [found[offset] for offset in sorted(found)]


def _like(word: str, model: str) -> str:
    """``word`` capitalized as ``model`` is."""
    return word[0].upper() + word[1:] if model[:1].isupper() else word
