"""Plans the site between rebuilds: after a typical edit, only the pages showing it are planned.

Planning the whole site (briefings.site.pages.plan_site) takes time in proportion to the site. Most
saves while editing change an article's text and leave the site's structure alone: the same
articles in the same order, with the same titles, dates, tags, sources, stories and topics.
Then the same pages exist, and only those whose context holds a changed article differ: they are
the previous pages with the changed entries swapped in (and article pages whose related lists
changed, planned again). Anything else is planned from scratch.
"""

from __future__ import annotations

import dataclasses
import functools
from array import array
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any

from briefings import urls
from briefings.config import Config
from briefings.markup.markdown import RenderedText
from briefings.model import Article, Content, replaced
from briefings.relate import Relations, Story
from briefings.site.pages import PageSpec, article_page, plan_site
from briefings.site.views import Entry, make_entries

# What decides which pages exist and where an article is listed. Everything else an article
# holds (body, note, summary, links, image, ...) only changes its own Entry.
STRUCTURAL = ("slug", "title", "date", "has_time", "source", "tags", "keywords", "draft", "story")


@dataclass
class Plan:
    """Pages planned for one build, and what the next build needs to plan only what changed."""

    pages: list[PageSpec]
    changed: set[int] | None  # indexes of pages that may differ from the last plan; None: all
    settings: Any = None
    content: Content | None = None
    relations: Relations | None = None
    entries: dict[str, Entry] = dataclasses.field(default_factory=dict)
    # slug -> indexes of the pages showing it, ascending. Arrays, not sets: an article shows on
    # a hundred pages of a large site, and sets of ints take ten times the memory (and the cache).
    showing: dict[str, array] = dataclasses.field(default_factory=dict)
    # On the fast path: the pages that only had fresh entries swapped in, with the slugs swapped
    # (a page that reads nothing that changed in them need not be rendered again), and the
    # entries they replaced.
    swapped: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    replaced: dict[str, Entry] = dataclasses.field(default_factory=dict)
    _where: dict[str, int] | None = dataclasses.field(default=None, repr=False)
    # Planned from scratch (the structure changed), its pages then compared with the last plan's
    # (see _compared); SAME_PATHS: the same paths at the same places as the last plan's.
    anew: bool = False
    same_paths: bool = True

    def where(self) -> dict[str, int]:
        """Each page's index by its path."""
        if self._where is None:
            self._where = {page.path: i for i, page in enumerate(self.pages)}
        return self._where


def plan(
    config: Config,
    content: Content,
    texts: Mapping[str, RenderedText],
    relations: Relations,
    last: Plan | None,
    moved: Set[str] | None = None,
) -> Plan:
    """The pages of the site, planned from LAST (the previous build's plan) where that is safe.
    MOVED: the slugs whose relations may differ from LAST's (None: any)."""
    pairs = _same_structure(last, config, content, relations) if last is not None else None
    if last is None or last.relations is None or pairs is None:
        entries = make_entries(
            content.articles, texts, relations, dict(last.entries) if last else {}
        )
        return _anew(config, content, texts, relations, entries, last)
    before = last.relations
    if relations.story_of is before.story_of and relations.duplicate_of is before.duplicate_of:
        # No article's story or original changed: only the replaced articles' entries can.
        fresh = make_entries([new for _, new in pairs], texts, relations)
        entries, stale = {**last.entries, **fresh}, {s: last.entries[s] for s in fresh}
    else:
        entries = make_entries(content.articles, texts, relations, dict(last.entries))
        stale = {s: e for s, e in last.entries.items() if entries.get(s) is not e}
    swapped = _swap_pages(
        last, content, relations, entries, stale, entries if moved is None else moved
    )
    if swapped is not None:
        return swapped
    return _anew(config, content, texts, relations, entries, last)


def _anew(
    config: Config,
    content: Content,
    texts: Mapping[str, RenderedText],
    relations: Relations,
    entries: dict[str, Entry],
    last: Plan | None,
) -> Plan:
    """Every page planned from scratch: after an article came or went, moved, or changed its
    story. Then compared with LAST's pages at the same paths (when it was planned with the
    same settings), so that only the pages that differ need be signed and rendered: an added
    article shows on a few dozen pages of a site of thousands, and signing them all took
    longer than planning them."""
    pages = plan_site(config, content, texts, relations, entries)
    settings = config.settings
    if last is None or last.settings != settings:
        showing = _showing(pages)
        return Plan(pages, None, settings, content, relations, entries, showing, anew=True)
    changed, swapped, replaced, alike = _compared(last, pages, entries)
    same_paths = len(pages) == len(last.pages) and all(
        a.path == b.path for a, b in zip(pages, last.pages, strict=True)
    )
    showing = _showing(pages, last, alike)
    return Plan(
        pages,
        changed,
        settings,
        content,
        relations,
        entries,
        showing,
        swapped,
        replaced,
        anew=True,
        same_paths=same_paths,
    )


def _compared(
    last: Plan, pages: list[PageSpec], entries: Mapping[str, Entry]
) -> tuple[set[int], dict[int, set[str]], dict[str, Entry], dict[int, int]]:
    """Which of PAGES may differ from LAST's page at the same path: those that are new, or
    whose context differs in anything but fresh entries of the same articles; and of the
    others, those that hold fresh entries (by page: their slugs), with the entries these
    replaced. (A page of the second kind differs only if it read what changed in them: see
    the builder's _may_differ.) And the last page's index of each page of the second kind or
    the same: it shows the same articles."""
    where = last.where()
    changed: set[int] = set()
    swapped: dict[int, set[str]] = {}
    replaced: dict[str, Entry] = {}
    alike: dict[int, int] = {}
    memo: dict[tuple[int, int], frozenset[str] | None] = {}
    same = functools.partial(_alike, old=last.entries, new=entries, memo=memo)
    for i, page in enumerate(pages):
        j = where.get(page.path)
        if j is None:  # a new page
            changed.add(i)
            continue
        was = last.pages[j]
        if (was.template, was.in_sitemap, was.lastmod) != (
            page.template,
            page.in_sitemap,
            page.lastmod,
        ):
            changed.add(i)
            continue
        found = same(was.context, page.context)
        if found is None or found:
            changed.add(i)
        if found is not None:
            alike[i] = j
        if found:
            swapped[i] = set(found)
            replaced.update((s, last.entries[s]) for s in found)
    return changed, swapped, replaced, alike


_SAME: frozenset[str] = frozenset()


def _alike(
    a: Any,
    b: Any,
    old: Mapping[str, Entry],
    new: Mapping[str, Entry],
    memo: dict[tuple[int, int], frozenset[str] | None],
) -> frozenset[str] | None:
    """Whether A (of the last plan) and B show the same, but for the entries of OLD that B
    holds NEW's entries of the same articles in place of: None when they differ, else the
    slugs of those entries. Anything but entries is compared whole: a view by its fields, any
    other value by ==. (Pages share views and lists: each pair is compared once, in MEMO.)"""
    if a is b:
        return _SAME
    kind = type(a)
    if kind is not type(b):
        return None
    if kind is Entry:
        slug = a.article.slug
        return frozenset((slug,)) if old.get(slug) is a and new.get(slug) is b else None
    if kind in _PLAIN:
        return _SAME if a == b else None
    key = (id(a), id(b))  # (both plans are alive throughout: ids are not reused)
    if key in memo:
        return memo[key]
    found: frozenset[str] | None = _SAME
    if kind is tuple or kind is list:
        pairs: Iterable[tuple[Any, Any]] = zip(a, b, strict=True) if len(a) == len(b) else ()
        found = found if len(a) == len(b) else None
    elif kind is PageSpec:  # the sitemap's: it shows their paths and dates
        same = (a.path, a.lastmod, a.in_sitemap) == (b.path, b.lastmod, b.in_sitemap)
        pairs, found = (), (_SAME if same else None)
    elif isinstance(a, Mapping):
        pairs = ((a[k], b[k]) for k in a) if a.keys() == b.keys() else ()
        found = found if a.keys() == b.keys() else None
    elif names := _field_names(a.__class__):
        pairs = ((getattr(a, f), getattr(b, f)) for f in names)
    else:  # an article or its text outside an entry, Markup, a date: as they are
        pairs, found = (), (_SAME if a == b else None)
    for x, y in pairs:
        if x is y:
            continue
        part = _alike(x, y, old, new, memo)
        if part is None:
            found = None
            break
        if part:
            found = found | part if found else part
    memo[key] = found
    return found


_PLAIN = frozenset([str, int, float, bool, type(None)])


def _same_structure(
    last: Plan, config: Config, content: Content, relations: Relations
) -> list[tuple[Article, Article]] | None:
    """The articles replaced since LAST when the site's structure is the same; else None."""
    old = last.content
    if old is None or last.relations is None or config.settings != last.settings:
        return None
    if old.editions != content.editions:
        return None
    pairs = replaced(old.articles, content.articles)
    if pairs is None or any(getattr(a, f) != getattr(b, f) for a, b in pairs for f in STRUCTURAL):
        return None
    before = last.relations
    if (
        _shapes(before.stories) != _shapes(relations.stories)
        or before.entities != relations.entities
    ):
        return None
    return pairs


def _shapes(stories: tuple[Story, ...]) -> list[tuple]:
    """What decides which pages exist and what they list, of each story: not why it is one (a
    story page shows that, planned again when it changes: see _swap_pages)."""
    return [(s.key, s.slug, s.title, s.articles, s.central) for s in stories]


def _swap_pages(
    last: Plan,
    content: Content,
    relations: Relations,
    entries: dict[str, Entry],
    stale: dict[str, Entry],
    suspects: Iterable[str],
) -> Plan | None:
    """LAST's pages with the STALE entries' fresh ones swapped in, and the article pages whose
    related lists changed planned again (of SUSPECTS, the slugs whose relations may differ)."""
    assert last.relations is not None, "a plan to start from was made with relations"
    same, related = relations.same_story, relations.related
    was_same, was_related = last.relations.same_story, last.relations.related
    listed = [  # identity first: this may run for every article
        s
        for s in suspects
        if s in entries
        and (
            ((a := same.get(s)) is not (b := was_same.get(s)) and _other_articles(a, b))
            or ((c := related.get(s)) is not (d := was_related.get(s)) and _other_articles(c, d))
        )
    ]
    swapped: dict[int, set[str]] = {}
    for s in stale:
        for i in last.showing.get(s, ()):
            swapped.setdefault(i, set()).add(s)
    changed = set(swapped)
    fresh = {id(old): entries[s] for s, old in stale.items()}
    memo: dict[int, Any] = {}
    pages = list(last.pages)
    for i in changed:
        page = pages[i]
        pages[i] = dataclasses.replace(page, context=_swap(page.context, fresh, memo))
    index = last.where()
    for slug in listed:
        i = index.get(entries[slug].path)
        if i is None:
            return None
        context = pages[i].context
        pages[i] = article_page(
            entries[slug],
            context["editions"],
            context["story"],
            relations,
            entries,
            context["topics"],
            context["names"],
        )
        changed.add(i)
        swapped.pop(i, None)
    for old, new in zip(last.relations.stories, relations.stories, strict=True):
        if old is not new and old.why != new.why and new.is_multi:  # a story page says why
            i = index[urls.story(new.slug)]
            view = dataclasses.replace(pages[i].context["story"], story=new)
            pages[i] = dataclasses.replace(pages[i], context={**pages[i].context, "story": view})
            changed.add(i)
            swapped.pop(i, None)
    showing = dict(last.showing)
    # An article page's lists changed: which entries it shows did too. Gathered per entry, then
    # each entry's pages made once (an entry shows on thousands of pages of a large site: made
    # again for every page that changed, this took tens of seconds).
    gone: dict[str, set[int]] = {}
    came: dict[str, set[int]] = {}
    was_memo: dict[int, frozenset[str]] = {}
    now_memo: dict[int, frozenset[str]] = {}
    for slug in listed:
        i = index[entries[slug].path]
        for s in _slugs(last.pages[i].context, was_memo):
            gone.setdefault(s, set()).add(i)
        for s in _slugs(pages[i].context, now_memo):
            came.setdefault(s, set()).add(i)
    for s in gone.keys() | came.keys():
        kept = set(showing.get(s, ())) - gone.get(s, set())
        showing[s] = _pages(kept | came.get(s, set()))
    settings = last.settings
    return Plan(  # the same paths at the same places: WHERE stands
        pages, changed, settings, content, relations, entries, showing, swapped, stale, index
    )


def _other_articles(new: tuple | None, old: tuple | None) -> bool:
    """Whether a related list names other articles, or the same in another order or for other
    reasons (its scores may change with any edit; pages show the articles and why)."""
    if new is old:
        return False
    if new is None or old is None:
        return True
    return [(s.slug, s.why) for s in new] != [(s.slug, s.why) for s in old]


def _swap(value: Any, fresh: dict[int, Entry], memo: dict[int, Any]) -> Any:
    """VALUE with every stale Entry replaced by its fresh one, views around them made anew."""
    kind = type(value)
    if kind is Entry:
        return fresh.get(id(value), value)
    if kind is PageSpec:
        return value  # the sitemap's: their paths and dates, which a swap never changes
    if kind is tuple or kind is list:
        known = memo.get(id(value))  # pages share tuples (an article's editions, a story's list)
        if known is None:
            swapped = [_swap(v, fresh, memo) for v in value]
            changed = any(a is not b for a, b in zip(swapped, value, strict=True))
            known = memo[id(value)] = kind(swapped) if changed else value
        return known
    if isinstance(value, Mapping):
        return {k: _swap(v, fresh, memo) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, Article | RenderedText):
        known = memo.get(id(value))
        if known is None:
            changes = {
                f.name: new
                for f in dataclasses.fields(value)
                if (new := _swap(old := getattr(value, f.name), fresh, memo)) is not old
            }
            known = memo[id(value)] = dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
        return known
    return value


def _showing(
    pages: list[PageSpec], last: Plan | None = None, alike: Mapping[int, int] | None = None
) -> dict[str, array]:
    """For each article, the pages whose context holds its entry. ALIKE: the pages that show
    what LAST's page at that index showed (see _compared): read off LAST, not walked again."""
    alike = alike or {}
    was: dict[int, list[str]] = {}
    if last is not None and alike:
        for slug, indexes in last.showing.items():
            for j in indexes:
                was.setdefault(j, []).append(slug)
    found: dict[str, list[int]] = {}
    memo: dict[int, frozenset[str]] = {}
    for i, page in enumerate(pages):
        j = alike.get(i)
        for slug in was.get(j, ()) if j is not None else _slugs(page.context, memo):
            found.setdefault(slug, []).append(i)
    return {slug: array("I", indexes) for slug, indexes in found.items()}


def _pages(indexes: Iterable[int]) -> array:
    return array("I", sorted(indexes))


def _slugs(value: Any, memo: dict[int, frozenset[str]]) -> Iterable[str]:
    kind: type = type(value)
    if kind is Entry:
        return (value.article.slug,)
    if kind is PageSpec:
        return ()
    if kind is tuple or kind is list:
        found = set()
        for v in value:  # (most are entries: a large site's pages list a quarter million)
            if type(v) is Entry:
                found.add(v.article.slug)
            elif not isinstance(v, str | int | float):
                found.update(_slugs(v, memo))
        return found
    if isinstance(value, Mapping):
        return {s for v in value.values() for s in _slugs(v, memo)}
    names = _field_names(kind)
    if not names:
        return ()
    known = memo.get(id(value))
    if known is None:
        known = memo[id(value)] = frozenset(
            s for name in names for s in _slugs(getattr(value, name), memo)
        )
    return known


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass KIND that may hold entries (none of an article or its text)."""
    if not dataclasses.is_dataclass(kind) or issubclass(kind, Article | RenderedText):
        return ()
    return tuple(f.name for f in dataclasses.fields(kind))
