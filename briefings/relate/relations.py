"""A frozen snapshot of the index for pages and commands: stories, lists, duplicates, entities."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefings.relate.model import Scored
from briefings.runtime.parallel import forked_map

if TYPE_CHECKING:  # (read through its methods: relations never import numpy, see __init__)
    from briefings.relate.engine import RelateIndex

LISTS_PARALLEL_FROM = 2_000  # lists to read, below which starting workers costs more than it saves
LISTS_CHUNK = 500


@dataclass(frozen=True)
class Story:
    key: str  # the slug of its first article: stable while that article leads
    slug: str  # for its URL, from its title
    title: str
    articles: tuple[str, ...]  # in time order
    central: str = ""  # the article most like the others: the story takes its title
    why: tuple[str, ...] = ()  # the names and terms its articles share most

    @property
    def is_multi(self) -> bool:
        return len(self.articles) > 1


@dataclass(frozen=True)
class Relations:
    stories: tuple[Story, ...] = ()
    story_of: Mapping[str, Story] = field(default_factory=dict)
    same_story: Mapping[str, tuple[Scored, ...]] = field(default_factory=dict)
    related: Mapping[str, tuple[Scored, ...]] = field(default_factory=dict)
    duplicate_of: Mapping[str, str] = field(default_factory=dict)
    entities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what the editor should know (a `story:` naming nothing)
    # The index's story list these were made from (RelateIndex.story_members()): the same list
    # (or, read back from the build cache, an equal one) tells the next snapshot that no story
    # gained, lost or reordered an article.
    members: object = field(default=None, compare=False, repr=False)


def snapshot(
    index: RelateIndex,
    title_of: Mapping[str, str],
    previous: Relations | None = None,
    changed: Set[str] = frozenset(),
    unnamed: Set[str] = frozenset(),
) -> Relations:
    """Relations of every article in INDEX.

    With PREVIOUS, the snapshot taken before the last update, only the lists of CHANGED slugs
    (what RelateIndex.update returned) are read again: the others are as they were. UNNAMED:
    the articles whose titles were guessed (story_title)."""
    members = index.story_members()
    if (
        previous is not None
        and (previous.members is members or previous.members == members)  # (a cache read back)
        and _same_stories(index, title_of, previous, changed, unnamed)
    ):
        stories, story_of = previous.stories, previous.story_of
    else:
        stories = tuple(_stories(index, members, title_of, previous, changed, unnamed))
        story_of = {m: story for story in stories for m in story.articles}
    same_articles = previous is not None and (
        story_of is previous.story_of or previous.same_story.keys() == story_of.keys()
    )
    if previous is None:
        previous, changed = Relations(), frozenset(index.position)
    if same_articles:  # only the changed are read again; the order stands (sorted by slug)
        slugs = [s for s in sorted(changed) if s in previous.same_story]
        same, related, entities = _lists_of(index, slugs)
        copies = {s: index.duplicate_of(s) for s in changed}
        duplicate_of = previous.duplicate_of
        if any(duplicate_of.get(s) != d for s, d in copies.items()):
            merged = {**duplicate_of, **copies}
            duplicate_of = {s: d for s in sorted(merged) if (d := merged[s])}
        return Relations(
            stories=tuple(stories),
            members=members,
            story_of=story_of,
            same_story={**previous.same_story, **same},
            related={**previous.related, **related},
            duplicate_of=duplicate_of,
            entities={**previous.entities, **entities},
        )
    every = sorted(index.position)
    same, related, entities = _lists_of(
        index, [s for s in every if s in changed or s not in previous.same_story]
    )

    def kept(read: dict[str, tuple], was: Mapping[str, tuple]) -> dict[str, tuple]:
        return {s: read[s] if s in read else was[s] for s in every}

    return Relations(
        stories=tuple(stories),
        members=members,
        story_of=story_of,
        same_story=kept(same, previous.same_story),
        related=kept(related, previous.related),
        duplicate_of={s: d for s in every if (d := index.duplicate_of(s))},
        entities=kept(entities, previous.entities),
    )


def _lists_of(
    index: RelateIndex, slugs: list[str]
) -> tuple[dict[str, tuple[Scored, ...]], dict[str, tuple[Scored, ...]], dict[str, tuple]]:
    """The same-story lists, related lists and entities of SLUGS. (An edit's few lists are
    read here, one by one: packing them for workers would only add to their cost.)"""
    if len(slugs) >= LISTS_PARALLEL_FROM:
        same, related = _read_lists(index, slugs)
    else:
        same = {s: index.same_story(s) for s in slugs}
        related = {s: index.related(s) for s in slugs}
    return same, related, {s: index.entities(s) for s in slugs}


def _same_stories(
    index: RelateIndex,
    title_of: Mapping[str, str],
    previous: Relations,
    changed: Set[str],
    unnamed: Set[str],
) -> bool:
    """Whether PREVIOUS's stories still stand, given that the index's story list is the one they
    were made from: those of the CHANGED articles keep their central article, its title, and
    what they share."""
    checked: set[int] = set()  # a story once, however many of its articles changed
    for slug in changed:
        story = previous.story_of.get(slug)
        if story is None:
            return False
        if id(story) in checked:
            continue
        checked.add(id(story))
        central = central_member(index, story.articles)
        title = story_title(story.articles, central, title_of, unnamed)
        if central != story.central or title != story.title:
            return False
        if story.is_multi and index.why(story.articles) != story.why:
            return False
    return True


def _stories(
    index: RelateIndex,
    members: list[tuple[str, ...]],
    title_of: Mapping[str, str],
    previous: Relations | None,
    changed: Set[str],
    unnamed: Set[str],
) -> list[Story]:
    stories: list[Story] = []
    taken: set[str] = set()
    # A story none of whose articles changed keeps its central article and, when its slug is
    # the same, its Story: building them all again would take time in proportion to the site.
    kept = {} if previous is None else {s.articles: s for s in previous.stories}
    for articles in members:
        old = kept.get(articles)
        fresh = old is None or not changed.isdisjoint(articles)
        central = old.central if old is not None and not fresh else central_member(index, articles)
        title = story_title(articles, central, title_of, unnamed)
        slug = story_slug(articles, taken)
        if old is None or fresh or (old.slug, old.title) != (slug, title):
            reasons = index.why(articles) if len(articles) > 1 else ()
            old = Story(articles[0], slug, title, articles, central, reasons)
        stories.append(old)
    return stories


def central_member(index: RelateIndex, members: Sequence[str], pinned: bool = False) -> str:
    """The member most like the others: its title names the story best. Ties: the earliest.
    PINNED: MEMBERS are a story the editor made (see overrides), not the index's."""
    if len(members) <= 2:
        return members[0]
    story = members if pinned else None
    weight = {m: index.centrality(m, story) for m in members}
    return max(members, key=lambda m: (weight[m], -members.index(m)))


def story_title(
    articles: Sequence[str], central: str, title_of: Mapping[str, str], unnamed: Set[str]
) -> str:
    """The title of the story of ARTICLES: its CENTRAL article's, unless that title was guessed
    (UNNAMED: a text dump's first sentence), then the first member's whose title was not."""
    if central in unnamed:
        central = next((a for a in articles if a not in unnamed), central)
    return title_of[central]


def story_slug(articles: Sequence[str], taken: set[str]) -> str:
    """A slug for the story of ARTICLES (in time order), not among TAKEN (then taken too): its
    first article's. Not its title's: the title is its central article's, which changes as
    articles come and go, and the story's address (shared, linked, named in a `story:` pin)
    should not; the first article changes only when an earlier one joins. (-2, -3 should a
    slug be taken.)"""
    base = articles[0]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


# A list as it crosses from a worker: (position, score, reasons by number in the chunk's words).
_Packed = tuple[tuple[int, float, tuple[int, ...]], ...]


def _read_lists(
    index: RelateIndex, slugs: list[str]
) -> tuple[dict[str, tuple[Scored, ...]], dict[str, tuple[Scored, ...]]]:
    """Each of SLUGS' same-story and related lists, read in forked workers: saying why is the
    cost of a snapshot (a large site's lists hold a million links). Links cross back as
    positions and reasons as numbers, and are made Scored here with this process's slugs and
    one string per reason: as the index gives them, not a copy of each string per chunk."""

    def work(indexes: range) -> list[tuple[list[tuple[_Packed, _Packed]], list[str]]]:
        words: dict[str, int] = {}

        def packed(scored: tuple[Scored, ...]) -> _Packed:
            return tuple(
                (
                    index.position[s.slug],
                    s.score,
                    tuple(words.setdefault(w, len(words)) for w in s.why),
                )
                for s in scored
            )

        rows = [
            (packed(index.same_story(s)), packed(index.related(s)))
            for s in slugs[indexes.start : indexes.stop]
        ]
        return [(rows, list(words))]

    same: dict[str, tuple[Scored, ...]] = {}
    related: dict[str, tuple[Scored, ...]] = {}
    nodes = index.nodes
    start = 0
    for rows, words in forked_map(work, len(slugs), LISTS_CHUNK, LISTS_PARALLEL_FROM):
        said = [sys.intern(w) for w in words]

        def scored(packed: _Packed, said: list[str] = said) -> tuple[Scored, ...]:
            return tuple(
                Scored(nodes[q].slug, score, tuple(map(said.__getitem__, why)))  # type: ignore[union-attr]
                for q, score, why in packed
            )

        for slug, (one, other) in zip(slugs[start : start + len(rows)], rows, strict=True):
            same[slug], related[slug] = scored(one), scored(other)
        start += len(rows)
    return same, related
