"""Stories from the neighbour lists: strong links (pairs that may share a story, decided here)
make components, components are split into groups of at most GROUP_LIMIT articles, and each
group is clustered by average linkage.

A mixin of RelateIndex, which holds the state read and written here (see the annotations
below); kept apart because clustering is its own concern, with its own memory of what each
group and split read, so that an edit re-clusters only what it changed.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from briefings.relate import links, why
from briefings.relate.model import SECONDS_PER_DAY
from briefings.relate.stories import (
    Link,
    average_linkage,
    duplicate_groups,
    limited_groups,
    mutual_links,
    story_candidates,
    story_pair,
    story_places,
)

if TYPE_CHECKING:
    from briefings.relate.model import RelatedSettings

GROUP_LIMIT = 250  # articles clustered together at most (a story is never longer)
SPLITS_KEPT = 64  # splits of large components remembered


@dataclass
class _Split:
    """A large component's groups, with what splitting it read, by each member's tie key (a
    number that orders slugs alike in every build, so links tie the same way and a member keeps
    its id when others join or leave): each one's story candidates with weights, and its
    copies, wherever they are (a candidate outside the component joins no link)."""

    clock: int  # RelateIndex.clock when read
    position: dict[int, int]  # tie key -> position, of the members
    # Each one's story candidates: (weight, place, near), as story_candidates gives them, and
    # whether names let them share a story (_named).
    closest: dict[int, dict[int, tuple[float, int, bool, bool]]]
    copies: dict[int, tuple[int, ...]]
    links: list[Link]
    groups: list[frozenset[int]]


# A story link between articles further apart than story_name_days, weaker than this, needs
# two names both hold, not one. Pages on one subject, months apart, share a brand or a place
# ("PostgreSQL", "San Diego", "Garmin") as often as reports of one event do; they are seldom
# as alike. (wcxb-dev's web articles, tuned on its tune half: put in stories of several 21.5%
# -> 15.5%, held half 14.0% -> 11.0%; news-cluster-dev and ECB+ unchanged, whole and by half:
# reports of one event weeks apart share more names, or are more alike.)
FAR_WEAK_LINK = 0.3


class StoryClustering:
    # Kept by RelateIndex, by position: articles (None once removed), their best lists and
    # near-duplicates, the links that may join a story, and a stamp of their last list change.
    settings: RelatedSettings
    nodes: list
    best: list[tuple[np.ndarray, np.ndarray]]
    duplicates: list[np.ndarray]
    strong: list[array[int]]
    stamp: list[int]
    clock: int
    # Written here: stories (key -> members in time order), each article's story key and
    # leader (the article it copies), its group, and what each group and split read.
    stories: dict[int, list[int]]
    story_of: list[int]
    leader: dict[int, int]
    group_of: dict[int, frozenset[int]]
    clustered: dict[frozenset[int], dict[int, tuple]]
    splits: dict[frozenset[int], _Split]
    _members: list | None  # RelateIndex.story_members(): made again once stories change

    # -- the links that may join a story ---------------------------------------------------

    def _story_places(self, r: int) -> dict[int, tuple[int, bool, float]]:
        s = self.settings
        return story_places(*self.best[r], s.story_threshold, s.story_neighbours)

    def _refresh_link(self, r: int, q: int, places: dict[int, tuple[int, bool, float]]) -> None:
        """R and Q may share a story when each is among the other's story candidates, close enough
        in both lists (stories.story_pair), or one copies the other. Mutual links keep busy
        articles from chaining everything into one huge component. PLACES: R's story places."""
        linked = False
        if self.nodes[q] is not None and self.nodes[r] is not None:
            a, b = places.get(q), self._story_places(q).get(r)  # (place, near, weight)
            limit = self.settings.story_neighbours
            close = (
                a is not None
                and b is not None
                and story_pair(a[0], b[0], a[1], b[1], limit)
                and self._named(r, q, a[2])
            )
            linked = bool(
                close or q in self.duplicates[r].tolist() or r in self.duplicates[q].tolist()
            )
        change = links.add if linked else links.discard
        change(self.strong[r], q)
        change(self.strong[q], r)

    def _named(self, r: int, q: int, weight: float) -> bool:
        """Whether R and Q, linked with WEIGHT, may share a story as far as names go: they
        appeared within story_name_days of each other, or they share a name (why.names_shared),
        two when the link is weak (FAR_WEAK_LINK). Reports of one event weeks apart name it
        alike (Chibok, Equifax, the Cubs); pages on one subject need not name one thing (two
        guides to cloud computing, months apart). Two reports of one day may share only words
        ("gang members", "opened fire"): their time says the rest."""
        one, other = self.nodes[r], self.nodes[q]  # (both live: see callers)
        apart = abs(one.timestamp - other.timestamp)
        if apart <= self.settings.story_name_days * SECONDS_PER_DAY:
            return True
        return why.names_shared(one.terms, other.terms) >= (1 if weight >= FAR_WEAK_LINK else 2)

    # -- components and groups ---------------------------------------------------------------

    def _links(self, p: int) -> Iterable[tuple[int, float]]:
        cols, weights = self.best[p]
        return zip(cols.tolist(), weights.tolist(), strict=True)

    def _reach(self, seeds: set[int]) -> set[int]:
        seen, todo = set(seeds), list(seeds)
        while todo:
            for other in self.strong[todo.pop()]:
                if other not in seen and self.nodes[other] is not None:
                    seen.add(other)
                    todo.append(other)
        return seen

    def _components(self, seeds: set[int]) -> list[set[int]]:
        """The components (by strong links) of the live articles among SEEDS."""
        seen: set[int] = set()
        found = []
        for p in sorted(seeds):
            if p not in seen and self.nodes[p] is not None:
                found.append(self._reach({p}))
                seen |= found[-1]
        return found

    def _recluster(self, touched: set[int]) -> set[int]:
        """Cluster again every component around TOUCHED; returns the positions whose story changed."""
        region: set[int] = set()
        components: list[set[int]] = []
        frontier = set(touched)
        while frontier:  # grow until every old story met is wholly inside
            for p in frontier:
                region |= set(self.stories.get(self.story_of[p], ()))
                region.add(p)
            components = self._components(region)
            region = set().union(*components) | (region & touched)
            frontier = {
                q for p in region for q in self.stories.get(self.story_of[p], ()) if q not in region
            }
        stale = [group for component in components for group in self._stale(component, touched)]
        # Only the stories of stale groups change: a story lies within one group, and a group
        # that lost or gained an article is stale.
        members = {q for group in stale for q in group}
        old = self._story_states(members)
        for p in region:
            if self.nodes[p] is None:
                self._members = None
                self.stories.pop(self.story_of[p], None)
                self.story_of[p] = p
                self.leader.pop(p, None)
                self.group_of.pop(p, None)
        for group in stale:  # every old story first: a new story may reuse an old key
            for key in {self.story_of[q] for q in group}:
                self.stories.pop(key, None)
            for q in group:
                self.clustered.pop(self.group_of.get(q, frozenset()), None)
        for group in stale:
            self._cluster(group)
            self.clustered[group] = self._inputs(group)
            for q in group:
                self.group_of[q] = group
        new = self._story_states(members)
        moved = {p for p, state in new.items() if state != old[p]}
        if moved:
            self._members = None
        return moved

    def _stale(self, component: set[int], touched: set[int]) -> list[frozenset[int]]:
        """The groups of COMPONENT to cluster again. A group with the same members clusters as
        before if nothing clustering reads of it changed: an edit touches the lists of many
        articles, mostly elsewhere."""
        stale = []
        for group in self._split(component):
            known = self.group_of.get(next(iter(group)))
            if known != group or any(self.group_of.get(q) is not known for q in group):
                stale.append(group)
            elif group & touched:  # only what touched members read may have changed
                read = self.clustered.get(group, {})
                fresh = self._inputs(group, group & touched)
                if any(read.get(p) != inputs for p, inputs in fresh.items()):
                    stale.append(group)
        return stale

    def _story_states(self, positions: set[int]) -> dict[int, tuple]:
        """Each position's story (as a tuple of members) and leader; one tuple per story."""
        members = {
            key: tuple(self.stories.get(key, ())) for key in {self.story_of[p] for p in positions}
        }
        return {p: (members[self.story_of[p]], self.leader.get(p)) for p in positions}

    def _split(self, component: set[int]) -> list[frozenset[int]]:
        """COMPONENT as groups of at most GROUP_LIMIT articles (copies of one article count once)
        to cluster one by one: on a large site, the strong links can chain thousands of
        articles, and clustering them all again after every edit would be slow. Groups join by
        their strongest links first (ties by tie key), so they are a pure function of the links.

        A component split before, or one that shares members with one split before (an article
        joined or left it), is split again from what changed: the members whose closest links or
        copies changed since (by their stamps), and those that joined or left, are read again;
        the groups stand when the members, the order of the links and the copies are the same."""
        if len(component) <= GROUP_LIMIT:
            return [frozenset(component)]
        key = frozenset(component)
        known = self.splits.pop(key, None)
        if known is not None:  # the same members: those whose lists changed are read again
            position = known.position
            moved = [t for t, p in position.items() if self.stamp[p] > known.clock]
        else:
            known = self._overlapping_split(key) or _Split(-1, {}, {}, {}, [], [])
            position = {self.nodes[p].tie: p for p in component}
            moved = [t for t, p in position.items() if known.position.get(t) != p]
            moved += [t for t, p in known.position.items() if position.get(t) != p]  # left
            moved += [t for t, p in position.items() if self.stamp[p] > known.clock]
        if moved or position is not known.position:
            known = self._split_again(known, position, set(moved))
        self.splits[key] = known
        while len(self.splits) > SPLITS_KEPT:  # components that are no more: oldest first
            del self.splits[next(iter(self.splits))]
        return known.groups

    def _overlapping_split(self, component: frozenset[int]) -> _Split | None:
        """The split made before of the component that shares most members with COMPONENT, taken
        out of those kept (its component is no more)."""
        sharing = [k for k in self.splits if not k.isdisjoint(component)]
        if not sharing:
            return None
        return self.splits.pop(max(sharing, key=lambda k: len(k & component)))

    def _split_again(self, known: _Split, position: dict[int, int], moved: set[int]) -> _Split:
        s = self.settings
        closest, copies = dict(known.closest), dict(known.copies)
        for t in moved:
            p = position.get(t)
            if p is None:  # it left the component
                closest.pop(t, None)
                copies.pop(t, None)
                continue
            cols, weights = self.best[p]
            candidates, found_weights, near = story_candidates(
                cols, weights, s.story_threshold, s.story_neighbours
            )
            w, nearby = found_weights.tolist(), int(np.count_nonzero(near))  # (near: a prefix)
            closest[t] = {
                self.nodes[q].tie: (w[rank], rank, rank < nearby, self._named(p, q, w[rank]))
                for rank, q in enumerate(candidates.tolist())
            }
            copies[t] = tuple(self.nodes[q].tie for q in self.duplicates[p].tolist())
        links = mutual_links(closest, moved, known.links, s.story_neighbours)
        groups = known.groups
        same_members = position.keys() == known.position.keys()
        if links != known.links or copies != known.copies or not same_members or not groups:
            found = limited_groups(position, copies, links, GROUP_LIMIT)
            groups = [frozenset(map(position.__getitem__, group)) for group in found]
        return _Split(self.clock, position, closest, copies, links, groups)

    def _inputs(self, group: frozenset[int], members: Iterable[int] = ()) -> dict[int, tuple]:
        """All that _cluster reads of GROUP, by member (of MEMBERS, or all): its time and slug, and
        its links and copies within the group."""
        if len(group) == 1:  # none of its links and copies are within it
            return {p: (self.nodes[p].timestamp, self.nodes[p].slug, (), ()) for p in group}
        return {
            p: (
                self.nodes[p].timestamp,
                self.nodes[p].slug,
                tuple((q, w) for q, w in self._links(p) if q in group),
                tuple(q for q in self.duplicates[p].tolist() if q in group),
            )
            for p in members or group
        }

    def _cluster(self, component: Set[int]) -> None:
        if len(component) == 1:  # alone: its own story (a first build has thousands)
            (p,) = component
            self.stories[p], self.story_of[p] = [p], p
            self.leader.pop(p, None)
            return
        # Slug-ordered local ids: the result never depends on the order articles arrived in.
        ordered = sorted(component, key=lambda q: self.nodes[q].slug)
        local = {p: i for i, p in enumerate(ordered)}
        order_key = [(self.nodes[p].timestamp, self.nodes[p].slug) for p in ordered]
        dups = [
            np.array([local[q] for q in self.duplicates[p].tolist() if q in local], np.int64)
            for p in ordered
        ]
        leader = duplicate_groups(range(len(ordered)), dups, order_key)
        followers: dict[int, list[int]] = defaultdict(list)
        for i in range(len(ordered)):
            followers[leader[i]].append(i)
        edges: dict[tuple[int, int], float] = {}
        for p in ordered:
            a = leader[local[p]]
            for q, w in self._links(p):
                b = leader.get(local.get(q, -1), a)
                if b != a:
                    pair = (min(a, b), max(a, b))
                    edges[pair] = max(edges.get(pair, 0.0), w)
        sizes = {lead: len(members) for lead, members in followers.items()}
        for cluster in average_linkage(sizes, edges, self.settings.story_threshold):
            members = sorted(
                (ordered[i] for lead in cluster for i in followers[lead]),
                key=lambda q: order_key[local[q]],
            )
            self.stories[members[0]] = members
            for q in members:
                self.story_of[q] = members[0]
        for i, p in enumerate(ordered):
            if leader[i] != i:
                self.leader[p] = ordered[leader[i]]
            else:
                self.leader.pop(p, None)
