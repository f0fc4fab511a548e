"""Articles to weighted feature vectors, in batches and on every core: the hot path of relating.

A vector is a pure function of its article: features are keyed by a hash of their text (not by an
id that depends on arrival order) and weighted by general English word frequencies (not by the
corpus). So vectors can be computed in any order, in any process, and cached.

Per article, Python only splits words and looks them up; counting, word pairs, weighting,
pruning to the heaviest features and normalising are done for a whole batch with numpy.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from briefings.parallel import chunked_map
from briefings.relate.features import MAX_WEIGHT, entities, information, stem, words
from briefings.relate.model import RelateDoc, RelatedSettings

MASK = (1 << 62) - 1
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


@lru_cache(maxsize=300_000)
def _word(word: str) -> tuple[int, float]:
    """A word's stem key and weight (cached: a language has far fewer words than a site has)."""
    return text_hash(stem(word)), information(word)


def featurize(
    docs: Sequence[RelateDoc], settings: RelatedSettings, max_features: int = 150
) -> list[Features]:
    """Features of DOCS, in order; spread over the machine's cores when there are many."""
    _word("warm")  # load the word frequencies once, before any fork: children share them
    work = functools.partial(_batch, s=settings, max_features=max_features)
    return chunked_map(work, docs, CHUNK, PARALLEL_FROM)


def _batch(docs: Sequence[RelateDoc], s: RelatedSettings, max_features: int) -> list[Features]:
    doc_of: list[int] = []
    hashes: list[int] = []
    infos: list[float] = []
    times: list[float] = []
    first: list[bool] = []  # where a text (title or lead) starts: no pair across texts
    tag_doc: list[int] = []
    tag_keys: list[int] = []
    for d, doc in enumerate(docs):
        lead = " ".join(doc.body.split(None, s.lead_words * 2)[: s.lead_words * 2])
        for text_words, weight in (
            (words(doc.title), s.title_weight),
            (words(lead)[: s.lead_words], 1.0),
        ):
            if not text_words:
                continue
            looked = [_word(w) for w in text_words]
            hashes += [h for h, _ in looked]
            infos += [i for _, i in looked]
            doc_of += [d] * len(looked)
            times += [weight] * len(looked)
            first += [True] + [False] * (len(looked) - 1)
        for tag in dict.fromkeys(" ".join(t.lower().split()) for t in doc.tags):
            tag_doc.append(d)
            tag_keys.append(text_hash("#" + tag))
    names = [entities(doc.body) if s.entity_topics else () for doc in docs]
    stems = np.array(hashes, dtype=np.int64)
    info = np.array(infos, dtype=np.float64)
    doc_of_a = np.array(doc_of, dtype=np.int64)
    times_a = np.array(times, dtype=np.float64)
    # Word pairs: each word with the next one of the same text.
    follows = ~np.array(first[1:], dtype=bool)
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
    if not len(keys):
        return [(np.zeros(0, np.int64), np.zeros(0, np.float64))] * n
    # Sum counts per (doc, feature).
    order = np.lexsort((keys, docs))
    docs, keys, counts, infos = docs[order], keys[order], counts[order], infos[order]
    start = np.flatnonzero(
        np.concatenate(([True], (docs[1:] != docs[:-1]) | (keys[1:] != keys[:-1])))
    )
    totals = np.add.reduceat(counts, start)
    docs, keys, infos = docs[start], keys[start], infos[start]
    keep = totals >= 0.5
    docs, keys, infos, totals = docs[keep], keys[keep], infos[keep], totals[keep]
    score = (1.0 + np.log(totals)) * infos
    # Heaviest features of each doc first (ties by key), cut at MAX_FEATURES.
    order = np.lexsort((keys, -score, docs))
    docs, keys, score = docs[order], keys[order], score[order]
    bounds = np.searchsorted(docs, np.arange(n + 1))
    rank = np.arange(len(docs)) - bounds[docs]
    keep = rank < max_features
    docs, keys, score = docs[keep], keys[keep], score[keep]
    # Norms summed in this canonical (score) order, so they are the same in every run.
    bounds = np.searchsorted(docs, np.arange(n + 1))
    present = bounds[1:] > bounds[:-1]
    norms = np.ones(n)
    if len(docs):
        norms[present] = np.sqrt(np.add.reduceat(score * score, bounds[:-1][present]))
    score = score / norms[docs]
    order = np.lexsort((keys, docs))
    docs, keys, score = docs[order], keys[order], score[order]
    return [(keys[bounds[d] : bounds[d + 1]], score[bounds[d] : bounds[d + 1]]) for d in range(n)]
