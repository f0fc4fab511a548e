"""Words of many texts at once, found with array operations over all their characters.

Splitting text into words is the hot loop of relating a large site. A regex and a Python loop
cost about a microsecond per word; here numpy classifies and splits every character of a batch
of texts together, and Python looks at each distinct word of the batch only once.

A word is what features.WORD finds in lower-cased text: a letter followed by letters and
digits, or a run of digits ("covid19", "2024"; "3m" is "3" and "m").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SEPARATOR = "\x00"  # between texts: never part of a word
_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_ASCII = np.zeros(128, np.uint8)  # 0 other, 1 letter, 2 digit
_ASCII[[ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = 1
_ASCII[[ord(c) for c in "0123456789"]] = 2


@dataclass(frozen=True)
class Tokens:
    """The words of a batch of texts in reading order: which text each is from, and which of the
    batch's distinct WORDS it is."""

    text: np.ndarray  # int64, ascending
    word: np.ndarray  # int64 index into words
    words: list[str]


def tokenize(texts: list[str]) -> Tokens:
    """The words of TEXTS, lower-cased. (Each distinct word is lower-cased on its own, not the
    texts: far less to do, and the same words but for letters that lower-case to two, like
    the dotted capital I.)"""
    joined = SEPARATOR.join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    kind = _classify(codes)
    starts, ends = _spans(kind)
    if not len(starts):
        return Tokens(np.zeros(0, np.int64), np.zeros(0, np.int64), [])
    spelled, first = distinct(_span_hashes(codes, starts, ends))
    # Spellings differing only in case ("The", "the") are one word.
    spans = zip(starts[first].tolist(), ends[first].tolist(), strict=True)
    lowered = [joined[s:e].lower() for s, e in spans]
    number: dict[str, int] = {}
    word_of = np.fromiter((number.setdefault(w, len(number)) for w in lowered), np.int64)
    text = np.searchsorted(np.flatnonzero(codes == 0), starts)
    return Tokens(text.astype(np.int64), word_of[spelled], list(number))


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


def _classify(codes: np.ndarray) -> np.ndarray:
    kind = np.zeros(len(codes), np.uint8)
    ascii_ = codes < 128
    kind[ascii_] = _ASCII[codes[ascii_]]
    if not ascii_.all():
        others, inverse = np.unique(codes[~ascii_], return_inverse=True)
        kinds = np.fromiter((_kind(c) for c in others.tolist()), np.uint8, len(others))
        kind[~ascii_] = kinds[inverse.ravel()]
    return kind


@lru_cache(maxsize=20_000)
def _kind(code: int) -> int:
    """What Python's re calls \\d (a decimal digit) is 2; any other \\w but "_" is a letter."""
    c = chr(code)
    return 2 if c.isdecimal() else 1 if c.isalnum() else 0


def _spans(kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of every word. A run of letters and digits is one word when it starts with
    a letter; a run starting with digits is the digits, then the rest from its first letter."""
    word = kind > 0
    edges = np.diff(np.concatenate(([False], word, [False])).view(np.int8))
    run_start, run_end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    # In a run that starts with digits, the first letter is the first one after a digit.
    after_digit = np.flatnonzero((kind[1:] == 1) & (kind[:-1] == 2)) + 1
    at = np.searchsorted(after_digit, run_start)
    first_letter = np.append(after_digit, len(kind))[at]
    split = np.flatnonzero((kind[run_start] == 2) & (first_letter < run_end))
    starts = np.insert(run_start, split + 1, first_letter[split])
    ends = np.insert(run_end, split, first_letter[split])
    return starts, ends


def _span_hashes(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit polynomial hash of each span's characters, the same wherever the span stands:
    prefix sums of code * BASE**i, shifted back by BASE**-start (uint64 arithmetic wraps)."""
    powers = _powers(_BASE, len(codes))
    inverse_powers = _powers(_BASE_INVERSE, len(codes))
    prefix = np.concatenate(([np.uint64(0)], np.cumsum(codes.astype(np.uint64) * powers)))
    lengths = (ends - starts).astype(np.uint64)
    return (prefix[ends] - prefix[starts]) * inverse_powers[starts] + lengths * np.uint64(_BASE)


def _powers(base: int, n: int) -> np.ndarray:
    """BASE**0 .. BASE**(N-1) modulo 2**64."""
    return _power_table(base, 1 << max(n - 1, 1).bit_length())[:n]


@lru_cache(maxsize=8)
def _power_table(base: int, n: int) -> np.ndarray:
    factors = np.full(n, base, np.uint64)
    factors[0] = 1
    table = np.cumprod(factors)
    table.flags.writeable = False  # shared by every call
    return table
