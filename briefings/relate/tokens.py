"""Words of many texts at once, found by a compiled loop over all their characters.

Splitting text into words is the hot loop of relating a large site. A regex and a Python loop
cost about a microsecond per word; here kernels.words reads every character of a batch of texts
in one pass, and each word comes with a hash of its spelling, so Python need look at each
distinct spelling only once (vectorize.Vocabulary: once per process).

A word is what features.WORD finds in lower-cased text: a letter followed by letters and
digits, or a run of digits ("covid19", "2024"; "3m" is "3" and "m").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from briefings.relate import kernels

SEPARATOR = "\x00"  # between texts, so that one string holds the batch
UNLIMITED = 1 << 62


@dataclass(frozen=True)
class Tokens:
    """The words of a batch of texts in reading order: which text each is from, and which of
    the batch's distinct spellings it is (case counts: "The" and "the" are two)."""

    text: np.ndarray  # int64, ascending
    spelling: np.ndarray  # int64 index into hashes
    hashes: np.ndarray  # uint64: each distinct spelling's hash
    _joined: str
    _spans: np.ndarray  # each distinct spelling's (start, end) in _joined

    def spelled(self, spellings: np.ndarray) -> list[str]:
        """The SPELLINGS (indexes into hashes) as text."""
        return [self._joined[s:e] for s, e in self._spans[spellings].tolist()]


def tokenize(texts: list[str], limits: list[int] | None = None) -> Tokens:
    """The words of TEXTS, each read up to the end of its LIMITS[i]-th run of non-space
    characters (what " ".join(text.split(None, n)[:n]) keeps), or whole."""
    joined = SEPARATOR.join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    ends = np.cumsum(np.fromiter((len(t) + 1 for t in texts), np.int64, len(texts))) - 1
    begins = ends - np.fromiter((len(t) for t in texts), np.int64, len(texts))
    others = np.unique(codes[codes >= 128])
    kinds = np.fromiter((_kind(c) for c in others.tolist()), np.uint8, len(others))
    reach = np.full(len(texts), UNLIMITED, np.int64) if limits is None else np.array(limits)
    text, start, end, hashes = kernels.words(
        codes, begins, ends, reach.astype(np.int64), kernels.ASCII_KIND, others, kinds
    )
    spelling, first = distinct(hashes)
    spans = np.stack([start[first], end[first]], axis=1)
    return Tokens(text, spelling, hashes[first], joined, spans)


def distinct(values: np.ndarray, runs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """For each value, the number of its distinct value (numbered in sorted order); and one
    place where each distinct value is found. (np.unique's return_index asks for a stable sort,
    and any place will do.) RUNS: VALUES come in ascending runs, which a stable sort merges
    rather than sorts (far faster on millions of them than np.unique's sort from scratch)."""
    order = np.argsort(values, kind="stable" if runs else None)
    ordered = values[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))[: len(values)]
    number = np.empty(len(values), np.int64)
    number[order] = np.cumsum(new) - 1
    return number, order[new]


@lru_cache(maxsize=20_000)
def _kind(code: int) -> int:
    """What Python's re calls \\d (a decimal digit) is 2, any other \\w but "_" is a letter (1),
    white space as str.split sees it is 3."""
    c = chr(code)
    return 2 if c.isdecimal() else 1 if c.isalnum() else 3 if c.isspace() else 0
