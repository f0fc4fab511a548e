"""Products of some articles' vectors with a matrix of every position's, by key: scipy.sparse
for a build's many rows, numpy for an edit's few (without importing scipy), the same sums to
the bit either way. Used by the similarity space (space.py) and the neighbour lists (index.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from briefings.relate.tokens import offsets

if TYPE_CHECKING:
    import scipy.sparse as sp


def csr(*args: Any, **options: Any) -> sp.csr_matrix:
    """scipy.sparse.csr_matrix(...), scipy imported when first needed: most saves while editing
    relate nothing (the lead did not change), and importing scipy.sparse was a tenth of such a
    build's time."""
    import scipy.sparse

    return scipy.sparse.csr_matrix(*args, **options)


@dataclass(frozen=True)
class Keyed:
    """Vectors of some positions by key (feature and bucket): MATRIX is keys x positions, its
    row R the positions holding key KEYS[R] (ascending) with their weights. Kept (and cached)
    as the matrix's arrays; the matrix is made from them only for a product of many rows
    (a build's): an edit's few are gathered from the arrays (see multiply)."""

    keys: np.ndarray  # int64, ascending
    weights: np.ndarray  # the matrix's data, indices and indptr
    holders: np.ndarray
    indptr: np.ndarray
    width: int  # positions

    @functools.cached_property
    def matrix(self) -> sp.csr_matrix:
        return csr((self.weights, self.holders, self.indptr), shape=(len(self.keys), self.width))

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "matrix"}

    def positions(self, lo: int, hi: int) -> np.ndarray:
        """The positions holding any of key rows LO:HI."""
        return self.holders[self.indptr[lo] : self.indptr[hi]]


# A sparse matrix's rows by their entries: (values, columns, bounds of each row), as a CSR
# matrix holds them; and products as (rows, columns, values), row by row, columns ascending.
Entries_ = tuple[np.ndarray, np.ndarray, np.ndarray]
Triples = tuple[np.ndarray, np.ndarray, np.ndarray]
# Numpy, not scipy, for queries x positions up to DENSE_CELLS (32 MB of sums), when the terms
# summed are at most as many: on articles all alike (thousands of copies), every query entry
# meets every position, and summing them apart took ten times scipy's time and gigabytes.
DENSE_CELLS = 1 << 22


@dataclass(frozen=True)
class Operands:
    """What the products of some articles with every position are summed from: their vectors
    over the base and over the overlay (queries x keys), and which positions' base entries
    are out of date."""

    base: Keyed
    overlay: Keyed
    on_base: Entries_
    on_overlay: Entries_
    stale: np.ndarray  # bool per position

    def products(self) -> Triples:
        """Each query's similarity to every position it shares a key with, as (query,
        position, sum), by query then position. A position's terms come from the base or,
        when stale there, from the overlay: never both, so each sum adds the same terms in the
        same order as one pass would."""
        rows, cols, sums = multiply(self.on_base, self.base)
        fresh = ~self.stale[cols]
        more = multiply(self.on_overlay, self.overlay)
        rows, cols = np.concatenate([rows[fresh], more[0]]), np.concatenate([cols[fresh], more[1]])
        sums = np.concatenate([sums[fresh], more[2]])
        order = np.lexsort((cols, rows))
        return rows[order], cols[order], sums[order]


def multiply(queries: Entries_, keyed: Keyed) -> Triples:
    """QUERIES (rows over KEYED's key rows) times KEYED's matrix, by row then column: with
    scipy.sparse for many rows; for a few (an edit's, a small site's), summed with numpy into
    a dense block (see _dense), without importing scipy (a tenth of an edit's build)."""
    count = len(queries[2]) - 1
    if count * keyed.width <= DENSE_CELLS and _terms(queries, keyed) <= DENSE_CELLS:
        sums = _dense(queries, keyed)
        rows, cols = np.nonzero(sums)
        return rows, cols, sums[rows, cols]
    found = (csr(queries, shape=(count, len(keyed.keys))) @ keyed.matrix).tocoo()
    return found.row.astype(np.int64), found.col.astype(np.int64), found.data


def _terms(queries: Entries_, keyed: Keyed) -> int:
    """How many terms QUERIES times KEYED's matrix sums: each query entry's key, as many times
    as positions hold it."""
    keys = queries[1]
    return int((keyed.indptr[keys + 1] - keyed.indptr[keys]).sum())


def _dense(queries: Entries_, keyed: Keyed) -> np.ndarray:
    """QUERIES times KEYED's matrix as a dense block (queries x its positions). Each sum adds
    its terms in the order scipy.sparse does, ((0 + first) + second) + ..., one query entry
    after another (bincount adds in the order given), so the sums are scipy's to the bit; and
    a zero sum is no entry, as in scipy's product."""
    values, keys, bounds = queries
    count, width = len(bounds) - 1, keyed.width
    lo = keyed.indptr[keys].astype(np.int64)
    lengths = keyed.indptr[keys + 1].astype(np.int64) - lo
    # Each query entry's row of KEYED, one after the other.
    at = np.repeat(lo, lengths) + offsets(lengths)
    query = np.repeat(np.repeat(np.arange(count), np.diff(bounds)), lengths)
    cells = query * width + keyed.holders[at]
    terms = np.repeat(values, lengths) * keyed.weights[at]
    sums = np.bincount(cells, weights=terms, minlength=count * width)
    return sums.astype(np.float64, copy=False).reshape(count, width)  # (no terms: ints)
