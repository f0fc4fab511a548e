"""Articles to weighted feature vectors, in batches and on every core: the hot path of relating.

A vector is a pure function of its article: features are keyed by a hash of their text (not by an
id that depends on arrival order) and weighted by general English word frequencies (not by the
corpus). So vectors can be computed in any order, in any process, and cached.

Python reads only what it has not seen before (a new spelling, a new capitalised phrase);
splitting words, finding names, counting, word pairs, weighting, pruning to the heaviest
features and normalising are done for a whole batch, by numpy and compiled loops (kernels.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefings.parallel import forked_map
from briefings.relate import compiled
from briefings.relate.features import (
    MAX_WEIGHT,
    STOP_WORDS,
    forget,
    information,
    names_in,
    stem_all,
)
from briefings.relate.model import RelateDoc, RelatedSettings
from briefings.relate.tokens import UNLIMITED, Tokens, characters, find, tokenize

KEY_BITS = 48  # feature keys: room for a batch's doc numbers above them in an int64
MASK = (1 << KEY_BITS) - 1
PAIR_MIX = 1_000_003
PARALLEL_FROM = 1_500  # below this, starting workers costs more than it saves
CHUNK = 500


@dataclass(frozen=True)
class Features:
    """What relating reads of one article: feature keys (ascending) with weights (L2 norm 1),
    and the names found in it."""

    keys: np.ndarray  # int64
    weights: np.ndarray  # float64
    names: tuple[str, ...]


def text_hash(text: str) -> int:
    """A key for TEXT that is the same in every run and every process."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") & MASK


def _words(words: list[str]) -> tuple[list[int], list[float], list[bool]]:
    """Each word's stem key, its weight, and whether it counts at all (stop words and single
    letters do not). (Stemmed all at once: a tenth of the cost of word by word.)"""
    stems = stem_all(words)
    return (
        [text_hash(s) for s in stems],
        [information(w) for w in words],
        [len(w) > 1 and w not in STOP_WORDS for w in words],
    )


class Vocabulary:
    """What _words says of every spelling seen so far, by spelling hash (tokens.Tokens), in
    arrays: a batch's words are looked up all at once, and Python reads only spellings it has
    not seen before."""

    def __init__(self) -> None:
        self.hashes = np.zeros(0, np.uint64)  # ascending
        self.stems = np.zeros(0, np.int64)
        self.weights = np.zeros(0, np.float64)
        self.counted = np.zeros(0, bool)

    def look_up(self, tokens: Tokens) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Stem key, weight and whether it counts, of each of TOKENS' distinct spellings."""
        at, known = find(self.hashes, tokens.hashes)
        new = np.flatnonzero(~known)
        if len(new):
            stems, weights, counted = _words([w.lower() for w in tokens.spelled(new)])
            where = at[new]
            self.hashes = np.insert(self.hashes, where, tokens.hashes[new])
            self.stems = np.insert(self.stems, where, stems)
            self.weights = np.insert(self.weights, where, weights)
            self.counted = np.insert(self.counted, where, counted)
            at = find(self.hashes, tokens.hashes)[0]
        return self.stems[at], self.weights[at], self.counted[at]


_VOCABULARY = Vocabulary()  # a cache of what a pure function said, kept per process


def forget_words() -> None:
    """Drop what is cached of words (features.forget): once relating is done for good."""
    global _VOCABULARY
    _VOCABULARY = Vocabulary()
    forget()


def featurize(
    docs: Sequence[RelateDoc], settings: RelatedSettings, max_features: int = 150
) -> list[Features]:
    """Features of DOCS, in order; spread over the machine's cores when there are many. (Each
    worker loads the word frequencies itself, at once: this process never holds them, 33 MB,
    unless it featurizes here.)"""

    def work(indexes: range) -> list[Features]:
        # Workers inherit DOCS: only index ranges and vectors cross between processes.
        return _batches(docs[indexes.start : indexes.stop], settings, max_features)

    return forked_map(work, len(docs), CHUNK, PARALLEL_FROM)


def _batches(docs: Sequence[RelateDoc], s: RelatedSettings, max_features: int) -> list[Features]:
    # Batches of CHUNK bound memory, and the doc numbers sorted above the key bits in _finish.
    return [
        found
        for start in range(0, len(docs), CHUNK)
        for found in _batch(docs[start : start + CHUNK], s, max_features)
    ]


def _batch(docs: Sequence[RelateDoc], s: RelatedSettings, max_features: int) -> list[Features]:
    texts: list[str] = []  # each article's title, then its lead
    for doc in docs:
        texts += [doc.title, doc.body]
    chars = characters(texts)
    tokens = tokenize(chars, [UNLIMITED, s.lead_words * 2] * len(docs))
    stem_of, info_of, counted = _VOCABULARY.look_up(tokens)
    kept = counted[tokens.spelling]
    text, spelling = tokens.text[kept], tokens.spelling[kept]
    rank = np.arange(len(text)) - np.searchsorted(text, text)  # place among its text's words
    in_lead = (text % 2 == 0) | (rank < s.lead_words)
    text, spelling = text[in_lead], spelling[in_lead]
    stems, info = stem_of[spelling], info_of[spelling]
    doc_of_a = text // 2
    times_a = np.where(text % 2 == 0, s.title_weight, 1.0)
    tag_doc: list[int] = []
    tag_keys: list[int] = []
    for d, doc in enumerate(docs):
        for tag in dict.fromkeys(" ".join(t.lower().split()) for t in doc.tags):
            tag_doc.append(d)
            tag_keys.append(text_hash("#" + tag))
    bodies = np.arange(1, len(texts), 2)
    names = names_in(chars, bodies) if s.entity_topics else [()] * len(docs)
    # Word pairs: each word with the next one of the same text.
    follows = text[1:] == text[:-1]
    pair_keys = ((stems[:-1] * PAIR_MIX + stems[1:]) & MASK)[follows]
    # Very common single words (said, government, ...) say little and would make every article
    # a candidate for every other; as half of a pair ("white house") they stay.
    telling = info >= MAX_WEIGHT - s.common_zipf
    keys = np.concatenate([stems[telling], pair_keys, np.array(tag_keys, np.int64)])
    doc_all = np.concatenate(
        [doc_of_a[telling], doc_of_a[1:][follows], np.array(tag_doc, np.int64)]
    )
    counts = np.concatenate([
        times_a[telling],
        times_a[1:][follows] * s.pair_weight,
        np.full(len(tag_keys), s.tag_weight),
    ])  # fmt: skip
    weights = np.concatenate([
        info[telling],
        (info[:-1] + info[1:])[follows] / 2,
        np.full(len(tag_keys), MAX_WEIGHT / 2),
    ])  # fmt: skip
    rows = _finish(len(docs), doc_all, keys, counts, weights, max_features)
    return [Features(k, w, n) for (k, w), n in zip(rows, names, strict=True)]


def _finish(
    n: int,
    docs: np.ndarray,
    keys: np.ndarray,
    counts: np.ndarray,
    infos: np.ndarray,
    max_features: int,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each of N docs' (keys, weights) from their entries: see kernels.features."""
    # Sorted by one number per entry (the doc above the key bits): far cheaper than a lexsort.
    order = np.argsort((docs << KEY_BITS) | keys)
    docs, keys, counts, infos = docs[order], keys[order], counts[order], infos[order]
    bounds, keys, weights = compiled.features(
        n, docs.astype(np.int64), keys.astype(np.int64), counts.astype(np.float64),
        infos.astype(np.float64), max_features,
    )  # fmt: skip
    return [(keys[bounds[d] : bounds[d + 1]], weights[bounds[d] : bounds[d + 1]]) for d in range(n)]
