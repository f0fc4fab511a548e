"""Nearest neighbours of every article by time-weighted cosine similarity, in sparse matrices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

SECONDS_PER_DAY = 86_400.0
VALUE_LIMIT = (1 << 31) - 1  # values times 1e9 (all but the row's bits of a sort key)


@dataclass(frozen=True)
class TimeWeight:
    """Articles close in time are more likely the same story: full weight within GRACE days,
    then decaying with a HALF_LIFE towards FLOOR (never to zero: stories do run for weeks)."""

    grace_days: float = 3.0
    half_life_days: float = 60.0
    floor: float = 0.5

    def __call__(self, gap_seconds: np.ndarray) -> np.ndarray:
        days = np.maximum(np.abs(gap_seconds) / SECONDS_PER_DAY - self.grace_days, 0.0)
        return self.floor + (1.0 - self.floor) * np.power(0.5, days / self.half_life_days)


@dataclass(frozen=True)
class Neighbours:
    """For each article (by position): the K best others as (positions, weights), best first,
    and the near-duplicates (cosine at or above the duplicate threshold)."""

    best: list[tuple[np.ndarray, np.ndarray]]
    duplicates: list[np.ndarray]


def neighbours_of(
    product: sp.csr_matrix,
    query_rows: np.ndarray,
    times: np.ndarray,
    time_weight: TimeWeight,
    k: int,
    min_weight: float,
    duplicate_cosine: float,
    ties: np.ndarray,
) -> Neighbours:
    """Neighbours of the articles at QUERY_ROWS, given PRODUCT, their similarities to every
    article; equal weights are ordered by TIES (a per-article key that does not depend on
    positions). The whole block is handled at once with array operations: no Python loop per
    candidate."""
    n = len(query_rows)
    if product.nnz > n * product.shape[1] // 4:
        return _dense_neighbours(
            product.toarray(), query_rows, times, time_weight, k, min_weight, duplicate_cosine, ties
        )
    product = product.tocsr()
    # Time weights never exceed 1, so a pair under both thresholds in cosine is out whatever
    # their dates: most pairs sharing a feature are, and are dropped before any other work.
    keep = product.data >= min(min_weight, duplicate_cosine) - 1e-9
    row = np.repeat(np.arange(n), np.diff(product.indptr))[keep]
    col = product.indices[keep].astype(np.int64)
    # Rounded: the sums' last bits depend on column numbering, which depends on arrival order.
    cos = np.round(product.data[keep], 9)
    keep = col != query_rows[row]
    row, col, cos = row[keep], col[keep], cos[keep]

    is_copy = cos >= duplicate_cosine
    # At most K duplicates each: enough to connect a crowd of copies, without n² pairs.
    copies = _top_k(row[is_copy], col[is_copy], cos[is_copy], ties, k, n)
    duplicates = [np.sort(c) for c, _ in copies]

    weight = np.round(cos * time_weight(times[col] - times[query_rows[row]]), 9)
    keep = weight >= min_weight
    best = _top_k(row[keep], col[keep], weight[keep], ties, k, n)
    return Neighbours(best, duplicates)


def _top_k(
    row: np.ndarray, col: np.ndarray, value: np.ndarray, ties: np.ndarray, k: int, n: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per query row, the K highest values (ties by TIES of the column), best first. (VALUES are
    rounded to 9 decimals, at most about 1, and each (row, col) comes once.)"""
    order = _by_row_then_value(row, col, value, ties)
    row, col, value = row[order], col[order], value[order]
    bounds = np.searchsorted(row, np.arange(n + 1))
    rank = np.arange(len(row)) - bounds[row]
    keep = rank < k
    row, col, value = row[keep], col[keep].astype(np.int32), value[keep]
    bounds = np.searchsorted(row, np.arange(n + 1))
    return [(col[bounds[i] : bounds[i + 1]], value[bounds[i] : bounds[i + 1]]) for i in range(n)]


def _by_row_then_value(
    row: np.ndarray, col: np.ndarray, value: np.ndarray, ties: np.ndarray
) -> np.ndarray:
    """The order of np.lexsort((ties[col], -value, row)), several times faster: one sort of a
    single number for row and value; only runs of equal value are sorted again, by tie key."""
    scaled = np.clip(np.rint(value * 1e9), 0, VALUE_LIMIT).astype(np.int64)
    key = (row.astype(np.int64) << 31) | (VALUE_LIMIT - scaled)
    order = np.argsort(key)
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    if same.any():
        tied = np.flatnonzero(np.concatenate(([False], same)) | np.concatenate((same, [False])))
        runs = order[tied]  # runs of equal keys, in key order: sorted within by tie key
        order[tied] = runs[np.lexsort((ties[col[runs]], key[runs]))]
    return order


def _dense_neighbours(
    cos: np.ndarray,
    query_rows: np.ndarray,
    times: np.ndarray,
    time_weight: TimeWeight,
    k: int,
    min_weight: float,
    duplicate_cosine: float,
    ties: np.ndarray,
) -> Neighbours:
    """The same as the sparse path, for blocks where nearly every pair shares a feature (crowds of
    copies): partition per row instead of sorting every pair."""
    cos = np.round(cos, 9)
    cos[np.arange(len(query_rows)), query_rows] = -1.0  # never one's own neighbour
    weight = np.round(cos * time_weight(times[None, :] - times[query_rows][:, None]), 9)
    best, duplicates = [], []
    for i in range(len(query_rows)):
        copies = _best_in_row(np.where(cos[i] >= duplicate_cosine, cos[i], -1.0), ties, k, 0.0)
        duplicates.append(np.sort(copies[0]))
        best.append(_best_in_row(weight[i], ties, k, min_weight))
    return Neighbours(best, duplicates)


def _best_in_row(
    values: np.ndarray, ties: np.ndarray, k: int, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    candidates = np.flatnonzero(values >= floor) if floor > 0 else np.flatnonzero(values >= 0)
    if len(candidates) > k:
        kth = np.partition(values[candidates], len(candidates) - k)[len(candidates) - k]
        candidates = candidates[values[candidates] >= kth]  # every tie with the K-th stays in
    order = np.lexsort((ties[candidates], -values[candidates]))[:k]
    chosen = candidates[order]
    return chosen.astype(np.int32), values[chosen]
