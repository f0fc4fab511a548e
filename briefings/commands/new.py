"""`briefings new edition [DATE]`: drafts an edition from the articles no edition holds yet,
a section per story, for the editor to trim, order and annotate. `briefings new article TITLE`:
an article file for the editor to write (their own, or a link to one the site keeps no copy
of). Neither ever overwrites a file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml

from briefings.build.relate_stage import render_and_relate
from briefings.commands.ingest import date_option
from briefings.commands.listing import Warn, covered, desk_content
from briefings.config import Config
from briefings.errors import BriefingsError
from briefings.ingest.fields import outlet
from briefings.model import Article
from briefings.urls import is_web_url, make_slug

MAX_SECTIONS = 12  # a briefing, not an archive: the rest are named in the summary


@dataclass(frozen=True)
class Drafted:
    path: Path
    sections: list[tuple[str, str, int]]  # (title, lead slug, outlets)
    articles: int  # articles the sections hold (leads and the coverage folded under them)
    left_out: int  # stories past MAX_SECTIONS

    def lines(self, root: Path) -> list[str]:
        """What was drafted, and what to do next."""
        where = self.path.relative_to(root)
        lines = [
            f"Wrote {where}: {len(self.sections)} section(s) holding {self.articles} article(s)"
        ]
        for title, slug, outlets in self.sections:
            lines.append(f"  - {title}  [{outlets} outlet{'s' if outlets != 1 else ''}: {slug}]")
        if self.left_out:
            lines.append(f"  ({self.left_out} more stories left out: --max-sections to add them)")
        lines.append(
            f"Next: in {where}, write the title, a note for each section and the introduction;"
            " drop or reorder sections; then `briefings serve` to read it, `briefings check`."
        )
        return lines


def new_edition(
    config: Config, day: date, max_sections: int = MAX_SECTIONS, warn: Warn = lambda _: None
) -> Drafted:
    """Write content/editions/DAY.md from the published articles of DAY and before that no
    edition holds: a section per story, stories with more outlets first, then the newest; each
    led by its fullest report (the earliest of equals), the others folded under it. WARN: told
    of articles left out (their files have problems)."""
    path = config.content_dir / "editions" / f"{day.isoformat()}.md"
    if path.exists():
        raise BriefingsError(
            f"{path.relative_to(config.root)} exists already",
            hint="edit it, or give another date: briefings new edition YYYY-MM-DD",
        )
    content = desk_content(config, warn)
    relations = render_and_relate(config, content)[1]
    held = covered(content, relations)
    stories: dict[str, list[Article]] = defaultdict(list)
    for article in content.articles:
        if article.slug not in held and article.date.date() <= day:
            story = relations.story_of.get(article.slug)
            stories[story.key if story is not None else article.slug].append(article)
    if not stories:
        raise BriefingsError(
            f"no published article dated {day.isoformat()} or before is outside an edition",
            hint="`briefings list` shows the articles and the editions that hold them",
        )
    ranked = sorted(
        stories.values(),
        key=lambda group: (
            -len({a.source for a in group}),
            -max(a.date.timestamp() for a in group),
            group[0].slug,
        ),
    )
    chosen = ranked[:max_sections]
    sections = []
    for group in chosen:
        lead = max(group, key=lambda a: (len(a.body.split()), -a.date.timestamp()))
        story = relations.story_of.get(lead.slug)
        title = story.title if story is not None and story.is_multi else lead.title
        sections.append((title, lead.slug, len({a.source for a in group})))
    _write(path, day, sections)
    return Drafted(path, sections, sum(len(g) for g in chosen), len(ranked) - len(chosen))


def _write(path: Path, day: date, sections: list[tuple[str, str, int]]) -> None:
    front = {
        "title": f"Briefing of {day.strftime('%-d %B %Y')}",
        "date": day.isoformat(),
        "sections": [{"title": title, "note": "", "items": [slug]} for title, slug, _ in sections],
    }
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never over a file made meanwhile
        out.write(f"---\n{text}---\n")


def new_article(
    config: Config,
    title: str,
    url: str = "",
    source: str = "",
    when: str = "",
    tags: Sequence[str] = (),
) -> Path:
    """Write content/articles/SLUG.md with TITLE and its fields, and no text yet: the editor
    writes it (or only a `note:`, for a link). Its outlet: SOURCE, else the one URL's domain
    names ([sources] in briefings.toml, else the domain), else the briefing's own title (the
    editor's writing). Dated WHEN, else now."""
    title = " ".join(title.split())
    slug = make_slug(title)
    if not slug:
        raise BriefingsError(f"no address can be made of the title {title!r}", hint="give it words")
    if url and not is_web_url(url):
        raise BriefingsError(
            f"--url {url!r} is not a web address", hint="give it whole: https://..."
        )
    moment, timed = date_option(when, config.tz) if when else (datetime.now(config.tz), True)
    source = " ".join(source.split()) or (
        outlet([], url, config.settings.sources)[0] if url else config.settings.title
    )
    day = moment.replace(microsecond=0).isoformat() if timed else moment.date().isoformat()
    front: dict = {"title": title, "slug": slug, "date": day}
    front["source"] = source
    if url:
        front["url"] = url
    if tags:
        front["tags"] = list(tags)
    path = config.content_dir / "articles" / f"{slug}.md"
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": never over a file, even a new one
            out.write(f"---\n{text}---\n")
    except FileExistsError:
        raise BriefingsError(
            f"{path.relative_to(config.root)} exists already",
            hint="edit it, or give the new article another title",
        ) from None
    return path
