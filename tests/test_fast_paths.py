"""The fast paths give exactly what the libraries give, or step aside.

Front-matter built from libyaml's events must equal PyYAML's values; a body scanned line by line
must give markdown-it's sections; the job-ask rules tried, on lowered text, must find what every
rule finds case-blind. Each is checked on generated input and on every real note we have, through
the public switch (``NoteReader(fast_paths=False)``) and the reader's counts of the path each
note took.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from conftest import KEPANO, SAMPLE_VAULT
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_cache import generated_vault

from vaultsync.config import DEFAULTS, settings_from_mapping
from vaultsync.model import asks, contact, interaction_note
from vaultsync.model.contact import WIKILINK, path_stem
from vaultsync.model.rules import job_asks
from vaultsync.reading import fastyaml, note, sections
from vaultsync.reading.note import Note, NoteError, NoteReader
from vaultsync.reading.stats import ReadStats
from vaultsync.store.loader import load_vault


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down (True == 1 and date == datetime do not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)  # NaN


def with_front_matter(text: str) -> bytes:
    return f"---\n{text}\n---\nbody\n".encode()


def slow_meta(text: str) -> Any:
    """The ordinary loader's properties (without the keys it found written twice), or its error."""
    reader = NoteReader(fast_paths=False)
    read = reader.parse("x.md", with_front_matter(text))
    assert reader.stats == ReadStats(front_matter_loader=1)
    return read if isinstance(read, NoteError) else read.meta


def fast_meta(
    text: str, reader: NoteReader | None = None, *, lines_only: bool = False
) -> dict[str, Any] | None:
    """The properties when a fast path read them (only the line scan's, with ``lines_only``),
    else None: the reader's counts say which path answered."""
    reader = reader or NoteReader()
    before = reader.stats.front_matter_lines, reader.stats.front_matter_events
    read = reader.parse("x.md", with_front_matter(text))
    lines, events = reader.stats.front_matter_lines - before[0], reader.stats.front_matter_events - before[1]
    assert lines + events <= 1
    if lines or (events and not lines_only):
        assert isinstance(read, Note)
        return dict(read.meta)
    return None


SCALARS = st.sampled_from(
    [
        "text", "Jane Doe", "2026-11-20", "2026-02-30", '"2026-11-20"', "2026-11-20T10:30",
        "2026-11-20 10:30:00", "2026-11-20T10:30:00+02:00", "10:30", "0755", "0x1F", "1_000", "-3",
        "+4.5", ".inf", "-.Inf", ".NaN", "1e3", "yes", "No", "on", "OFF", "y", "n", "true", "False",
        "null", "~", "", "'single'", "'it''s'", '"esc \\" q"', '"a # b"', "a # comment", "[[Jane Doe]]",
        '"[[Jane Doe]]"', "[a, b]", "[]", "{a: 1}", "{}", "&anchor x", "*anchor", "!!str 5", "!!binary aGk=",
        "<<", "=", "|", ">", "@at", "`tick`", "%pct", "{{date}}", "é ünïcode", "a: b", "http://x.example/a:b",
    ]
)  # fmt: skip
KEYS = st.sampled_from(
    [
        "type",
        "name",
        "tags",
        "interviews",
        "yes",
        "on",
        "123",
        "2026-11-20",
        "~",
        "a b",
        '"quoted"',
        "<<",
        "'k'",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(KEYS)
        shape = draw(st.sampled_from(["scalar", "block", "flow", "empty", "nested"]))
        if shape == "scalar":
            lines.append(f"{key}: {draw(SCALARS)}")
        elif shape == "block":
            indent = draw(st.sampled_from(["", "  ", "    "]))
            lines.append(f"{key}:")
            lines += [f"{indent}- {draw(SCALARS)}" for _ in range(draw(st.integers(0, 3)))]
        elif shape == "flow":
            lines.append(f"{key}: [{', '.join(draw(st.lists(SCALARS, max_size=3)))}]")
        elif shape == "empty":
            lines.append(f"{key}:")
        else:
            lines += [f"{key}:", f"  inner: {draw(SCALARS)}", f"  other:\n    - {draw(SCALARS)}"]
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(
                draw(st.sampled_from(["", "# comment", "  ", "\t", "key: &a [1]", "ref: *a", "---"]))
            )
    return "\n".join(lines)


@settings(max_examples=400, deadline=None)
@given(documents())
def test_front_matter_from_events_equals_pyyaml(text: str):
    fast = fast_meta(text)
    if fast is not None:
        assert same(fast, slow_meta(text)), text


#: The line scan's own edges: spaces around values, characters it must leave to libyaml, a key one
#: character too long, items without a key or with another indent. Mostly values it takes.
TAKEN = st.sampled_from(
    [
        "text", "Jane Doe", "2026-11-20", "2026-02-30", '"2026-11-20"', "10:30", "yes", "~", "", "'single'", "0x1F",
        "[a, b]", "[]", "[2026-01-01, 3, no]", "[[Jane Doe]]", '"[[Jane Doe]]"', "a#b", "a:b", "é ü", ".inf", "1_000",
        '["[[Jane Doe]]"]', '["a, b", \'c\', 2026-01-01, no]', '[ "x" ,"y" ]', '[" a ", "#x: y", "[[A|B]]"]',
        '[""]', "['']", '["a" b]', '["a", ]', '["a",,"b"]', "['it''s']", '["a\\"b"]', '["a"]x', '[a, "b]',
    ]
)  # fmt: skip
FLAT_VALUES = st.one_of(
    *[TAKEN] * 8, SCALARS, st.text(alphabet="a1 :#-'\"[],~\t\x85\u2028\ufeff\x7f\u00a0", max_size=5)
)
FLAT_KEYS = st.sampled_from(
    ["a", "type", "yes", "null", "k-1", "é", "_x", "Tags", "on", "x" * 201, "x" * 200]
)


@st.composite
def flat_documents(draw: st.DrawFn) -> str:
    lines, indent = [], draw(st.sampled_from(["", "  ", "    "]))
    for _ in range(draw(st.integers(1, 6))):
        space = draw(st.sampled_from([" "] * 8 + ["  ", ""]))
        value, trailing = draw(FLAT_VALUES), draw(st.sampled_from(["", "", " "]))
        if not lines or draw(st.booleans()):
            lines.append(f"{draw(FLAT_KEYS)}:{space}{value}{trailing}")
        else:
            item_indent = draw(st.sampled_from([indent, indent, indent, " "]))
            lines.append(f"{item_indent}-{space}{value}{trailing}")
    return "\n".join(lines)


#: One reader for every example: the lines and values its line scan remembers must never change a result.
_SHARED = NoteReader()


@settings(max_examples=600, deadline=None)
@given(flat_documents())
@example("a: 1\n  - 2")
@example("a:\n  - b\n - c")
@example("- a")
@example("a: b \nc:  \n-  d ")
@example("a: b\t")
@example("a:\n- b\x85")
def test_line_scan_equals_pyyaml_and_remembers_nothing_wrong(text: str):
    fast = fast_meta(text, _SHARED, lines_only=True)
    assert same(fast, fast_meta(text, lines_only=True)), text
    if fast is not None:
        assert same(fast, slow_meta(text)), text
        again = fast_meta(text, _SHARED, lines_only=True)
        assert again is not None and not any(
            value is again[key] for key, value in fast.items() if isinstance(value, list)
        ), "a list shared between two notes"


def test_the_common_front_matter_takes_the_fast_path():
    text = (
        'type: contact\norganization: Northwind\ninterviews:\n  - 2026-10-01\n  - "2026-11-20T10:30"\n'
        'referrals: ["[[Marcus Lee]]", "Ana Ortiz, 413-555-0199"]\nfollow_up: false\nyes: 3\n'
    )
    assert fast_meta(text) == {
        "type": "contact",
        "organization": "Northwind",
        "interviews": [dt.date(2026, 10, 1), "2026-11-20T10:30"],
        "referrals": ["[[Marcus Lee]]", "Ana Ortiz, 413-555-0199"],
        "follow_up": False,
        "True": 3,
    }
    for uncommon in (
        "a: &x 1\nb: *x",
        "a: !!str 5",
        "<<: {a: 1}",
        "- a",
        "just text",
        "a: [",
        "a: 1\n--- b\nc: 2",  # a second document (a lone --- would close the front-matter)
        "a: 1\na: 2",  # a key written twice: the ordinary loader notes it (line scan, then events)
        "a: 1\n# a comment\na: 2",
        "a: {b: 1, b: 2}",
    ):
        assert fast_meta(uncommon) is None, uncommon


def test_flow_lists_of_quoted_links_take_the_line_scan():
    """Obsidian's ``categories: ["[[Meetings]]"]`` and ``people: ["[[Ana]]", 'Ben']``: read line by
    line as PyYAML reads them; escapes, doubled quotes and stray text are left to libyaml."""
    taken = {
        'categories: ["[[Meetings]]"]': {"categories": ["[[Meetings]]"]},
        "people: [\"[[Ana Ortiz|Ana]]\", 'Ben, the editor', Cy, 2026-11-20, no]": {
            "people": ["[[Ana Ortiz|Ana]]", "Ben, the editor", "Cy", dt.date(2026, 11, 20), False]
        },
        'a: [ " spaced " ,"#not: a comment"]': {"a": [" spaced ", "#not: a comment"]},
        "a: [\"\", '']": {"a": ["", ""]},
    }
    for text, meta in taken.items():
        assert fast_meta(text, lines_only=True) == meta == slow_meta(text), text
    for left in ('a: ["x\\"y"]', "a: ['it''s']", 'a: ["x" y]', 'a: ["x", ]', 'a: ["x",,"y"]', 'a: ["x]'):
        assert fast_meta(left, lines_only=True) is None, left


def corpus_notes() -> list[tuple[str, bytes]]:
    roots = [SAMPLE_VAULT, *([KEPANO] if KEPANO.is_dir() else [])]
    return [(str(p), p.read_bytes()) for root in roots for p in sorted(root.rglob("*.md"))]


def test_every_real_note_parses_the_same_without_the_fast_path():
    notes = corpus_notes()
    fast_reader, slow_reader = NoteReader(), NoteReader(fast_paths=False)
    fast = [fast_reader.parse(path, data) for path, data in notes]
    slow = [slow_reader.parse(path, data) for path, data in notes]
    with_front_matter = slow_reader.stats.front_matter_loader
    assert slow_reader.stats == ReadStats(front_matter_loader=with_front_matter)
    counted = fast_reader.stats
    assert (
        counted.front_matter_lines + counted.front_matter_events + counted.front_matter_loader
        == with_front_matter
    )
    assert counted.front_matter_lines > with_front_matter / 2  # the line scan is the usual path
    assert len(notes) > 15 and all(
        same(a.meta, b.meta) and a == b if isinstance(a, Note) else a == b
        for a, b in zip(fast, slow, strict=True)
    )


LINES = st.sampled_from(
    [
        "", "   ", "# Questions", "## Questions ##", "### Advice", "## Thank-you draft", "## Plan", "## Notes",
        "#tag", "####### seven", "#", " ## indented heading", "- How did you start?", "- is your team hiring",
        "* star item", "+ plus item", "1. one", "2. two", "3) three", "-", "- ", "-     five spaces", "---",
        "***", "===", "- - nested", "  - nested", "    code or continuation", "  continuation?", "text",
        "a question?", "> quote", "```", "~~~", "<div>", "[ref]: /url", "\u00a0", "\u00a0x", "- [ ] task",
        "10. ten", "-foo", "1.5 million", "- # heading in item", "hire me", "Dear Jane,", "\\# escaped",
        "- \u00a0x", "-  two spaces?", "* *emph*", "+ _under_", "- [link](/x)", "- 2026 plans", "- `code`",
        "- <b>?", "- ~tilde", "- =x", "-\u00a0x", "## Planning", "# Thanks ##", "## Notes ##",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(LINES, max_size=14), st.integers(1, 40))
@example(["## Questions", "\u00a0", "a question?"], 3)
@example(["## Questions", "-     five spaces"], 1)
@example(["## Questions", "text", "2. two"], 1)
@example(["## Questions", "- item", "  continuation?", "", "  after a blank?"], 1)
def test_simple_body_scan_equals_markdown_it(lines: list[str], body_line: int):
    assert_scan_like_markdown_it("\n".join(lines), body_line)


#: What most notes are made of: bodies of these take the line scan, and one or two LINES among them test it.
COMMON_LINES = st.sampled_from(
    [
        "", "", "# Jane Doe", "## Background", "## Questions", "## Advice", "## Thank-you draft", "## Plan",
        "## Notes", "### Details", "- How did you start?", "- Read the reports.", "* star item", "+ plus?",
        "1. one", "text", "a question?", "text with trailing spaces?  ", "Dear Jane,", "Mentioned #tag.",
        "#tag", "  continuation?",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(COMMON_LINES, max_size=20), st.lists(st.tuples(st.integers(0, 20), LINES), max_size=2))
def test_common_body_scan_equals_markdown_it(lines: list[str], unusual: list[tuple[int, str]]):
    for index, line in unusual:
        lines.insert(index, line)
    assert_scan_like_markdown_it("\n".join(lines), 1)


def assert_scan_like_markdown_it(body: str, body_line: int) -> ReadStats:
    """The same Sections with the line scan as with markdown-it only; the counts of the fast reader."""
    fast, slow = NoteReader(), NoteReader(fast_paths=False)
    assert fast.sections(body, body_line) == slow.sections(body, body_line), body
    assert slow.stats.sections_scan == 0
    assert fast.stats.sections_scan + fast.stats.sections_parser == slow.stats.sections_parser
    return fast.stats


#: Patterns of the shapes ``first_line`` is given: a heading that names a section, a line before one.
HEADING_LINE = re.compile(r"^ {0,3}#{1,6}[ \t].*(?:question|advice|thank|plan)", re.IGNORECASE | re.MULTILINE)
FENCE_OR_UNDERLINE = re.compile(r"^ *(?:[`~<]|[-=][-= ]*$)", re.MULTILINE)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=14), st.data())
def test_first_line_is_what_a_multiline_search_finds(lines: list[str], data: st.DataObject):
    body = "\n".join(lines)
    end = data.draw(st.integers(0, len(body)))
    for pattern in (HEADING_LINE, FENCE_OR_UNDERLINE):
        for until in (None, end):
            found = pattern.search(body, 0, len(body) if until is None else until)
            assert sections.first_line(pattern, body, until) == (found.start() if found else None)


def test_generated_and_real_bodies_scan_like_markdown_it(tmp_path: Path):
    root = generated_vault(tmp_path / "gen", 60)
    parsed = [note.read_note(root, p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.md"))] + [
        note.parse_note(path, data) for path, data in corpus_notes()
    ]
    fast, slow = NoteReader(), NoteReader(fast_paths=False)
    for body in [n for n in parsed if isinstance(n, Note)]:
        assert fast.sections(body.body, body.body_line) == slow.sections(body.body, body.body_line), body.path
    assert fast.stats.sections_scan >= 60  # the fast path is the usual one
    assert fast.stats.sections_scan + fast.stats.sections_parser == slow.stats.sections_parser


TEXTS = st.lists(
    st.sampled_from(
        ["Is your team hiring?", "IS YOUR\nTEAM HIRING", "could I  work for you", "hire me", "chire meow",
         "iſ your team hiring", "could \u0131 work for you", "Could you pass my résumé\nto HR?",
         "put in a good word for me", "Kelvin \u212a", "ſ", "consider me for", "a job for me", "nothing", "é",
         "you’re", "I’d love to join your team", "any openings", "on your team", "for someone like me",
         "Is there room", "keep me in", "mind"]
    ),
    max_size=4,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.lists(st.sampled_from(["hire", "Straße", "ſome job", "team"]), max_size=2))
@example(["iſ your team hiring"], [])
def test_the_rules_tried_find_what_every_rule_finds(texts: list[str], extra: list[str]):
    """Only the rules whose key words a text holds are tried, on text lowered when it is ASCII:
    the asks found must be those that every rule, case-blind, finds."""
    text = " ".join(texts) + " "
    assert asks.ask_spans(text, tuple(extra)) == asks.ask_spans(text, tuple(extra), fast_paths=False)
    lines = [(line, number) for number, line in enumerate(texts, 5)]
    config = settings_from_mapping({"job_ask_phrases": extra}) if extra else DEFAULTS
    assert job_asks(lines, config) == asks.job_asks(lines, tuple(extra))


@pytest.mark.parametrize(
    "text", ["", "Could you hire me?", "Your advice was helpful.", "Is your team\nhiring"]
)
def test_the_labelled_phrasings_need_no_rule_the_keys_leave_out(text: str):
    from job_ask_phrasings import HELD_OUT_ASKS, HELD_OUT_FINE, TUNED_ASKS, TUNED_FINE

    for phrasing in (text, *TUNED_ASKS, *TUNED_FINE, *HELD_OUT_ASKS, *HELD_OUT_FINE):
        joined = " ".join(phrasing.split("\n")) + " "
        for variant in (joined, joined.upper(), joined.replace("'", "\u2019") + "é"):
            assert asks.ask_spans(variant) == asks.ask_spans(variant, fast_paths=False), variant


WORDY = st.lists(
    st.sampled_from(
        ["you", "You're", "i'm", "I'd", "'you", "y'all", "guy'all", "don't", "i", "me", "the", "'the", "2you",
         "you_r", "hire", "hire me", "your team", "team's", "hiring", "'hiring", "job", "jobs", "co-op", "role",
         "'", "''", "?", ",", "\n", "  ", "a", "ask", "'ask", "for", "please", "consider", "it's", "openings"]
    ),
    max_size=12,
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(WORDY, st.sampled_from([" ", "", "'", "-"]))
def test_the_rules_from_the_words_are_the_rules_the_patterns_find(words: list[str], glue: str):
    """ASCII text lowered is split into words to tell which rules to try: the same rules as the
    searches for the key words and the people, apostrophes (before, inside, after) and all."""
    text = glue.join(words).lower()
    assert asks._words_rules(text) in (None, tuple(asks._patterns_rules(text, False))), text


def test_the_labelled_phrasings_take_the_same_rules_from_their_words():
    from job_ask_phrasings import HELD_OUT_ASKS, HELD_OUT_FINE, TUNED_ASKS, TUNED_FINE

    split = 0
    for phrasing in (*TUNED_ASKS, *TUNED_FINE, *HELD_OUT_ASKS, *HELD_OUT_FINE):
        text = " ".join(phrasing.split("\n")).lower() + " "
        if text.isascii():
            assert asks._words_rules(text) in (None, tuple(asks._patterns_rules(text, False))), text
            split += asks._words_rules(text) is not None
    assert split >= 100  # the usual way


PHRASE_WORDS = st.sampled_from(["hire", "me", "hire me", "a", "an", "job", "a job", "an opening", "for me"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(PHRASE_WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=6), st.data()
)
def test_the_phrase_trie_finds_what_the_plain_alternation_finds(phrases: list[str], data: st.DataObject):
    """Phrases that begin others ("hire", "hire me") included: the same match, the same phrase.
    (``phrases_pattern`` shares their beginnings in a trie; a plain alternation is the reference.)"""
    phrases = sorted(set(phrases))
    alternation = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    plain = re.compile(r"\b(?:" + alternation + r")\b", re.IGNORECASE)
    trie = asks.phrases_pattern(tuple(phrases))  # the user's job_ask_phrases, as one trie
    assert trie is not None
    text = " ".join(
        data.draw(st.lists(PHRASE_WORDS | st.sampled_from(["x", "hirer", "me,", "\n"]), max_size=12))
    )
    found = [(m.start(), m.group()) for m in trie.finditer(text)]
    assert found == [(m.start(), m.group()) for m in plain.finditer(text)]


@given(st.text(alphabet="#a_/&-é.\n 1", max_size=40))
@example("#person")
@example("## Person #person")
@example("a#person &#35; /#x #a/b-c ##x")
def test_body_tags_are_found_as_by_the_look_behind_first(text: str):
    """The body-tag pattern, "#" first so that the search skips to each "#", finds exactly the
    tags of the pattern that starts with the look-behind."""
    plain = re.compile(r"(?<![\w#/&])#([\w/-]+)")
    found = [(m.start(), m.group(1)) for m in contact._BODY_TAG.finditer(text)]
    assert found == [(m.start(), m.group(1)) for m in plain.finditer(text)]


HEADING_PARTS = st.sampled_from(
    [
        "## Participants",
        "# With Ana",
        "   ### attendees:",
        "#### People",
        "##Participants",
        "    # With",
        "## Notes",
        "#tag",
        "\t# With",
        "[[Ana]]",
        "![[Ana]]",
        "- [[Ben|B]]",
        "text",
        "",
        " ",
        "#",
        "##",
    ]
)


def _heading_links_by_line_anchors(body: str) -> list[str]:
    """The people under their headings as found with "^" patterns (before the newline-first search)."""
    people = re.compile(
        r"^ {0,3}#{1,6}[ \t]+(?:participants|attendees|people|with)\b.*$", re.IGNORECASE | re.MULTILINE
    )
    following = re.compile(r"^ {0,3}#{1,6}[ \t]", re.MULTILINE)
    found = []
    for heading in people.finditer(body):
        end = following.search(body, heading.end())
        part = body[heading.end() : end.start() if end else len(body)]
        found += [m.group(0) for m in WIKILINK.finditer(part) if not m.group(0).startswith("!")]
    return found


@given(st.lists(HEADING_PARTS | st.text(alphabet="#[]! \nAaw", max_size=8), max_size=14), st.booleans())
@example(["## With", "[[Ana]]", "## People", "[[Ben]]"], False)
@example(["text", "## With [[Cy]]", "[[Ana]]"], True)
def test_people_headings_are_found_as_with_line_anchors(lines: list[str], newline_at_end: bool):
    body = "\n".join(lines) + ("\n" if newline_at_end else "")
    assert interaction_note._heading_links(body) == _heading_links_by_line_anchors(body)


@given(st.text(alphabet="ab. é", min_size=1, max_size=12).filter(lambda name: name not in (".", "..")))
def test_path_stem_is_pathlibs(name: str):
    for path in (name, f"Contacts/{name}", f"a.b/{name}"):
        assert path_stem(path) == PurePosixPath(path).stem


def test_unusual_characters_are_all_but_the_ones_yaml_allows_in_plain_lines():
    allowed = re.compile(
        "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    )
    every = [chr(code) for code in range(0x110000)]
    unusual = re.compile(f"[{fastyaml.UNUSUAL_RANGES}]")
    assert [c for c in every if unusual.match(c)] == [c for c in every if not allowed.match(c)]


def test_a_vault_loads_the_same_without_the_fast_paths(tmp_path: Path):
    """The switch reaches every note a vault load reads; the reader passed in keeps the counts."""
    root = generated_vault(tmp_path / "gen", 60)
    fast, slow = NoteReader(), NoteReader(fast_paths=False)
    with_fast = load_vault(root, processes=1, reader=fast)
    without = load_vault(root, processes=1, reader=slow)
    assert with_fast.contacts == without.contacts and with_fast.errors == without.errors
    assert (slow.stats.front_matter_lines, slow.stats.sections_scan) == (0, 0)
    assert fast.stats.front_matter_lines > slow.stats.front_matter_loader / 2
    assert fast.stats.sections_scan > slow.stats.sections_parser / 2
