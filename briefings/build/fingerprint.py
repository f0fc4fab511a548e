"""Fingerprints of what a page shows: a change to any of it changes the page's fingerprint.

A rebuild renders a page again only when its fingerprint differs from the last build's, or, on
the short path after an edit (see briefings.build.planning), when the page read something of an
article that changed (see briefings.render.renderer.ReadingEnvironment)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from briefings import hashes
from briefings.markup.markdown import RenderedText
from briefings.model import Article
from briefings.site.pages import PageSpec
from briefings.site.views import Entry


def digest(value: object) -> str:
    return hashes.digest(repr(value).encode()).hex()


def tree_stamp(folders: list[Path]) -> tuple:
    return tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size)
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    )


def reads_differ(old: Entry, new: Entry, reads: frozenset) -> bool:
    views = {
        "entry": (old, new),
        "article": (old.article, new.article),
        "text": (old.text, new.text),
    }
    for kind, name in reads:
        a, b = views[kind]
        try:
            if _read(a, name) != _read(b, name):
                return True
        except Exception:
            return True
    return False


def _read(obj: object, name: str) -> object:
    try:
        return getattr(obj, name)
    except AttributeError:
        return obj[name]  # type: ignore[index]


_PLAIN = (str, int, float, bool, datetime, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)


def signature(value: Any, memo: dict[int, Any]) -> Any:
    """Everything a template can read from VALUE, as a cheap comparable value. (The hot loop of
    a rebuild: every page is signed, so the common cases are tested first.)"""
    known = memo.get(id(value))  # only objects alive all rebuild long are memoised: ids are safe
    if known is not None:
        return known
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return value
    if kind is tuple or kind is list:
        return tuple([signature(v, memo) for v in value])
    if kind is Article:  # every field, extra included; stable across runs
        known = memo[id(value)] = digest(("article", repr(value)))
        return known
    if kind is RenderedText:
        return None  # made from the article, which is in the signature already
    if kind is PageSpec:
        return (value.path, value.lastmod)
    if isinstance(value, Mapping):
        return tuple([(k, signature(v, memo)) for k, v in value.items()])
    if dataclasses.is_dataclass(value):
        # A short digest stands for the whole value wherever it appears again.
        fields = tuple([signature(getattr(value, f.name), memo) for f in dataclasses.fields(value)])
        known = memo[id(value)] = digest((kind.__name__, fields))
        return known
    if isinstance(value, _PLAIN):
        return value  # Markup and other str subclasses
    return repr(value)
