"""`briefings stories` and `briefings related`: what the relate stage found, for people and scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefings.build.relate_stage import render_and_relate
from briefings.commands.listing import Warn, desk_content
from briefings.config import Config
from briefings.errors import BriefingsError
from briefings.model import Content
from briefings.relate import Relations


def project_relations(
    config: Config, content_dir: Path | None = None, warn: Warn = lambda _: None
) -> tuple[Content, Relations]:
    """The project's content (or CONTENT_DIR's articles) and their relations; WARN: told of
    articles left out."""
    content = desk_content(config, warn, content_dir.resolve() if content_dir else None)
    return content, render_and_relate(config, content)[1]


def story_rows(relations: Relations) -> list[dict[str, Any]]:
    """Every story as a row for JSON."""
    return [
        {
            "id": s.key,
            "slug": s.slug,
            "title": s.title,
            "articles": list(s.articles),
            "why": list(s.why),
        }
        for s in relations.stories
    ]


def story_lines(content: Content, relations: Relations) -> list[str]:
    """Every story with several articles, its outlets and articles; then the counts."""
    lines = []
    for story in relations.stories:
        if story.is_multi:
            sources = ", ".join(dict.fromkeys(content.by_slug[a].source for a in story.articles))
            lines.append(f"{story.title}  [{len(story.articles)} articles: {sources}]")
            if story.why:
                lines.append(f"    why: {', '.join(story.why)}")
            lines += [f"    {slug}" for slug in story.articles]
    singles = sum(1 for s in relations.stories if not s.is_multi)
    multi = len(relations.stories) - singles
    lines.append(
        f"{multi} {'story' if multi == 1 else 'stories'} with several articles, {singles} single articles"
    )
    return lines


def related_rows(
    content: Content, relations: Relations, slugs: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """The same-story and related lists, with scores, of SLUGS (every article when none)."""
    unknown = [s for s in slugs if s not in content.by_slug]
    if unknown:
        raise BriefingsError(
            f"no article with slug {unknown[0]!r}", hint="`briefings stories` lists them"
        )
    return {
        slug: {
            "story": relations.story_of[slug].key if slug in relations.story_of else slug,
            "duplicate_of": relations.duplicate_of.get(slug),
            "same_story": [
                {"slug": s.slug, "score": s.score, "why": list(s.why)}
                for s in relations.same_story.get(slug, ())
            ],
            "related": [
                {"slug": s.slug, "score": s.score, "why": list(s.why)}
                for s in relations.related.get(slug, ())
            ],
        }
        for slug in list(slugs) or sorted(content.by_slug)
    }


def related_lines(rows: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for slug, lists in rows.items():
        lines.append(slug)
        for label in ("same_story", "related"):
            for item in lists[label]:
                why = f"  ({', '.join(item['why'])})" if item["why"] else ""
                lines.append(
                    f"    {label.replace('_', ' '):10} {item['score']:.3f}  {item['slug']}{why}"
                )
    return lines
