"""A frozen snapshot of the index for pages and commands: stories, lists, duplicates, entities."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field

from briefings.relate.engine import RelateIndex
from briefings.relate.model import Scored


@dataclass(frozen=True)
class Story:
    key: str  # the slug of its first article: stable while that article leads
    slug: str  # for its URL, from its title
    title: str
    articles: tuple[str, ...]  # in time order
    central: str = ""  # the article most like the others: the story takes its title

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


def snapshot(
    index: RelateIndex,
    title_of: Mapping[str, str],
    make_slug: Callable[[str], str],
    previous: Relations | None = None,
    changed: Set[str] = frozenset(),
) -> Relations:
    """Relations of every article in INDEX; story slugs made unique in story order.

    With PREVIOUS, the snapshot taken before the last update, only the lists of CHANGED slugs
    (what RelateIndex.update returned) are read again: the others are as they were."""
    stories, taken = [], set()
    # A story none of whose articles changed keeps its central article and, when its slug is
    # the same, its Story: building them all again would take time in proportion to the site.
    kept = {} if previous is None else {s.articles: s for s in previous.stories}
    for members in index.story_members():
        old = kept.get(members)
        fresh = old is None or not changed.isdisjoint(members)
        central = _central(index, members) if fresh else old.central
        title = title_of[central]
        base = make_slug(title) or make_slug(members[0]) or "story"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        if fresh or (old.slug, old.title) != (slug, title):
            old = Story(members[0], slug, title, members, central)
        stories.append(old)
    story_of = {m: story for story in stories for m in story.articles}
    if previous is not None and previous.same_story.keys() == story_of.keys():
        slugs = list(previous.same_story)  # the same articles: in the same (sorted) order
    else:
        slugs = sorted(index.position)
    if previous is None:
        previous, changed = Relations(), frozenset(slugs)

    def lists(old: Mapping[str, tuple], read: Callable[[str], tuple]) -> dict[str, tuple]:
        if old.keys() == story_of.keys():  # the same articles: only the changed are read
            return {**old, **{s: read(s) for s in changed if s in old}}
        return {s: read(s) if s in changed or s not in old else old[s] for s in slugs}

    duplicate_of = {s: d for s, d in previous.duplicate_of.items() if s not in changed}
    duplicate_of.update(
        (s, d) for s in changed if s in index.position and (d := index.duplicate_of(s))
    )
    return Relations(
        stories=tuple(stories),
        story_of=story_of,
        same_story=lists(previous.same_story, index.same_story),
        related=lists(previous.related, index.related),
        duplicate_of={s: duplicate_of[s] for s in slugs if s in duplicate_of},
        entities=lists(previous.entities, index.entities),
    )


def _central(index: RelateIndex, members: list[str]) -> str:
    """The member most like the others: its title names the story best. Ties: the earliest."""
    if len(members) <= 2:
        return members[0]
    weight = {m: index.centrality(m) for m in members}
    return max(members, key=lambda m: (weight[m], -members.index(m)))
