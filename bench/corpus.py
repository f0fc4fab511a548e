"""Realistic generated corpora for benchmarks, made from the real text in ../shared/data: articles
with tags, outlets, dates, topics and multi-outlet stories. Not a test fixture: run by hand."""

from __future__ import annotations

import gzip
import itertools
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
    unique = sorted(
        {s.strip() for s in found if 60 < len(s.strip()) < 400 and s.count(" ") > 8 and _english(s)}
    )
    return unique, titles


class Chain:
    """A word-bigram Markov chain over real sentences: new sentences that read like news and share
    common word pairs with each other, as real articles do, but never whole passages. (Recombined
    real sentences would tie unrelated articles together by the passages they share.)"""

    def __init__(self, pool: list[str]) -> None:
        self.starts: list[str] = []
        self.next: dict[str, list[str]] = {}
        for sentence in pool:
            words = sentence.split()
            self.starts.append(words[0])
            for a, b in itertools.pairwise(words):
                self.next.setdefault(a, []).append(b)

    def sentence(self, rng: random.Random, max_words: int = 32) -> str:
        word = rng.choice(self.starts)
        out = [word]
        while len(out) < max_words and word[-1] not in ".!?" and word in self.next:
            word = rng.choice(self.next[word])
            out.append(word)
        text = " ".join(out)
        return text if text[-1] in ".!?" else text + "."


SYLLABLES = (
    "ka lo mi ra ven tor sal dun bri esk ol var nik gra pel zan tu hem ost ar "
    "bel cor dra fen gil hal ist jor kel lun mor nes orv pra quin ryl sev tam ulm wex"
).split()  # 40: names of 3-4 syllables rarely collide, as real names of unrelated stories


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()


def _english(sentence: str) -> bool:
    """Mostly ASCII: the pages hold a few Korean and Indonesian passages, which, reused across
    articles, would tie them together by words no other article has."""
    return sum(c.isascii() for c in sentence) >= 0.97 * len(sentence)


def _paragraphs(rng: random.Random, pool: list[str], count: int) -> list[str]:
    chosen = [rng.choice(pool) for _ in range(count)]
    cuts = sorted(rng.sample(range(1, count), min(count - 1, count // 3)))
    return [" ".join(chosen[a:b]) for a, b in zip([0, *cuts], [*cuts, count], strict=True)]


def generate(n: int, seed: int = 7, story_size: tuple[int, int] = (1, 5)) -> list[FakeArticle]:
    """N articles (~6 KB each) in stories of 1-5 outlets, like a real briefing's archive.

    The part that relating reads (title and lead, about 250 words) is new text from a Markov chain
    over real sentences, with invented names: each story has its own, and about 30 articles share
    a topic name (a person or place in the news for a while). Members of a story share most of
    their lead. The rest of the body is real sentences, reused: it only gives articles their size.
    """
    rng = random.Random(seed)
    pool, _titles = sentences()
    chain = Chain(pool)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    topics = [
        (_name(rng), start + timedelta(days=rng.randrange(365))) for _ in range(max(1, n // 30))
    ]
    articles: list[FakeArticle] = []
    story = 0
    while len(articles) < n:
        story += 1
        topic, around = rng.choice(topics)
        own = _name(rng)
        lead = [f"{own} {chain.sentence(rng)}", *(chain.sentence(rng) for _ in range(2)),
                f"{topic} {chain.sentence(rng)}"]  # fmt: skip
        words = chain.sentence(rng).rstrip(".!?").split()
        title = " ".join([own, topic, *words[: rng.randint(5, 10)]])
        day = around + timedelta(days=rng.randrange(-60, 60), minutes=rng.randrange(1440))
        tags = tuple(rng.sample(TAGS, rng.randint(1, 3)))
        for member in range(rng.randint(*story_size)):
            if len(articles) >= n:
                break
            own_lead = " ".join([*lead[: rng.randint(3, 4)], chain.sentence(rng)])
            fresh = " ".join(chain.sentence(rng) for _ in range(8))
            body = "\n\n".join([own_lead, fresh, *_paragraphs(rng, pool, rng.randint(25, 38))])
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
