"""Nearest neighbours of every article by time-weighted cosine similarity.

Similarities come from SimilaritySpace as sparse products (queries x positions); here they are
weighed by time and cut to each article's K best, with array operations over a block of
queries at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from briefings.relate.model import SECONDS_PER_DAY
from briefings.relate.products import Triples, multiply
from briefings.relate.space import Entries, SimilaritySpace
from briefings.runtime.parallel import forked_map

BLOCK_ENTRIES = 150_000  # query entries per block...
BLOCK_PRODUCTS = 4_000_000  # ...and products at most: bounds a block's memory (~200 MB at most)

__all__ = ["SECONDS_PER_DAY", "Neighbours", "TimeWeight", "all_neighbours", "neighbours_of"]


def round9(x: np.ndarray) -> np.ndarray:
    """X rounded to 9 decimals: sums' last bits depend on the order of their terms."""
    return np.rint(x * 1e9) / 1e9


@dataclass(frozen=True)
class TimeWeight:
    """Articles close in time are more likely the same story: full weight within GRACE days,
    then decaying with a HALF_LIFE towards FLOOR (never to zero: stories do run for weeks)."""

    grace_days: float = 3.0
    half_life_days: float = 60.0
    floor: float = 0.5

    def __call__(self, gap_seconds: np.ndarray) -> np.ndarray:
        gaps = np.abs(np.asarray(gap_seconds, np.float64))
        days = np.maximum(gaps / SECONDS_PER_DAY - self.grace_days, 0.0)
        return self.floor + (1.0 - self.floor) * 0.5 ** (days / self.half_life_days)


@dataclass(frozen=True)
class Lists:
    """A list of (positions, values) per row, best first, as blocks: row R's are COLS and
    VALUES[BOUNDS[R]:BOUNDS[R + 1]]. (Blocks, not an array per row: they cross between
    processes and into the build cache whole.)"""

    cols: np.ndarray  # int32
    values: np.ndarray  # float64
    bounds: np.ndarray  # int64

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.bounds[r], self.bounds[r + 1]
        return self.cols[lo:hi], self.values[lo:hi]

    @staticmethod
    def joined(parts: list[Lists]) -> Lists:
        offsets = np.cumsum([0] + [len(p.cols) for p in parts[:-1]])
        return Lists(
            np.concatenate([p.cols for p in parts]),
            np.concatenate([p.values for p in parts]),
            np.concatenate([[0]] + [p.bounds[1:] + o for p, o in zip(parts, offsets, strict=True)]),
        )


@dataclass(frozen=True)
class Neighbours:
    """For each article asked about, in order: its K best others by weight, and its
    near-duplicates (cosine at or above the duplicate threshold; positions ascending)."""

    best: Lists
    duplicates: Lists

    def __len__(self) -> int:
        return len(self.best.bounds) - 1

    def row(self, i: int) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        return self.best.row(i), self.duplicates.row(i)[0]


@dataclass(frozen=True)
class ListRules:
    """What makes a neighbour: at most K of them, weighed by TIME_WEIGHT, kept from MIN_WEIGHT;
    near-duplicates from DUPLICATE_COSINE; equal weights ordered by TIES (a per-position key
    that does not depend on positions)."""

    times: np.ndarray
    ties: np.ndarray
    time_weight: TimeWeight
    k: int
    min_weight: float
    duplicate_cosine: float


def neighbours_of(products: Triples, query_rows: np.ndarray, rules: ListRules) -> Neighbours:
    """Neighbours of the articles at QUERY_ROWS, given PRODUCTS (their similarity to every
    position). At most K duplicates each: enough to connect a crowd of copies, without n²
    pairs."""
    rows, cols, sums = products  # in order of rows
    me = np.asarray(query_rows, np.int64)[rows]
    # Time weights never exceed 1: a pair under both thresholds in cosine is out whatever its
    # dates (most pairs sharing a feature are).
    low = min(rules.min_weight, rules.duplicate_cosine) - 1e-9
    keep = (cols != me) & (sums >= low)
    rows, cols, me, cosines = rows[keep], cols[keep], me[keep], round9(sums[keep])
    count = len(query_rows)
    copy = cosines >= rules.duplicate_cosine
    duplicates = _k_best(count, rows[copy], cols[copy], cosines[copy], rules, ascending=True)
    weights = round9(cosines * rules.time_weight(rules.times[cols] - rules.times[me]))
    near = weights >= rules.min_weight
    return Neighbours(_k_best(count, rows[near], cols[near], weights[near], rules), duplicates)


def _k_best(
    count: int,
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    rules: ListRules,
    ascending: bool = False,
) -> Lists:
    """Each of COUNT rows' K best (COLS, VALUES) pairs, best first (equal values by tie key);
    or, ASCENDING, those K by position."""
    if len(rows) > count * rules.k:  # many candidates: first keep those at or above each row's Kth
        rows, cols, values = _at_least_kth(count, rows, cols, values, rules.k)
    order = np.lexsort((rules.ties[cols], -values, rows))
    rows = rows[order]
    starts = np.searchsorted(rows, np.arange(count + 1))
    rank = np.arange(len(rows)) - starts[rows]
    kept = order[rank < rules.k]
    bounds = np.concatenate([[0], np.minimum(np.diff(starts), rules.k).cumsum()])
    if ascending and len(kept):
        kept = kept[np.lexsort((cols[kept], rows[rank < rules.k]))]
    return Lists(cols[kept].astype(np.int32), values[kept], bounds)


def _at_least_kth(
    count: int, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (ROWS, COLS, VALUES) whose value is at least the Kth largest of its row (ROWS
    ascending), found without sorting: each row's values laid in a grid and partitioned.
    A crowd of copies gives every row thousands of candidates, of which K are kept."""
    starts = np.searchsorted(rows, np.arange(count + 1))
    sizes = np.diff(starts)
    width = int(sizes.max())
    if count * width > 4 * len(values) + 4096:  # rows too uneven for a grid: sort
        order = np.argsort(rows * 4.0 - values)  # rows whole numbers, values at most about 1
        kth = np.full(count, -np.inf)
        full = sizes >= k
        kth[full] = values[order[starts[:-1][full] + k - 1]]
    else:
        grid = np.full((count, width), np.inf)
        grid[rows, np.arange(len(rows)) - starts[rows]] = -values
        kth = -np.partition(grid, k - 1, axis=1)[:, k - 1]
        kth[sizes < k] = -np.inf
    keep = values >= kth[rows]
    return rows[keep], cols[keep], values[keep]


def _blocks(space: SimilaritySpace, entries: Entries) -> list[tuple[int, int]]:
    """Consecutive ranges of positions, each a block of queries whose products take bounded
    memory: at most BLOCK_ENTRIES query entries, and at most BLOCK_PRODUCTS products by a
    bound (each entry's key held by so many positions, three times over for a common
    feature's buckets; never more than every position per query)."""
    count = len(entries.indptr) - 1
    held = np.diff(space.base.indptr)[entries.key_rows] * np.where(entries.common, 3, 1)
    summed = np.concatenate([[0], np.cumsum(held)])
    per_row = summed[entries.indptr[1:]] - summed[entries.indptr[:-1]]
    products = np.zeros(count + 1, np.int64)
    np.cumsum(np.minimum(per_row, count), out=products[1:])
    blocks, start = [], 0
    while start < count:  # one row at least
        end = (
            min(
                int(
                    np.searchsorted(entries.indptr, entries.indptr[start] + BLOCK_ENTRIES, "right")
                ),
                int(np.searchsorted(products, products[start] + BLOCK_PRODUCTS, "right")),
            )
            - 1
        )
        blocks.append((start, max(end, start + 1)))
        start = blocks[-1][1]
    return blocks


def all_neighbours(space: SimilaritySpace, entries: Entries, rules: ListRules) -> Neighbours:
    """What neighbours_of finds, for every position at once (a build), from the base and every
    position's ENTRIES in it (SimilaritySpace.everything()), a block of positions at a time,
    on every core."""
    blocks = _blocks(space, entries)

    def block_lists(indexes: range) -> list[Neighbours]:
        found = []
        for lo, hi in (blocks[i] for i in indexes):
            products = multiply(space.queries(entries, lo, hi), space.base)
            found.append(neighbours_of(products, np.arange(lo, hi), rules))
        return found

    parts = forked_map(block_lists, len(blocks), 1, 4)
    if not parts:
        nothing = np.zeros(0, np.int64)
        return neighbours_of((nothing, nothing, np.zeros(0)), nothing, rules)
    return Neighbours(
        Lists.joined([p.best for p in parts]), Lists.joined([p.duplicates for p in parts])
    )
