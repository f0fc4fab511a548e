"""Relating's sparse products and K-best lists find what a plain pairwise computation finds:
every pair's summed product (a common feature only within neighbouring time buckets), the K
best by time-weighted cosine with ties by tie key, and the near-duplicates; whether all
articles are asked about at once (in blocks, on one core or several), or after edits that
live in the overlay."""

import numpy as np
import pytest

from briefings.relate import index
from briefings.relate import products as product_module
from briefings.relate.index import ListRules, TimeWeight, all_neighbours, neighbours_of
from briefings.relate.space import SimilaritySpace
from briefings.runtime import parallel

DAY = 86_400.0
K, MIN_WEIGHT, DUPLICATE = 6, 0.05, 0.9
SHAPE = TimeWeight(3.0, 60.0, 0.5)


def random_space(seed: int, n: int = 160, common: int = 12) -> SimilaritySpace:
    rng = np.random.default_rng(seed)
    space = SimilaritySpace(common, 3 * DAY)
    rows = []
    for i in range(n):
        if i % 17 == 5 and rows:  # a near-copy of an earlier article
            cols, weights = rows[int(rng.integers(len(rows)))]
            weights = weights * (1 + rng.random(len(weights)) * 0.01)
        else:
            cols = np.unique(rng.integers(0, 90, int(rng.integers(0, 14))))
            weights = rng.random(len(cols)) + 0.05
        if len(weights):
            weights = weights / np.sqrt((weights**2).sum())
        rows.append((cols.astype(np.int32), weights))
    times = (rng.random(n) * 40 * DAY).tolist()
    times[7] = times[8]  # equal times, equal weights: ordered by tie key
    rows[8] = rows[7]
    space.extend(rows, times)
    return space


def expected(space: SimilaritySpace, ties: np.ndarray) -> tuple[list, list]:
    """Each article's best and duplicates, pair by pair in plain Python."""
    n = len(space.rows)
    times = np.array(space.times)
    bucket = np.floor(times / space.bucket_seconds)
    common = {c for c in range(len(space.df)) if space.df[c] > space.common}
    best, duplicates = [], []
    for a in range(n):
        mine = dict(zip(space.rows[a][0].tolist(), space.rows[a][1].tolist(), strict=True))
        scored, copies = [], []
        for b in range(n):
            theirs = dict(zip(space.rows[b][0].tolist(), space.rows[b][1].tolist(), strict=True))
            near = abs(bucket[a] - bucket[b]) <= 1
            total = sum(
                w * theirs[c] for c, w in mine.items() if c in theirs and (near or c not in common)
            )
            if b == a or total == 0:
                continue
            cos = round(total * 1e9) / 1e9
            if cos >= DUPLICATE:
                copies.append((-cos, ties[b], b))
            weight = float(np.round(cos * SHAPE(np.array([times[b] - times[a]]))[0], 9))
            if weight >= MIN_WEIGHT:
                scored.append((-weight, ties[b], b))
        best.append([(b, -w) for w, _, b in sorted(scored)[:K]])
        duplicates.append(sorted(b for _, _, b in sorted(copies)[:K]))
    return best, duplicates


def as_lists(found: index.Neighbours) -> tuple[list, list]:
    rows = [found.row(i) for i in range(len(found))]
    best = [list(zip(c.tolist(), w.tolist(), strict=True)) for (c, w), _ in rows]
    return best, [d.tolist() for _, d in rows]


def rules_for(space: SimilaritySpace, ties: np.ndarray) -> ListRules:
    return ListRules(np.array(space.times), ties, SHAPE, K, MIN_WEIGHT, DUPLICATE)


def ties_for(n: int) -> np.ndarray:
    ties = np.random.default_rng(99).integers(0, 1 << 55, n)
    ties[8] = ties[7] + 1
    return ties


@pytest.mark.parametrize(
    ("seed", "cores", "block"), [(1, 1, 10**6), (2, 1, 40), (3, 3, 1), (6, 2, 90)]
)
def test_all_articles_at_once_find_what_each_pair_compared_finds(
    seed: int, cores: int, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(index, "BLOCK_ENTRIES", block)  # a block: one article, some, or all
    space = random_space(seed)
    ties = ties_for(len(space.rows))
    found = all_neighbours(space, space.everything(), rules_for(space, ties))
    assert as_lists(found) == expected(space, ties)
    best, duplicates = as_lists(found)
    assert any(duplicates) and any(len(b) == K for b in best)


@pytest.mark.parametrize("seed", [4, 5])
def test_blocks_and_edits_in_the_overlay_find_the_same(seed: int) -> None:
    space = random_space(seed)
    ties = ties_for(len(space.rows))
    space.prepare()  # a base of every article...
    rng = np.random.default_rng(seed)
    for p in rng.choice(len(space.rows), 12, replace=False).tolist():  # ...then edits
        cols = np.unique(rng.integers(0, 90, 8)).astype(np.int32)
        space.put(p, (cols, np.full(len(cols), 1 / np.sqrt(len(cols)))), space.times[p])
    space.remove(3)
    blocks = np.array_split(np.arange(len(space.rows)), 5)
    rules = rules_for(space, ties)
    parts = [neighbours_of(space.operands(b).products(), b, rules) for b in blocks]
    best = [row for part in parts for row in as_lists(part)[0]]
    duplicates = [row for part in parts for row in as_lists(part)[1]]
    assert (best, duplicates) == expected(space, ties)
    assert space._overlay  # the edits were read from the overlay, not a new base


def test_the_time_weight_is_numpys_formula() -> None:
    gaps = np.linspace(-400 * DAY, 400 * DAY, 1001)
    days = np.maximum(np.abs(gaps) / DAY - 3.0, 0.0)
    formula = 0.5 + 0.5 * np.power(0.5, days / 60.0)
    assert np.allclose(SHAPE(gaps), formula, rtol=1e-15)


def test_articles_without_features_at_the_end_have_no_neighbours() -> None:
    space = random_space(8)
    empty = (np.zeros(0, np.int32), np.zeros(0))
    space.extend([empty, empty], [space.times[0], space.times[1]])  # e.g. bodies that say nothing
    ties = ties_for(len(space.rows))
    found = all_neighbours(space, space.everything(), rules_for(space, ties))
    assert as_lists(found) == expected(space, ties)
    assert as_lists(found)[0][-2:] == [[], []]


def scipy_product(on: tuple, keyed) -> tuple:
    """ON (query rows over KEYED's key rows) times KEYED's matrix, by scipy: by row, column."""
    shape = (len(on[2]) - 1, len(keyed.keys))
    found = (product_module.csr(on, shape=shape) @ keyed.matrix).tocoo()
    order = np.lexsort((found.col, found.row))
    return found.row[order], found.col[order], found.data[order]


@pytest.mark.parametrize("seed", range(6))
def test_an_edits_few_products_are_scipys_to_the_bit(seed: int) -> None:
    """A few query rows' products are summed with numpy (no scipy import on an edit): the
    same cells with the same sums, to the last bit, as scipy.sparse multiplies them; over the
    base, over the overlay of edited articles, and merged as an edit reads them."""
    space = random_space(seed)
    space.prepare()
    rng = np.random.default_rng(seed)
    for p in rng.choice(len(space.rows), 12, replace=False).tolist():
        cols = np.unique(rng.integers(0, 90, 8)).astype(np.int32)
        space.put(p, (cols, rng.random(len(cols)) + 0.05), space.times[p])
    for count in (1, 3, 40):
        queries = np.sort(rng.choice(len(space.rows), count, replace=False))
        operands = space.operands(queries)
        parts = []
        for on, keyed in (
            (operands.on_base, operands.base),
            (operands.on_overlay, operands.overlay),
        ):
            ours, theirs = product_module.multiply(on, keyed), scipy_product(on, keyed)
            for a, b in zip(ours, theirs, strict=True):
                assert np.array_equal(a, b)  # bit for bit, not approximately
            parts.append(theirs)
        (rows, cols, sums), more = parts
        fresh = ~operands.stale[cols]
        merged = [
            np.concatenate([x[fresh], y]) for x, y in zip((rows, cols, sums), more, strict=True)
        ]
        order = np.lexsort((merged[1], merged[0]))
        for a, b in zip(operands.products(), merged, strict=True):
            assert np.array_equal(a, b[order])
        assert len(merged[0]) > 0
    assert len(operands.overlay.keys) > 0  # the edits were multiplied from the overlay too
