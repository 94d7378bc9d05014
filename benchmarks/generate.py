"""Write a deterministic synthetic vault: N contacts, N meeting notes (or K), N/4 other notes (or M).

    python3 benchmarks/generate.py DIR N [--seed SEED] [--meetings K] [--other-notes M]

The same N and seed always give the same bytes (checked by tests/test_benchmarks.py), on any
machine, so benchmark figures from different runs describe the same vault. Contacts look like
real ones: 8-14 properties marked as a contact in one of the documented ways, wikilinked
referrals to other contacts, 1-3 KB bodies with headings, questions, advice and a letter
draft; about 1 in 100 holds a value vaultsync must report, and 1 in 500 broken YAML. Ordinary
notes (projects, reading notes, daily notes; some without front-matter) make up the rest, with
an ``.obsidian/`` folder and a template, as in a real vault. Meeting notes link contacts in the
styles of real vaults (docs/dates.md): ``people: ["[[Name]]"]`` with ``date:`` (some typed as a
coffee chat, some with a Questions heading), ``Date:`` with the people under a Participants
heading, and message logs with ``Comm_DateTime`` and ``Comm-Type``. Dates are around
2026-11-20, the day ``benchmarks/run.py`` audits on. ``--meetings 0`` gives the vault of
sessions before issue 16 (the meetings come from a random stream of their own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

TODAY = dt.date(2026, 11, 20)
MARKER = ".vaultsync-benchmark"  # a hidden file: vaultsync ignores it


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Ada Aisha Alejandro Amara Ana Andrés Anika Arjun Beatriz Bilal Camille Carlos Chen Chiara Chloé "
    "Dae Daniel Dmitri Elena Emeka Emily Esther Fatima Felix Grace Hana Hannah Hiro Ines Ingrid Isaac "
    "Jamal Jane Javier Jin Jonas Jose Julia Kai Kofi Lars Lea Lena Leo Lina Lucas Maya Marcus Mariam "
    "Mateo Mei Mia Miguel Nadia Nia Noah Noor Olga Omar Oskar Pablo Priya Rafael Ravi Rosa Ruth Sam "
    "Samir Sara Sofia Sven Tariq Thabo Theo Tomás Uma Valentina Wei Yara Yusuf Zoë"
)
LAST = _words(
    "Abara Adeyemi Alvarez Andersen Baker Banerjee Becker Bianchi Brandt Castillo Chen Costa Cruz "
    "Delgado Diaz Dubois Eriksen Fischer Fontaine Garcia Gupta Haddad Hansen Herrera Hoffmann Ibrahim "
    "Ito Jansen Kaur Kim Kowalski Kumar Larsen Lee Lopez Mbeki Mehta Mensah Moreau Müller Nakamura "
    "Natarajan Nguyen Novak Okafor Olsen Ortiz Park Patel Petrov Quinn Rahman Reyes Rossi Santos Sato "
    "Schmidt Silva Singh Sousa Suzuki Tanaka Torres Tran Vargas Weber Wong Yamamoto Yilmaz Young "
    "Zhang Zimmermann"
)
ORGS = (
    "Northwind Health",
    "Lumen Books",
    "Riverbank Analytics",
    "Harbor Genomics",
    "Legal Tech Collective",
    "Blue Heron Design",
    "City Library Trust",
    "Granite Robotics",
    "Open Field Foundation",
    "Meridian Transit",
    "Saltmarsh Energy",
    "Copperleaf Studio",
    "Kestrel Insurance",
    "Orchard Public Schools",
    "Tidewater Press",
    "Summit Climate Lab",
)
ROLES = (
    "UX research lead",
    "Editorial director",
    "Data scientist",
    "Program manager",
    "Staff engineer",
    "Policy analyst",
    "Product designer",
    "Grant writer",
    "Head of operations",
    "Librarian",
    "Clinical researcher",
    "Hiring manager",
    "Founder",
    "Recruiter",
)
WORDS = _words(
    "team project research users budget career portfolio mentor network field industry policy design "
    "data interview customers growth strategy training community product writing editing analysis "
    "funding client process schedule manager conference workshop review quality impact story "
    "experience skills advice study report campaign partner program library archive health energy "
    "transit school press robotics climate method survey insight roadmap pipeline hiring culture "
    "feedback launch pilot prototype evidence outcome"
)
QUESTIONS = (
    "How did you move into {field}?",
    "What does a typical week look like in your role?",
    "Which skills matter most for someone starting in {field}?",
    "What do you wish you had known when you started?",
    "Which professional groups or events would you recommend?",
    "How is {org} approaching {topic} this year?",
    "What would you read to understand {topic} better?",
    "Do you know of any openings in the field I should watch for?",
    "Who else should I talk to about {topic}?",
    "What surprised you most about working at {org}?",
)
JOB_ASKS = ("Is your team hiring right now?", "Could you consider me for the open analyst role?")
ADVICE = (
    "Build a portfolio of two deep case studies rather than six shallow ones.",
    "Read the last three reports {org} published before any conversation.",
    "Volunteer for a small {topic} project to show the work, not just describe it.",
    "Join the regional {field} meetup and go three times before judging it.",
    "Write one page on each conversation the same day.",
    "Learn the vocabulary of {topic} before applying anywhere.",
)
FIELDS = ("UX research", "publishing", "data science", "public policy", "climate tech", "health care")
TOPICS = ("accessibility", "open data", "user research", "grant funding", "hiring", "remote work")


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _wrap(text: str, width: int = 88) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _people(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct names: first and last name, a middle initial once those run out."""
    pairs = [f"{first} {last}" for first in FIRST for last in LAST]
    rng.shuffle(pairs)
    names = pairs[:n]
    initials = "ABCDEFGHJKLMNPRSTW"
    index = 0
    while len(names) < n:
        first, last = pairs[index % len(pairs)].split(" ", 1)
        names.append(f"{first} {initials[(index // len(pairs)) % len(initials)]}. {last}")
        index += 1
    return names


def _day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def _contact(rng: random.Random, name: str, names: list[str]) -> str:
    first = name.split()[0]
    org, role = rng.choice(ORGS), rng.choice(ROLES)
    field, topic = rng.choice(FIELDS), rng.choice(TOPICS)
    fill = {"org": org, "field": field, "topic": topic}
    props: list[str] = []
    marker = rng.random()
    if marker < 0.6:
        props.append(f"type: {rng.choice(['contact', 'person'])}")
    elif marker < 0.8:
        props += ["tags:", "  - person", f"  - {rng.choice(['network', 'job-search', 'mentor'])}"]
    else:
        props += ["categories:", '  - "[[People]]"']
    props.append(f"{rng.choice(['organization', 'company', 'org'])}: {org}")
    props.append(f"{rng.choice(['role', 'title'])}: {role}")
    held = rng.random() < 0.85
    if held:
        interviews = sorted({rng.randint(-120, 0) for _ in range(rng.choice((1, 1, 1, 2, 3)))})
    else:
        interviews = [rng.randint(1, 14)]
    bad = rng.random() < 0.01
    props.append("interviews:")
    for offset in interviews:
        if rng.random() < 0.2:
            props.append(f'  - "{_day(offset)}T{rng.randint(8, 17):02}:{rng.choice(["00", "30"])}"')
        else:
            props.append(f"  - {_day(offset)}")
    if bad:
        props.append("  - next tuesday")
    count = 4  # how to tell it is a contact, organization, role, interviews
    optional = [
        lambda: [f"email: {first.lower()}.{rng.randint(1, 999)}@{org.split()[0].lower()}.example"],
        lambda: [f"phone: {rng.randint(200, 989)}-555-{rng.randint(0, 9999):04}"],
        lambda: [f"address: {rng.randint(1, 999)} {rng.choice(LAST)} St, Springfield"],
        lambda: ["aliases:", f"  - {first}"],
        lambda: [f"thank_you_sent: {_day(min(0, interviews[-1] + rng.randint(1, 4)))}"],
        lambda: ["check_ins:", f"  - {_day(min(0, interviews[-1] + rng.randint(25, 70)))}"],
        lambda: (
            ["referrals:"]
            + [f'  - "[[{rng.choice(names)}]]"' for _ in range(rng.randint(1, 2))]
            + (
                [f'  - "{rng.choice(FIRST)} {rng.choice(LAST)}, 617-555-{rng.randint(0, 9999):04}"']
                * rng.randint(0, 1)
            )
        ),
        lambda: [f'referred_by: "[[{rng.choice(names)}]]"'],
        lambda: ["advice:", f"  - {rng.choice(ADVICE).format(**fill)}"],
        lambda: [f"created: {_day(interviews[0] - rng.randint(1, 30))}"],
        lambda: [f"location: {rng.choice(['Boston', 'Lisbon', 'Remote', 'Berlin', 'Toronto'])}"],
        lambda: [f"linkedin: https://www.linkedin.com/in/{first.lower()}-{rng.randint(1000, 9999)}"],
        lambda: [f"status: {rng.choice(['active', 'waiting', 'done'])}"],
        lambda: [f"priority: {rng.randint(1, 3)}"],
    ]
    extra = []  # a silenced contact, broken YAML: rare, and counted among the properties
    if rng.random() < 0.02:
        extra.append("follow_up: false")
    if rng.random() < 0.002:
        extra.append('notes: "an unclosed quote')
    wanted = rng.randint(8, 14) - len(extra)
    for index in sorted(rng.sample(range(len(optional)), min(len(optional), wanted - count))):
        props += optional[index]()
    front = "\n".join(props + extra)
    return f"---\n{front}\n---\n{_contact_body(rng, name, first, names, fill)}"


def _contact_body(rng: random.Random, name: str, first: str, names: list[str], fill: dict[str, str]) -> str:
    out = [f"# {name}", "", "## Background", *_wrap(_paragraph(rng, rng.randint(3, 6))), ""]
    if rng.random() < 0.8:
        asks = [q.format(**fill) for q in rng.sample(QUESTIONS, rng.randint(2, 5))]
        if rng.random() < 0.02:
            asks.append(rng.choice(JOB_ASKS))
        out += ["## Questions", *(f"- {q}" for q in asks), ""]
    out += ["## Notes"]
    for _ in range(rng.randint(1, 3)):
        out += _wrap(_paragraph(rng, rng.randint(3, 5)))
        if rng.random() < 0.5:
            out.append(
                f"Mentioned [[{rng.choice(names)}]] and #{rng.choice(['followup', 'idea', 'reading'])}."
            )
        out.append("")
    if rng.random() < 0.4:
        out += [
            "## Advice",
            *(f"- {rng.choice(ADVICE).format(**fill)}" for _ in range(rng.randint(1, 3))),
            "",
        ]
    if rng.random() < 0.3:
        out += ["## Plan", f"- {_sentence(rng, 6, 10)}", f"- {_sentence(rng, 6, 10)}", ""]
    if rng.random() < 0.6:
        letter = _paragraph(rng, rng.randint(2, 4))
        if rng.random() < 0.01:
            letter += " I would be grateful if you would consider me for the analyst role."
        out += ["## Thank-you draft", f"Dear {first},", "", *_wrap(letter), "", "Best,", "Sam", ""]
    return "\n".join(out)


def _ordinary(rng: random.Random, index: int, names: list[str]) -> tuple[str, str]:
    kind = index % 4
    if kind == 0:
        day = TODAY - dt.timedelta(days=index // 4 % 900)
        path = f"Daily/{day.isoformat()}.md"
        if index // 4 >= 900:
            path = f"Daily/{day.isoformat()} ({index // 3600}).md"
        head = f"---\ntags:\n  - daily\ncreated: {day.isoformat()}\n---\n"
        body = f"# {day:%A %d %B %Y}\n\n" + "\n".join(
            f"- {_sentence(rng)}" for _ in range(rng.randint(3, 12))
        )
    elif kind == 1:
        path = f"Projects/Project {index:05}.md"
        status, owner = rng.choice(["active", "paused"]), rng.choice(names)
        head = f'---\nstatus: {status}\ntags: [project]\nowner: "[[{owner}]]"\n---\n'
        body = "## Summary\n" + "\n".join(_wrap(_paragraph(rng, 4))) + "\n\n## Plan\n- " + _sentence(rng)
    elif kind == 2:
        path = f"Reading/Reading note {index:05}.md"
        head = f"---\nauthor: {rng.choice(FIRST)} {rng.choice(LAST)}\nyear: {rng.randint(1990, 2026)}\n---\n"
        body = "\n\n".join(
            "\n".join(_wrap(_paragraph(rng, rng.randint(3, 6)))) for _ in range(rng.randint(2, 5))
        )
    else:
        path = f"Inbox/Idea {index:05}.md"
        head = ""
        body = "\n".join(_wrap(_paragraph(rng, rng.randint(2, 8))))
    return path, head + body + "\n"


def _meeting(rng: random.Random, index: int, names: list[str]) -> tuple[str, str]:
    """A meeting or message note linking one to three contacts, in one of the styles of real vaults."""
    people = rng.sample(names, rng.choice((1, 1, 1, 1, 2, 3)))
    day = _day(rng.randint(-200, 10))
    style = rng.random()
    if style < 0.6:
        kind = rng.choice(['"[[Meetings]]"', '"[[Coffee Chats]]"', '"[[Job Interviews]]"'])
        links = ", ".join(f'"[[{name}]]"' for name in people)
        head = f'---\ncategories: ["[[Meetings]]"]\ntype: [{kind}]\npeople: [{links}]\ndate: {day}\n---\n'
        body = f"# {people[0]}, {day}\n\n"
        if rng.random() < 0.5:
            body += "## Questions and topics\n" + "".join(f"- {_sentence(rng, 6, 12)}\n" for _ in range(3))
        body += "\n".join(_wrap(_paragraph(rng, rng.randint(2, 5))))
        return f"Meetings/{day} {people[0]} {index:05}.md", head + body + "\n"
    if style < 0.8:
        head = f"---\nDate: {day}\ntags: [meeting]\n---\n"
        body = "## Participants\n" + "".join(f"- [[{name}]]\n" for name in people) + "\n## Notes\n"
        body += "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 6)))
        return f"Meetings/Sync {index:05}.md", head + body + "\n"
    way = rng.choice(["Sent", "Received"])
    head = (
        f'---\nContacts: ["[[{people[0]}]]"]\nComm_DateTime: {day}T{rng.randint(8, 17):02}:30\n'
        f"Comm-Type: {way}\nContact-Method: {rng.choice(['Email', 'Phone_Call', 'LinkedIn'])}\n---\n"
    )
    return f"Log/{day} {index:05}.md", head + _sentence(rng) + "\n"


def generate(
    root: Path, n: int, seed: int = 2026, others: int | None = None, meetings: int | None = None
) -> int:
    """Write the vault into ``root``: ``n`` contacts, ``meetings`` meeting notes (default n) and
    ``others`` other notes (default n / 4); return the number of notes written.

    ``root`` must be missing, empty, or a vault this script wrote (it is then replaced): a
    folder of anyone's real notes is never deleted."""
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).is_file():
            raise SystemExit(f"{root} is not empty and was not written by generate.py: not touching it")
        shutil.rmtree(root)
    rng = random.Random(seed)
    names = _people(n, rng)
    files: dict[str, str] = {
        MARKER: "written by benchmarks/generate.py\n",
        ".obsidian/app.json": '{"alwaysUpdateLinks": true}\n',
        "Templates/Contact.md": "---\ntype: contact\ninterviews:\n  - {{date}}\n---\n## Questions\n- \n",
    }
    for name in names:
        files[f"Contacts/{name}.md"] = _contact(rng, name, names)
    for index in range(n // 4 if others is None else others):
        path, text = _ordinary(rng, index, names)
        files[path] = text
    linking = random.Random(seed + 1)  # the contacts and other notes stay the bytes they were
    for index in range(n if meetings is None else meetings):
        path, text = _meeting(linking, index, names)
        files[path] = text
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    return len(files) - 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "dir",
        type=Path,
        help="folder to write the vault into (missing, empty, or an earlier generated vault)",
    )
    parser.add_argument("n", type=int, help="number of contact notes")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--meetings",
        type=int,
        metavar="K",
        help="how many meeting and message notes that link contacts (default N; 0: none)",
    )
    parser.add_argument(
        "--other-notes",
        type=int,
        metavar="M",
        help="how many ordinary notes (default N/4); 99500 with N = 500 is a large general vault",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be 1 or more")
    for option, value in (("--other-notes", args.other_notes), ("--meetings", args.meetings)):
        if value is not None and value < 0:
            parser.error(f"{option} must be 0 or more")
    notes = generate(args.dir, args.n, args.seed, args.other_notes, args.meetings)
    meetings = args.n if args.meetings is None else args.meetings
    print(f"{args.dir}: {args.n} contacts, {meetings} meeting notes, {notes - args.n - meetings} other notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
