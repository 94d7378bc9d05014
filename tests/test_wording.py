"""Confused and repeated words (vaultsync/wording.py): flagged where the context settles it, and
right text left alone."""

from __future__ import annotations

import pytest

from vaultsync.outputs.wording import slips


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Your advise to read the titles helped.", "“Your advise”: write “advice” for “advise” (advice is the noun, advise the verb)"),
        ("Thanks for the piece of advise.", "“piece of advise”: write “advice” for “advise” (advice is the noun, advise the verb)"),
        ("Could you advice me on portfolios?", "“Could you advice me”: write “advise” for “advice” (advise is the verb, advice the noun)"),
        ("Your welcome!", "“Your welcome”: write “You're” for “Your” (you're is you are)"),
        ("Thank you, your so kind.", "“your so kind”: write “you're” for “your” (you're is you are)"),
        ("I value you're advice.", "“you're advice”: write “your” for “you're” (your is what belongs to you; you're is you are)"),
        ("Their are many paths.", "“Their are many”: write “There” for “Their” (there is, there are; their is what belongs to them)"),
        ("Thank you for there advice.", "“for there advice”: write “their” for “there” (their is what belongs to them)"),
        ("They run there own press.", "“there own”: write “their” for “there” (their is what belongs to them)"),
        ("Its a great field.", "“Its a”: write “It's” for “Its” (it's is it is; its is what belongs to it)"),
        ("The team has it's own style.", "“it's own”: write “its” for “it's” (its is what belongs to it; it's is it is)"),
        ("It had a big affect on me.", "“big affect”: write “effect” for “affect” (effect is the noun, a result; affect the verb)"),
        ("This will effect my plans.", "“will effect my”: write “affect” for “effect” (affect is the verb, to change; effect the noun)"),
        ("I don't want to loose touch.", "“to loose”: write “lose” for “loose” (lose is to stop having; loose is not tight)"),
        ("It is easier then I thought.", "“easier then”: write “than” for “then” (than compares; then is about time)"),
        ("I read it and than wrote.", "“and than”: write “then” for “than” (then is about time; than compares)"),
        ("I will\nwill start today.", "“will will”: the word is written twice"),
    ],
)  # fmt: skip
def test_flagged(text: str, message: str):
    lines = [(line, number) for number, line in enumerate(text.split("\n"), 3)]
    found = slips(lines)
    assert [(s.line, s.message) for s in found] == [(lines[-1][1] if "\n" in text else 3, message)]


@pytest.mark.parametrize(
    "text",
    [
        "I advise students to read widely.", "People that advise founders are busy.", "I heard her advise them.",
        "Some advise against it.", "Your advice was helpful.", "Thanks to advice you gave, I applied.",
        "Thank you for your welcome.", "Thank you for your very kind words.", "You're right about portfolios.",
        "Is there advice you would give?", "Are there team lunches?", "Their team is small.", "There are many paths.",
        "The team and its important work.", "It's been a week.", "Its budget grew.", "To effect change is hard.",
        "It will affect my plans.", "The positive affect of the group.", "The knot is not loose.", "A loose thread.",
        "More than ever.", "And then I wrote.", "Better than expected.", "I had had enough.", "That that is fine.",
        "No, no, thank you.",
    ],
)  # fmt: skip
def test_right_text_is_left_alone(text: str):
    assert slips([(text, 1)]) == []
