"""Decides which pages exist: each page is a value (path, template, context, inputs)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from briefings import urls
from briefings.config import Config
from briefings.content import make_slug
from briefings.markup import RenderedText, markdown_to_html
from briefings.model import Article, Content, Edition

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # an empty feed's 'updated': stable, unlike now()


@dataclass(frozen=True)
class Entry:
    """An article as pages show it: the model plus its rendered text and its address."""

    article: Article
    text: RenderedText
    path: str


@dataclass(frozen=True)
class SectionView:
    title: str
    note_html: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class EditionView:
    edition: Edition
    intro_html: str
    sections: tuple[SectionView, ...]
    path: str

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for s in self.sections for e in s.entries)


@dataclass(frozen=True)
class Group:
    """A named list of entries: a topic, a source, or a month of the archive."""

    name: str
    path: str
    entries: tuple[Entry, ...]
    key: str = ""  # the slug or month ('2025-04') that names it in URLs and anchors


@dataclass(frozen=True)
class PageSpec:
    path: str  # site-relative URL path: 'articles/x/' or 'feed.xml'
    template: str
    context: Mapping[str, Any] = field(compare=False)
    inputs: tuple[str, ...] = ()  # project-relative files the page is made from
    in_sitemap: bool = True
    lastmod: datetime | None = None

    @property
    def output(self) -> str:
        return urls.output_file(self.path)


def plan_site(
    config: Config, content: Content, texts: Mapping[str, RenderedText]
) -> list[PageSpec]:
    """Every page of the site, in a stable order."""
    entries = {a.slug: Entry(a, texts[a.slug], urls.article(a.slug)) for a in content.articles}
    editions = [_edition_view(e, entries) for e in content.editions]
    in_editions = _editions_by_article(editions)
    pages: list[PageSpec] = []
    pages.append(_home(config, editions, entries))
    pages.append(_listing(urls.EDITIONS, "editions.html", editions=editions))
    pages += [_edition_page(view) for view in editions]
    pages += [_article_page(e, in_editions.get(e.article.slug, ())) for e in entries.values()]
    topics = _groups(entries.values(), lambda a: a.tags, urls.topic)
    sources = _groups(entries.values(), lambda a: (a.source,), urls.source)
    limit = config.settings.feeds.entries
    pages.append(_listing(urls.TOPICS, "topics.html", groups=topics))
    for group in topics:
        pages += [
            _group_page(group, "topic.html", "topic"),
            *_feeds(group.path, group.name, group.entries, limit),
        ]
    pages.append(_listing(urls.SOURCES, "sources.html", groups=sources))
    for group in sources:
        pages += [
            _group_page(group, "source.html", "source"),
            *_feeds(group.path, group.name, group.entries, limit),
        ]
    pages.append(_archive(entries.values()))
    pages.append(PageSpec(urls.NOT_FOUND, "404.html", {}, in_sitemap=False))
    if config.settings.search:
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


def _edition_view(edition: Edition, entries: Mapping[str, Entry]) -> EditionView:
    sections = tuple(
        SectionView(s.title, markdown_to_html(s.note), tuple(entries[slug] for slug in s.items))
        for s in edition.sections
    )
    return EditionView(
        edition, markdown_to_html(edition.intro), sections, urls.edition(edition.slug)
    )


def _editions_by_article(editions: list[EditionView]) -> dict[str, tuple[EditionView, ...]]:
    found: dict[str, list[EditionView]] = defaultdict(list)
    for view in editions:
        for entry in view.entries:
            if view not in found[entry.article.slug]:
                found[entry.article.slug].append(view)
    return {slug: tuple(views) for slug, views in found.items()}


def _inputs(entries: Iterable[Entry], *extra: str) -> tuple[str, ...]:
    return tuple(sorted({e.article.path for e in entries} | {x for x in extra if x}))


def _newest(entries: Iterable[Entry]) -> datetime | None:
    return max((e.article.date for e in entries), default=None)


def _home(config: Config, editions: list[EditionView], entries: Mapping[str, Entry]) -> PageSpec:
    latest = editions[0] if editions else None
    recent = editions[1 : config.settings.editions_on_home + 1]
    shown = latest.entries if latest else ()
    return PageSpec(
        urls.HOME,
        "home.html",
        {"edition": latest, "recent": recent, "latest_entries": list(entries.values())[:10]},
        _inputs(list(entries.values()), *(e.edition.path for e in editions)),
        lastmod=_newest(shown),
    )


def _listing(path: str, template: str, **context: Any) -> PageSpec:
    return PageSpec(path, template, context)


def _edition_page(view: EditionView) -> PageSpec:
    return PageSpec(
        view.path,
        "edition.html",
        {"edition": view},
        _inputs(view.entries, view.edition.path),
        lastmod=_newest(view.entries) or view.edition.date,
    )


def _article_page(entry: Entry, editions: tuple[EditionView, ...]) -> PageSpec:
    context = {
        "entry": entry,
        "editions": editions,
        # Filled by the related-items stage; templates show the block only when non-empty.
        "same_story": (),
        "related": (),
    }
    return PageSpec(
        entry.path, "article.html", context, (entry.article.path,), lastmod=entry.article.date
    )


def _groups(entries: Iterable[Entry], keys: Any, path_of: Any) -> list[Group]:
    """Group entries by each of KEYS(article); spellings that slug alike share one group."""
    members: dict[str, list[Entry]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        for key in keys(entry.article):
            slug = make_slug(key)
            if slug:
                members[slug].append(entry)
                spellings[slug][key] += 1
    groups = []
    for slug, items in members.items():
        name = max(spellings[slug].items(), key=lambda kv: (kv[1], kv[0]))[0]
        groups.append(Group(name, path_of(name), tuple(items), slug))
    return sorted(groups, key=lambda g: g.name.casefold())


def _group_page(group: Group, template: str, name: str) -> PageSpec:
    context = {name: group, "feeds": urls.feeds_of(group.path)}
    return PageSpec(
        group.path, template, context, _inputs(group.entries), lastmod=_newest(group.entries)
    )


def _archive(entries: Iterable[Entry]) -> PageSpec:
    months: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        months[entry.article.date.strftime("%Y-%m")].append(entry)
    groups = [
        Group(items[0].article.date.strftime("%B %Y"), f"{urls.ARCHIVE}#m-{key}", tuple(items), key)
        for key, items in sorted(months.items(), reverse=True)
    ]
    return PageSpec(urls.ARCHIVE, "archive.html", {"months": groups}, _inputs(entries))


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
        PageSpec(path, template, context, _inputs(shown), in_sitemap=False)
        for path, template in zip(urls.feeds_of(home), ("atom.xml", "feed.json"), strict=True)
    ]
