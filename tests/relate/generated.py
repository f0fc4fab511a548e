"""A deterministic corpus of generated articles for differential tests of relating: stories
told by several outlets over a few days, made of the fixture's real sentences, with tags,
dates across a year, near-copies and articles that share only common words. Needs nothing
outside tests/."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from briefings.relate import RelateDoc

FIXTURE = Path(__file__).parents[1] / "fixtures" / "clusters-small.jsonl"
DAY = 86_400.0
START = 1_700_000_000.0
TAGS = ["Politics", "Economy", "Climate", "Health", "Sport", "Culture", "Europe", "Asia"]
OUTLETS = ["Wire", "Daily", "Herald", "Post", "Times", "Courier"]


def sentences() -> list[str]:
    rows = [json.loads(line) for line in FIXTURE.open(encoding="utf-8")]
    text = " ".join(r["text"] for r in rows)
    found = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 6]
    return sorted(set(found))


SYLLABLES = "ka lo mi ra tu ve zo ni sa dor bel quin tar gu pe hol".split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _retold(sentence: str, names: list[str], rng: random.Random) -> str:
    """SENTENCE with some of its longer words replaced by the story's NAMES."""
    words = sentence.split()
    for i, word in enumerate(words):
        if len(word) > 5 and rng.random() < 0.4:
            words[i] = rng.choice(names)
    return " ".join(words)


def generate(count: int, seed: int = 7) -> list[RelateDoc]:
    """COUNT articles: about a third in stories of 2-6 reports sharing most of their sentences
    within days, a few near-copies, the rest on their own; each story names its own people and
    places (made-up words), and every article reuses the fixture's common words."""
    rng = random.Random(seed)
    pool = sentences()
    docs: list[RelateDoc] = []
    while len(docs) < count:
        when = START + rng.random() * 365 * DAY
        names = [_name(rng) for _ in range(6)]
        core = [_retold(s, names, rng) for s in rng.sample(pool, 8)]
        tags = tuple(rng.sample(TAGS, rng.randint(0, 2)))
        reports = rng.choice([1, 1, 1, 2, 3, 6])
        for r in range(min(reports, count - len(docs))):
            body = core[: rng.randint(5, 8)] + [
                _retold(s, names, rng) for s in rng.sample(pool, rng.randint(2, 6))
            ]
            rng.shuffle(body)
            if r and rng.random() < 0.1:  # a near-copy of the story's first report
                body = [*docs[-r].body.split(". "), f"Ref {len(docs)}."]
                body = [". ".join(body)]
            title = " ".join(core[0].split()[: rng.randint(5, 10)])
            docs.append(
                RelateDoc(
                    f"a{len(docs):05d}",
                    title,
                    "\n\n".join(body),
                    when + rng.random() * 3 * DAY,
                    tags,
                    rng.choice(OUTLETS),
                )
            )
    return docs
