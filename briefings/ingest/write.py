"""Extracted article -> front-matter Markdown file in content/, never doubling or clobbering one.

Provenance in the front matter: where it came from (`ingested_from`), by which extractor, when,
and a fingerprint of the cleaned body. The fingerprint makes ingesting twice a no-op, finds
syndicated copies, and shows whether a file was edited by hand since (then only --force replaces it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import frontmatter
import yaml

from briefings.errors import BriefingsError
from briefings.ingest.clean import normalise
from briefings.ingest.model import Extracted
from briefings.urls import make_slug

NEAR_DUPLICATE = 0.9  # share of word 5-grams two bodies must share to be copies


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


@dataclass(frozen=True)
class Existing:
    path: Path
    slug: str
    source: str
    fingerprint: str  # as recorded at ingestion
    current: str  # of the body as it is now
    shingles: frozenset[int]


def fingerprint(body: str) -> str:
    return hashlib.sha256(normalise(body).encode()).hexdigest()[:20]


def shingles(body: str, n: int = 5) -> frozenset[int]:
    words = normalise(body).split()
    return frozenset(hash(tuple(words[i : i + n])) for i in range(max(0, len(words) - n + 1)))


def scan(folder: Path) -> list[Existing]:
    """Articles already in FOLDER, with what idempotence and duplicate checks need."""
    found = []
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        try:
            post = frontmatter.load(path)
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            continue
        slug = str(post.get("slug") or make_slug(str(post.get("title") or "")) or path.stem)
        found.append(
            Existing(
                path,
                slug,
                str(post.get("source") or ""),
                str(post.get("fingerprint") or ""),
                fingerprint(post.content),
                shingles(post.content),
            )
        )
    return found


def already_ingested(article: Extracted, source: str, existing: list[Existing]) -> Existing | None:
    """The article in EXISTING with this body (as ingested or as it is now), unless from another outlet."""
    print_ = fingerprint(article.body)
    for other in existing:
        if print_ in (other.fingerprint, other.current) and (
            not source or other.source.casefold() == source.casefold()
        ):
            return other
    return None


def front_matter(article: Extracted, options: Options, raw_name: str, now: datetime) -> dict:
    """The fields, options winning over what the page says; refuses what the site cannot build."""
    source = options.source or article.source
    date = options.date or article.date
    missing = [name for name, value in (("source", source), ("date", date)) if not value]
    if missing:
        hints = {"source": "--source NAME", "date": "--date YYYY-MM-DD"}
        raise BriefingsError(
            f"the page gives no {' and no '.join(missing)}",
            path=raw_name,
            hint="give " + " and ".join(hints[m] for m in missing),
        )
    meta: dict = {"title": article.title, "date": date, "source": source}
    if options.url or article.url:
        meta["url"] = options.url or article.url
    if article.authors:
        meta["authors"] = article.authors
    tags = list(options.tags) or article.tags
    if tags:
        meta["tags"] = tags
    if article.dateline:
        meta["dateline"] = article.dateline
    if article.image_caption or article.image_credit:
        meta["image"] = {
            k: v
            for k, v in (("caption", article.image_caption), ("credit", article.image_credit))
            if v
        }
    if article.guessed:
        meta["guessed"] = sorted(
            set(article.guessed)
        )  # inferred, not read from the page: check them
    meta["ingested_from"] = raw_name
    meta["extractor"] = article.extractor
    meta["ingested_at"] = now.isoformat(timespec="seconds")
    meta["fingerprint"] = fingerprint(article.body)
    return meta


def render_file(meta: dict, body: str) -> str:
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{text}---\n{body.strip()}\n"


def place(
    article: Extracted, meta: dict, folder: Path, existing: list[Existing], force: bool
) -> tuple[Outcome, Path | None, dict]:
    """Decide where the article goes, or why it does not."""
    body = shingles(article.body)
    for other in existing:
        overlap = len(body & other.shingles) / max(1, min(len(body), len(other.shingles)))
        if (
            body
            and overlap >= NEAR_DUPLICATE
            and other.source.casefold() != str(meta["source"]).casefold()
        ):
            meta = {**meta, "duplicate_of": other.slug}  # a syndicated copy: recorded, not doubled
            break
    slug = make_slug(meta["title"]) or "article"
    path = folder / f"{slug}.md"
    same = next((o for o in existing if o.path == path), None)
    if same is not None:
        if same.fingerprint and same.current != same.fingerprint and not force:
            return (
                Outcome(
                    "failed",
                    path,
                    "exists and was edited by hand since it was ingested: use --force to replace it",
                ),
                None,
                meta,
            )
        if not force:
            n = 2
            while (folder / f"{slug}-{n}.md").exists():
                n += 1
            path = folder / f"{slug}-{n}.md"
            meta = {**meta, "slug": f"{slug}-{n}"}
    return (
        Outcome(
            "written" if "duplicate_of" not in meta else "duplicate",
            path,
            meta.get("duplicate_of", ""),
        ),
        path,
        meta,
    )


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
