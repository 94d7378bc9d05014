"""Spelling of a letter draft, with pyspellchecker's word lists (shipped in its wheel, read offline).

What is not prose is left out before any word is looked up: links and their targets, e-mail
addresses, inline code, HTML tags. Words in capitals or with capitals inside (``QGIS``,
``LinkedIn``) are taken as names and acronyms, as most spell-checkers do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from vaultsync.reading.sections import Line

if TYPE_CHECKING:
    from spellchecker import SpellChecker

#: A word: letters, with apostrophes inside (don't, press's); hyphens split words.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NOT_PROSE = re.compile(
    r"`[^`]*`"  # inline code
    r"|<[^>\n]*>"  # HTML tags and autolinks
    r"|\]\([^)]*\)"  # a Markdown link's target
    r"|\b(?:https?://|www\.)\S+"  # bare URLs
    r"|\S+@\S+"  # e-mail addresses
)


#: How many corrections to offer for a word.
SUGGESTIONS = 3


@dataclass(frozen=True)
class Misspelling:
    line: int
    word: str  # as written
    suggestions: tuple[str, ...]  # the likeliest first, at most SUGGESTIONS


@cache
def _checker(language: str) -> SpellChecker:
    from spellchecker import SpellChecker

    # Corrections one edit away (a transposition counts as one) cover most typos; two edits
    # away are far slower in pyspellchecker (docs/performance.md), too slow for a draft full of jargon.
    return SpellChecker(language=language, distance=1)


@cache
def _corrections(language: str, word: str) -> tuple[str, ...]:
    checker = _checker(language)
    return tuple(sorted(checker.candidates(word) or (), key=lambda c: (-checker[c], c))[:SUGGESTIONS])


def words(text: str) -> Iterator[str]:
    """The words of ``text`` worth spelling, apostrophes made plain."""
    for match in WORD.finditer(_NOT_PROSE.sub(" ", text)):
        word = match.group(0).replace("’", "'")
        if len(word) > 1 and not any(c.isupper() for c in word[1:]):
            yield word


def accepted_words(texts: Iterable[str]) -> frozenset[str]:
    """Every word of ``texts`` (names, organizations, a word list), folded, for ``misspellings``."""
    return frozenset(w.casefold() for text in texts for w in WORD.findall(text.replace("’", "'")))


def misspellings(lines: Sequence[Line], accepted: frozenset[str], language: str = "en") -> list[Misspelling]:
    """Each word of ``lines`` that neither the dictionary nor ``accepted`` knows, with corrections."""
    checker = _checker(language)
    found = []
    for text, number in lines:
        for word in words(text):
            folded = word.casefold()
            stem = folded.removesuffix("'s")
            if folded in accepted or stem in accepted or checker.known([folded]) or checker.known([stem]):
                continue
            found.append(Misspelling(number, word, _corrections(language, folded)))
    return found
