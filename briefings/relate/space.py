"""Similarity of articles as sparse products, with common features kept local in time.

The similarity of two articles is the dot product of their feature vectors, except that a
feature found in more than COMMON articles counts only between articles at most one time bucket
apart. (Like a maximum document frequency in TF-IDF, but a story's own words still count
within its days: a crowd of copies or a week of coverage is still found.) This keeps products
sparse: a site of 100,000 articles never compares every article with every other.

Vectors are held by position. A base of all of them, keyed by feature and bucket, is built
once; later edits go into a small overlay, merged into a new base when it grows. When a feature
becomes common or rare, the articles holding it move to the overlay. Products are taken a block
of queries at a time (products.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefings.relate.products import Entries_, Keyed, Operands
from briefings.relate.tokens import find, offsets

BUCKET_BITS = 22
OVERLAY_LIMIT = 256  # edited or added articles kept beside the base before it is rebuilt

Row = tuple[np.ndarray, np.ndarray]  # feature columns (int32), weights
_EMPTY: Row = (np.zeros(0, np.int32), np.zeros(0, np.float64))


@dataclass(frozen=True)
class Entries:
    """Every position's own entries in the base: position P's are KEY_ROWS[INDPTR[P]:INDPTR[P +
    1]], with WEIGHTS, and whether each is a COMMON feature (which also pairs with the
    neighbouring buckets' rows)."""

    indptr: np.ndarray  # int64
    key_rows: np.ndarray  # int64
    weights: np.ndarray
    common: np.ndarray  # bool


class SimilaritySpace:
    def __init__(self, common: int, bucket_seconds: float) -> None:
        self.common = common
        self.bucket_seconds = bucket_seconds
        self.rows: list[Row] = []
        self.times: list[float] = []
        self.df = np.zeros(1024, np.int64)  # column -> how many articles have the feature
        self.flipped: set[int] = set()  # columns that became common or rare since the base
        self._base = self._keyed(np.zeros(0, np.int64))[0]
        self._overlay: set[int] = set()  # positions whose base entries are out of date
        self._overlay_keyed: Keyed | None = None  # the overlay's vectors, while they hold
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
        self._overlay_keyed = None

    def extend(self, rows: list[Row], times: list[float]) -> None:
        """Put ROWS at the next positions: what put() does one by one, at once."""
        start = len(self.rows)
        self.rows += rows
        self.times += times
        columns = [c for c, _ in rows if len(c)]
        if columns:
            self._count(np.concatenate(columns), +1)
        self._overlay.update(range(start, len(self.rows)))
        self._overlay_keyed = None

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
        base = self._base
        for c in columns:
            lo, hi = np.searchsorted(base.keys, [c << BUCKET_BITS, (c + 1) << BUCKET_BITS])
            found.update(base.positions(lo, hi).tolist())
        wanted = np.array(sorted(columns), np.int64)
        found.update(p for p in self._overlay if np.isin(self.rows[p][0], wanted).any())
        return found

    # -- reading -------------------------------------------------------------------------

    def prepare(self) -> None:
        """Bring the base and overlay up to date with every put: operands() does it first."""
        if self.flipped and not self._dirty and len(self._overlay) <= OVERLAY_LIMIT:
            # Their features now pair up other buckets: such articles move to the overlay.
            self._overlay |= self.positions_with(self.flipped)
            self._overlay_keyed = None
            self.flipped.clear()
        if self._dirty or len(self._overlay) > OVERLAY_LIMIT:
            self._rebuild()

    def operands(self, queries: np.ndarray) -> Operands:
        """What the similarities of the articles at QUERIES to every position (themselves
        included) are summed from."""
        self.prepare()
        if self._overlay_keyed is None:
            fresh = np.array(sorted(self._overlay), np.int64)
            self._overlay_keyed = self._keyed(fresh)[0]
        stale = np.zeros(len(self.rows), bool)
        stale[sorted(self._overlay)] = True
        owner, wanted, weights = self._query(queries)
        return Operands(
            self._base,
            self._overlay_keyed,
            _on(self._base, len(queries), owner, wanted, weights),
            _on(self._overlay_keyed, len(queries), owner, wanted, weights),
            stale,
        )

    def similarities(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (query index, position, cosine) with a cosine above 0 (themselves included)."""
        return self.operands(queries).products()

    @property
    def base(self) -> Keyed:
        return self._base

    def everything(self) -> Entries:
        """A new base, and every position's own entries in it: what the products of every
        article with every other are summed from (see queries())."""
        return self._rebuild()

    def queries(self, entries: Entries, lo: int, hi: int) -> Entries_:
        """Positions LO:HI's vectors as queries over the base (rows over its key rows), from
        their ENTRIES in it: a common feature also asks for its neighbouring buckets' rows,
        where the base has them (in the order -1, 0, +1, as operands() asks)."""
        keys = self._base.keys
        first, last = int(entries.indptr[lo]), int(entries.indptr[hi])
        rows = entries.key_rows[first:last]
        common = entries.common[first:last]
        below = common & (rows > 0)
        below[below] = keys[rows[below] - 1] == keys[rows[below]] - 1
        above = common & (rows + 1 < len(keys))
        above[above] = keys[rows[above] + 1] == keys[rows[above]] + 1
        spread = 1 + below.astype(np.int64) + above
        columns = np.repeat(rows - below, spread) + offsets(spread)
        bounds = np.concatenate([[0], np.cumsum(spread)])[entries.indptr[lo : hi + 1] - first]
        return np.repeat(entries.weights[first:last], spread), columns, bounds

    def _rebuild(self) -> Entries:
        """The base: every position's entries under their keys. Returns those entries by
        position, each with its key row in the base."""
        positions = np.arange(len(self.rows), dtype=np.int64)
        cols, weights, indptr = self._block(positions)
        # Rows become views of the block, not an array each: a large site's vectors take half
        # the memory, and the entries returned are the block itself, not a copy.
        self.rows = unpack_rows(cols, weights, indptr)
        self._base, key_rows = self._keyed(positions, (cols, weights, indptr))
        self._overlay.clear()
        self._overlay_keyed = None
        self.flipped.clear()
        self._dirty = False
        return Entries(indptr, key_rows, weights, self._common()[cols])

    def _block(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The vectors at POSITIONS in one block: columns, weights, and each one's bounds."""
        return pack_rows([self.rows[p] for p in positions.tolist()])

    def __getstate__(self) -> dict:
        # Rows as one block (the build cache): tens of thousands of small arrays are slow to
        # pickle and slower to read back, one by one.
        return self.__dict__ | {"rows": pack_rows(self.rows)}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state | {"rows": unpack_rows(*state["rows"])})

    def _keyed(self, positions: np.ndarray, block: tuple | None = None) -> tuple[Keyed, np.ndarray]:
        """The vectors at POSITIONS (ascending; in BLOCK if given) by key, and the key row of
        each of their entries. (Arrays of entries are held as small as they go: a large site
        has tens of millions.)"""
        cols, weights, indptr = block if block is not None else self._block(positions)
        owner = np.repeat(np.arange(len(positions), dtype=np.int32), np.diff(indptr))
        buckets = self._bucket(np.array(self.times, np.float64)[positions])
        low = int(buckets.min()) if len(buckets) else 0
        common = self._common()[cols]
        # Each entry's bucket, counted from the lowest and plus one; 0 for a rare feature.
        bucket = np.zeros(
            len(cols),
            np.uint16 if len(buckets) == 0 or buckets.max() - low < (1 << 16) - 1 else np.int64,
        )
        bucket[common] = buckets[owner[common]] - low + 1
        del common
        order = _key_order(cols, bucket)
        ordered_cols, ordered_buckets = cols[order], bucket[order]
        del bucket
        new = np.empty(len(order), bool)
        new[:1] = True
        np.not_equal(ordered_cols[1:], ordered_cols[:-1], out=new[1:])
        new[1:] |= ordered_buckets[1:] != ordered_buckets[:-1]
        starts = np.flatnonzero(new)
        first_buckets = ordered_buckets[starts].astype(np.int64)
        keys = (ordered_cols[starts].astype(np.int64) << BUCKET_BITS) | np.where(
            first_buckets > 0, first_buckets - 1 + low, 0
        )
        del ordered_cols, ordered_buckets
        key_rows = np.empty(len(order), np.int32)
        key_rows[order] = np.cumsum(new, dtype=np.int32) - 1
        del new
        holders = np.asarray(positions, np.int32)[owner[order]]
        bounds = np.append(starts, len(order))
        return Keyed(keys, weights[order], holders, bounds, len(self.rows)), key_rows

    def _entries(self, positions: np.ndarray) -> tuple[np.ndarray, ...]:
        cols, weights, indptr = self._block(positions)
        owner = np.repeat(np.arange(len(positions)), np.diff(indptr))
        times = np.array([self.times[p] for p in positions.tolist()], np.float64)
        common = self._common()[cols]
        bucket = np.where(common, self._bucket(times)[owner], 0)
        return owner, cols, weights, common, bucket

    def _common(self) -> np.ndarray:
        """Whether each column is a common feature: held by more than COMMON articles."""
        return self.df > self.common

    def _bucket(self, times: np.ndarray) -> np.ndarray:
        b = np.floor(times / self.bucket_seconds).astype(np.int64) + (1 << (BUCKET_BITS - 1))
        return np.clip(b, 2, (1 << BUCKET_BITS) - 2)

    def _query(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The entries asked for by POSITIONS' vectors: a common feature asks for its bucket and
        both neighbours. As (index into POSITIONS, key, weight), in order of index."""
        owner, cols, weights, common, bucket = self._entries(positions)
        spread = np.where(common, 3, 1)
        owner, cols, weights, bucket = (
            np.repeat(owner, spread),
            np.repeat(cols, spread),
            np.repeat(weights, spread),
            np.repeat(bucket, spread),
        )
        # (0, 1, 2 within a common feature: its bucket and the two beside it)
        bucket = np.where(bucket > 0, bucket + offsets(spread) - 1, 0)
        return owner, (cols.astype(np.int64) << BUCKET_BITS) | bucket, weights


def _key_order(cols: np.ndarray, buckets: np.ndarray) -> np.ndarray:
    """The order of entries by column, then bucket, each key's entries kept in the order they
    came (positions ascending): a radix sort, by bucket then by each 16 bits of the column,
    each pass stable and by counting (numpy sorts 16-bit numbers so; a comparison sort of tens
    of millions of keys takes seconds)."""
    order = np.argsort(buckets, kind="stable").astype(np.int32)
    top = int(cols.max()) if len(cols) else 0
    for shift in range(0, max(top.bit_length(), 1), 16):
        digits = ((cols[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digits, kind="stable")]
    return order


def pack(arrays: Sequence[np.ndarray], dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """ARRAYS as one block of DTYPE, and the bounds of each in it."""
    bounds = np.zeros(len(arrays) + 1, np.int64)
    np.cumsum(np.fromiter((len(a) for a in arrays), np.int64, len(arrays)), out=bounds[1:])
    block: np.ndarray = (
        np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)
    )
    return block, bounds


def unpack(block: np.ndarray, bounds: np.ndarray) -> list[np.ndarray]:
    """The arrays pack() made BLOCK of: views of it."""
    return [block[a:b] for a, b in itertools.pairwise(bounds.tolist())]


def pack_rows(rows: list[Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ROWS (columns, weights) as two blocks, columns and weights, and the bounds of each row."""
    cols, bounds = pack([c for c, _ in rows], np.int32)
    return cols, pack([w for _, w in rows], np.float64)[0], bounds


def unpack_rows(cols: np.ndarray, weights: np.ndarray, bounds: np.ndarray) -> list[Row]:
    """The rows pack_rows() made the blocks of: views of them."""
    return list(zip(unpack(cols, bounds), unpack(weights, bounds), strict=True))


def _on(
    keyed: Keyed, count: int, owner: np.ndarray, wanted: np.ndarray, weights: np.ndarray
) -> Entries_:
    """The entries of COUNT query rows (OWNER, ascending) whose keys KEYED holds: rows of
    queries over KEYED's key rows, each row's entries in the order given."""
    at, found = find(keyed.keys, wanted)
    indptr = np.searchsorted(owner[found], np.arange(count + 1))
    return weights[found], at[found], indptr
