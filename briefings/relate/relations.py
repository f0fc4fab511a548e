"""A frozen snapshot of the index for pages and commands: stories, lists, duplicates, entities."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from briefings.relate.engine import RelateIndex
from briefings.relate.model import Scored


@dataclass(frozen=True)
class Story:
    key: str  # the slug of its first article: stable while that article leads
    slug: str  # for its URL, from its title
    title: str
    articles: tuple[str, ...]  # in time order

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
    index: RelateIndex, title_of: Mapping[str, str], make_slug: Callable[[str], str]
) -> Relations:
    """Relations of every article in INDEX; story slugs made unique in story order."""
    stories, story_of, taken = [], {}, set()
    for members in index.story_members():
        title = title_of[_central(index, members)]
        base = make_slug(title) or make_slug(members[0]) or "story"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        story = Story(members[0], slug, title, tuple(members))
        stories.append(story)
        for member in members:
            story_of[member] = story
    slugs = sorted(index.position)
    return Relations(
        stories=tuple(stories),
        story_of=story_of,
        same_story={s: index.same_story(s) for s in slugs},
        related={s: index.related(s) for s in slugs},
        duplicate_of={s: d for s in slugs if (d := index.duplicate_of(s))},
        entities={s: index.entities(s) for s in slugs},
    )


def _central(index: RelateIndex, members: list[str]) -> str:
    """The member most like the others: its title names the story best. Ties: the earliest."""
    if len(members) <= 2:
        return members[0]
    weight = {m: index.centrality(m) for m in members}
    return max(members, key=lambda m: (weight[m], -members.index(m)))
