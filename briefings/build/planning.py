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
from briefings.build import contexts
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
    same = functools.partial(contexts.alike, old=last.entries, new=entries, memo=memo)
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
        pages[i] = dataclasses.replace(
            page, context=contexts.swap_entries(page.context, fresh, memo)
        )
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
        for s in contexts.slugs_in(last.pages[i].context, was_memo):
            gone.setdefault(s, set()).add(i)
        for s in contexts.slugs_in(pages[i].context, now_memo):
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
        for slug in was.get(j, ()) if j is not None else contexts.slugs_in(page.context, memo):
            found.setdefault(slug, []).append(i)
    return {slug: array("I", indexes) for slug, indexes in found.items()}


def _pages(indexes: Iterable[int]) -> array:
    return array("I", sorted(indexes))
