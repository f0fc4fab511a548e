"""`briefings list`: the articles an editor has, as a table or JSON: which story each is in,
which edition lists it, and which are in none yet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from briefings.build.relate_stage import render_and_relate
from briefings.config import Config
from briefings.content.load import left_out_warning, load_content
from briefings.model import Content
from briefings.relate import Relations

SLUG_WIDTH = 40
Warn = Callable[[str], None]


def desk_content(config: Config, warn: Warn, folder: Path | None = None) -> Content:
    """The content (of FOLDER, else the project's) as a build publishes it: an article whose
    file has problems is left out, and WARN is told each problem (`check` lists them all)."""
    content = load_content(folder or config.content_dir, config.tz, config.root, leave_out=True)
    for line in left_out_warning(content.left_out, "run it again"):
        warn(line)
    return content


def article_rows(
    config: Config,
    unassigned: bool = False,
    since: date | None = None,
    story: str | None = None,
    warn: Warn = lambda _: None,
) -> list[dict[str, Any]]:
    """Every published article, newest first, as a row: slug, date, outlet, title, story,
    editions. UNASSIGNED: only those no edition file holds; SINCE: only those from that day
    on; STORY: only those of the story with that slug (or id). WARN: told of articles left out."""
    content = desk_content(config, warn)
    relations = render_and_relate(config, content)[1]
    listed = editions_holding(content, relations)
    rows = []
    for article in content.articles:
        found = relations.story_of.get(article.slug)
        in_story = found is not None and found.is_multi
        row = {
            "slug": article.slug,
            "date": article.date.date().isoformat(),
            "source": article.source,
            "title": article.title,
            "story": found.slug if found is not None and in_story else "",
            "outlets": _outlets(content, relations, article.slug) if in_story else 1,
            "editions": listed.get(article.slug, []),
        }
        if unassigned and row["editions"]:
            continue
        if since is not None and article.date.date() < since:
            continue
        if story is not None and (found is None or story not in (found.slug, found.key)):
            continue
        rows.append(row)
    return rows


def draft_rows(config: Config, warn: Warn = lambda _: None) -> list[dict[str, Any]]:
    """The drafts (never published), each with what it needs to publish."""
    content = desk_content(config, warn)
    return [
        {
            "slug": a.slug,
            "date": "" if "date" in a.needs else a.date.date().isoformat(),
            "source": "" if "source" in a.needs else a.source,
            "title": a.title,
            "story": "",
            "outlets": 1,
            "editions": [],
            "needs": list(a.needs),
            "path": a.path,
        }
        for a in content.drafts
    ]


def editions_holding(content: Content, relations: Relations) -> dict[str, list[str]]:
    """The editions (written by the editor, not derived from dates) that hold each slug: that
    list it, or fold it under an item of its story (when it is no newer than the edition)."""
    holding: dict[str, list[str]] = defaultdict(list)
    for edition in content.editions:
        if not edition.path:
            continue
        for section in edition.sections:
            fold = edition.fold if section.fold is None else section.fold
            for slug in section.items:
                story = relations.story_of.get(slug)
                held = [slug]
                if fold and story is not None:
                    held += [
                        s
                        for s in story.articles
                        if s in content.by_slug
                        and content.by_slug[s].date.date() <= edition.date.date()
                    ]
                for s in dict.fromkeys(held):
                    if edition.slug not in holding[s]:
                        holding[s].append(edition.slug)
    return dict(holding)


def covered(content: Content, relations: Relations) -> set[str]:
    """The slugs some edition holds (see editions_holding)."""
    return set(editions_holding(content, relations))


def _outlets(content: Content, relations: Relations, slug: str) -> int:
    story = relations.story_of[slug]
    return len({content.by_slug[a].source for a in story.articles if a in content.by_slug})


def table(rows: list[dict[str, Any]]) -> list[str]:
    """ROWS as lines of a table a terminal shows, long slugs and titles cut; with no rows,
    only the count ("0 articles, 0 in no edition": what `list --unassigned` is asked for)."""
    lines = [f"{'SLUG':{SLUG_WIDTH}}  {'DATE':10}  {'OUTLET':14}  {'STORY':24}  TITLE"][: len(rows)]
    for row in rows:
        story = f"{row['story'][:18]} ({row['outlets']})" if row["story"] else "-"
        lines.append(
            f"{_cut(row['slug'], SLUG_WIDTH):{SLUG_WIDTH}}  {row['date']:10}  "
            f"{_cut(row['source'], 14):14}  {story:24}  {_cut(row['title'], 60)}"
        )
    unassigned = sum(1 for row in rows if not row["editions"])
    lines.append(f"{len(rows)} articles, {unassigned} in no edition")
    return lines


def draft_table(rows: list[dict[str, Any]]) -> list[str]:
    """Draft ROWS as lines a terminal shows: each draft, then what it needs and its file
    (a need can be a sentence: "date: the page states only when it was last updated...")."""
    if not rows:
        return ["No drafts: every article is published."]
    lines = [f"{'SLUG':{SLUG_WIDTH}}  {'DATE':10}  {'OUTLET':14}  TITLE"]
    for row in rows:
        lines.append(
            f"{_cut(row['slug'], SLUG_WIDTH):{SLUG_WIDTH}}  {row['date'] or '?':10}  "
            f"{_cut(row['source'] or '?', 14):14}  {_cut(row['title'], 60)}"
        )
        lines.append(f"    needs {', '.join(row['needs']) or 'nothing: set draft: false'}")
        lines.append(f"    in {row['path']}")
    lines.append(f"{len(rows)} draft(s), not published until what each needs is set")
    return lines


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
