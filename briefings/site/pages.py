"""Decides which pages exist: each page is a value (path, template, context)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from briefings import urls
from briefings.config import Config
from briefings.markup.markdown import RenderedText
from briefings.model import Content
from briefings.relate import Relations
from briefings.urls import make_slug
from briefings.site.views import (
    EditionLine,
    EditionView,
    Entry,
    Group,
    Pager,
    StoryView,
    Summary,
    chosen_topics,
    edition_view,
    groups,
    links,
    make_entries,
    months,
    paginate,
    paginate_lines,
    story_views,
    topic_aliases,
    topic_keys,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # an empty feed's 'updated': stable, unlike now()


@dataclass(frozen=True)
class PageSpec:
    path: str  # site-relative URL path: 'articles/x/' or 'feed.xml'
    template: str
    context: Mapping[str, Any] = field(compare=False)
    in_sitemap: bool = True
    lastmod: datetime | None = None

    @cached_property  # asked for every page on every rebuild
    def output(self) -> str:
        return urls.output_file(self.path)


def plan_site(
    config: Config,
    content: Content,
    texts: Mapping[str, RenderedText],
    relations: Relations | None = None,
    entries: dict[str, Entry] | None = None,
) -> list[PageSpec]:
    """Every page of the site, in a stable order. ENTRIES, when the caller made them already
    (see views.make_entries), are used as they are."""
    relations = relations or Relations()
    settings = config.settings
    if entries is None:
        entries = make_entries(content.articles, texts, relations)
    editions = [edition_view(e, entries, relations) for e in content.editions]
    stories = story_views(relations, entries)
    story_of = {e.article.slug: view for view in stories for e in view.entries}
    in_editions = _editions_by_article(editions)
    limit = settings.feeds.entries

    pages = [
        _home(config, editions, entries),
    ]
    index_size = settings.index_page_size
    pages += _index_pages(
        urls.EDITIONS, "editions.html", "editions", list(map(EditionLine.of, editions)), index_size
    )
    pages += [_edition_page(view) for view in editions]
    pages.append(_editions_feed(editions[:limit]))
    aliases = topic_aliases(settings.topics)
    keys = topic_keys(
        relations,
        settings.related.entity_min_articles if settings.related.entity_topics else 0,
        aliases,
        set(map(make_slug, {e.article.source for e in entries.values()})),
    )
    for slug, e in entries.items():
        topics = tuple(chosen_topics(e.article, aliases))
        names = tuple(n for n in keys(e.article) if n not in topics)
        pages.append(
            article_page(
                e, in_editions.get(slug, ()), story_of.get(slug), relations, entries, topics, names
            )
        )
    story_lines = [Summary(v.story.title, v.path, len(v.shown), v.sources) for v in stories]
    pages += _index_pages(urls.STORIES, "stories.html", "stories", story_lines[::-1], index_size)
    pages += [_story_page(view) for view in stories]
    size = settings.page_size
    for index, template, name, found in (
        (urls.TOPICS, "topic.html", "topic", groups(entries.values(), keys, urls.topic)),
        (
            urls.SOURCES,
            "source.html",
            "source",
            groups(entries.values(), lambda a: (a.source,), urls.source),
        ),
    ):
        pages.append(
            _listing(index, index.strip("/") + ".html", groups=list(map(Summary.of, found)))
        )
        for group in found:
            feeds = urls.feeds_of(group.path)
            pages += [
                _group_page(p, pager, template, name, feeds) for p, pager in paginate(group, size)
            ]
            pages += _feeds(group.path, group.name, group.entries, limit)
    archive = months(entries.values())
    shelves = list(map(Summary.of, archive))
    pages.append(PageSpec(urls.ARCHIVE, "archive.html", {"months": shelves}))
    # A reader who trims an article's address (articles/x/ -> articles/) finds the same list of
    # months, not a 404; search engines are told the archive is the page.
    pages.append(
        PageSpec(
            urls.ARTICLES_INDEX,
            "archive.html",
            {"months": shelves, "canonical": urls.ARCHIVE},
            in_sitemap=False,
        )
    )
    for month in archive:
        pages += [
            _group_page(p, pager, "month.html", "month") for p, pager in paginate(month, size)
        ]
    pages.append(PageSpec(urls.NOT_FOUND, "404.html", {}, in_sitemap=False))
    if settings.search:
        pages.append(PageSpec(urls.SEARCH, "search.html", {}, in_sitemap=False))
    pages += _feeds(urls.HOME, "", tuple(entries.values()), limit)
    pages.append(
        PageSpec(
            urls.SITEMAP,
            "sitemap.xml",
            {"pages": [p for p in pages if p.in_sitemap]},
            in_sitemap=False,
        )
    )
    pages.append(PageSpec(urls.ROBOTS, "robots.txt", {}, in_sitemap=False))
    return pages


def _editions_by_article(editions: list[EditionView]) -> dict[str, tuple[EditionLine, ...]]:
    """The editions each article is in, as lines (title, path, size), not their articles: an
    article page names its editions, and holding each edition's hundred entries made every
    article page hold, and be planned and checked again for, its edition-mates' edits."""
    found: dict[str, list[EditionLine]] = defaultdict(list)
    for view in editions:
        line = EditionLine.of(view)
        for entry in view.entries:
            found[entry.article.slug].append(line)
    return {slug: tuple(lines) for slug, lines in found.items()}


def _newest(entries: Iterable[Entry]) -> datetime | None:
    return max((e.article.date for e in entries), default=None)


def _home(config: Config, editions: list[EditionView], entries: Mapping[str, Entry]) -> PageSpec:
    latest = editions[0] if editions else None
    recent = editions[1 : config.settings.editions_on_home + 1]
    return PageSpec(
        urls.HOME,
        "home.html",
        {"edition": latest, "recent": recent},
        lastmod=_newest(latest.entries) if latest else None,
    )


def _listing(path: str, template: str, **context: Any) -> PageSpec:
    return PageSpec(path, template, context)


def _index_pages(first: str, template: str, name: str, lines: list, size: int) -> list[PageSpec]:
    """A chronological index (newest first) in pages of SIZE lines, each with its pager."""
    return [
        PageSpec(path, template, {name: shown, "pager": pager})
        for path, shown, pager in paginate_lines(first, lines, size)
    ]


def _editions_feed(editions: list[EditionView]) -> PageSpec:
    """An Atom feed of the editions, newest first: each with its introduction and items."""
    updated = max((v.edition.date for v in editions), default=EPOCH)
    context = {"editions": editions, "updated": updated}
    return PageSpec(urls.EDITIONS_FEED, "editions.xml", context, in_sitemap=False)


def _edition_page(view: EditionView) -> PageSpec:
    return PageSpec(
        view.path,
        "edition.html",
        {"edition": view},
        lastmod=_newest(view.entries) or view.edition.date,
    )


def article_page(
    entry: Entry,
    editions: tuple[EditionLine, ...],
    story: StoryView | None,
    relations: Relations,
    entries: Mapping[str, Entry],
    topics: tuple[str, ...],
    names: tuple[str, ...],
) -> PageSpec:
    slug = entry.article.slug
    listed = links(entry, relations.same_story.get(slug, ()), entries)
    # Copies of an article shown (this one included) are named under its title instead.
    shown = {entry.path, *(link.entry.path for link in listed)}
    same = tuple(link for link in listed if link.entry.duplicate_of not in shown)
    context = {
        "entry": entry,
        "editions": editions,
        "story": story,
        "same_story": tuple(sorted(same, key=lambda k: (k.entry.article.date, k.entry.article.slug))),
        "related": links(entry, relations.related.get(slug, ()), entries),
        "topics": topics,  # the editor's: tags and the [topics] its keywords name
        "names": names,  # names in the text that have topic pages
    }
    return PageSpec(entry.path, "article.html", context, lastmod=entry.article.date)


def _story_page(view: StoryView) -> PageSpec:
    return PageSpec(
        view.path,
        "story.html",
        {"story": view},
        lastmod=_newest(view.entries),
    )


def _group_page(
    group: Group, pager: Pager, template: str, name: str, feeds: tuple[str, str] | None = None
) -> PageSpec:
    context = {name: group, "pager": pager, "feeds": feeds}
    return PageSpec(group.path, template, context, lastmod=_newest(group.entries))


def _feeds(home: str, title: str, entries: tuple[Entry, ...], limit: int) -> list[PageSpec]:
    """Atom and JSON feeds of the newest LIMIT entries of a listing page; TITLE '' for the site's own."""
    shown = entries[:limit]
    context = {
        "entries": shown,
        "updated": _newest(shown) or EPOCH,
        "feed_title": title,
        "home": home,
    }
    return [
        PageSpec(path, template, context, in_sitemap=False)
        for path, template in zip(urls.feeds_of(home), ("atom.xml", "feed.json"), strict=True)
    ]
