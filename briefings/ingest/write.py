"""Extracted article -> front-matter Markdown file in content/, never doubling or clobbering one.

Provenance in the front matter: where it came from (`ingested_from`), by which extractor, when,
and a fingerprint of the cleaned body. The fingerprint makes ingesting twice a no-op, finds
syndicated copies, and shows whether a file was edited by hand since (then only --force replaces it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from briefings.ingest.keywords import clean_keywords
from briefings.ingest.known import fingerprint
from briefings.ingest.model import Extracted
from briefings.ingest.opening import guessed_title
from briefings.ingest.summary import plain
from briefings.urls import make_slug


@dataclass(frozen=True)
class Options:
    source: str = ""
    url: str = ""
    date: str = ""
    tags: tuple[str, ...] = ()
    force: bool = False


@dataclass(frozen=True)
class Outcome:
    status: str  # written, replaced, unchanged, duplicate, failed
    path: Path | None = None
    detail: str = ""


GUESSED_DATE = "guessed from the page's text"


def front_matter(article: Extracted, options: Options, raw_name: str, now: datetime) -> dict:
    """The fields, options winning over what the page says. A page that gives no date or no
    source is still written, as a draft that says what it needs: no page is lost."""
    source = options.source or article.source
    date = options.date or article.date
    title = article.title
    guessed = set(article.guessed)
    if not title:
        title = (
            guessed_title(plain(article.paragraphs[0]) if article.paragraphs else "") or raw_name
        )
        guessed.add("title")
    if options.source:
        guessed.discard("source")
    if options.date:
        guessed.discard("date")
    needs = [name for name, value in (("date", date), ("source", source)) if not value]
    if date and "date" in guessed:
        # Found only in the text (a copyright year, a date in the story): on wcxb-dev most such
        # pages have no date at all. Published, a made-up date would sort and file the article
        # as if true; the editor confirms it first (or gives --date).
        needs.append(f"date: {article.date_doubt or GUESSED_DATE}, check it")
    if source and "source" in guessed and article.source_doubt:
        needs.append(f"source: {article.source_doubt}, check it")
    if article.doubt and not options.force:  # --force: the editor says it is an article
        needs.append(f"review: may not be an article ({article.doubt})")
    meta: dict = {"title": title, "slug": make_slug(title) or "article"}
    if date:
        meta["date"] = date
    if source:
        meta["source"] = source
    if needs:
        meta["draft"] = True  # never published until the editor fills what it needs
        meta["needs"] = needs
    if options.url or article.url:
        meta["url"] = options.url or article.url
    if article.canonical:
        meta["canonical"] = article.canonical
    if article.authors:
        meta["authors"] = article.authors
    if options.tags:
        meta["tags"] = list(options.tags)
    keywords = clean_keywords([*article.keywords, *article.tags], [*article.authors, source])
    if keywords:
        meta["keywords"] = keywords
    if article.summary:
        meta["summary"] = article.summary
    if article.dateline:
        meta["dateline"] = article.dateline
    image = {
        k: v
        for k, v in (
            ("src", article.image_src),
            ("caption", article.image_caption),
            ("credit", article.image_credit),
        )
        if v
    }
    if image.get("src"):  # a caption without its picture says nothing
        meta["image"] = image
    if guessed:
        meta["guessed"] = sorted(guessed)  # inferred, not read from the page: check them
    meta["ingested_from"] = raw_name
    meta["extractor"] = article.extractor
    meta["ingested_at"] = now.isoformat(timespec="seconds")
    meta["fingerprint"] = fingerprint(article.body)
    return meta


def render_file(meta: dict, body: str) -> str:
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{text}---\n{body.strip()}\n"


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
