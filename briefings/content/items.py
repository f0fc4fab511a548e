"""An edition's items checked against the articles: written whole from the start of a slug,
and every problem (unknown, listed twice, a draft, the start of several) with its line."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from briefings.errors import Problem
from briefings.model import Article, Edition


def _starting(prefix: str, slugs: list[str]) -> list[str]:
    """The SLUGS (sorted) that start with PREFIX."""
    at = bisect.bisect_left(slugs, prefix)
    found = []
    while at < len(slugs) and slugs[at].startswith(prefix):
        found.append(slugs[at])
        at += 1
    return found


def unabbreviated(edition: Edition, slugs: list[str]) -> Edition:
    """EDITION with each item that is the start of exactly one published slug written whole
    (an editor may write 'iran-helping' for a slug of eighty characters)."""
    known = set(slugs)

    def whole(item: str) -> str:
        if item in known:
            return item
        found = _starting(item, slugs)
        return found[0] if len(found) == 1 else item

    sections = tuple(replace(s, items=tuple(map(whole, s.items))) for s in edition.sections)
    return edition if sections == edition.sections else replace(edition, sections=sections)


def item_problems(
    edition: Edition,
    by_slug: dict[str, Article],
    root: Path,
    slugs: list[str],
    left_out: Collection[str] = (),
) -> list[Problem]:
    """EDITION's items' problems. LEFT_OUT: slugs of articles whose files did not load (their
    own problems say why): items naming them are passed over, as those naming such a file."""
    problems = []
    lines = (root / edition.path).read_text(encoding="utf-8-sig").splitlines()
    seen: set[str] = set()
    articles_folder = root / Path(edition.path).parent.parent / "articles"
    for slug in edition.slugs:
        line = _line_naming(lines, slug)
        if slug in seen:
            problems.append(
                Problem(
                    f"item {slug!r} is listed twice",
                    path=edition.path,
                    line=line,
                    field="sections",
                    hint="keep it in one section",
                )
            )
        seen.add(slug)
        article = by_slug.get(slug)
        if article is not None and not article.draft:
            continue
        if article is None and (slug in left_out or (articles_folder / f"{slug}.md").is_file()):
            continue  # its file did not load: its own problem says why, not a second one here
        several = _starting(slug, slugs) if article is None else []
        if len(several) > 1:
            problems.append(
                Problem(
                    f"item {slug!r} is the start of {len(several)} slugs: "
                    + ", ".join(several[:3])
                    + (", ..." if len(several) > 3 else ""),
                    path=edition.path,
                    line=line,
                    field="sections",
                    hint="write more of the slug, enough for one article",
                )
            )
            continue
        close = difflib.get_close_matches(slug, list(by_slug), n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}? " if close else ""
        problems.append(
            Problem(
                f"item {slug!r} {'is a draft' if article else 'is not the slug of any article'}",
                path=edition.path,
                line=line,
                field="sections",
                hint="publish it or remove it from the edition"
                if article
                else f"{guess}use an article's slug: its 'slug:' field, or its title in lower-case-with-dashes (`briefings list` shows them)",
            )
        )
    return problems


def _line_naming(lines: list[str], slug: str) -> int | None:
    """The first of LINES (numbered from 1) that names SLUG as an item."""
    return next(
        (
            n
            for n, text in enumerate(lines, 1)
            if re.search(rf"(^|[\s\[,'\"-]){re.escape(slug)}($|[\s\],'\"])", text)
        ),
        None,
    )
