"""Nearest neighbours of every article by time-weighted cosine similarity."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from briefings.memory import release_free_memory
from briefings.relate import kernels
from briefings.relate.kernels import SECONDS_PER_DAY
from briefings.relate.space import Operands, SimilaritySpace

LARGE = 5_000  # articles at once whose freed memory is worth giving back
THREAD_FROM = 2_000  # articles per thread at least: fewer are done sooner on one

__all__ = ["SECONDS_PER_DAY", "Neighbours", "TimeWeight", "all_neighbours", "neighbours_of"]


@dataclass(frozen=True)
class TimeWeight:
    """Articles close in time are more likely the same story: full weight within GRACE days,
    then decaying with a HALF_LIFE towards FLOOR (never to zero: stories do run for weeks)."""

    grace_days: float = 3.0
    half_life_days: float = 60.0
    floor: float = 0.5

    @property
    def shape(self) -> tuple[float, float, float]:
        return (float(self.grace_days), float(self.half_life_days), float(self.floor))

    def __call__(self, gap_seconds: np.ndarray) -> np.ndarray:
        # The kernels' own function: the same bits as in neighbours_of.
        gaps = np.asarray(gap_seconds, np.float64)
        return kernels.time_weights(gaps, *self.shape)


@dataclass(frozen=True)
class Neighbours:
    """For each article (by position): the K best others as (positions, weights), best first,
    and the near-duplicates (cosine at or above the duplicate threshold)."""

    best: list[tuple[np.ndarray, np.ndarray]]
    duplicates: list[np.ndarray]


def neighbours_of(
    operands: Operands,
    query_rows: np.ndarray,
    times: np.ndarray,
    time_weight: TimeWeight,
    k: int,
    min_weight: float,
    duplicate_cosine: float,
    ties: np.ndarray,
) -> Neighbours:
    """Neighbours of the articles at QUERY_ROWS, whose similarities to every article are summed
    from OPERANDS; equal weights are ordered by TIES (a per-article key that does not depend on
    positions). At most K duplicates each: enough to connect a crowd of copies, without n²
    pairs."""
    best_cols, best_values, best_count, dup_cols, dup_count = kernels.neighbours(
        np.asarray(query_rows, np.int64),
        np.asarray(times, np.float64),
        np.asarray(ties, np.int64),
        k,
        float(min_weight),
        float(duplicate_cosine),
        time_weight.shape,
        *operands.args(),
    )
    return _lists(best_cols, best_values, best_count, dup_cols, dup_count)


def all_neighbours(
    space: SimilaritySpace,
    times: np.ndarray,
    time_weight: TimeWeight,
    k: int,
    min_weight: float,
    duplicate_cosine: float,
    ties: np.ndarray,
) -> Neighbours:
    """What neighbours_of finds, for every position of SPACE at once (a build): each pair's
    product is summed once, not once from either side."""
    base, entries = space.everything()
    if len(times) > LARGE:  # what making them left free, before the threads' lists are made
        release_free_memory()
    n = len(times)

    def pairs_from(firsts: np.ndarray) -> tuple[np.ndarray, ...]:
        return kernels.all_neighbours(
            firsts, base.keys, base.indptr, base.positions, base.weights,
            entries.indptr, entries.key_rows, entries.weights, entries.common,
            np.asarray(times, np.float64), np.asarray(ties, np.int64),
            k, float(min_weight), float(duplicate_cosine), time_weight.shape,
        )  # fmt: skip

    # The kernel runs without the GIL: on every core at once, as threads sharing the base
    # (first articles taken in turn: a first article's pairs are those after it, fewer and
    # fewer). Each thread keeps lists of its own, merged here.
    threads = max(1, min(os.cpu_count() or 1, n // THREAD_FROM))
    shares = [np.arange(t, n, threads, dtype=np.int64) for t in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        found = list(pool.map(pairs_from, shares))
    best_cols, best_values, best_count, dup_cols, dup_values, dup_count = found[0]
    for other in found[1:]:
        kernels.merge(best_cols, best_values, best_count, *other[:3], ties)
        kernels.merge(dup_cols, dup_values, dup_count, *other[3:], ties)
    return _lists(best_cols, best_values, best_count, dup_cols, dup_count)


def _lists(best_cols, best_values, best_count, dup_cols, dup_count) -> Neighbours:
    # Views of the blocks: they are held only as long as the lists are.
    best = [(best_cols[i, :c], best_values[i, :c]) for i, c in enumerate(best_count.tolist())]
    duplicates = [
        np.sort(dup_cols[i, :c]) if c > 1 else dup_cols[i, :c]  # most have none
        for i, c in enumerate(dup_count.tolist())
    ]
    return Neighbours(best, duplicates)
