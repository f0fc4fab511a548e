"""The relatedness index: kept in memory, built once, then updated article by article.

Every result is a pure function of the articles: vectors do not depend on the corpus, ties are
broken by slug, and clustering is done per connected component. So an index updated after an
edit holds exactly what a fresh one built from the same articles would.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from briefings.hashes import number
from briefings.relate import links, why
from briefings.relate.clustering import StoryClustering
from briefings.relate.features import known_zipf, remember_zipf
from briefings.relate.index import (
    SECONDS_PER_DAY,
    ListRules,
    Neighbours,
    TimeWeight,
    all_neighbours,
    neighbours_of,
)
from briefings.relate.model import RelateDoc, RelatedSettings, Scored
from briefings.relate.space import SimilaritySpace, pack, pack_rows, unpack, unpack_rows
from briefings.relate.stories import close_pairs, story_candidates
from briefings.relate.tokens import Columns
from briefings.relate.vectorize import featurize
from briefings.relate.why import Terms
from briefings.runtime.memory import LARGE, release_free_memory
from briefings.runtime.parallel import forked_map

EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float64))
BLOCK = 1024  # rows per sparse product at most...
BLOCK_PAIRS = 1 << 24  # ...and rows x articles at most: bounds memory on large corpora


def tie_key(slug: str) -> int:
    """A number that orders slugs the same way in every build, whatever the insertion order."""
    return number(slug.encode(), 7)


@dataclass
class _Node:
    """An indexed article: what is read of it once its text is a vector in the space (not the
    text itself: a large site's would take tens of MB)."""

    slug: str
    timestamp: float
    entities: tuple[str, ...]
    tie: int
    terms: Terms


class RelateIndex(StoryClustering):
    """Neighbours, near-duplicates and stories of a set of articles, kept current by update()."""

    def __init__(self, settings: RelatedSettings) -> None:
        self.settings = settings
        self.time_weight = TimeWeight(
            settings.grace_days, settings.half_life_days, settings.time_floor
        )
        self.columns = Columns()  # feature key -> matrix column
        self.space = SimilaritySpace(
            settings.common_articles, settings.grace_days * SECONDS_PER_DAY
        )
        self.nodes: list[_Node | None] = []  # by position; None once removed
        self.position: dict[str, int] = {}
        self.best: list[tuple[np.ndarray, np.ndarray]] = []
        self.duplicates: list[np.ndarray] = []
        # Arrays of C ints, not sets or lists: a large site has two per article, and a list of
        # Python ints takes eight times the memory (a set, more).
        self.strong: list[array[int]] = []  # pairs that may share a story, both directions
        self.listed_by: list[array[int]] = []  # q -> rows whose best lists hold q
        self.story_of: list[int] = []  # position -> story key (the position of a member)
        self.stories: dict[int, list[int]] = {}
        self.leader: dict[int, int] = {}  # near-duplicate -> the article it copies
        self.group_of: dict[int, frozenset[int]] = {}  # position -> its clustering group
        self.clustered: dict[frozenset[int], dict] = {}  # group -> what its clustering read
        self.splits: dict = {}  # large component -> its groups, and what they were made of
        self._story_slugs: dict[int, tuple] = {}  # story key -> (members, slugs, first time)
        self._members: list[tuple[str, ...]] | None = None  # story_members(), while it holds
        self._times, self._ties = np.zeros(0), np.zeros(0, np.int64)  # see _arrays
        # What features.zipf said of the words seen so far: kept with the index, so that an
        # edit in a new process need not load wordfreq for words the site already had.
        self.zipf: dict[str, float] = {}
        self._restamp: set[int] = set()
        self._reworded: set[int] = set()  # stored with other terms since the last update
        self.clock = 0  # counts changes to any article's closest links or copies...
        self.stamp: list[int] = []  # ...and the count at each one's last change, by position

    # -- building and updating -------------------------------------------------------------

    def update(self, docs: Iterable[RelateDoc] = (), removed: Iterable[str] = ()) -> set[str]:
        """Add or replace DOCS and drop REMOVED slugs; returns the slugs whose relations changed."""
        docs = list(docs)
        found = featurize(docs, self.settings) if docs else []
        self.zipf = known_zipf()
        columns = self.columns.of([f.keys for f in found])
        rows = [(cols, f.weights) for f, cols in zip(found, columns, strict=True)]
        names = [(f.names, f.terms) for f in found]
        del found, columns  # the keys: rows hold columns now
        if len(docs) > LARGE:  # numbering them left hundreds of MB free: give it back first
            release_free_memory()
        slugs = {doc.slug for doc in docs}
        if docs and len(slugs) == len(docs) and slugs.isdisjoint(self.position):
            changed = self._append(docs, rows, names)  # a build: at once
        else:
            changed = [
                self._store(doc, row, named)
                for doc, row, named in zip(docs, rows, names, strict=True)
            ]
        # The space holds the rows now: this list must not keep each article's arrays alive once
        # the space packs them into one block (relating 100,000 articles: ~250 MB).
        del rows, names
        gone = [self._drop(slug) for slug in removed if slug in self.position]
        if not changed and not gone:
            return set()
        times, ties = self._arrays()
        if len(changed) + len(gone) > max(64, len(self.position) // 20):
            stale = set(self.position.values())  # a build, not an edit: recompute everything
        else:
            stale = self._rows_to_recompute(changed, gone, times)
        before = {r: self._lists(r) for r in stale}
        self._recompute(sorted(stale), times, ties)
        touched = set(changed) | set(gone) | {r for r in stale if self._lists(r) != before[r]}
        # Who lists an article whose terms changed, or shares its story, says why anew.
        reworded = {
            q for p in self._reworded for q in (*self.listed_by[p], *self.stories[self.story_of[p]])
        }
        self._reworded.clear()
        reclustered = self._recluster(touched)
        if len(stale) > LARGE:  # the lists and stories of many left much memory free
            release_free_memory()
        changed_now = touched | reclustered | reworded
        return {node.slug for p in changed_now if (node := self.nodes[p]) is not None}

    def __getstate__(self) -> dict:
        # Each article's lists as blocks (the build cache): see SimilaritySpace.__getstate__.
        duplicates = pack(self.duplicates, np.int32)
        return self.__dict__ | {"best": pack_rows(self.best), "duplicates": duplicates}

    def __setstate__(self, state: dict) -> None:
        best, duplicates = unpack_rows(*state["best"]), unpack(*state["duplicates"])
        self.__dict__.update(state | {"best": best, "duplicates": duplicates})
        remember_zipf(self.zipf)

    def _lists(self, r: int) -> tuple[bytes, bytes, bytes]:
        cols, weights = self.best[r]
        return cols.tobytes(), weights.tobytes(), self.duplicates[r].tobytes()

    def _store(self, doc: RelateDoc, row: tuple[np.ndarray, np.ndarray], said: tuple) -> int:
        if doc.slug not in self.position:
            return self._append([doc], [row], [said])[0]
        position = self.position[doc.slug]
        old = self._node(position)
        if old.timestamp != doc.timestamp:
            self._members = None  # stories are ordered by their first article's time
        if old.terms != said[1]:  # links to it say why in other words: read their lists again
            self._reworded.add(position)
        if old.terms != said[1] or old.timestamp != doc.timestamp:
            self.clock += 1  # its story links may change (see _named): a split reads it again
            self.stamp[position] = self.clock
        names, terms = said
        self.nodes[position] = _Node(doc.slug, doc.timestamp, names, tie_key(doc.slug), terms)
        self._restamp.add(position)
        self.space.put(position, row, doc.timestamp)
        return position

    def _append(self, docs: list[RelateDoc], rows: list, names: list[tuple]) -> list[int]:
        """Add DOCS, all new, at the next positions: a build's articles at once."""
        start = len(self.nodes)
        positions = list(range(start, start + len(docs)))
        self.space.extend(rows, [doc.timestamp for doc in docs])
        for p, doc, (found, said) in zip(positions, docs, names, strict=True):
            self.position[doc.slug] = p
            self.nodes.append(_Node(doc.slug, doc.timestamp, found, tie_key(doc.slug), said))
            self.stories[p] = [p]
        self._members = None
        self.best += [EMPTY] * len(docs)
        self.duplicates += [np.zeros(0, np.int32)] * len(docs)
        self.strong += [array("i") for _ in docs]
        self.listed_by += [array("i") for _ in docs]
        self.story_of += positions
        self.stamp += [self.clock] * len(docs)
        return positions

    def _drop(self, slug: str) -> int:
        position = self.position.pop(slug)
        self.nodes[position] = None
        self._restamp.add(position)
        self.space.remove(position)
        self._set_row(position, EMPTY, np.zeros(0, np.int32))
        return position

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Each position's time and tie key (0 once removed), brought up to date: positions
        added since the last call are appended, those stored or dropped again are set."""
        times, ties = self._times, self._ties
        new = range(len(times), len(self.nodes))
        if len(new):
            times = np.concatenate([times, np.zeros(len(new))])
            ties = np.concatenate([ties, np.zeros(len(new), np.int64)])
        for p in [*self._restamp, *new]:
            node = self.nodes[p]
            times[p], ties[p] = (node.timestamp, node.tie) if node else (0.0, 0)
        self._restamp.clear()
        self._times, self._ties = times, ties
        return times, ties

    def _rows_to_recompute(self, changed: list[int], gone: list[int], times) -> set[int]:
        """Rows whose lists may differ now: the changed ones, those that listed a changed or
        removed article, those that a changed article would now enter, and those holding a
        feature that became common or rare (their similarities all changed)."""
        s = self.settings
        affected = set(changed) | set(gone)
        rows = set(changed)
        if self.space.flipped:
            rows |= self.space.positions_with(self.space.flipped)
        for p in affected:
            rows.update(self.strong[p], self.listed_by[p])
        if changed:
            query, near, cosines = self.space.similarities(np.array(changed))
            weight = cosines * self.time_weight(times[near] - times[np.array(changed)[query]])
            for col, cos, w in zip(near.tolist(), cosines.tolist(), weight.tolist(), strict=True):
                if col in rows or self.nodes[col] is None:
                    continue
                cols, weights = self.best[col]
                room = len(cols) < s.neighbours or w >= float(weights[-1])
                if cos >= s.duplicate_cosine or (w >= s.min_weight and room):
                    rows.add(col)
        return {r for r in rows if self.nodes[r] is not None}

    def _recompute(self, rows: list[int], times: np.ndarray, ties: np.ndarray) -> None:
        s = self.settings
        rules = ListRules(
            times, ties, self.time_weight, s.neighbours, s.min_weight, s.duplicate_cosine
        )
        if len(rows) == len(self.position):  # every article: a build
            entries = self.space.everything()
            if len(rows) > LARGE:  # making them left hundreds of MB free: before the lists
                release_free_memory()
            every = all_neighbours(self.space, entries, rules)
            del entries
            self._set_rows([(r, *every.row(r)) for r in rows])
            if len(rows) > LARGE:  # and so did setting their lists, before the stories
                release_free_memory()
            return
        size = max(16, min(BLOCK, BLOCK_PAIRS // max(len(self.nodes), 1)))
        blocks = [np.array(rows[start : start + size]) for start in range(0, len(rows), size)]
        self.space.prepare()  # once, before workers fork: they read it as it is

        def neighbours(indexes: range) -> list[Neighbours]:
            return [
                neighbours_of(self.space.operands(blocks[i]).products(), blocks[i], rules)
                for i in indexes
            ]

        # Pure work on every core for a large build; the lists are stored here, in order.
        results = forked_map(neighbours, len(blocks), 1, 4)
        found = [
            (r, *result.row(i))
            for block, result in zip(blocks, results, strict=True)
            for i, r in enumerate(block.tolist())
        ]
        del results
        self._set_rows(found)

    def _set_rows(self, found: list[tuple[int, tuple, np.ndarray]]) -> None:
        if self._first_lists([r for r, _, _ in found]):
            self._set_first_rows(found)
        else:
            for r, best, dups in found:
                self._set_row(r, best, dups)

    def _first_lists(self, rows: list[int]) -> bool:
        """Whether ROWS are every article, none of which has lists yet (a first build)."""
        return len(rows) == len(self.nodes) and not any(self.listed_by) and not any(self.strong)

    def _set_first_rows(self, found: list[tuple[int, tuple, np.ndarray]]) -> None:
        """What _set_row does for each of FOUND (rows in order, each without lists before), at
        once: on a large site, row by row takes seconds."""
        s, n = self.settings, len(self.nodes)
        rows = np.array([r for r, _, _ in found], np.int64)
        for r, best, dups in found:
            self.best[r], self.duplicates[r] = best, dups
        # The clock counts each row whose story candidates or copies are now there, in order.
        chosen = [
            story_candidates(best[0], best[1], s.story_threshold, s.story_neighbours)
            for _, best, _ in found
        ]
        read = np.array(
            [len(c[0]) > 0 or len(dups) > 0 for c, (_, _, dups) in zip(chosen, found, strict=True)],
            bool,
        )
        stamps = self.clock + np.cumsum(read)
        for r, stamp in zip(rows[read].tolist(), stamps[read].tolist(), strict=True):
            self.stamp[r] = stamp
        self.clock += int(read.sum())
        # Who lists whom, and the links: story candidates close in both lists, and copies either way.
        lister, listed = links.pairs(rows, [best[0] for _, best, _ in found])
        one, other = links.pairs(rows, [c[0] for c in chosen])
        linked = close_pairs(one * n + other, other * n + one, chosen, s.story_neighbours)
        weight = np.concatenate([c[1] for c in chosen]) if chosen else np.zeros(0)
        linked[linked] = [
            self._named(a, b, w)
            for a, b, w in zip(
                one[linked].tolist(), other[linked].tolist(), weight[linked].tolist(), strict=True
            )
        ]
        copier, copied = links.pairs(rows, [dups for _, _, dups in found])
        a = np.concatenate([one[linked], copier, copied])
        b = np.concatenate([other[linked], copied, copier])
        live = np.array([node is not None for node in self.nodes], bool)
        keep = live[a] & live[b]
        links.group_into(self.listed_by, listed, lister)  # each (q, r) once: from one list each
        pairs = np.unique(a[keep] * n + b[keep])
        links.group_into(self.strong, pairs // n, pairs % n)

    def _set_row(self, r: int, best: tuple[np.ndarray, np.ndarray], dups: np.ndarray) -> None:
        """Replace row R's lists, keeping 'listed_by' and the story links in step."""
        s = self.settings
        old = story_candidates(*self.best[r], s.story_threshold, s.story_neighbours)
        new = story_candidates(*best, s.story_threshold, s.story_neighbours)
        if not (
            all(np.array_equal(a, b) for a, b in zip(old, new, strict=True))
            and np.array_equal(self.duplicates[r], dups)
        ):  # what splitting a component reads of R changed
            self.clock += 1
            self.stamp[r] = self.clock
        before = set(old[0].tolist()) | set(self.duplicates[r].tolist())
        for q in self.best[r][0].tolist():
            links.discard(self.listed_by[q], r)
        for q in best[0].tolist():
            links.add(self.listed_by[q], r)
        self.best[r], self.duplicates[r] = best, dups
        places = self._story_places(r)  # (read once: R's links to all of them are refreshed)
        for q in before | set(new[0].tolist()) | set(dups.tolist()):
            self._refresh_link(r, q, places)

    # -- reading -----------------------------------------------------------------------------

    def same_story(self, slug: str, story: Sequence[str] | None = None) -> tuple[Scored, ...]:
        """Up to SAME_STORY_COUNT other articles of SLUG's story (or of STORY, slugs in time
        order, when the editor chose it): the closest to it first, then the earliest; each with
        its weight to SLUG (0 when not among its neighbours)."""
        p = self.position[slug]
        members = self._members_of(p, story)
        if len(members) == 1:
            return ()
        limit = self.settings.same_story_count
        inside = set(members)
        chosen = [(q, w) for q, w in self._links(p) if q in inside][:limit]
        if len(chosen) < limit:
            listed = {q for q, _ in chosen}
            chosen += [(q, 0.0) for q in members if q != p and q not in listed][
                : limit - len(chosen)
            ]
        mine = why.unpack(self._node(p).terms)
        return tuple(self._scored(mine, q, w) for q, w in chosen)

    def _members_of(self, p: int, story: Sequence[str] | None) -> list[int]:
        if story is None:
            return self.stories[self.story_of[p]]
        return [self.position[s] for s in story]

    def centrality(self, slug: str, story: Sequence[str] | None = None) -> float:
        """How close SLUG is to the rest of its story (or STORY): its summed weight to members
        it neighbours."""
        p = self.position[slug]
        inside = set(self._members_of(p, story))
        return sum(w for q, w in self._links(p) if q in inside)

    def related(self, slug: str, story: Sequence[str] | None = None) -> tuple[Scored, ...]:
        """The best neighbours of SLUG outside its story (or STORY), best first: those at least
        related_floor alike that share a telling term (a link that cannot say why is padding:
        two articles alike only in common words, or in one word of the language: see
        why.weak)."""
        p = self.position[slug]
        members = self._members_of(p, story)
        cols, weights = self.best[p]
        outside: Iterable[tuple[int, float]]
        floor = self.settings.related_floor
        if len(members) == 1:  # alone in its story: its first neighbours (most articles are)
            shown = int((weights >= floor).sum())  # the list is best first
            outside = zip(cols[:shown].tolist(), weights[:shown].tolist(), strict=True)
        else:
            inside = set(members)
            outside = ((q, w) for q, w in self._links(p) if q not in inside and w >= floor)
        mine = why.unpack(self._node(p).terms)
        said = (self._scored(mine, q, w) for q, w in outside)
        told = (s for s in said if s.why and not why.weak(s.why))
        return tuple(itertools.islice(told, self.settings.related_count))

    def timestamp(self, slug: str) -> float:
        return self._node(self.position[slug]).timestamp

    def _scored(self, mine: why.Unpacked, q: int, weight: float) -> Scored:
        """Q as listed on an article's page: MINE is that article's terms, unpacked once for
        its whole list."""
        other = self._node(q)
        return Scored(other.slug, round(weight, 4), why.shared(mine, other.terms))

    def why(self, slugs: Iterable[str]) -> tuple[str, ...]:
        """What the articles SLUGS (a story) share most."""
        return why.common([self._node(self.position[s]).terms for s in slugs])

    def duplicate_of(self, slug: str) -> str | None:
        leader = self.leader.get(self.position[slug])
        return self._node(leader).slug if leader is not None else None

    def entities(self, slug: str) -> tuple[str, ...]:
        return self._node(self.position[slug]).entities

    def _node(self, position: int) -> _Node:
        """The article at POSITION, which is not removed."""
        node = self.nodes[position]
        assert node is not None, f"position {position} was removed"
        return node

    def story_members(self) -> list[tuple[str, ...]]:
        """Every story as slugs in time order; stories ordered by their first article. The same
        list until stories change (see _recluster)."""
        if self._members is not None:
            return self._members
        # A story's list of positions is replaced, never changed, when its members change: the
        # slugs read for it last time still hold while the list is the same object.
        known = self._story_slugs
        self._story_slugs = {}
        for key, members in self.stories.items():
            found = known.get(key)
            if found is None or found[0] is not members:
                first = self._node(members[0])
                found = (members, tuple(self._node(q).slug for q in members), first.timestamp)
            self._story_slugs[key] = found
        ordered = sorted(self._story_slugs.values(), key=lambda f: (f[2], f[1][0]))
        self._members = [slugs for _, slugs, _ in ordered]
        return self._members
