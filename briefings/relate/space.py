"""Similarity of articles as sparse products, with common features kept local in time.

The similarity of two articles is the dot product of their feature vectors, except that a
feature found in more than COMMON articles counts only between articles at most one time bucket
apart. (Like a maximum document frequency in TF-IDF, but a story's own words still count
within its days: a crowd of copies or a week of coverage is still found.) This keeps products
sparse: a site of 100,000 articles never compares every article with every other.

Vectors are held by position. A base matrix of all of them is built once; later edits go into a
small overlay, merged into a new base when it grows. When a feature becomes common or rare, the
articles holding it move to the overlay.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

BUCKET_BITS = 22
OVERLAY_LIMIT = 256  # edited or added articles kept beside the base before it is rebuilt

Row = tuple[np.ndarray, np.ndarray]  # feature columns (int64), weights
_EMPTY: Row = (np.zeros(0, np.int64), np.zeros(0, np.float64))


class SimilaritySpace:
    def __init__(self, common: int, bucket_seconds: float) -> None:
        self.common = common
        self.bucket_seconds = bucket_seconds
        self.rows: list[Row] = []
        self.times: list[float] = []
        self.df = np.zeros(1024, np.int64)  # column -> how many articles have the feature
        self.flipped: set[int] = set()  # columns that became common or rare since the base
        self._base_keys = np.zeros(0, np.int64)
        self._base_t = sp.csr_matrix((0, 0))  # base keys x positions
        self._base_size = 0
        self._overlay: set[int] = set()  # positions whose base entries are out of date
        self._dirty = True

    # -- changing ------------------------------------------------------------------------

    def put(self, position: int, row: Row, time: float) -> None:
        """Set the vector at POSITION (a new position is the next one)."""
        if position == len(self.rows):
            self.rows.append(_EMPTY)
            self.times.append(time)
        self._count(self.rows[position][0], -1)
        self.rows[position], self.times[position] = row, time
        self._count(row[0], +1)
        self._overlay.add(position)

    def extend(self, rows: list[Row], times: list[float]) -> None:
        """Put ROWS at the next positions: what put() does one by one, at once."""
        start = len(self.rows)
        self.rows += rows
        self.times += times
        columns = [c for c, _ in rows if len(c)]
        if columns:
            self._count(np.concatenate(columns), +1)
        self._overlay.update(range(start, len(self.rows)))

    def remove(self, position: int) -> None:
        self.put(position, _EMPTY, self.times[position])

    def _count(self, columns: np.ndarray, step: int) -> None:
        if not len(columns):
            return
        if columns.max() >= len(self.df):
            grown = np.zeros(max(2 * len(self.df), int(columns.max()) + 1), np.int64)
            grown[: len(self.df)] = self.df
            self.df = grown
        # Counted per distinct column: COLUMNS may hold one many times (from many articles).
        distinct, times = np.unique(columns, return_counts=True)
        before = self.df[distinct] > self.common
        self.df[distinct] += step * times
        crossed = distinct[before != (self.df[distinct] > self.common)]
        self.flipped.symmetric_difference_update(crossed.tolist())

    def positions_with(self, columns: set[int]) -> set[int]:
        """Positions whose vectors hold any of COLUMNS (and perhaps a few more)."""
        found: set[int] = set()
        for c in columns:
            lo, hi = np.searchsorted(self._base_keys, [c << BUCKET_BITS, (c + 1) << BUCKET_BITS])
            indptr = self._base_t.indptr
            found.update(self._base_t.indices[indptr[lo] : indptr[hi]].tolist())
        wanted = np.array(sorted(columns), np.int64)
        found.update(p for p in self._overlay if np.isin(self.rows[p][0], wanted).any())
        return found

    # -- reading -------------------------------------------------------------------------

    def prepare(self) -> None:
        """Bring the base and overlay up to date with every put: similar() does it first."""
        if self.flipped and not self._dirty and len(self._overlay) <= OVERLAY_LIMIT:
            # Their features now pair up other buckets: such articles move to the overlay.
            self._overlay |= self.positions_with(self.flipped)
            self.flipped.clear()
        if self._dirty or len(self._overlay) > OVERLAY_LIMIT:
            self._rebuild()

    def similar(self, queries: np.ndarray) -> sp.csr_matrix:
        """Similarities of the articles at QUERIES to every position (themselves included)."""
        self.prepare()
        n = len(self.rows)
        product = self._query(queries, self._base_keys) @ self._base_t
        product = sp.csr_matrix(product, shape=(len(queries), self._base_size))
        product.resize((len(queries), n))
        if self._overlay:
            live = np.ones(n)
            live[sorted(self._overlay)] = 0.0
            product = product @ sp.diags(live)  # base entries of edited articles are stale
            fresh = np.array(sorted(self._overlay), np.int64)
            keys, matrix = self._index(fresh)
            near = (self._query(queries, keys) @ matrix.T).tocoo()
            product = product + sp.csr_matrix(
                (near.data, (near.row, fresh[near.col])), shape=(len(queries), n)
            )
        return product.tocsr()

    def _rebuild(self) -> None:
        """The base: every position's entries under their keys, one matrix row per key. Built
        straight from the entries sorted by key (not as rows, then transposed: on a large
        site each copy of the entries is hundreds of MB)."""
        n = len(self.rows)
        owner, cols, weights, _, bucket = self._entries(np.arange(n, dtype=np.int64))
        keys = (cols << BUCKET_BITS) | bucket
        del cols, bucket
        order = np.argsort(keys)
        keys = keys[order]
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))[: len(keys)]
        self._base_keys = keys[first]
        del keys
        indptr = np.append(first, len(order)) if len(first) else np.zeros(2, np.int64)
        self._base_t = sp.csr_matrix(
            (weights[order], owner[order].astype(np.int32), indptr),
            shape=(max(len(self._base_keys), 1), n),
        )
        self._base_size = n
        self._overlay.clear()
        self.flipped.clear()
        self._dirty = False

    def _entries(self, positions: np.ndarray) -> tuple[np.ndarray, ...]:
        rows = [self.rows[p] for p in positions.tolist()]
        lengths = np.fromiter((len(c) for c, _ in rows), np.int64, len(rows))
        cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int64)
        weights = np.concatenate([w for _, w in rows]) if rows else np.zeros(0)
        owner = np.repeat(np.arange(len(rows)), lengths)
        times = np.array([self.times[p] for p in positions.tolist()], np.float64)
        common = self.df[cols] > self.common
        bucket = np.where(common, self._bucket(times[owner]), 0)
        return owner, cols, weights, common, bucket

    def _bucket(self, times: np.ndarray) -> np.ndarray:
        b = np.floor(times / self.bucket_seconds).astype(np.int64) + (1 << (BUCKET_BITS - 1))
        return np.clip(b, 2, (1 << BUCKET_BITS) - 2)

    def _index(self, positions: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
        """The keys and matrix (one row per position) that queries are multiplied with."""
        owner, cols, weights, _, bucket = self._entries(positions)
        keys, inverse = np.unique((cols << BUCKET_BITS) | bucket, return_inverse=True)
        matrix = sp.csr_matrix(
            (weights, (owner, inverse.ravel())), shape=(len(positions), max(len(keys), 1))
        )
        return keys, matrix

    def _query(self, positions: np.ndarray, keys: np.ndarray) -> sp.csr_matrix:
        """Rows for POSITIONS over KEYS: a common feature asks for its bucket and both neighbours."""
        owner, cols, weights, common, bucket = self._entries(positions)
        spread = np.where(common, 3, 1)
        owner, cols, weights, bucket = (
            np.repeat(owner, spread),
            np.repeat(cols, spread),
            np.repeat(weights, spread),
            np.repeat(bucket, spread),
        )
        start = np.repeat(np.cumsum(spread) - spread, spread)
        offset = np.arange(len(owner)) - start  # 0, 1, 2 within a common feature
        bucket = np.where(bucket > 0, bucket + offset - 1, 0)
        wanted = (cols << BUCKET_BITS) | bucket
        at = np.searchsorted(keys, wanted)
        found = at < len(keys)
        found[found] = keys[at[found]] == wanted[found]
        return sp.csr_matrix(
            (weights[found], (owner[found], at[found])),
            shape=(len(positions), max(len(keys), 1)),
        )
