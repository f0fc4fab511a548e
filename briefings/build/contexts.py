"""What a page's context holds, walked as planning needs it: the articles whose entries it shows
(slugs_in), whether two contexts show the same but for fresh entries of the same articles
(alike), and a context with fresh entries swapped in (swap_entries). Contexts are plain values:
tuples, lists, mappings and dataclass views around Entry values; pages share them, so each
walk keeps a memo by identity."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from typing import Any

from briefings.markup.markdown import RenderedText
from briefings.model import Article
from briefings.site.pages import PageSpec
from briefings.site.views import Entry

SAME: frozenset[str] = frozenset()


def alike(
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
        return SAME
    kind = type(a)
    if kind is not type(b):
        return None
    if kind is Entry:
        slug = a.article.slug
        return frozenset((slug,)) if old.get(slug) is a and new.get(slug) is b else None
    if kind in PLAIN:
        return SAME if a == b else None
    key = (id(a), id(b))  # (both plans are alive throughout: ids are not reused)
    if key in memo:
        return memo[key]
    found: frozenset[str] | None = SAME
    if kind is tuple or kind is list:
        pairs: Iterable[tuple[Any, Any]] = zip(a, b, strict=True) if len(a) == len(b) else ()
        found = found if len(a) == len(b) else None
    elif kind is PageSpec:  # the sitemap's: it shows their paths and dates
        same = (a.path, a.lastmod, a.in_sitemap) == (b.path, b.lastmod, b.in_sitemap)
        pairs, found = (), (SAME if same else None)
    elif isinstance(a, Mapping):
        pairs = ((a[k], b[k]) for k in a) if a.keys() == b.keys() else ()
        found = found if a.keys() == b.keys() else None
    elif names := field_names(a.__class__):
        pairs = ((getattr(a, f), getattr(b, f)) for f in names)
    else:  # an article or its text outside an entry, Markup, a date: as they are
        pairs, found = (), (SAME if a == b else None)
    for x, y in pairs:
        if x is y:
            continue
        part = alike(x, y, old, new, memo)
        if part is None:
            found = None
            break
        if part:
            found = found | part if found else part
    memo[key] = found
    return found


PLAIN = frozenset([str, int, float, bool, type(None)])


def swap_entries(value: Any, fresh: dict[int, Entry], memo: dict[int, Any]) -> Any:
    """VALUE with every stale Entry replaced by its fresh one, views around them made anew."""
    kind = type(value)
    if kind is Entry:
        return fresh.get(id(value), value)
    if kind is PageSpec:
        return value  # the sitemap's: their paths and dates, which a swap never changes
    if kind is tuple or kind is list:
        known = memo.get(id(value))  # pages share tuples (an article's editions, a story's list)
        if known is None:
            swapped = [swap_entries(v, fresh, memo) for v in value]
            changed = any(a is not b for a, b in zip(swapped, value, strict=True))
            known = memo[id(value)] = kind(swapped) if changed else value
        return known
    if isinstance(value, Mapping):
        return {k: swap_entries(v, fresh, memo) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, Article | RenderedText):
        known = memo.get(id(value))
        if known is None:
            changes = {
                f.name: new
                for f in dataclasses.fields(value)
                if (new := swap_entries(old := getattr(value, f.name), fresh, memo)) is not old
            }
            known = memo[id(value)] = dataclasses.replace(value, **changes) if changes else value  # type: ignore[type-var]
        return known
    return value


def slugs_in(value: Any, memo: dict[int, frozenset[str]]) -> Iterable[str]:
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
                found.update(slugs_in(v, memo))
        return found
    if isinstance(value, Mapping):
        return {s for v in value.values() for s in slugs_in(v, memo)}
    names = field_names(kind)
    if not names:
        return ()
    known = memo.get(id(value))
    if known is None:
        known = memo[id(value)] = frozenset(
            s for name in names for s in slugs_in(getattr(value, name), memo)
        )
    return known


@functools.cache
def field_names(kind: type) -> tuple[str, ...]:
    """The fields of a dataclass KIND that may hold entries (none of an article or its text)."""
    if not dataclasses.is_dataclass(kind) or issubclass(kind, Article | RenderedText):
        return ()
    return tuple(f.name for f in dataclasses.fields(kind))
