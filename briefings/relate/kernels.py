"""Compiled loops (numba) for the hot paths of relating vectors, where array operations would
make large temporaries or sort far more than they keep. (scan.py has those over characters.)

Each function here is plain loops over numpy arrays, called through compiled.py: built ahead of
time where `make` could (aot.py), else compiled by numba on first use and cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from briefings.relate.model import SECONDS_PER_DAY


@njit(cache=True, nogil=True, inline="always")
def round9(x: float) -> float:
    """X rounded to 9 decimals the way numpy's round does it (scale, round half to even, unscale)."""
    return np.rint(x * 1e9) / 1e9


@njit(cache=True, nogil=True, inline="always")
def time_weight(
    gap_seconds: float, grace_days: float, half_life_days: float, floor: float
) -> float:
    days = max(abs(gap_seconds) / SECONDS_PER_DAY - grace_days, 0.0)
    return floor + (1.0 - floor) * 0.5 ** (days / half_life_days)


@njit(cache=True, nogil=True)
def time_weights(
    gaps: np.ndarray, grace_days: float, half_life_days: float, floor: float
) -> np.ndarray:
    out = np.empty(len(gaps))
    for i in range(len(gaps)):
        out[i] = time_weight(gaps[i], grace_days, half_life_days, floor)
    return out


@njit(cache=True, nogil=True, inline="always")
def _better(value: float, tie: int, than_value: float, than_tie: int) -> bool:
    return value > than_value or (value == than_value and tie < than_tie)


@njit(cache=True, nogil=True, inline="always")
def _offer(cols, values, size, k, col, value, ties) -> int:
    """Put (COL, VALUE) into the best-first list COLS/VALUES of SIZE entries (at most K) if it
    belongs there; returns the new size."""
    tie = ties[col]
    if size == k and not _better(value, tie, values[k - 1], ties[cols[k - 1]]):
        return size
    at = min(size, k - 1)
    while at > 0 and _better(value, tie, values[at - 1], ties[cols[at - 1]]):
        if at < k:
            cols[at], values[at] = cols[at - 1], values[at - 1]
        at -= 1
    cols[at], values[at] = col, value
    return min(size + 1, k)


@njit(cache=True, nogil=True)
def _sum_products(
    i, qb_indptr, qb_rows, qb_weights, qo_indptr, qo_rows, qo_weights,
    b_indptr, b_positions, b_weights, o_indptr, o_positions, o_weights, stale,
    acc, seen, touched,
) -> int:  # fmt: skip
    """Query row I's products with every position it shares a key with, summed into ACC; the
    positions touched are TOUCHED[:count] (and SEEN), count returned."""
    count = 0
    for e in range(qb_indptr[i], qb_indptr[i + 1]):
        w, r = qb_weights[e], qb_rows[e]
        for j in range(b_indptr[r], b_indptr[r + 1]):
            p = b_positions[j]
            if stale[p]:
                continue
            if not seen[p]:
                seen[p] = True
                touched[count] = p
                count += 1
            acc[p] += w * b_weights[j]
    for e in range(qo_indptr[i], qo_indptr[i + 1]):
        w, r = qo_weights[e], qo_rows[e]
        for j in range(o_indptr[r], o_indptr[r + 1]):
            p = o_positions[j]
            if not seen[p]:
                seen[p] = True
                touched[count] = p
                count += 1
            acc[p] += w * o_weights[j]
    return count


@njit(cache=True, nogil=True)
def similarities(n, operands):
    """Every (query row, position, summed product) of the queries in OPERANDS (space.Operands)
    over N positions."""
    m = len(operands[0]) - 1
    acc, seen, touched = np.zeros(n), np.zeros(n, np.bool_), np.zeros(n, np.int64)
    rows, cols, values = [], [], []
    for i in range(m):
        count = _sum_products(i, *operands, acc, seen, touched)
        for t in range(count):
            p = touched[t]
            rows.append(i)
            cols.append(p)
            values.append(acc[p])
            acc[p] = 0.0
            seen[p] = False
    return np.array(rows, np.int64), np.array(cols, np.int64), np.array(values, np.float64)


@njit(cache=True, nogil=True, inline="always")
def _lists(m, k):
    """Room for M rows' K best (positions, values, count) and K near-duplicates (the same)."""
    return (
        np.zeros((m, k), np.int32), np.zeros((m, k)), np.zeros(m, np.int64),
        np.zeros((m, k), np.int32), np.zeros((m, k)), np.zeros(m, np.int64),
    )  # fmt: skip


@njit(cache=True, nogil=True)
def neighbours(query_rows, times, ties, k, min_weight, duplicate_cosine, time_shape, operands):
    """For each query row (positions QUERY_ROWS), its K best neighbours by time-weighted cosine
    (weight at least MIN_WEIGHT; equal weights by TIES) and up to K near-duplicates (cosine at
    least DUPLICATE_COSINE, the closest chosen). As (positions, values) arrays of K columns
    per row, and each row's count. TIME_SHAPE: (grace days, half-life days, floor)."""
    n, m = len(times), len(query_rows)
    grace_days, half_life_days, floor = time_shape
    best_cols, best_values, best_count, dup_cols, dup_values, dup_count = _lists(m, k)
    acc, seen, touched = np.zeros(n), np.zeros(n, np.bool_), np.zeros(n, np.int64)
    # Time weights never exceed 1: a pair under both thresholds in cosine is out whatever its
    # dates (most pairs sharing a feature are).
    low = min(min_weight, duplicate_cosine) - 1e-9
    for i in range(m):
        count = _sum_products(i, *operands, acc, seen, touched)
        me = query_rows[i]
        nb = nd = 0
        for t in range(count):
            p = touched[t]
            total = acc[p]
            acc[p] = 0.0
            seen[p] = False
            if p == me or total < low:
                continue
            # Rounded: the sums' last bits depend on the order of features.
            cos = round9(total)
            if cos >= duplicate_cosine:
                nd = _offer(dup_cols[i], dup_values[i], nd, k, p, cos, ties)
            gap = times[p] - times[me]
            weight = round9(cos * time_weight(gap, grace_days, half_life_days, floor))
            if weight >= min_weight:
                nb = _offer(best_cols[i], best_values[i], nb, k, p, weight, ties)
        best_count[i], dup_count[i] = nb, nd
    return best_cols, best_values, best_count, dup_cols, dup_count


@njit(cache=True, nogil=True)
def all_neighbours(
    firsts, keys, b_indptr, b_positions, b_weights, e_indptr, e_rows, e_weights, e_common,
    times, ties, k, min_weight, duplicate_cosine, time_shape,
):  # fmt: skip
    """What neighbours() finds for every position, from the base alone (space.everything()),
    for the pairs whose first article is one of FIRSTS: each pair's product is summed once,
    from its first article's entries, and offered to both. (The base's positions are ascending
    under each key: a first article's pairs are the end of each list.)"""
    n = len(times)
    grace_days, half_life_days, floor = time_shape
    best_cols, best_values, best_count, dup_cols, dup_values, dup_count = _lists(n, k)
    acc, seen, touched = np.zeros(n), np.zeros(n, np.bool_), np.zeros(n, np.int64)
    low = min(min_weight, duplicate_cosine) - 1e-9
    for a in firsts:
        count = 0
        for e in range(e_indptr[a], e_indptr[a + 1]):
            w, r = e_weights[e], e_rows[e]
            lo, hi = r, r
            if e_common[e]:  # its bucket and both neighbours
                if r > 0 and keys[r - 1] == keys[r] - 1:
                    lo = r - 1
                if r + 1 < len(keys) and keys[r + 1] == keys[r] + 1:
                    hi = r + 1
            for rr in range(lo, hi + 1):
                for j in range(b_indptr[rr + 1] - 1, b_indptr[rr] - 1, -1):
                    b = b_positions[j]
                    if b <= a:
                        break
                    # Written out, as in _sum_products: a helper, even inlined, made this
                    # loop three times slower.
                    if not seen[b]:
                        seen[b] = True
                        touched[count] = b
                        count += 1
                    acc[b] += w * b_weights[j]
        for t in range(count):
            b = touched[t]
            total = acc[b]
            acc[b] = 0.0
            seen[b] = False
            if total < low:
                continue
            cos = round9(total)
            if cos >= duplicate_cosine:
                dup_count[a] = _offer(dup_cols[a], dup_values[a], dup_count[a], k, b, cos, ties)
                dup_count[b] = _offer(dup_cols[b], dup_values[b], dup_count[b], k, a, cos, ties)
            gap = times[b] - times[a]
            weight = round9(cos * time_weight(gap, grace_days, half_life_days, floor))
            if weight >= min_weight:
                best_count[a] = _offer(
                    best_cols[a], best_values[a], best_count[a], k, b, weight, ties
                )
                best_count[b] = _offer(
                    best_cols[b], best_values[b], best_count[b], k, a, weight, ties
                )
    return best_cols, best_values, best_count, dup_cols, dup_values, dup_count


@njit(cache=True, nogil=True)
def merge(cols, values, counts, other_cols, other_values, other_counts, ties):
    """Offer each row's entries of OTHER_* (K-best lists of other pairs) to its list in COLS,
    VALUES, COUNTS: the K best of both."""
    k = cols.shape[1]
    for r in range(len(counts)):
        for j in range(other_counts[r]):
            counts[r] = _offer(
                cols[r], values[r], counts[r], k, other_cols[r, j], other_values[r, j], ties
            )


@njit(cache=True, nogil=True)
def _by_column(indptr, cols, weights, columns):
    """The entries of rows (row R's are INDPTR[R]:INDPTR[R + 1] of COLS, WEIGHTS) ordered by
    column, by counting, so that each column's are in order of rows: each entry's row (int32)
    and weight in that order, and where each of COLUMNS's entries begin (with the end)."""
    n = len(cols)
    at = np.zeros(columns + 1, np.int64)
    for e in range(n):
        at[cols[e] + 1] += 1
    for c in range(columns):
        at[c + 1] += at[c]
    rows, out_weights = np.empty(n, np.int32), np.empty(n)
    for r in range(len(indptr) - 1):
        for e in range(indptr[r], indptr[r + 1]):
            j = at[cols[e]]
            rows[j], out_weights[j] = r, weights[e]
            at[cols[e]] += 1
    for c in range(columns, 0, -1):  # each column's end, moved back to its start
        at[c] = at[c - 1]
    at[0] = 0
    return rows, out_weights, at


@njit(cache=True, nogil=True)
def _sort_by_bucket(rows, weights, lo, hi, buckets, spare_rows, spare_weights) -> int:
    """Entries LO:HI of ROWS and WEIGHTS stably ordered by their rows' BUCKETS, by counting
    (a column's articles span a short range of buckets); returns how many buckets they hold."""
    low, high = buckets[rows[lo]], buckets[rows[lo]]
    for j in range(lo, hi):
        low, high = min(low, buckets[rows[j]]), max(high, buckets[rows[j]])
    counts = np.zeros(high - low + 2, np.int64)
    for j in range(lo, hi):
        counts[buckets[rows[j]] - low + 1] += 1
    held = 0
    for b in range(len(counts) - 1):
        if counts[b + 1] > 0:
            held += 1
        counts[b + 1] += counts[b]
    for j in range(lo, hi):
        k = counts[buckets[rows[j]] - low]
        spare_rows[k], spare_weights[k] = rows[j], weights[j]
        counts[buckets[rows[j]] - low] += 1
    rows[lo:hi] = spare_rows[: hi - lo]
    weights[lo:hi] = spare_weights[: hi - lo]
    return held


@njit(cache=True, nogil=True)
def keyed(indptr, positions, buckets, cols, weights, is_common, names, bucket_bits):
    """Rows of entries (row R's are INDPTR[R]:INDPTR[R + 1] of COLS and WEIGHTS; it stands at
    POSITIONS[R], ascending, in time bucket BUCKETS[R]) grouped by key: column << BUCKET_BITS,
    with the bucket in the low bits for a column IS_COMMON. COLS may be numbers of the columns
    in NAMES (ascending), not columns themselves (NAMES empty). Returns the keys (ascending), each
    key's first entry in INDPTR, the entries' positions (ascending within a key) and weights
    in that order, and the key row of each entry as given. By counting: columns are small
    numbers, and a common column's buckets a short range. (A large site has millions of
    entries: this makes no array of them but what it returns.)"""
    columns = len(is_common)
    rows, out_weights, at = _by_column(indptr, cols, weights, columns)
    widest = 0
    for c in range(columns):
        widest = max(widest, at[c + 1] - at[c])
    spare_rows, spare_weights = np.empty(widest, np.int32), np.empty(widest)
    count = 0
    for c in range(columns):
        if at[c + 1] > at[c]:
            if is_common[c]:
                count += _sort_by_bucket(
                    rows, out_weights, at[c], at[c + 1], buckets, spare_rows, spare_weights
                )
            else:
                count += 1
    keys, key_indptr = np.empty(count, np.int64), np.empty(count + 1, np.int64)
    k = 0
    for c in range(columns):
        lo, hi = at[c], at[c + 1]
        at[c] = k  # from here on: the column's first key row
        name = names[c] if len(names) else c
        for j in range(lo, hi):
            bucket = buckets[rows[j]] if is_common[c] else 0
            key = (np.int64(name) << bucket_bits) | bucket
            if j == lo or key != keys[k - 1]:
                keys[k], key_indptr[k] = key, j
                k += 1
    at[columns] = k
    key_indptr[count] = len(cols)
    key_rows = np.empty(len(cols), np.int32)
    for r in range(len(indptr) - 1):
        for e in range(indptr[r], indptr[r + 1]):
            c = cols[e]
            row = at[c]
            if is_common[c]:
                key = (np.int64(names[c] if len(names) else c) << bucket_bits) | buckets[r]
                row += np.searchsorted(keys[at[c] : at[c + 1]], key)
            key_rows[e] = row
    for j in range(len(rows)):
        rows[j] = positions[rows[j]]
    return keys, key_indptr, rows, out_weights, key_rows


@njit(cache=True, nogil=True)
def features(n, docs, keys, counts, weights, max_features):
    """Each of N documents' feature vector from its entries (DOCS, KEYS, COUNTS, WEIGHTS, in
    order of document and key): counts summed per key (rounded: entries of one key may come
    in any order), the weight the largest; scored by (1 + log count) * weight; the
    MAX_FEATURES heaviest kept (ties: the first keys); scaled to length 1. As flat arrays in
    key order per document, with bounds."""
    bounds = np.zeros(n + 1, np.int64)
    out_keys, out_weights = np.empty(len(keys), np.int64), np.empty(len(keys))
    scores = np.empty(len(keys))  # this document's, by key
    size = at = 0
    for d in range(n):
        first = size
        while at < len(keys) and docs[at] == d:
            key = keys[at]
            total, weight = 0.0, 0.0
            while at < len(keys) and docs[at] == d and keys[at] == key:
                total += counts[at]
                weight = max(weight, weights[at])
                at += 1
            total = round9(total)
            if total >= 0.5:
                out_keys[size] = key
                scores[size - first] = (1.0 + np.log(total)) * weight
                size += 1
        mine = scores[: size - first]
        if len(mine) > max_features:
            cut = np.partition(mine, len(mine) - max_features)[len(mine) - max_features]
            room = max_features - np.sum(mine > cut)
            kept = first
            for j in range(len(mine)):
                if mine[j] > cut or (mine[j] == cut and room > 0):
                    room -= mine[j] == cut
                    out_keys[kept], mine[kept - first] = out_keys[first + j], mine[j]
                    kept += 1
            size = kept
            mine = scores[: size - first]
        norm = np.sqrt(np.sum(mine * mine)) if len(mine) else 1.0
        for j in range(len(mine)):
            out_weights[first + j] = mine[j] / norm
        bounds[d + 1] = size
    return bounds, out_keys[:size], out_weights[:size]


def _warm() -> None:
    """Load every kernel now, once per process: the first call of any costs a quarter of a
    second (numba starting), and forked workers would each pay it again. The types here are
    those the kernels are called with: aot.py builds each for these alone."""
    empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0)
    indptr = np.zeros(1, np.int64)
    operands = (indptr, empty_i, empty_f) * 2 + (indptr, np.zeros(0, np.int32), empty_f) * 2
    operands += (np.zeros(0, np.bool_),)
    time_weights(empty_f, 3.0, 60.0, 0.5)
    similarities(0, operands)
    neighbours(empty_i, empty_f, empty_i, 1, 0.5, 0.9, (3.0, 60.0, 0.5), operands)
    base = (empty_i, indptr, np.zeros(0, np.int32), empty_f)
    entries = (indptr, np.zeros(0, np.int32), empty_f, np.zeros(0, np.bool_))
    all_neighbours(empty_i, *base, *entries, empty_f, empty_i, 1, 0.5, 0.9, (3.0, 60.0, 0.5))
    features(0, empty_i, empty_i, empty_f, empty_f, 1)
    keyed(
        indptr, empty_i, empty_i, np.zeros(0, np.int32), empty_f, np.zeros(0, np.bool_), empty_i, 22
    )
    lists = (np.zeros((0, 1), np.int32), np.zeros((0, 1)), empty_i)
    merge(*lists, *lists, empty_i)


_warm()
