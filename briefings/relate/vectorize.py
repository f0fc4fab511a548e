"""Articles to sparse feature rows, in batches: the hot path of relating a large site.

Per article, Python only splits words and maps them to ids; counting, word pairs, weighting,
pruning to the heaviest features and normalising are done for a whole batch with numpy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from briefings.relate.features import MAX_WEIGHT, information, stem, words
from briefings.relate.model import RelateDoc, RelatedSettings

PAIR = np.int64(1) << 32  # key of a word pair: first stem * PAIR + second stem + PAIR
TAG_BASE = np.int64(1) << 62  # keys of tags, above every word and pair key
MASK = (1 << 62) - 1


def text_hash(text: str) -> int:
    """A key for TEXT that is the same in every run: ids depend on arrival order, this does not."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") & MASK


class Vectorizer:
    """Keeps the word, stem and feature numbering, which only ever grows."""

    def __init__(self, settings: RelatedSettings, max_features: int = 150) -> None:
        self.settings = settings
        self.max_features = max_features
        self.word_id: dict[str, int] = {}
        self.word_stem: list[int] = []  # word id -> stem id
        self.word_info: list[float] = []  # word id -> weight
        self.stem_id: dict[str, int] = {}
        self.stem_hash: list[int] = []  # stem id -> text_hash(stem)
        self.tag_id: dict[str, int] = {}
        self.tag_hash: list[int] = []
        self.column: dict[int, int] = {}  # feature key -> matrix column

    @property
    def width(self) -> int:
        return len(self.column)

    def _ids(self, text_words: list[str]) -> list[int]:
        ids = self.word_id
        out = []
        for w in text_words:
            i = ids.get(w)
            if i is None:
                i = ids[w] = len(self.word_stem)
                root = stem(w)
                if root not in self.stem_id:
                    self.stem_id[root] = len(self.stem_id)
                    self.stem_hash.append(text_hash(root))
                self.word_stem.append(self.stem_id[root])
                self.word_info.append(information(w))
            out.append(i)
        return out

    def rows(self, docs: Sequence[RelateDoc]) -> list[tuple[np.ndarray, np.ndarray]]:
        """One (columns, weights) row per doc, L2-normalised, heaviest MAX_FEATURES kept."""
        s = self.settings
        doc_of, word, times, first = [], [], [], []  # one entry per word occurrence
        tag_doc, tag_key = [], []
        for d, doc in enumerate(docs):
            lead = " ".join(doc.body.split(None, s.lead_words * 2)[: s.lead_words * 2])
            for text_words, weight in (
                (words(doc.title), s.title_weight),
                (words(lead)[: s.lead_words], 1.0),
            ):
                ids = self._ids(text_words)
                doc_of += [d] * len(ids)
                word += ids
                times += [weight] * len(ids)
                first += [True] + [False] * (len(ids) - 1) if ids else []
            for tag in dict.fromkeys(" ".join(t.lower().split()) for t in doc.tags):
                if tag not in self.tag_id:
                    self.tag_id[tag] = len(self.tag_id)
                    self.tag_hash.append(text_hash("#" + tag))
                tag_doc.append(d)
                tag_key.append(TAG_BASE + self.tag_id[tag])
        doc_of = np.array(doc_of, dtype=np.int64)
        word = np.array(word, dtype=np.int64)
        times = np.array(times, dtype=np.float64)
        first = np.array(first, dtype=bool)
        stems = np.array(self.word_stem, dtype=np.int64)[word] if len(word) else word
        info = np.array(self.word_info, dtype=np.float64)[word] if len(word) else times
        # Word pairs: each word with the next one of the same text (title or lead).
        follows = ~first[1:] if len(word) else np.zeros(0, bool)
        pair_key = (stems[:-1] + 1) * PAIR + stems[1:]
        # Very common single words (said, government, ...) say little and would make every article
        # a candidate for every other; as half of a pair ("white house") they stay.
        telling = info >= MAX_WEIGHT - s.common_zipf
        keys = np.concatenate([stems[telling], pair_key[follows], np.array(tag_key, np.int64)])
        stem_hash = np.array(self.stem_hash, dtype=np.int64)
        hashes = np.concatenate([
            stem_hash[stems[telling]] if len(stems) else stems,
            ((stem_hash[stems[:-1]] * 1_000_003 + stem_hash[stems[1:]]) & MASK)[follows] if len(stems) else stems,
            np.array([self.tag_hash[k - TAG_BASE] for k in tag_key], np.int64),
        ])  # fmt: skip
        docs_all = np.concatenate(
            [doc_of[telling], doc_of[1:][follows], np.array(tag_doc, np.int64)]
        )
        counts = np.concatenate(
            [
                times[telling],
                times[1:][follows] * s.pair_weight,
                np.full(len(tag_key), s.tag_weight),
            ]
        )
        infos = np.concatenate(
            [
                info[telling],
                (info[:-1] + info[1:])[follows] / 2,
                np.full(len(tag_key), MAX_WEIGHT / 2),
            ]
        )
        return self._finish(len(docs), docs_all, keys, hashes, counts, infos)

    def _finish(
        self,
        n: int,
        docs: np.ndarray,
        keys: np.ndarray,
        hashes: np.ndarray,
        counts: np.ndarray,
        infos: np.ndarray,
    ) -> list:
        if not len(keys):
            return [(np.zeros(0, np.int32), np.zeros(0, np.float64))] * n
        # Sum counts per (doc, feature).
        order = np.lexsort((keys, docs))
        docs, keys, hashes, counts, infos = (
            docs[order],
            keys[order],
            hashes[order],
            counts[order],
            infos[order],
        )
        start = np.flatnonzero(
            np.concatenate(([True], (docs[1:] != docs[:-1]) | (keys[1:] != keys[:-1])))
        )
        totals = np.add.reduceat(counts, start)
        docs, keys, hashes, infos = docs[start], keys[start], hashes[start], infos[start]
        keep = totals >= 0.5
        docs, keys, hashes, infos, totals = (
            docs[keep],
            keys[keep],
            hashes[keep],
            infos[keep],
            totals[keep],
        )
        score = (1.0 + np.log(totals)) * infos
        # Heaviest features of each doc first (ties by the feature's text), cut at MAX_FEATURES.
        order = np.lexsort((hashes, -score, docs))
        docs, keys, score = docs[order], keys[order], score[order]
        bounds = np.searchsorted(docs, np.arange(n + 1))
        rank = np.arange(len(docs)) - bounds[docs]
        keep = rank < self.max_features
        docs, keys, score = docs[keep], keys[keep], score[keep]
        # Norms summed in this canonical (score) order, so they never depend on numbering.
        starts = np.searchsorted(docs, np.arange(n))
        present = np.bincount(docs, minlength=n) > 0
        norms = np.ones(n)
        if len(docs):
            sums = np.add.reduceat(score * score, starts[present])
            norms[present] = np.sqrt(sums)
        score = score / norms[docs]
        columns = self._columns(keys)
        order = np.lexsort((columns, docs))
        docs, columns, score = docs[order], columns[order].astype(np.int32), score[order]
        bounds = np.searchsorted(docs, np.arange(n + 1))
        return [
            (columns[bounds[d] : bounds[d + 1]], score[bounds[d] : bounds[d + 1]]) for d in range(n)
        ]

    def _columns(self, keys: np.ndarray) -> np.ndarray:
        unique, inverse = np.unique(keys, return_inverse=True)
        column = self.column
        mapped = np.fromiter(
            (column.setdefault(int(k), len(column)) for k in unique.tolist()), np.int64, len(unique)
        )
        return mapped[inverse]
