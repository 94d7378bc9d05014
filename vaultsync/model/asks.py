"""Direct asks for a job (guide rule 2), found by a small grammar rather than a list of phrases.

An ask is a request addressed to the contact whose object is a job for the user: a request
frame ("could you", "any chance", "I'd love to", "please") or a verb that carries it by itself
("hire me", "consider me for", "keep me in mind"), an object (job, internship, position, role,
opening, interview, application, résumé) and a beneficiary (me, someone like me) or an employer
that is the contact (you, your team, your company). A question about the field ("do you know of
openings in the field", "how does hiring work", "is UX research a job for me") names no such
employer or beneficiary and is left alone.

Text is matched lowered (ASCII) or case-blind, with any run of spaces and line breaks between
words, apostrophes straight or curly, and the common typos of the words that matter. Where an
ask needs its frame, the match starts at the frame; where the verb is enough, at the verb: the
finding's line is the line of that first word. The user's ``job_ask_phrases`` count as asks too.

Each rule is a regular expression, compiled when first needed, and a text is tried only with
the rules whose key words it holds, and only when it holds a word every ask holds (the pronouns
of the user and the contact): ASCII text is split into words once and they are looked up in
sets; other text is searched for them with patterns. The grammar is ``model.ask_grammar``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache
from itertools import accumulate, groupby
from typing import NamedTuple

from vaultsync.model.ask_grammar import GRAMMAR, KEY_WORDS, WORDS
from vaultsync.reading.sections import Line


def _expand(template: str) -> str:
    for _ in range(3):  # classes may name classes
        template = re.sub(r"\{([A-Z]+)\}", lambda m: WORDS[m.group(1)], template)
    return _expand_apostrophes(template).replace(" ", r"\s+")


def _expand_apostrophes(text: str) -> str:
    return text.replace("'", "['’]")


def _key_words(keys: str) -> list[str]:
    words = keys.split()
    while any(word.startswith("@") for word in words):
        words = [w for word in words for w in (KEY_WORDS[word].split() if word.startswith("@") else [word])]
    return words


#: Every ask names the user or the contact (or "the team"): a text without one of these words is
#: searched no further.
PEOPLE = (
    "i i'm i'd im id me my mine myself you u your ur yuo yuor yoru youre you're y'all please pls the referral"
)


class Gates(NamedTuple):
    people: re.Pattern[str]
    keys: re.Pattern[str]  # every key word
    first: dict[str, tuple[int, ...]]  # a key word -> the rules whose first group holds it
    more: tuple[tuple[frozenset[str], ...], ...]  # each rule's other groups
    words: frozenset[str]  # every key word
    #: For ``_words_rules``: PEOPLE's words that are words of text split at what is not a letter
    #: (or None when a key word is not made of letters, digits and apostrophes: only the
    #: patterns can tell then), every key word also as it follows an apostrophe (both as
    #: bytes), and the words that only the patterns find (an apostrophe in them joins two words).
    plain_people: frozenset[bytes] | None
    split_words: frozenset[bytes]
    joining: tuple[str, ...]


@cache
def _gates(ignore_case: bool) -> Gates:
    first: dict[str, set[int]] = {}
    more = []
    for index, (keys, _) in enumerate(GRAMMAR):
        head, *rest = keys.split("|")
        for word in _key_words(head):
            first.setdefault(word, set()).add(index)
        more.append(tuple(frozenset(_key_words(group)) for group in rest))
    every = set(first).union(*(group for groups in more for group in groups))
    flags = re.IGNORECASE if ignore_case else 0
    # PEOPLE starts with a letter, then looks back for the start of the word: the search then
    # skips, in C, the letters none of its words starts with (most texts have none of them).
    # The key words start with most letters: there a word boundary first is faster.
    people = [
        f"{re.escape(letter)}(?<![\\w\\x27’]{re.escape(letter)})(?:{_trie([w[1:] for w in words])})\\b"
        for letter, words in groupby(sorted(PEOPLE.split()), key=lambda word: word[0])
    ]
    plain = {word for word in PEOPLE.split() if "'" not in word}
    spelled = all(_SPELLED.fullmatch(word) for word in (*every, *PEOPLE.split()))
    # "i'm" is found whenever "i" is; "y'all" holds no word of PEOPLE before its apostrophe
    joining = {w for w in every if "'" in w} | {w for w in PEOPLE.split() if w.split("'")[0] not in plain}
    return Gates(
        re.compile(_expand_apostrophes("|".join(people)), flags),
        re.compile(r"\b(?:" + _expand_apostrophes(_trie(sorted(every))) + r")\b", flags),
        {word: tuple(sorted(rules)) for word, rules in first.items()},
        tuple(more),
        frozenset(every),
        frozenset(word.encode() for word in plain) if spelled else None,
        frozenset(word.encode() for word in every) | {b"'" + word.encode() for word in every},
        tuple(sorted(joining)),
    )


#: What key words and PEOPLE's words may be made of for ``_words_rules`` to find them.
_SPELLED = re.compile(r"[a-z0-9_']+")
#: For ASCII text as bytes: every character but a word's (``\w``) and the apostrophe made a space.
_APART = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) in "_'") else 32 for c in range(256))


def _rules(searched: str, ignore_case: bool) -> Sequence[int]:
    """The rules worth trying on ``searched``: those of whose key words, a word of each group,
    it holds."""
    if not ignore_case:
        found = _words_rules(searched)
        if found is not None:
            return found
    return _patterns_rules(searched, ignore_case)


def _words_rules(searched: str) -> Sequence[int] | None:
    """``_patterns_rules`` of ASCII text lowered, from its words (a split costs less than the two
    searches), or None when only the patterns can tell. A pattern finds a word of PEOPLE at the
    start of a word that no apostrophe precedes, a key word at the start of any: whole words,
    both (each ends with a letter, then ``\b``), unless an apostrophe joins two (``joining``)."""
    gates = _gates(False)
    if gates.plain_people is None or not searched.isascii():
        return None
    apart = searched.encode().translate(_APART)  # bytes: a table, not a dict, for each character
    if "'" in searched:
        if any(joined in searched for joined in gates.joining):
            return None
        apart = apart.replace(b"'", b" '")  # a word after an apostrophe reads "'word"
    words = apart.split()
    if gates.plain_people.isdisjoint(words):
        return ()
    return _rules_of_words(gates.split_words.intersection(words))


@lru_cache(maxsize=4096)
def _rules_of_words(found: frozenset[bytes]) -> tuple[int, ...]:
    """``_rules_holding`` of the key words ``found`` as ``_words_rules`` splits them (cached: as few
    and as often the same)."""
    return _rules_holding(frozenset(word.decode().removeprefix("'") for word in found))


def _patterns_rules(searched: str, ignore_case: bool) -> Sequence[int]:
    """``_rules`` by searching for the words with patterns: for text that is not ASCII, and
    where ``_words_rules`` cannot tell."""
    gates = _gates(ignore_case)
    if not gates.people.search(searched):
        return ()
    found = frozenset(gates.keys.findall(searched))
    if ignore_case:
        found = frozenset(word.casefold().replace("’", "'") for word in found)
        if not found <= gates.words:
            return range(len(GRAMMAR))  # a form the key words do not spell: try every rule
    return _rules_holding(found)


@lru_cache(maxsize=4096)
def _rules_holding(found: frozenset[str]) -> tuple[int, ...]:
    """The rules for a text that holds the key words ``found``. Cached: texts hold few of them,
    and the same few over and over (you, your, role, hiring)."""
    gates = _gates(False)  # the same key words either way
    candidates = sorted({rule for word in found for rule in gates.first.get(word, ())})
    return tuple(
        rule for rule in candidates if all(not found.isdisjoint(group) for group in gates.more[rule])
    )


@cache
def rule_pattern(index: int, ignore_case: bool) -> re.Pattern[str]:
    """Rule ``index`` of the grammar, compiled when first needed (compiling them all costs more
    than most texts' search).

    The pattern starts with the letters the rule can start with, and only then looks back for
    the start of a word and ahead for the rule itself: a pattern that starts with a set of
    letters is searched in C, skipping the other letters, four times faster than one that
    starts with a word boundary. The ask is the span of group 1."""
    rule = _expand(GRAMMAR[index][1])
    letters = _first_letters(rule)
    flags = re.IGNORECASE if ignore_case else 0
    if letters is None:
        return re.compile(rf"\b({rule})", flags)
    return re.compile(rf"[{letters}](?<=\b(?=({rule})).)", flags)


def _first_letters(rule: str) -> str | None:
    """The letters a match of ``rule`` can start with, or None when this reading cannot tell
    (it knows words, alternations of them, and look-behinds, which it skips)."""
    while rule.startswith((r"\b", "(?<")):
        rule = rule[2:] if rule.startswith(r"\b") else rule[_group_end(rule) :]
    if rule.startswith("(?:"):
        end = _group_end(rule)
        letters: set[str] = set()
        optional = rule[end : end + 1] in ("?", "*") or rule[end:].startswith("{0")
        for branch in _branches(rule[3 : end - 1]) + ([rule[end:].lstrip("?*")] if optional else []):
            found = _first_letters(branch or rule[end:])
            if found is None:
                return None
            letters.update(found)
        return "".join(sorted(letters))
    return rule[0] if rule[:1].isalpha() and rule[:1].islower() else None


def _structure(text: str) -> Iterator[tuple[int, str, int]]:
    """Each character of the regular expression ``text`` that shapes it (a parenthesis or a
    ``|``), with its place and the depth of groups around it; escapes and classes are passed over."""
    depth, index = 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 1
        elif char == "[":
            index = text.index("]", index + 2)
        elif char in "()|":
            depth += char == "("
            yield index, char, depth
            depth -= char == ")"
        index += 1


def _group_end(text: str) -> int:
    """Where the group that opens ``text`` ends (after its closing parenthesis)."""
    for index, char, depth in _structure(text):
        if char == ")" and depth == 1:
            return index + 1
    raise ValueError(text)


def _branches(text: str) -> list[str]:
    """The top-level alternatives of ``text``."""
    branches, start = [], 0
    for index, char, depth in _structure(text):
        if char == "|" and depth == 0:
            branches.append(text[start:index])
            start = index + 1
    return [*branches, text[start:]]


@cache
def phrases_pattern(extra: tuple[str, ...], ignore_case: bool = True) -> re.Pattern[str] | None:
    """The user's ``job_ask_phrases`` as one pattern; with ``ignore_case=False``, one for ASCII
    text lowered first, or None when a phrase is not ASCII."""
    phrases = sorted({" ".join(p.casefold().split()) for p in extra} - {""})
    if not phrases or (not ignore_case and not all(phrase.isascii() for phrase in phrases)):
        return None
    return re.compile(r"\b(?:" + _trie(phrases) + r")\b", re.IGNORECASE if ignore_case else 0)


def _trie(phrases: Sequence[str]) -> str:
    """``phrases`` (sorted, words separated by one space) as one regular expression that shares
    their common beginnings, so that each shared beginning is tried once."""
    if phrases == [""]:
        return ""
    branches = []
    for first, group in groupby(phrases, key=lambda phrase: phrase[:1]):
        rests = [phrase[1:] for phrase in group]
        branches.append(("" if first == "" else r"\s+" if first == " " else re.escape(first)) + _trie(rests))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def ask_spans(text: str, extra: tuple[str, ...] = (), *, fast_paths: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each ask in ``text``, the earliest first where two overlap. Only the rules
    whose key words the text holds are tried; ``fast_paths=False`` tries every rule (the same
    spans, found more slowly: for checking the key words, as ``NoteReader(fast_paths=False)``)."""
    ascii_text = text.isascii()
    searched = text.lower() if ascii_text else text  # ASCII: same length, same matches
    spans = []
    for index in _rules(searched, not ascii_text) if fast_paths else range(len(GRAMMAR)):
        spans += [m.span(1) for m in rule_pattern(index, not ascii_text).finditer(searched)]
    if extra:
        own = phrases_pattern(extra, False) if ascii_text else None
        if own is not None:
            spans += [m.span() for m in own.finditer(searched)]
        elif (own := phrases_pattern(extra)) is not None:
            spans += [m.span() for m in own.finditer(text)]
    if len(spans) < 2:
        return spans
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def line_of(lines: Sequence[Line], offset: int) -> int:
    """The file line of ``offset`` in the text of ``lines`` joined by single spaces."""
    return _line_finder(lines)(offset)


def _line_finder(lines: Sequence[Line]) -> Callable[[int], int]:
    starts = [0, *accumulate(len(line_text) + 1 for line_text, _ in lines)][:-1]  # where each line begins
    latest = list(accumulate((number for _, number in lines), max))  # the latest line begun by each start
    return lambda offset: latest[bisect_right(starts, offset) - 1]


def job_asks(lines: Sequence[Line], extra: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(file line where it starts, the words as written) of each direct ask for a job in
    ``lines``, read as one text: an ask may span lines. ``extra`` phrases count as asks too."""
    if not lines:
        return []
    text = " ".join([line_text for line_text, _ in lines]) + " "
    spans = ask_spans(text, extra)
    if not spans:
        return []  # most texts: no need to know where each line begins
    line = _line_finder(lines)
    return [(line(start), " ".join(text[start:end].split())) for start, end in spans]


def is_job_ask(text: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` holds a direct ask for a job."""
    return bool(job_asks([(text, 1)], extra))
