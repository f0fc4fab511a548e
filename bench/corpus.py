"""Realistic generated corpora for benchmarks: real paragraphs from ../shared/data, shuffled into
articles with tags, outlets, dates and multi-outlet stories. Not a test fixture: run by hand."""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TAGS = [
    "Politics",
    "Economy",
    "Climate",
    "Health",
    "Technology",
    "Sport",
    "Culture",
    "Science",
    "Europe",
    "Asia",
    "Africa",
    "Americas",
    "Middle East",
    "Energy",
    "Security",
    "Courts",
]
OUTLETS = [
    "Reuters",
    "AP",
    "BBC",
    "Guardian",
    "NYT",
    "Washington Post",
    "CNN",
    "NPR",
    "Rudaw",
    "MarketLink",
    "Al Jazeera",
    "Le Monde",
    "DW",
    "Kyodo",
    "ABC",
    "Daily Mail",
]


@dataclass(frozen=True)
class FakeArticle:
    slug: str
    title: str
    body: str
    date: datetime
    source: str
    tags: tuple[str, ...]


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def sentences() -> tuple[list[str], list[str]]:
    """Real sentences and titles from the evaluation data."""
    found, titles = [], []
    for line in (SHARED / "clusters" / "news-cluster-dev.jsonl").open():
        row = json.loads(line)
        titles.append(row["title"])
        found += SENTENCE.split(row["text"].replace("\n", " "))
    for line in (SHARED / "extraction" / "aeb-dev" / "truth.jsonl").open():
        found += SENTENCE.split(json.loads(line)["body"].replace("\n", " "))
    for page in sorted((SHARED / "extraction" / "aeb-dev" / "pages").glob("*.txt")):
        found += [s for line in page.read_text().splitlines() for s in SENTENCE.split(line)]
    unique = sorted({s.strip() for s in found if 60 < len(s.strip()) < 400 and s.count(" ") > 8})
    return unique, titles


def _paragraphs(rng: random.Random, pool: list[str], count: int) -> list[str]:
    chosen = [_splice(rng, pool) for _ in range(count)]
    cuts = sorted(rng.sample(range(1, count), min(count - 1, count // 3)))
    return [" ".join(chosen[a:b]) for a, b in zip([0, *cuts], [*cuts, count], strict=True)]


def _splice(rng: random.Random, pool: list[str]) -> str:
    """A sentence of its own: the first half of one real sentence and the second half of another.
    (A story's lead is its own; reusing whole sentences would tie unrelated stories together.)"""
    a, b = rng.choice(pool).split(), rng.choice(pool).split()
    return " ".join(a[: len(a) // 2] + b[len(b) // 2 :])


def generate(n: int, seed: int = 7, story_size: tuple[int, int] = (1, 5)) -> list[FakeArticle]:
    """N articles (~6 KB each) in stories of 1-5 outlets. Sentences are real but recombined, so
    unrelated articles share words, not passages; members of a story share their lead."""
    rng = random.Random(seed)
    pool, _titles = sentences()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    articles: list[FakeArticle] = []
    story = 0
    while len(articles) < n:
        story += 1
        lead = [_splice(rng, pool) for _ in range(4)]
        # Headlines unique per story, as real ones are: the start of a random real sentence.
        words = rng.choice(pool).rstrip(".!?").split()
        title = " ".join(words[: rng.randint(7, 12)])
        day = start + timedelta(days=rng.randrange(365), minutes=rng.randrange(1440))
        tags = tuple(rng.sample(TAGS, rng.randint(1, 3)))
        for member in range(rng.randint(*story_size)):
            if len(articles) >= n:
                break
            own_lead = " ".join([*lead[: rng.randint(3, 4)], _splice(rng, pool)])
            body = "\n\n".join([own_lead, *_paragraphs(rng, pool, rng.randint(30, 45))])
            articles.append(
                FakeArticle(
                    slug=f"story-{story}-{member}",
                    title=f"{title} ({rng.choice(OUTLETS)})" if member else title,
                    body=body,
                    date=day + timedelta(hours=rng.randint(0, 48)),
                    source=rng.choice(OUTLETS),
                    tags=tags,
                )
            )
    return articles


def pages_html_gz(name: str) -> bytes:
    return gzip.decompress((SHARED / "extraction" / "aeb-dev" / "pages" / name).read_bytes())
