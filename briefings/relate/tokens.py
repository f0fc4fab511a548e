"""Words of many texts at once, found by a compiled loop over all their characters.

Splitting text into words is the hot loop of relating a large site. A regex and a Python loop
cost about a microsecond per word; here scan.words reads every character of a batch of texts
in one pass, and each word comes with a hash of its spelling, so Python need look at each
distinct spelling only once (vectorize.Vocabulary: once per process).

A word is what features.WORD finds in lower-cased text: a letter followed by letters and
digits, or a run of digits ("covid19", "2024"; "3m" is "3" and "m").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from briefings.relate import charclass, compiled

SEPARATOR = "\x00"  # between texts, so that one string holds the batch
UNLIMITED = 1 << 62
# Measured on feature keys: 1.5M (10,000 articles) 0.04 s by default, 0.09 s stable; 9M about
# even; 15M 1.9 s by default, 1.4 s stable.
MERGE_FROM = 9_000_000


@dataclass(frozen=True)
class Characters:
    """A batch of texts as one array of code points, each text at CODES[BEGINS[t]:ENDS[t]],
    with the kind of every character (charclass.LETTER, ...)."""

    joined: str  # the texts, SEPARATOR between them
    codes: np.ndarray  # uint32
    kinds: np.ndarray  # uint8
    begins: np.ndarray  # int64
    ends: np.ndarray  # int64


def characters(texts: list[str]) -> Characters:
    joined = SEPARATOR.join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    lengths = np.fromiter((len(t) for t in texts), np.int64, len(texts))
    ends = np.cumsum(lengths + 1) - 1
    others = np.unique(codes[codes >= 128])
    kinds = np.fromiter((_kind(c) for c in others.tolist()), np.uint8, len(others))
    found = compiled.kinds(codes, charclass.ASCII_KIND, others, kinds)
    return Characters(joined, codes, found, ends - lengths, ends)


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


def tokenize(chars: Characters, limits: list[int] | None = None) -> Tokens:
    """The words of a batch of texts, each read up to the end of its LIMITS[i]-th run of
    non-space characters (what " ".join(text.split(None, n)[:n]) keeps), or whole."""
    count = len(chars.begins)
    reach = np.full(count, UNLIMITED, np.int64) if limits is None else np.array(limits, np.int64)
    text, start, end, hashes = compiled.words(
        chars.codes, chars.kinds, chars.begins, chars.ends, reach
    )
    spelling, first = distinct(hashes)
    spans = np.stack([start[first], end[first]], axis=1)
    return Tokens(text, spelling, hashes[first], chars.joined, spans)


def distinct(values: np.ndarray, runs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """For each value, the number of its distinct value (numbered in sorted order); and one
    place where each distinct value is found. (np.unique's return_index asks for a stable sort,
    and any place will do.) RUNS: VALUES come in ascending runs (each article's feature keys),
    which a stable sort merges: past MERGE_FROM values, that beats numpy's default sort."""
    order = np.argsort(values, kind="stable" if runs and len(values) >= MERGE_FROM else None)
    ordered = values[order]
    # In place where it can be: a large site numbers 15 million feature keys at once.
    new = np.empty(len(values), np.bool_)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    del ordered
    rank = np.cumsum(new)
    rank -= 1
    number = np.empty(len(values), np.int64)
    number[order] = rank
    return number, order[new]


def find(ordered: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of VALUES stands, or would be inserted, in the ascending array ORDERED; and
    whether it is there."""
    at = np.searchsorted(ordered, values)
    found = at < len(ordered)
    found[found] = ordered[at[found]] == values[found]
    return at, found


@lru_cache(maxsize=20_000)
def _kind(code: int) -> int:
    return charclass.kind_of(chr(code))
