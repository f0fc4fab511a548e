"""Groups articles into stories: near-duplicates first, then average-linkage clustering."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

Link = tuple[float, int, int]  # (-weight, a, b) with a < b: sorts strongest first, ties by ids
# Two articles may share a story when each is among the other's story candidates and they are
# close in both lists: both among the other's closest CLOSE, or one among the other's closest
# CLOSEST (and each among the other's closest story_neighbours). Same-kind events (two
# earthquakes, two signings) fill each other's lists at places 8 to 10; a story's articles sit
# higher in at least one of the two. (ecbplus-dev, tune topics: decoy events merged 26% -> 10%,
# B-cubed F1 0.888 -> 0.931; news-cluster-dev unchanged.)
CLOSE = 7
CLOSEST = 2
# ...or when each is nearly as similar to the other as to its closest: in a story of dozens of
# articles all alike, places say little (each one's closest ten are any ten of the others), and
# few pairs were each in the other's ten (generated stories of 30-60 articles: B-cubed recall
# 0.51 with places alone, 0.89 with this).
NEAR_TOP = 0.8


def story_candidates(
    cols: np.ndarray, weights: np.ndarray, threshold: float, limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An article's story candidates from its neighbour list (COLS, WEIGHTS: best first, as the
    index keeps it): its closest LIMIT at or above THRESHOLD, and past them any at least NEAR_TOP
    as similar as its closest; as (columns, weights, whether each is that near). Both are
    prefixes of the list."""
    above = int(np.count_nonzero(weights >= threshold))
    near = int(np.count_nonzero(weights[:above] >= NEAR_TOP * weights[0])) if above else 0
    kept = max(min(limit, above), near)
    return cols[:kept], weights[:kept], np.arange(kept) < near


def story_pair(rank: Any, back: Any, near: Any, near_back: Any, limit: int) -> Any:
    """Whether two articles, each at place RANK and BACK (0: the closest) among the other's story
    candidates, and NEAR (NEAR_BACK) the other's closest, may share a story (of scalars, or of
    arrays of them pair by pair)."""
    if isinstance(rank, np.ndarray):
        top, low = np.maximum(rank, back), np.minimum(rank, back)
    else:  # (numpy's functions take a microsecond each on plain numbers: a split reads 100,000s)
        top, low = max(rank, back), min(rank, back)
    return (near & near_back) | ((top < limit) & ((top < CLOSE) | (low < CLOSEST)))


def close_pairs(
    forward: np.ndarray,
    back: np.ndarray,
    candidates: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    limit: int,
) -> np.ndarray:
    """Which pairs FORWARD (one * n + other, in the order of CANDIDATES: each row's story
    candidates, closest first) may share a story: BACK, the same pairs the other way, is there
    too, and the two are close enough in both lists (stories.story_pair)."""
    if not len(forward):
        return np.zeros(0, bool)
    rank = np.concatenate([np.arange(len(c[0])) for c in candidates])
    near = np.concatenate([c[2] for c in candidates])
    order = np.argsort(forward, kind="stable")
    at = np.minimum(np.searchsorted(forward[order], back), len(forward) - 1)
    mutual = forward[order][at] == back
    return mutual & story_pair(rank, rank[order][at], near, near[order][at], limit)


def story_places(
    cols: np.ndarray, weights: np.ndarray, threshold: float, limit: int
) -> dict[int, tuple[int, bool, float]]:
    """An article's story candidates (story_candidates) by column: each one's place, whether
    it is near the article's closest, and its weight."""
    found, found_weights, near = story_candidates(cols, weights, threshold, limit)
    return {
        q: (i, n, w)
        for i, (q, n, w) in enumerate(
            zip(found.tolist(), near.tolist(), found_weights.tolist(), strict=True)
        )
    }


class DisjointSets:
    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        """Joins the sets of A and B; returns the one gone (or -1: they were one)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return -1
        # The smaller id leads, so groups do not depend on the order of unions.
        self.parent[max(ra, rb)] = min(ra, rb)
        return max(ra, rb)


def duplicate_groups(
    nodes: Iterable[int], duplicates: Sequence[np.ndarray], order_key: Sequence
) -> dict[int, int]:
    """Node -> the group's representative (its earliest article) for NODES joined by duplicate edges."""
    nodes = list(nodes)
    sets = DisjointSets(nodes)
    for n in nodes:
        for other in duplicates[n].tolist():
            if other in sets.parent:
                sets.union(n, other)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in nodes:
        groups[sets.find(n)].append(n)
    leader = {}
    for members in groups.values():
        first = min(members, key=lambda m: order_key[m])
        for m in members:
            leader[m] = first
    return leader


def average_linkage(
    sizes: dict[int, int], edges: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Merge clusters while the mean weight over all their article pairs reaches THRESHOLD.

    SIZES counts the articles each node stands for (near-duplicates collapsed into one node);
    EDGES holds weights between nodes (a missing pair weighs 0). Deterministic: ties go to the
    pair of smallest node ids.
    """
    total: dict[int, dict[int, float]] = defaultdict(dict)  # summed pair weights between clusters
    for (a, b), w in edges.items():
        if a != b:
            pairs = w * sizes[a] * sizes[b]
            total[a][b] = total[a].get(b, 0.0) + pairs
            total[b][a] = total[b].get(a, 0.0) + pairs
    size = dict(sizes)
    members = {n: [n] for n in sizes}
    heap = [(-s / (size[a] * size[b]), a, b) for a in total for b, s in total[a].items() if a < b]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        mean = total[a].get(b, 0.0) / (size[a] * size[b])
        if abs(mean + negative) > 1e-12:
            continue  # stale entry: a newer one holds the current mean
        if mean < threshold:
            break
        _merge(a, b, total, size, members, heap)
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def _merge(
    a: int,
    b: int,
    total: dict[int, dict[int, float]],
    size: dict[int, int],
    members: dict[int, list[int]],
    heap: list,
) -> None:
    keep, gone = min(a, b), max(a, b)
    for other, s in total.pop(gone).items():
        if other == keep:
            continue
        total[keep][other] = total[keep].get(other, 0.0) + s
        total[other][keep] = total[other].get(keep, 0.0) + s
        del total[other][gone]
    total[keep].pop(gone, None)
    size[keep] += size.pop(gone)
    members[keep] += members.pop(gone)
    for other, s in total[keep].items():
        x, y = min(keep, other), max(keep, other)
        heapq.heappush(heap, (-s / (size[x] * size[y]), x, y))


def mutual_links(
    closest: Mapping[int, dict[int, tuple[float, int, bool, bool]]],
    moved: Iterable[int],
    links: Iterable[Link] = (),
    limit: int = 10,
) -> list[Link]:
    """The story links among the articles CLOSEST holds (by id), strongest first (ties by ids):
    pairs each among the other's CLOSEST (id -> (weight, place, near) among its story
    candidates), close enough in both (story_pair, with LIMIT story neighbours) and sharing a
    name (the last of the four, the same both ways; read from a side that moved). LINKS, the
    links before the articles MOVED changed their closest (or came or went), are kept where
    they touch none of them; those of MOVED are found again."""
    moved = set(moved)
    found = [link for link in links if link[1] not in moved and link[2] not in moved]
    for i in sorted(moved):
        for j, (_, rank, near, named) in closest.get(i, {}).items():
            if j < i and j in moved:
                continue  # found from J's side
            back = closest.get(j, {}).get(i)
            if named and back is not None and story_pair(rank, back[1], near, back[2], limit):
                a, b = min(i, j), max(i, j)
                found.append((-closest[a][b][0], a, b))  # the weight in the first one's list
    found.sort()
    return found


def limited_groups(
    members: Iterable[int], copies: Mapping[int, Iterable[int]], links: Iterable[Link], limit: int
) -> list[list[int]]:
    """MEMBERS (ids) in groups of at most LIMIT units (copies of one article, joined by COPIES,
    are one unit; copies that are not members are passed over): groups join along LINKS in their
    order while they stay in the limit."""
    sets = DisjointSets(members)
    for i, others in copies.items():
        for j in others:
            if i in sets.parent and j in sets.parent:
                sets.union(i, j)
    units = dict.fromkeys((m for m in sets.parent if sets.find(m) == m), 1)
    if len(units) <= limit:
        return [list(sets.parent)]
    find = sets.find
    for _, a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb and units[ra] + units[rb] <= limit:
            gone = sets.union(ra, rb)
            units[min(ra, rb)] += units.pop(gone)
    groups: dict[int, list[int]] = defaultdict(list)
    for m in sets.parent:
        groups[find(m)].append(m)
    return list(groups.values())
