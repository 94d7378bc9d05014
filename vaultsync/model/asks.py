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
the rules whose key words it holds: most texts are done with after one search for the words
every ask holds (the pronouns of the user and the contact).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache
from itertools import accumulate, groupby
from typing import NamedTuple

from vaultsync.reading.sections import Line

#: Word classes of the grammar, each an alternation (lowercase; typos after the right spelling).
WORDS = {
    "YOU": r"(?:you|yuo|u|y'all|you guys|you all|you folks)",
    "YOUR": r"(?:your|yuor|yoru|ur|you're|youre)",
    "ORGN": r"(?:team|teams|company|firm|group|lab|department|dept|organi[sz]ation|org|office|agency|unit"
    r"|startup|studio|newsroom|practice|division|shop|publisher|press|house|school|hospital|clinic"
    r"|branch|bureau|center|centre|business|side|place|project|crew)",
    "JOB": r"(?:jobs?|internships?|intership|internshp|internhsip|interns?|positions?|postions?|possitions?"
    r"|posiitons?|roles?|openings?|oppenings?|openning|vacanc(?:y|ies)|placements?|apprenticeships?"
    r"|fellowships?|traineeships?|residency|co-?op)",
    "JOBX": r"(?:{JOB}|spots?|places?|seats?|room|space|opportunit(?:y|ies)|gig|interviews?|shot|chance)",
    # A job word in "the job market", "a role model", "an interview tip": not a job asked for.
    "NOTJOB": r"(?!\s+(?:market|search|hunt|hunting|titles?|boards?|fairs?|descriptions?|models?|papers?"
    r"|process|seekers?|ads?|postings?|listings?|security|satisfaction|changes?|history|experience"
    r"|offers?|requirements?|skills?|prospects?|programs?|programmes?|tips?|questions?|advice|prep"
    r"|preparation|practice|format|stages?|rounds?|to)\b)",
    "DET": r"(?:an?|the|any|some|that|this|one|another|such an?)",
    # Up to three words between a determiner and its noun ("the open analyst role"), none of
    # them a word that would carry the phrase elsewhere.
    "ADJ": r"(?:(?!(?:of|about|on|in|at|for|to|with|from|and|or|how|what|which|who|why|when|where|if"
    r"|that|is|are|was|were|do|does|did|you|your|ur|his|her|their|our|its|i|me|my|can|could|would"
    r"|will)\b)[a-z][a-z\x27’-]*\s+){0,3}",
    "ME": r"(?:me|myself|someone like me|somebody like me|a person like me|people like me|a candidate like me"
    r"|someone with my [a-z\x27’-]+(?: [a-z\x27’-]+)?|someone with a background like mine)",
    "OTHERS": r"(?:someone|somebody|a person|people|anyone|candidates?|a candidate|an applicant|applicants)"
    r" (?:like me|like myself|with my|with a background like mine|with a profile like mine)",
    "MODAL": r"(?:could|coudl|cuold|coud|can|would|woudl|wuold|wold|will|might|may)",
    # "you" asked, or "please": a few words may come between ("would you be willing to").
    "ASKED": r"(?<!did\s)(?<!do\s)(?<!does\s)(?<!have\s)(?<!had\s)(?:{YOU}|please|pls)(?: [a-z\x27’]+){0,3}?",
    "RESUME": r"(?:resumes?|résumés?|resumé|cv|application|portfolio|name|profile|details|candidacy)",
    "CONSIDER": r"(?:consider|concider|cosider|considder|consdier|considering)",
    "REFER": r"(?:refer|reffer|refere|recommend|recomend|reccomend|reccommend|suggest|submit|endorse"
    r"|propose|nominate)",
    "HIRER": r"(?:hiring|recruit\w*|hr\b|human resources|talent)",
    "NOWH": r"(?<!how\s)(?<!where\s)(?<!what\s)(?<!when\s)(?<!why\s)",
    "END": r"(?=\s*(?:[?.!,;:)]|$))",
}

#: Words whose forms are keys (below): the object words of the grammar, spelled out.
KEY_WORDS = {
    "@JOB": "job jobs internship internships intership internshp internhsip intern interns position positions"
    " postion postions possition possitions posiiton posiitons role roles opening openings oppening"
    " oppenings openning vacancy vacancies placement placements apprenticeship apprenticeships fellowship"
    " fellowships traineeship traineeships residency co coop",
    "@JOBX": "@JOB spot spots place places seat seats room space opportunity opportunities gig interview"
    " interviews shot chance",
    "@CONSIDER": "consider concider cosider considder consdier considering",
    "@REFER": "refer reffer refere recommend recomend reccomend reccommend suggest submit endorse propose"
    " nominate",
    "@HIRER": "hiring recruit recruiter recruiters recruiting recruitment hr human talent",
    "@YOU": "you yuo u y'all guys all folks",
    "@ORGN": "team teams company firm group lab department dept organization organisation org office"
    " agency unit"
    " startup studio newsroom practice division shop publisher press house school hospital clinic branch"
    " bureau"
    " center centre business side place project crew",
}

#: The grammar: each entry one way of asking, with its keys: the words (as written, lowered)
#: one of which every text it matches holds. ``{WORD}`` is a class above; a space is any run
#: of spaces or line breaks.
GRAMMAR = (
    # the verb carries the ask: "hire me", "take me on", "consider me for", "keep me in mind"
    (
        "hire hier hrie hiring employ recruit onboard sponsor interview | me",
        r"(?:hire|hier|hrie|hiring|employ|recruit|onboard|sponsor|interview) me\b(?! (?:about|on how"
        r"|through))",
    ),
    (
        "hire hiring employ recruit take bring interview accept @CONSIDER | like with | me my mine myself",
        r"{YOU}(?: [a-z\x27’]+){0,3}? (?:hire|hiring|employ|recruit|take on|bring on|{CONSIDER}|interview"
        r"|accept) {OTHERS}",
    ),
    (
        "hire employ recruit take bring @CONSIDER | like with",
        r"(?:your|ur|the) {ORGN}(?: [a-z\x27’]+){0,3}? (?:hire|employ|recruit|take on|bring on|{CONSIDER})"
        r" {OTHERS}",
    ),
    ("take | me like with", r"take (?:me|{OTHERS}) on\b(?! (?:a|the) (?:tour|walk|trip|ride|call))"),
    ("take | onboard", r"take me onboard"),
    (
        "bring | me like with",
        r"bring (?:me|{OTHERS}) (?:on|onto|aboard|onboard|in)\b(?! (?:a|the) (?:tour|call|walk|loop))",
    ),
    ("@CONSIDER | me", r"{CONSIDER} me (?:for|as|if|when|in)\b"),
    ("@CONSIDER | me", r"{CONSIDER} me{END}"),
    ("@CONSIDER | my", r"{CONSIDER} my (?:application|candidacy|resume|résumé|cv)"),
    (
        "keep keeping | mind file radar handy",
        r"(?:keep|keeping) (?:me|my name|my resume|my résumé|my cv|my application) (?:in mind|on file"
        r"|on your radar|handy)",
    ),
    ("think | me", r"think of me (?:for|if|when|whenever|as|should)\b"),
    ("put | me name", r"put (?:me|my name) (?:forward|up for|in for|in the running)"),
    ("put | name", r"put my name in\b"),
    ("vouch | me", r"vouch for me"),
    ("word | good", r"good word for me"),
    (
        "word | good",
        r"good word (?:with|to) (?:your|ur|the) (?:{HIRER}|manager|boss|team|lead|director|editor|people)",
    ),
    ("word | good", r"{ASKED} put in a good word(?! for (?:you|him|her|them|someone|somebody|us|others))"),
    # refer me: for a job, to whoever hires, or nothing more
    ("@REFER | me", r"{REFER} me for\b"),
    (
        "@REFER | me",
        r"{REFER} me to (?:{DET} |{YOUR} )?{ADJ}(?:{HIRER}|{JOB}{NOTJOB}\b|(?:{YOUR}|the) (?:team|company"
        r"|boss))",
    ),
    ("@REFER | me", r"{REFER} me(?=\s*(?:[?.!,;]|$)| internally)"),
    ("referral | internal employee", r"(?:internal|employee) referral"),
    ("referral | for to", r"referral (?:for|to) (?:{DET} )?{ADJ}{JOB}{NOTJOB}\b"),
    (
        "reference | be",
        r"{ASKED} be (?:a |my )(?:job |professional )?reference\b(?! for (?:you|him|her|them))",
    ),
    ("reference | my", r"(?:be|as) my reference\b"),
    # my résumé, passed on
    (
        "pass passing forward forwarding hand circulate slip walk | my",
        r"(?:pass|passing|forward|forwarding|hand|circulate|slip|walk) (?:along |on )?my {RESUME}",
    ),
    (
        "pass forward send hand | it this them",
        r"(?:pass|forward|send|hand) (?:it|this|them) (?:along |on )?to (?:your|ur|the) (?:{HIRER}"
        r"|manager|boss"
        r"|team)",
    ),
    (
        "send share give submit get put show bring | my",
        r"{ASKED} (?:send|share|give|submit|get|put|show|bring) my {RESUME} (?:to|with|in front of|along to"
        r"|over to) (?:your|ur|the|whoever) (?:{HIRER}|manager|boss|team|right people|people who|{ORGN})",
    ),
    (
        "flag push fast expedite champion back support prioritize prioritise endorse | application candidacy",
        r"{ASKED} (?:flag|push|fast-track|expedite|champion|back|support|prioriti[sz]e|endorse) my"
        r" (?:application|candidacy)",
    ),
    # a place for me
    (
        "@JOBX | there",
        r"(?:is|are) there (?:any |an? |some |ever )?{ADJ}{JOBX}{NOTJOB} (?:(?:on|at|in|with|within)"
        r" (?:your|ur"
        r"|the) {ORGN}\b|for {ME} (?:on|at|in|with|within) (?:your|ur) {ORGN}\b|for me{END})",
    ),
    (
        "@JOBX | have has got find make create open hold save spare carve | me myself someone somebody"
        " people person candidate",
        r"(?:{YOU}|(?:your|ur|the) {ORGN})(?: [a-z\x27’]+){0,3}? (?:have|has|got|find|make|create|open"
        r"|hold|save"
        r"|spare|carve out) (?:{DET} )?{ADJ}{JOBX}(?: [a-z\x27’]+){0,3}? for {ME}\b",
    ),
    (
        "@JOB | have has got offer take need want",
        r"(?:do|does) (?:{YOU}|(?:your|ur|the) {ORGN}) (?:currently |still |now |by any chance |ever"
        r" )?(?:have"
        r"|has|got|offer|take|need|want) (?:any |an? |some |more |new )?{ADJ}{JOB}{NOTJOB}\b",
    ),
    (
        "intern interns junior juniors assistant assistants hires | need use want",
        r"(?:do|does|would|could|might) (?:{YOU}|(?:your|ur|the) {ORGN}) (?:ever |currently |still "
        r"|possibly )?"
        r"(?:need|use|want) (?:an? |another |any |some |more )?(?:extra |new |summer |junior )?(?:interns?"
        r"|juniors?|assistants?|new hires)\b",
    ),
    (
        "@JOB | any | your ur me myself someone somebody people person candidate",
        r"any {ADJ}{JOB}{NOTJOB} (?:(?:on|at|in|with|within) (?:your|ur) {ORGN}\b|for {ME}\b)",
    ),
    # are you hiring
    (
        "hiring recruiting taking bringing looking | is are | your ur the",
        r"(?:is|are) (?:anyone |anybody |someone )?(?:(?:on|at|in) )?(?:your|ur|the) {ORGN} (?:currently "
        r"|still"
        r" |now |actively |even )?(?:hiring|recruiting|taking on|bringing on|looking for (?:new |more "
        r"|an? |any )?"
        r"(?:interns?|people|hires|staff|juniors?|candidates|someone))",
    ),
    ("hiring | @YOU", r"{YOU} (?:currently |still |now )?hiring{END}"),
    (
        "hiring recruiting taking | chance wonder wondering know curious hear heard see | your ur the",
        r"(?:chance|wonder|wondering|know|curious|hear|heard|see) (?:if |whether |that )?(?:your|ur|the)"
        r" {ORGN}"
        r" (?:is|are|'s|might be|will be) (?:currently |still |now )?(?:hiring|recruiting|taking on)",
    ),
    (
        "hiring recruiting taking looking | are r",
        r"(?:are|r) {YOU} (?:currently |still |now |actively )?(?:hiring|recruiting|taking on (?:interns|new"
        r"|juniors|people)|looking for (?:interns|new hires|someone|people))",
    ),
    # I apply, work, join: with you
    (
        "apply work intern join start interview come considered | i | you u yuo your ur yuor the y'all guys",
        r"{NOWH}(?:can|could|may|might|should) i (?:possibly |perhaps |also |please )?(?:apply|work"
        r"|intern|join"
        r"|start|interview|come (?:work|in|on board|aboard)|be considered)(?: (?:for|with|at|on|to|in"
        r"|under))?"
        r" (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)",
    ),
    (
        "work intern join apply interview considered come part start | i | you u yuo your ur yuor the"
        " this that y'all guys",
        r"\bi(?:'d|'m| am| would| really|'d really| would really)? (?:love|like|want|hope|wish|welcome the"
        r" chance|welcome the opportunity|be glad|be happy|be thrilled|be excited|be delighted|be eager|eager"
        r"|keen|hoping|excited|thrilled|glad|happy) (?:the (?:chance|opportunity) )?to (?:(?:one day|someday"
        r"|eventually|possibly|also) )?(?:work|intern|join|apply|interview|be considered|come (?:work|on"
        r" board"
        r"|aboard)|be part of|start)(?: (?:for|with|at|on|to|in|under|alongside))? (?:{YOU}\b|(?:your|ur|the)"
        r" {ORGN}\b|(?:the|that|this) {ADJ}{JOB}{NOTJOB}\b)",
    ),
    (
        "@JOB | interested",
        r"\bi(?:'m| am) (?:very |really |also )?interested in (?:{DET} )?{ADJ}{JOB}{NOTJOB} (?:(?:on|at"
        r"|with|in)"
        r" (?:your|ur) {ORGN}\b|(?:you|your {ORGN}) (?:posted|advertised|listed|have open|are hiring for))",
    ),
    (
        "@JOB | looking hoping searching",
        r"\bi(?:'m| am) (?:also )?(?:looking|hoping|searching) for (?:{DET} )?{ADJ}{JOB}{NOTJOB} (?:on|at"
        r"|with"
        r"|in) (?:your|ur|the) {ORGN}\b",
    ),
    (
        "work intern join apply interview come | possible way option chance",
        r"(?:possible|any way|a way|an option|a chance) (?:for me )?to (?:work|intern|join|apply|interview"
        r"|come on board)(?: (?:for|with|at|on|to|in))? (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)",
    ),
    (
        "apply work intern join come interview considered | i | you u yuo your ur yuor the y'all guys",
        r"(?<!how\s)\bi (?:could|can|might|may) (?:possibly |also )?(?:apply|work|intern|join|come work"
        r"|interview|be considered)(?: (?:for|with|at|on|to|in|under))? (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)",
    ),
    (
        "@JOB | apply considered interview",
        r"{JOB}{NOTJOB} (?:(?:[a-z\x27’]+ ){0,5}?)i (?:could|can|might|should) (?:apply|be considered"
        r"|interview)\b",
    ),
    # get me, give me, find me: a job
    (
        "@JOBX | get have land secure given offered",
        r"{NOWH}(?:can|could|may|might) i (?:please )?(?:get|have|land|secure|be given|be offered)"
        r" (?:{DET} )?"
        r"{ADJ}{JOBX}{NOTJOB}(?:{END}| (?:with|at|on|in|from|for) (?:{YOU}\b|(?:your|ur|the) {ORGN}\b)"
        r"| (?:here|there)\b)",
    ),
    (
        "@JOB | give offer find hand",
        r"(?:give|offer|find|hand) me (?:an? |the |that |this )?{ADJ}{JOB}{NOTJOB}\b",
    ),
    (
        "@JOBX | give offer get find land arrange secure grant line | you u yuo please pls your ur",
        r"(?:{ASKED}|(?:your|ur) {ORGN}(?: [a-z\x27’]+){0,2}?) (?:give|offer|get|find|land|arrange|secure"
        r"|grant"
        r"|line up) (?:me )?(?:{DET} )?{ADJ}{JOBX}{NOTJOB}\b(?! (?:to|of|on|about|for you|for them))",
    ),
    ("@JOBX | set", r"{ASKED} set me up (?:with|for) (?:{DET} )?{ADJ}{JOBX}{NOTJOB}\b"),
    (
        "@JOB | help",
        r"{ASKED} help me (?:to )?(?:get|find|land|secure|obtain) (?:{DET} )?{ADJ}{JOB}{NOTJOB}\b",
    ),
    ("door | foot me", r"(?:{ASKED}|{MODAL} {YOU})(?: help)? (?:get|put) (?:me|my foot) in the door"),
    ("door | foot", r"(?:get|getting) my foot in the door (?:at|with|on) (?:your|ur) {ORGN}\b"),
    (
        "@JOBX | chance",
        r"(?:any|is there (?:any|a)) chance (?:of|for|at) (?:getting |landing |me getting )?(?:{DET}"
        r" )?{ADJ}{JOBX}"
        r"{NOTJOB}(?:{END}| (?:with|at|on|in|for) (?:{YOU}\b|(?:your|ur|the) {ORGN}\b))",
    ),
    ("@HIRER | touch", r"(?:put|get) me in touch with (?:your|ur|the) (?:{HIRER}|hiring manager|recruiter)"),
    ("@HIRER | introduce", r"introduce me to (?:your|ur|the) (?:{HIRER}|hiring manager|recruiter)"),
    (
        "know tell heads posted ping | @ORGN | me",
        r"(?:let me know|tell me|give me a heads[- ]up|keep me posted|ping me) (?:if|when|whenever|as soon as"
        r"|should) (?:anything|something|an?|any|one|there's|there is) (?:[a-z\x27’-]+ ){0,4}?(?:on|at|in"
        r"|with"
        r"|within) (?:your|ur) {ORGN}\b",
    ),
    (
        "@JOB | ask asking inquire inquiring enquire enquiring",
        r"(?<!not\s)(?<!n't\s)(?:ask|asking|inquire|inquiring|enquire|enquiring) (?:you )?(?:about|for|after"
        r"|regarding) (?:{DET} )?{ADJ}{JOB}{NOTJOB} (?:(?:on|at|with|in) (?:your|ur) {ORGN}\b|(?:{YOU}|your"
        r" {ORGN}) (?:posted|advertised|listed|have open|are hiring for))",
    ),
    ("@JOB | ask asking", r"(?<!not\s)(?<!n't\s)(?:ask|asking) (?:you )?for (?:an? )?{ADJ}{JOB}{NOTJOB}\b"),
)


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
    return Gates(
        re.compile(_expand_apostrophes("|".join(people)), flags),
        re.compile(r"\b(?:" + _expand_apostrophes(_trie(sorted(every))) + r")\b", flags),
        {word: tuple(sorted(rules)) for word, rules in first.items()},
        tuple(more),
        frozenset(every),
    )


def _rules(searched: str, ignore_case: bool) -> Sequence[int]:
    """The rules worth trying on ``searched``: those of whose key words, a word of each group,
    it holds."""
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
