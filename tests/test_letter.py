"""`vaultsync letter`: the thank-you draft from a note, and `--check` of the draft in the note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_VAULT, run_cli, tree_digest, write_note

from vaultsync.outputs.letter import mentions
from vaultsync.outputs.spelling import accepted_words, misspellings, words

TODAY = ("--today", "2026-11-20")
ASK_INSTEAD = "ask instead, in a general way, whether they know of openings or of other people to talk with"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "sample-vault"
    shutil.copytree(SAMPLE_VAULT, root)
    return root


@pytest.fixture
def chdir(monkeypatch):
    return monkeypatch.chdir


JANE_DRAFT = """\
Dear Jane,

Thank you for taking the time to talk with me on Thursday, October 1, about your work as UX research \
lead at Northwind Health. I especially enjoyed [what you enjoyed most in the conversation; you asked: \
“How did you move from academia into UX research?”; “What does a research plan look like on your team?”; \
“Do you know of any openings in the field I should watch for?”].

Your advice was especially helpful:
- Build a portfolio of two deep case studies rather than six shallow ones.
- Volunteer to run usability tests for a local nonprofit.

[What you plan to do with their advice.]

Thank you also for suggesting that I talk with Marcus Lee and Ana Ortiz. I have already reached out to \
Marcus Lee, and we are meeting on Tuesday, November 24. I will reach out to Ana Ortiz soon.

Thank you again for your time and advice.

Best regards,
[Your name]
"""


def test_sample_draft(sample: Path, chdir):
    chdir(sample)
    before = tree_digest(sample)
    assert run_cli("letter", "Contacts/Jane Doe.md", *TODAY) == (0, JANE_DRAFT, "")
    assert tree_digest(sample) == before  # never writes into the note (nor anywhere)


@pytest.mark.parametrize(
    "how",
    [
        ("Contacts/Jane Doe.md",),  # relative to the current folder (the vault)
        ("Contacts/Jane Doe",),  # without .md
        ("Jane Doe",),  # a contact's name
        ("jane doe",),
    ],
)
def test_the_note_is_found_from_the_vault(sample: Path, chdir, how):
    chdir(sample)
    assert run_cli("letter", *how, *TODAY)[1] == JANE_DRAFT


def test_the_note_is_found_from_anywhere(sample: Path, chdir, tmp_path: Path):
    chdir(sample / "Contacts")  # next to the note: the vault is found by its .obsidian/ folder above
    assert run_cli("letter", "Jane Doe.md", *TODAY)[1] == JANE_DRAFT
    chdir(tmp_path)
    assert run_cli("letter", "Contacts/Jane Doe.md", "--vault", sample, *TODAY)[1] == JANE_DRAFT
    assert run_cli("letter", "sample-vault/Contacts/Jane Doe.md", *TODAY)[1] == JANE_DRAFT
    assert run_cli("letter", "Jane Doe", "--vault", sample, *TODAY)[1] == JANE_DRAFT


def test_without_a_vault_marker_the_notes_folder_is_the_vault(sample: Path, chdir):
    shutil.rmtree(sample / ".obsidian")
    chdir(sample)
    # Marcus Lee's note is in the same folder, so the referral is still known to be under way
    assert "we are meeting on Tuesday, November 24" in run_cli("letter", "Contacts/Jane Doe.md", *TODAY)[1]


@pytest.mark.parametrize(
    ("args", "code", "err"),
    [
        (
            ["Nobody"],
            2,
            "vaultsync: no note 'Nobody' here or in the vault {vault}, and no contact of that name\n",
        ),
        (
            ["Contacts/Marcus Lee.md"],
            1,
            "vaultsync: Contacts/Marcus Lee.md: no interview on or before 2026-11-20 is recorded "
            "(interviews), so there is nothing to thank them for yet\n",
        ),
        (
            ["Contacts/Chris Park.md"],
            1,
            "vaultsync: Contacts/Chris Park.md:3: invalid YAML in the front-matter: while scanning a quoted "
            "scalar; found unexpected end of stream\n",
        ),
        (
            ["Jane Doe", "--today", "tomorrow"],
            2,
            "vaultsync: --today: 'tomorrow' is not a date (use YYYY-MM-DD)\n",
        ),
    ],
)
def test_letter_errors(sample: Path, chdir, args, code, err):
    chdir(sample)
    assert run_cli("letter", *args, *TODAY[: 2 if "--today" not in args else 0]) == (
        code,
        "",
        err.format(vault=sample.resolve()),
    )


def test_a_note_outside_the_given_vault(sample: Path, tmp_path: Path, chdir):
    write_note(tmp_path, "elsewhere/Jane.md", "---\ntype: contact\ninterviews: [2026-11-19]\n---\n")
    chdir(tmp_path)
    code, out, err = run_cli("letter", "elsewhere/Jane.md", "--vault", sample)
    assert (code, out) == (2, "")
    assert err == f"vaultsync: elsewhere/Jane.md is not inside the vault {sample}\n"


def test_draft_with_plan_held_referral_and_no_advice(vault: Path, note, chdir):
    note(
        "Wei.md",
        """
        ---
        type: contact
        organization: Harbor Genomics
        interviews: [2026-11-19, 2026-10-01]
        referrals: ["[[Ana]]", "[[Bo]]"]
        ---
        ## Questions
        - Which tools do you use every day?
        - Is your team hiring?

        ## Plan
        - Take the Python course at the library.
        - Rewrite my résumé around two projects.
        """,
    )
    note("Ana.md", "---\ntype: contact\ninterviews: [2026-11-20]\n---\n")
    note("Bo.md", "---\ntype: contact\ninterviews: [2025-12-01]\n---\n")
    chdir(vault)
    code, out, _ = run_cli("letter", "Wei.md", *TODAY)
    assert code == 0
    assert out.split("\n\n")[1:6] == [
        "Thank you for taking the time to talk with me yesterday about your work at Harbor Genomics. "
        "I especially enjoyed [what you enjoyed most in the conversation; you asked: "
        "“Which tools do you use every day?”].",  # the question that asks for a job is left out
        "[The advice that helped you most, and why.]",
        "Here is what I plan to do next:\n- Take the Python course at the library.\n"
        "- Rewrite my résumé around two projects.",
        "Thank you also for suggesting that I talk with Ana and Bo. I have already reached out to Ana, "
        "and we talked today. I have already reached out to Bo, and we talked on Monday, December 1, 2025.",
        "Thank you again for your time and advice.",
    ]
    assert out.startswith("Dear Wei,\n\n")


def test_the_draft_names_the_people_suggested_as_far_as_they_were_reached(vault: Path, note, chdir):
    """Written to (an interaction note), met (a note whose name has an accent the referral lacks),
    or not yet: each said as it is."""
    note(
        "Rosa.md",
        "---\ntype: contact\ninterviews: [2026-11-18]\nreferrals: ['[[Ben Okafor]]', 'Carla Diaz', 'Dee']\n---\n",
    )
    note("Ben Okafor.md", "---\ntype: contact\n---\n")
    note("Log/To Ben.md", "---\ndate: 2026-11-20\nComm-Type: Sent\npeople: ['[[Ben Okafor]]']\n---\n")
    note("Carla Di\u0301az.md", "---\ntype: contact\ninterviews: [2026-11-20]\n---\n")
    chdir(vault)
    code, out, _ = run_cli("letter", "Rosa.md", *TODAY)
    assert code == 0
    assert out.split("\n\n")[4] == (
        "Thank you also for suggesting that I talk with Ben Okafor, Carla Diaz and Dee. I have already "
        "reached out to Ben Okafor. I have already reached out to Carla Diaz, and we talked today. "
        "I will reach out to Dee soon."
    )


def test_no_referrals_asks_for_introductions(vault: Path, note, chdir):
    note("Li.md", "---\ntype: contact\nrole: Nurse\ninterviews: [2026-11-20]\n---\n")
    chdir(vault)
    out = run_cli("letter", "Li", *TODAY)[1]
    assert "talk with me today about your work as Nurse." in out
    assert (
        "If you know anyone else I could talk with to learn more about [the field], "
        "I would be grateful for an introduction." in out
    )


# --- the check


def draft_note(
    root: Path, draft: str, advice: str = "Learn GIS basics; QGIS is free.", extra: str = ""
) -> Path:
    return write_note(
        root,
        "Contacts/Priya Natarajan.md",
        f"---\ntype: contact\norganization: City of Springfield\ninterviews: [2026-11-10]\n"
        f"advice:\n  - {advice}\n{extra}---\n## Notes\nMet at the library.\n\n## Thank-you draft\n{draft}",
    )


def test_check_of_the_sample_letter(sample: Path, chdir):
    chdir(sample)
    before = tree_digest(sample)
    # Since issue 18 the check reads the whole of the guide's thank-you rule: the sample letter also
    # misses what was enjoyed, the plan and the thanks for Theo Brandt.
    assert run_cli("letter", "Contacts/Grace Kim.md", "--check", *TODAY) == (
        1,
        "Contacts/Grace Kim.md:14: enjoyed: the draft does not say what you enjoyed in the conversation (a "
        "sentence like “I especially enjoyed hearing how you ...”)\n"
        "Contacts/Grace Kim.md:14: plan: the draft does not say what you plan to do with their advice, and the "
        "note has no ## Plan section: write the plan there and say it in the draft\n"
        "Contacts/Grace Kim.md:14: referrals: the draft does not thank them for suggesting Theo Brandt\n"
        "Contacts/Grace Kim.md:18: job-ask: asks directly for a job (“consider me for”); ask instead, in a "
        "general way, whether they know of openings or of other people to talk with\n",
        "",
    )
    assert tree_digest(sample) == before


READY = (
    "Dear Priya,\n\nThank you for meeting me at the City of Springfield on Tuesday. I especially enjoyed "
    "hearing how your team\nmaps flood risk. I've started learning the basics of QGIS, as you "
    "suggested.\nIf you know anyone else I could talk with about city planning, I would be grateful for an "
    "introduction.\n\nBest,\nSam\n"
)
READY_LINE = (
    "Contacts/Priya Natarajan.md: the draft is ready: it mentions their advice, what you enjoyed, your plan "
    "and the people they suggested; no direct ask for a job; spelled and worded right; on time\n"
)


def test_check_of_a_ready_draft(vault: Path, chdir):
    draft_note(vault, READY)
    chdir(vault)
    before = tree_digest(vault)
    for today in ("2026-11-10", "2026-11-13"):  # the interview day, and three days after it
        assert run_cli("letter", "Contacts/Priya Natarajan.md", "--check", "--today", today) == (
            0,
            READY_LINE,
            "",
        )
    assert tree_digest(vault) == before


@pytest.mark.parametrize(
    ("draft", "extra", "today", "expected"),
    [
        (  # written to miss what they enjoyed
            READY.replace("I especially enjoyed hearing how your team\nmaps flood risk. ", ""),
            "",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:12: enjoyed: the draft does not say what you enjoyed in the "
            "conversation (a sentence like “I especially enjoyed hearing how you ...”)",
        ),
        (  # no plan in the draft, none in the note
            READY.replace("I've started learning the basics of QGIS", "QGIS is free"),
            "",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:12: plan: the draft does not say what you plan to do with their "
            "advice, and the note has no ## Plan section: write the plan there and say it in the draft",
        ),
        (  # a Plan section the draft says nothing of
            READY,
            "",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:12: plan: the draft mentions nothing of your ## Plan section (like "
            "“Map the bike lanes of my neighborhood.”): say what you will do with their advice",
        ),
        (  # no referral recorded, and no ask for others
            READY.replace("If you know anyone else I could talk with about city planning, I would be grateful "
                          "for an introduction.", "Thanks again."),
            "",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:12: referrals: no one they suggested is recorded (referrals), and the "
            "draft does not ask whether they know others you could talk with",
        ),
        (  # people suggested, not thanked for
            READY,
            "referrals: ['[[Ana Ortiz]]', 'Bo Li, 555-0100']\n",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:13: referrals: the draft does not thank them for suggesting Ana Ortiz "
            "and Bo Li",
        ),
        (  # four days after the interview
            READY,
            "",
            "2026-11-14",
            "Contacts/Priya Natarajan.md:12: late: the interview was on 2026-11-10, 4 days before 2026-11-14: "
            "the guide asks for the letter within three days; send it as soon as you can",
        ),
        (  # the "Your advise to ..."
            READY.replace("I've started", "Your advise to start small helped: I've started"),
            "",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:15: confused: “Your advise”: write “advice” for “advise” (advice is "
            "the noun, advise the verb)",
        ),
        (
            READY.replace("the basics", "the the basics"),
            "",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:15: repeated: “the the”: the word is written twice",
        ),
        (  # an ask the old phrase list missed
            READY.replace("Best,", "If a junior position opens up, I hope you will keep me\nin mind for it.\n\nBest,"),
            "",
            "2026-11-12",
            "Contacts/Priya Natarajan.md:18: job-ask: asks directly for a job (“keep me in mind”); ask instead, "
            "in a general way, whether they know of openings or of other people to talk with",
        ),
    ],
)  # fmt: skip
def test_check_flags_each_missing_element(vault: Path, chdir, draft, extra, today, expected):
    plan = (
        "\n## Plan\n- Map the bike lanes of my neighborhood.\n" if "## Plan section (like" in expected else ""
    )
    path = draft_note(vault, draft + plan, extra=extra)
    chdir(vault)
    before = path.read_bytes()
    assert run_cli("letter", "Contacts/Priya Natarajan.md", "--check", "--today", today) == (
        1,
        expected + "\n",
        "",
    )
    assert path.read_bytes() == before


def test_a_plan_section_the_draft_mentions_and_referrals_thanked(vault: Path, chdir):
    draft = READY.replace(
        "If you know anyone else", "Thank you also for suggesting Ana; if you know anyone else"
    )
    draft = draft.replace("as you suggested.", "as you suggested, and I will map the bike lanes next.")
    draft_note(
        vault,
        draft + "\n## Plan\n- Map the bike lanes of my neighborhood.\n",
        extra="referrals: [Ana Ortiz]\n",
    )
    chdir(vault)
    assert run_cli("letter", "Contacts/Priya Natarajan.md", "--check", "--today", "2026-11-12") == (
        0,
        READY_LINE,
        "",
    )


def test_check_finds_each_kind_of_problem_by_line(vault: Path, chdir):
    (vault / ".vaultsync.toml").write_text(
        'spelling_words = ["Springfeld"]\njob_ask_phrases = ["any vacancies"]\n'
    )
    draft_note(
        vault,
        "Dear Priya,\n"  # line 12
        "Thank you for your tiem and the tour of Springfeld.\n"  # 13: one typo, one accepted word
        "Any vacancies, or could you refer me for\n"  # 14: a phrase of the user's own
        "the analyst role? [Say which advice helped.] See https://example.org/x_y and me@x.example.\n"
        "Best, [[Sam Roe|Sam]] in `zsh`, sincerly\n",
    )
    chdir(vault / "Contacts")
    code, out, err = run_cli("letter", "Priya Natarajan.md", "--check", *TODAY)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "Priya Natarajan.md:12: advice: the draft mentions none of the advice they offered (like “Learn GIS "
        "basics; QGIS is free.”): say which advice helped you",
        "Priya Natarajan.md:12: enjoyed: the draft does not say what you enjoyed in the conversation (a "
        "sentence like “I especially enjoyed hearing how you ...”)",
        "Priya Natarajan.md:12: late: the interview was on 2026-11-10, 10 days before 2026-11-20: the guide "
        "asks for the letter within three days; send it as soon as you can",
        "Priya Natarajan.md:12: plan: the draft does not say what you plan to do with their advice, and the "
        "note has no ## Plan section: write the plan there and say it in the draft",
        "Priya Natarajan.md:12: referrals: no one they suggested is recorded (referrals), and the draft does "
        "not ask whether they know others you could talk with",
        "Priya Natarajan.md:13: spelling: “tiem”: did you mean “them” or “time” or “tie”?",
        f"Priya Natarajan.md:14: job-ask: asks directly for a job (“Any vacancies”); {ASK_INSTEAD}",
        f"Priya Natarajan.md:14: job-ask: asks directly for a job (“refer me for”); {ASK_INSTEAD}",
        "Priya Natarajan.md:15: placeholder: replace the prompt [Say which advice helped.]",
        "Priya Natarajan.md:16: spelling: “sincerly”: did you mean “sincerely”?",
    ]


def test_the_printed_draft_pasted_into_the_note_needs_only_its_prompts_filled(sample: Path, chdir):
    chdir(sample)
    draft = run_cli("letter", "Jane Doe", *TODAY)[1]
    path = sample / "Contacts" / "Jane Doe.md"
    path.write_text(path.read_text() + "\n## Thank-you draft\n" + draft)
    code, out, _ = run_cli("letter", "Jane Doe", "--check", *TODAY)
    assert code == 1
    kinds = [line.split(": ")[1] for line in out.splitlines()]
    # no typo; the advice, what was enjoyed and the people suggested are named; the plan is a prompt
    assert kinds == ["plan", "placeholder", "placeholder", "placeholder"]


def test_check_without_advice_or_draft(vault: Path, chdir):
    chdir(vault)
    write_note(
        vault, "A.md", "---\ntype: contact\ninterviews: [2026-11-10]\n---\n## Thank-you\nDear A, thanks.\n"
    )
    assert run_cli("letter", "A.md", "--check", "--today", "2026-11-10")[1] == (
        "A.md:6: advice: no advice is recorded in the note (advice, or an ## Advice section), so the draft "
        "cannot be checked for it: record the advice that helped and mention it\n"
        "A.md:6: enjoyed: the draft does not say what you enjoyed in the conversation (a sentence like “I "
        "especially enjoyed hearing how you ...”)\n"
        "A.md:6: plan: the draft does not say what you plan to do with their advice, and the note has no ## "
        "Plan section: write the plan there and say it in the draft\n"
        "A.md:6: referrals: no one they suggested is recorded (referrals), and the draft does not ask whether "
        "they know others you could talk with\n"
    )
    write_note(vault, "B.md", "---\ntype: contact\n---\n## Thanks\n\n## Notes\nx\n")
    assert run_cli("letter", "B.md", "--check") == (1, "B.md: empty: the Thank-you section is empty\n", "")
    write_note(vault, "C.md", "---\ntype: contact\n---\nNo draft yet.\n")
    assert run_cli("letter", "C.md", "--check") == (
        1,
        "",
        "vaultsync: C.md: no Thank-you section (a heading like '## Thank-you draft') holds a draft to check; "
        "'vaultsync letter C.md' prints one to start from\n",
    )


def test_check_reports_bad_values_of_the_note_and_goes_on(vault: Path, chdir):
    chdir(vault)
    draft_note(vault, READY, extra="check_ins: [soon]\n")
    code, out, err = run_cli(
        "letter", "Contacts/Priya Natarajan.md", "--check", "--vault", ".", "--today", "2026-11-11"
    )
    assert code == 0
    assert err == (
        "vaultsync: Contacts/Priya Natarajan.md:7: check_ins: 'soon' is not a date (write YYYY-MM-DD, or "
        "YYYY-MM-DDTHH:MM for a time)\n"
    )


def test_spelling_in_another_language(vault: Path, chdir):
    (vault / ".vaultsync.toml").write_text('spelling_language = "fr"\n')
    draft_note(vault, "Merci beaucoup pour votre temps et vos conseils sur GIS. Cordialment\n")
    chdir(vault)
    out = run_cli("letter", "Contacts/Priya Natarajan.md", "--check", "--today", "2026-11-11")[1]
    assert [line for line in out.splitlines() if ": spelling: " in line] == [
        "Contacts/Priya Natarajan.md:12: spelling: “Cordialment”: did you mean “cordialement”?"
    ]


def test_words_worth_spelling():
    text = "I'm at `npm` <b>x</b> [site](https://a.example/qwzx) e-mail QGIS LinkedIn a jo@x.example café’s"
    assert list(words(text)) == ["I'm", "at", "site", "mail", "café's"]


def test_misspellings_accept_names_and_the_word_list():
    lines = [("Thanks, Olusegun, for the Helix tuor.", 4)]
    accepted = accepted_words(["Olusegun Adeyemi", "Helix Biotech"])
    found = misspellings(lines, accepted)
    assert [(m.line, m.word, m.suggestions) for m in found] == [(4, "tuor", ("tour", "tumor", "tutor"))]
    assert misspellings(lines, accepted | accepted_words(["tuor"])) == []


@pytest.mark.parametrize(
    ("draft", "advice", "mentioned"),
    [
        ("I have started learning QGIS.", "Learn GIS basics; QGIS is free.", True),
        ("QGIS is great.", "Learn GIS basics; QGIS is free.", False),  # one word of several is not enough
        ("I have started sketching.", "Sketch every day.", True),
        ("I read your press's recent titles.", "Read the last three titles the press published.", True),
        ("Thank you for the advice.", "Read the last three titles the press published.", False),
        ("Anything at all.", "Do it.", False),  # advice of stopwords only can never be matched
    ],
)
def test_mentions(draft, advice, mentioned):
    assert mentions([(draft, 1)], advice) is mentioned


def test_a_name_several_contacts_answer_to_lists_them(sample: Path, chdir):
    """`letter "Ana Ortiz"` silently picked one of the notes for that name."""
    write_note(sample, "Contacts/Ana Ortiz.md", "---\ntype: contact\ninterviews: [2026-11-19]\n---\n")
    write_note(
        sample, "Old/ana.md", "---\ntype: contact\naliases: [Ana Ortíz]\ninterviews: [2026-11-18]\n---\n"
    )
    chdir(sample)
    before = tree_digest(sample)
    assert run_cli("letter", "ana ortiz", *TODAY) == (
        2,
        "",
        f"vaultsync: 'ana ortiz' is the name of 2 contacts in the vault {sample.resolve()}; "
        "give the path of the one you mean:\n"
        "  Contacts/Ana Ortiz.md (its file name)\n"
        "  Old/ana.md (its aliases)\n",
    )
    code, out, _ = run_cli("letter", "Old/ana.md", *TODAY)
    assert (code, out.splitlines()[0]) == (0, "Dear ana,")
    assert tree_digest(sample) == before


@pytest.mark.parametrize("typed", ["Tomás Herrera", "tomas herrera", "Toma\u0301s  Herrera", "TOMÁS HERRERA"])
def test_a_name_matches_whatever_its_case_accents_or_unicode_form(sample: Path, chdir, typed):
    chdir(sample)
    code, out, _ = run_cli("letter", typed, *TODAY)
    assert (code, out.splitlines()[0]) == (0, "Dear Tomás,")


def test_the_draft_at_the_moment_names_only_the_meetings_that_have_ended(vault: Path, note, chdir):
    """``--now``: Rosa's 10 am interview is over at 10:30; Carla, whom she suggested, is met at 3 pm,
    so "we talked today" only from 15:30 (before, "we are meeting today")."""
    note("Rosa.md", "---\ntype: contact\ninterviews: ['2026-11-20T10:00']\nreferrals: ['Carla Diaz']\n---\n")
    note("Carla Diaz.md", "---\ntype: contact\ninterviews: ['2026-11-20T15:00']\n---\n")
    chdir(vault)
    said = {
        when: run_cli("letter", "Rosa.md", "--now", when)
        for when in ("2026-11-20T10:29", "2026-11-20T15:29", "2026-11-20T15:30")
    }
    assert said["2026-11-20T10:29"] == (
        1,
        "",
        "vaultsync: Rosa.md: no interview ended by 2026-11-20 10:29 is recorded (interviews), so there "
        "is nothing to thank them for yet\n",
    )
    suggested = "Thank you also for suggesting that I talk with Carla Diaz. I have already reached out to Carla Diaz, "
    assert said["2026-11-20T15:29"][1].split("\n\n")[4] == suggested + "and we are meeting today."
    assert said["2026-11-20T15:30"][1].split("\n\n")[4] == suggested + "and we talked today."
    assert run_cli("letter", "Rosa.md", "--today", "2026-11-20")[1] == said["2026-11-20T15:30"][1]
