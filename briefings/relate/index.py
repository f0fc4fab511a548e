"""Nearest neighbours of every article by time-weighted cosine similarity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from briefings.parallel import threaded_map
from briefings.relate import compiled
from briefings.relate.model import SECONDS_PER_DAY
from briefings.relate.space import Entries, Keyed, Operands

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
        return compiled.time_weights(gaps, *self.shape)


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
    best_cols, best_values, best_count, dup_cols, dup_count = compiled.neighbours(
        np.asarray(query_rows, np.int64),
        np.asarray(times, np.float64),
        np.asarray(ties, np.int64),
        k,
        float(min_weight),
        float(duplicate_cosine),
        time_weight.shape,
        operands.args(),
    )
    return _lists(best_cols, best_values, best_count, dup_cols, dup_count)


def all_neighbours(
    base: Keyed,
    entries: Entries,
    times: np.ndarray,
    time_weight: TimeWeight,
    k: int,
    min_weight: float,
    duplicate_cosine: float,
    ties: np.ndarray,
) -> Neighbours:
    """What neighbours_of finds, for every position at once (a build), from BASE and every
    position's ENTRIES in it (SimilaritySpace.everything()): each pair's product is summed
    once, not once from either side."""

    def pairs_from(firsts: range) -> tuple[np.ndarray, ...]:
        return compiled.all_neighbours(
            np.arange(firsts.start, firsts.stop, firsts.step, dtype=np.int64),
            base.keys, base.indptr, base.positions, base.weights,
            entries.indptr, entries.key_rows, entries.weights, entries.common,
            np.asarray(times, np.float64), np.asarray(ties, np.int64),
            k, float(min_weight), float(duplicate_cosine), time_weight.shape,
        )  # fmt: skip

    # A first article's pairs are those after it, fewer and fewer: first articles are taken
    # in turn. Each thread keeps lists of its own, merged here.
    found = threaded_map(pairs_from, len(times), THREAD_FROM)
    best_cols, best_values, best_count, dup_cols, dup_values, dup_count = found[0]
    for other in found[1:]:
        compiled.merge(best_cols, best_values, best_count, *other[:3], ties)
        compiled.merge(dup_cols, dup_values, dup_count, *other[3:], ties)
    return _lists(best_cols, best_values, best_count, dup_cols, dup_count)


def _lists(best_cols, best_values, best_count, dup_cols, dup_count) -> Neighbours:
    # Views of the blocks: they are held only as long as the lists are.
    best = [(best_cols[i, :c], best_values[i, :c]) for i, c in enumerate(best_count.tolist())]
    duplicates = [
        np.sort(dup_cols[i, :c]) if c > 1 else dup_cols[i, :c]  # most have none
        for i, c in enumerate(dup_count.tolist())
    ]
    return Neighbours(best, duplicates)
