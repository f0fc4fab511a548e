"""What templates see: articles, editions, stories and groups as ready-to-show values."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import TypeVar

from briefings import urls
from briefings.markup.markdown import RenderedText, markdown_to_html
from briefings.model import Article, Edition
from briefings.relate import Relations, Scored, Story
from briefings.urls import make_slug

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """An article as pages show it: the model, its rendered text, its address and its story."""

    article: Article
    text: RenderedText
    path: str
    story_path: str = ""  # '' unless its story has other articles
    duplicate_of: str = ""  # the path of the article this one copies, if it is a copy
    carried_by: tuple[tuple[str, str], ...] = ()  # its copies: (outlet, path), newest first


@dataclass(frozen=True)
class Link:
    """An article listed on another's page: why it is listed (what the two share most), and
    whether it came later (a follow-up to what the reader has read)."""

    entry: Entry
    why: tuple[str, ...] = ()
    later: bool = False


def links(entry: Entry, listed: Iterable[Scored], entries: Mapping[str, Entry]) -> tuple[Link, ...]:
    """ENTRY's list LISTED as links, in its order."""
    when = entry.article.date.date()  # a later day: hours apart say nothing of follow-ups
    return tuple(
        Link(entries[s.slug], s.why, entries[s.slug].article.date.date() > when) for s in listed
    )


@dataclass(frozen=True)
class EditionItem:
    """One story in an edition: the article the editor chose, and who else covered it."""

    entry: Entry
    also: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class SectionView:
    title: str
    note_html: str
    items: tuple[EditionItem, ...]


@dataclass(frozen=True)
class EditionView:
    edition: Edition
    intro_html: str
    sections: tuple[SectionView, ...]
    path: str

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every article the edition shows or names under 'also covered by'."""
        seen: dict[str, Entry] = {}
        for section in self.sections:
            for item in section.items:
                for entry in (item.entry, *item.also):
                    seen.setdefault(entry.article.slug, entry)
        return tuple(seen.values())


@dataclass(frozen=True)
class StoryView:
    story: Story
    path: str
    entries: tuple[Entry, ...]  # in time order

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.article.source for e in self.entries))

    @property
    def shown(self) -> tuple[Entry, ...]:
        """What its page lists: each original once, its copies named under it."""
        return originals(self.entries)


@dataclass(frozen=True)
class Group:
    """A named list of entries: a topic, a source, or a month of the archive."""

    name: str
    path: str
    entries: tuple[Entry, ...]
    key: str = ""  # the slug or month ('2025-04') that names it in URLs and anchors


@dataclass(frozen=True)
class Summary:
    """A line of an index page (topics, sources, stories, months): what it links to and how
    many articles it holds, not the articles themselves, so editing an article's text leaves
    the index alone."""

    name: str
    path: str
    count: int
    sources: tuple[str, ...] = ()  # outlets, for a story

    @classmethod
    def of(cls, group: Group) -> Summary:
        return cls(group.name, group.path, len(group.entries))


@dataclass(frozen=True)
class EditionLine:
    """An edition in the list of editions: the edition and its size (the items the editor
    listed, as its page shows them), not its articles."""

    edition: Edition
    path: str
    count: int

    @classmethod
    def of(cls, view: EditionView) -> EditionLine:
        return cls(view.edition, view.path, sum(len(s.items) for s in view.sections))


@dataclass(frozen=True)
class Pager:
    """Where a page of a listing stands: page NUMBER of COUNT, with the paths of its neighbours."""

    number: int
    count: int
    previous: str = ""
    next: str = ""


def paginate_lines(first: str, lines: Sequence[T], size: int) -> list[tuple[str, list[T], Pager]]:
    """LINES (entries, or an index's stories and editions) as pages of SIZE, the first at FIRST:
    (path, the page's lines, its pager). No lines make one empty page."""
    count = max(1, -(-len(lines) // size))
    paths = [urls.page(first, n) for n in range(1, count + 1)]
    return [
        (
            paths[n],
            list(lines[n * size : (n + 1) * size]),
            Pager(n + 1, count, paths[n - 1] if n else "", paths[n + 1] if n + 1 < count else ""),
        )
        for n in range(count)
    ]


def paginate(group: Group, size: int) -> list[tuple[Group, Pager]]:
    """GROUP as pages of SIZE entries: each a Group holding its own entries only, so a page
    changes only when the entries it shows do."""
    return [
        (Group(group.name, path, tuple(shown), group.key), pager)
        for path, shown, pager in paginate_lines(group.path, group.entries, size)
    ]


def make_entries(
    articles: Iterable[Article],
    texts: Mapping[str, RenderedText],
    relations: Relations,
    cache: dict[str, Entry] | None = None,
) -> dict[str, Entry]:
    """An Entry per article. With CACHE (updated here), an article whose object, text, story
    and copies are the same as last time keeps the same Entry object: rebuilds recognise it by
    identity."""
    articles = list(articles)
    copies: dict[str, list[tuple[str, str]]] = defaultdict(list)  # newest first, as ARTICLES
    if relations.duplicate_of:
        for a in articles:
            if original := relations.duplicate_of.get(a.slug):
                copies[original].append((a.source, urls.article(a.slug)))
    entries = {}
    for a in articles:
        text = texts[a.slug]
        story = relations.story_of.get(a.slug)
        story_path = urls.story(story.slug) if story and story.is_multi else ""
        original = relations.duplicate_of.get(a.slug, "")
        copy_of = urls.article(original) if original else ""
        carried = tuple(copies.get(a.slug, ()))
        known = cache.get(a.slug) if cache is not None else None
        if (
            known is not None
            and known.article is a
            and known.text is text
            and known.story_path == story_path
            and known.duplicate_of == copy_of
            and known.carried_by == carried
        ):
            entries[a.slug] = known  # checked before making a new one: this runs per article
        else:
            entries[a.slug] = Entry(a, text, urls.article(a.slug), story_path, copy_of, carried)
    if cache is not None:
        cache.clear()
        cache.update(entries)
    return entries


def originals(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """ENTRIES without the copies of any of them: a list shows an original once, its copies
    named under it ('also carried by')."""
    entries = tuple(entries)
    if not any(e.duplicate_of for e in entries):
        return entries
    shown = {e.path for e in entries}
    return tuple(e for e in entries if e.duplicate_of not in shown)


def story_views(relations: Relations, entries: Mapping[str, Entry]) -> list[StoryView]:
    return [
        StoryView(story, urls.story(story.slug), tuple(entries[s] for s in story.articles))
        for story in relations.stories
        if story.is_multi
    ]


def edition_view(
    edition: Edition, entries: Mapping[str, Entry], relations: Relations
) -> EditionView:
    """The edition as the editor wrote it: every item listed is shown, in its place. Under an
    item, unless the edition or its section says `fold: false`, the other articles of its story
    that the edition does not list ('also covered by'), each under the first item of its story.

    An edition derived from the articles' dates (a project with no edition files: one a day)
    lists what nobody chose: there a story is one item, its first article that day with the
    day's others under it, and its articles of other days are left to the story's page (a
    report months later is no other coverage of the day's news)."""
    listed = set(edition.slugs)
    derived = not edition.path
    folded: set[str] = set()
    sections = []
    for section in edition.sections:
        fold = edition.fold if section.fold is None else section.fold
        items = []
        for slug in section.items:
            if slug in folded:
                continue  # (derived: shown under its story's first item that day)
            story = relations.story_of.get(slug)
            also: tuple[Entry, ...] = ()
            if fold and story is not None and story.is_multi:
                also = tuple(
                    entries[s]
                    for s in story.articles
                    if s != slug and s not in folded and (s in listed) == derived
                )
                folded.update(e.article.slug for e in also)
            items.append(EditionItem(entries[slug], also))
        sections.append(SectionView(section.title, markdown_to_html(section.note), tuple(items)))
    return EditionView(
        edition, markdown_to_html(edition.intro), tuple(sections), urls.edition(edition.slug)
    )


def groups(
    entries: Iterable[Entry],
    keys: Callable[[Article], Iterable[str]],
    path_of: Callable[[str], str],
) -> list[Group]:
    """Group entries by each of KEYS(article); spellings that slug alike share one group."""
    members: dict[str, list[Entry]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        for key in dict.fromkeys(keys(entry.article)):
            slug = make_slug(key)
            if slug and entry not in members[slug][-1:]:
                members[slug].append(entry)
                spellings[slug][key] += 1
    found = []
    for slug, items in members.items():
        name = max(spellings[slug].items(), key=lambda kv: (kv[1], kv[0]))[0]
        found.append(Group(name, path_of(name), originals(items), slug))
    return sorted(found, key=lambda g: (g.name.casefold(), g.key))


def topic_aliases(allowed: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """briefings.toml's [topics] as slug of a name or an alias -> the topic's name."""
    return {make_slug(a): topic for topic, more in allowed.items() for a in (topic, *more)}


def chosen_topics(article: Article, aliases: Mapping[str, str]) -> list[str]:
    """The topics the editor chose for ARTICLE: its tags (an alias as its topic's name), and
    the [topics] its keywords name. A page's own tags are never topics by themselves: sites
    fill them with junk."""
    listed = [aliases.get(make_slug(t), t) for t in article.tags]
    listed += [aliases[k] for k in map(make_slug, article.keywords) if k in aliases]
    return list(dict.fromkeys(listed))


def topic_keys(
    relations: Relations,
    min_articles: int,
    aliases: Mapping[str, str],
    outlets: Set[str] = frozenset(),
) -> Callable[[Article], list[str]]:
    """An article's topic pages: its chosen topics, and the names found in it that at least
    MIN_ARTICLES share (none when 0), but for the site's OUTLETS (as slugs): a wire credited
    in many datelines ("(Reuters) -") has its source page, and is no subject."""
    counts = Counter(
        make_slug(name) for names in relations.entities.values() for name in set(names)
    )
    for outlet in outlets:
        counts.pop(outlet, None)

    def keys(article: Article) -> list[str]:
        listed = chosen_topics(article, aliases)
        if min_articles:
            listed += [
                n
                for n in relations.entities.get(article.slug, ())
                if counts[make_slug(n)] >= min_articles and n not in listed
            ]
        return listed

    return keys


def months(entries: Iterable[Entry]) -> list[Group]:
    by_month: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_month[entry.article.date.strftime("%Y-%m")].append(entry)
    return [
        Group(items[0].article.date.strftime("%B %Y"), urls.month(key), originals(items), key)
        for key, items in sorted(by_month.items(), reverse=True)
    ]
