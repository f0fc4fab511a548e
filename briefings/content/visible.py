"""What a build publishes of the content: not drafts, not articles dated in the future (as
Hugo and Pelican do). A preview (`serve --drafts --future`) shows them too, marked as such."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from briefings.model import Article, Content, Edition


def visible(content: Content, now: datetime, drafts: bool = False, future: bool = False) -> Content:
    """CONTENT as published at NOW: articles dated after NOW are held back (listed in
    `scheduled`, and left out of editions), unless FUTURE; DRAFTS shows the drafts that have a
    date. What is shown only in a preview is marked (`draft`, `scheduled`)."""
    later = [a for a in content.articles if a.date > now]
    if not later and not (drafts and content.drafts):
        return content  # the usual case: the same objects, for the rebuild's caches
    shown = [a for a in content.articles if a.date <= now]
    if future:
        shown += [replace(a, scheduled=True) for a in later]
    if drafts:
        shown += [a for a in content.drafts if "date" not in a.needs]
    shown.sort(key=lambda a: (a.date, a.path), reverse=True)
    slugs = {a.slug for a in shown}
    editions = tuple(
        e for e in (only_items(e, slugs) for e in content.editions) if e.path or e.slugs
    )
    return replace(
        content,
        articles=tuple(shown),
        editions=editions,
        scheduled=() if future else tuple(later),
    )


def only_items(edition: Edition, slugs: set[str]) -> Edition:
    """EDITION without the items not in SLUGS: not published now (an edition names what is due
    later), or left out (their files have problems)."""
    if all(s in slugs for s in edition.slugs):
        return edition
    sections = tuple(
        replace(s, items=tuple(i for i in s.items if i in slugs)) for s in edition.sections
    )
    return replace(edition, sections=sections)


def scheduled_note(articles: tuple[Article, ...]) -> str:
    first = min(articles, key=lambda a: a.date)
    return (
        f"{len(articles)} article(s) dated in the future, not published until then (the first"
        f" on {first.date.date().isoformat()}: {first.path}); `briefings serve --future`"
        " previews them"
    )
