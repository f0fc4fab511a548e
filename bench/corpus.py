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
    summary: str = ""
    slug_given: bool = False  # written as `slug:` in the front matter


@dataclass(frozen=True)
class Shape:
    """What a corpus looks like: a benchmark run on one shape only is tuned to it."""

    name: str
    tags: tuple[int, int] = (1, 3)  # tags per article, at least and at most...
    vocabulary: int = 16  # ...from this many (the first TAGS, then words from the text)
    outlets: int = 16
    story_size: tuple[int, int] = (1, 5)  # articles per story
    story_share: float = 1.0  # share of stories drawn from story_size (the rest: single)
    days: int = 365  # date span
    names_per_30: int = 1  # topic names shared by articles, per 30 articles (entity density)
    foreign: float = 0.0  # share of body paragraphs in other languages
    summaries: bool = False  # a `summary:` in the front matter
    slugs: bool = False  # `slug:` = the file's name


SHAPES = {
    # The corpus the team tuned on: 16 tags, stories of 1-5 outlets.
    "ours": Shape("ours"),
    # One the team had not seen (issue "Fast on any corpus"): 5 tags each from 200 words, 10
    # outlets, a year of dates, ~20% of articles in multi-outlet stories, summaries, explicit
    # slugs, paragraphs in several languages, many names.
    "unseen": Shape(
        "unseen",
        tags=(5, 5),
        vocabulary=200,
        outlets=10,
        story_size=(2, 4),
        story_share=0.08,
        names_per_30=6,
        foreign=0.3,
        summaries=True,
        slugs=True,
    ),
}


SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def sentences(english: bool = True) -> tuple[list[str], list[str]]:
    """Real sentences and titles from the evaluation data (ENGLISH: only those, else only the
    others: the pages hold Korean, Indonesian and other passages)."""
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
        {
            s.strip()
            for s in found
            if 60 < len(s.strip()) < 400 and s.count(" ") > 8 and _english(s) == english
        }
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


def generate(
    n: int, seed: int = 7, story_size: tuple[int, int] | None = None, shape: Shape = SHAPES["ours"]
) -> list[FakeArticle]:
    """N articles (~6 KB each) shaped by SHAPE, like a real briefing's archive.

    The part that relating reads (title and lead, about 250 words) is new text from a Markov chain
    over real sentences, with invented names: each story has its own, and a few articles share
    a topic name (a person or place in the news for a while). Members of a story share most of
    their lead. The rest of the body is real sentences, reused: it only gives articles their size.
    """
    rng = random.Random(seed)
    pool, _titles = sentences()
    foreign = sentences(english=False)[0] if shape.foreign else []
    chain = Chain(pool)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    topics = [
        (_name(rng), start + timedelta(days=rng.randrange(shape.days)))
        for _ in range(max(1, n * shape.names_per_30 // 30))
    ]
    vocabulary = (TAGS + sorted({w for s in pool for w in re.findall(r"[a-z]{5,}", s)}))[
        : shape.vocabulary
    ]
    outlets = (OUTLETS + [f"Outlet {k}" for k in range(shape.outlets)])[: shape.outlets]
    sizes = story_size or shape.story_size
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
        tags = tuple(rng.sample(vocabulary, rng.randint(*shape.tags)))
        # (No draw when every story may have several: the 'ours' corpus stays as it always was.)
        several = shape.story_share >= 1 or rng.random() < shape.story_share
        members = rng.randint(*sizes) if several else 1
        for member in range(members):
            if len(articles) >= n:
                break
            own_lead = " ".join([*lead[: rng.randint(3, 4)], chain.sentence(rng)])
            fresh = " ".join(chain.sentence(rng) for _ in range(8))
            rest = _paragraphs(rng, pool, rng.randint(25, 38))
            if foreign:
                rest = [
                    " ".join(rng.sample(foreign, 3)) if rng.random() < shape.foreign else p
                    for p in rest
                ]
            body = "\n\n".join([own_lead, fresh, *rest])
            articles.append(
                FakeArticle(
                    slug=f"story-{story}-{member}",
                    title=f"{title} ({rng.choice(outlets)})" if member else title,
                    body=body,
                    date=day + timedelta(hours=rng.randint(0, 48)),
                    source=rng.choice(outlets),
                    tags=tags,
                    summary=chain.sentence(rng) if shape.summaries else "",
                    slug_given=shape.slugs,
                )
            )
    return articles


def pages_html_gz(name: str) -> bytes:
    return gzip.decompress((SHARED / "extraction" / "aeb-dev" / "pages" / name).read_bytes())
