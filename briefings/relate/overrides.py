"""The editor's word on stories, over the engine's: an article kept out of any story
(`story: false`), or put in the story of a named article or story (`story: SLUG`).

Applied to a snapshot, never to the index: the index stays a pure function of the texts, and
the next snapshot is taken from the engine's relations, not from these.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import replace
from typing import TYPE_CHECKING

from briefings.relate.relations import Relations, Story, central_member, story_slug, story_title

if TYPE_CHECKING:
    from briefings.relate.engine import RelateIndex

Pins = Mapping[str, bool | str]  # slug -> False (alone) or the slug of an article or a story


def apply_pins(
    index: RelateIndex,
    relations: Relations,
    pins: Pins,
    title_of: Mapping[str, str],
    unnamed: Set[str] = frozenset(),
) -> tuple[Relations, set[str]]:
    """RELATIONS with PINS applied, and the slugs whose story or lists they changed. A pin that
    names neither an article nor a story is left out, with a note in the relations. UNNAMED:
    the articles whose titles were guessed (relations.story_title)."""
    pins = {s: p for s, p in pins.items() if p is not True and s in relations.story_of}
    if not pins:
        return relations, set()
    by_slug = {s.slug: s.key for s in relations.stories}
    group = {slug: story.key for slug, story in relations.story_of.items()}
    members: dict[str, list[str]] = {s.key: list(s.articles) for s in relations.stories}
    notes: list[str] = []
    for slug, pin in sorted(pins.items(), key=lambda sp: (sp[1] is not False, sp[0])):
        if pin is False:
            target = "\0" + slug  # a group of its own (no story key starts so)
        elif isinstance(pin, str) and pin in group:
            target = group[pin]
        elif isinstance(pin, str) and pin in by_slug:
            target = by_slug[pin]
        else:
            notes.append(
                f"{slug}: 'story: {pin}' names no published article or story; "
                "it stays in the story relating found"
            )
            continue
        if target != group[slug]:
            members[group[slug]].remove(slug)
            members.setdefault(target, []).append(slug)
            group[slug] = target
    touched = {key for key, old in members.items() if old != _articles(relations, key)}
    if not touched:
        return replace(relations, notes=tuple(notes)), set()
    return _regrouped(index, relations, members, touched, (title_of, unnamed), notes)


def _articles(relations: Relations, key: str) -> list[str]:
    story = relations.story_of.get(key)
    return list(story.articles) if story is not None and story.key == key else []


def _regrouped(
    index: RelateIndex,
    relations: Relations,
    members: dict[str, list[str]],
    touched: set[str],
    titles: tuple[Mapping[str, str], Set[str]],
    notes: list[str],
) -> tuple[Relations, set[str]]:
    kept = [s for s in relations.stories if s.key not in touched]
    taken = {s.slug for s in kept}
    made = []
    for key in sorted(touched):
        articles = tuple(sorted(members[key], key=lambda s: (index.timestamp(s), s)))
        if not articles:
            continue
        central = central_member(index, articles, pinned=True)
        slug = story_slug(articles, taken)
        reasons = index.why(articles) if len(articles) > 1 else ()
        title = story_title(articles, central, *titles)
        made.append(Story(articles[0], slug, title, articles, central, reasons))
    stories = sorted([*kept, *made], key=lambda s: (index.timestamp(s.articles[0]), s.articles[0]))
    story_of = {m: s for s in stories for m in s.articles}
    moved = {m for s in made for m in s.articles}
    return (
        replace(
            relations,
            stories=tuple(stories),
            story_of=story_of,
            same_story={
                **relations.same_story,
                **{m: index.same_story(m, story_of[m].articles) for m in moved},
            },
            related={
                **relations.related,
                **{m: index.related(m, story_of[m].articles) for m in moved},
            },
            notes=tuple(notes),
        ),
        moved,
    )
