"""Loads articles and editions from content/ into the model; every problem carries path and line."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from slugify import slugify

from briefings.errors import BriefingsError, ContentError, Problem
from briefings.model import Article, Content, Edition, Image, Section
from briefings.sourcefile import SourceFile, read_source

ARTICLE_FIELDS = frozenset(
    [
        "title",
        "date",
        "source",
        "url",
        "authors",
        "tags",
        "summary",
        "dateline",
        "image",
        "note",
        "slug",
        "draft",
    ]
)
EDITION_FIELDS = frozenset(["title", "date", "sections", "slug"])
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_HINT = "use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]"


@lru_cache(maxsize=100_000)  # slugify is slow, and a site slugs the same names on every build
def make_slug(text: str) -> str:
    """A URL-safe slug for TEXT ('White House' -> 'white-house')."""
    slug = slugify(text)
    # Cut long slugs at a word end ourselves: slugify's word_boundary drops words from the middle.
    return slug if len(slug) <= 80 else slug[:81].rsplit("-", 1)[0]


def load_content(
    content_dir: Path,
    tz: ZoneInfo,
    root: Path | None = None,
    cache: dict | None = None,
    changed: Collection[str] | None = None,
) -> Content:
    """Load and validate everything under CONTENT_DIR; raise ContentError listing every problem.
    CACHE (kept by the caller between builds) skips files whose size and mtime are unchanged.
    CHANGED (with CACHE): the only files that may differ since the last load, as a file watcher
    reported them; the others are neither listed nor looked at again."""
    root = root or content_dir.parent
    problems: list[Problem] = []
    if cache is None:
        changed = None
    articles = _collect(
        _load_article,
        _listing(content_dir / "articles", cache, changed),
        root,
        tz,
        problems,
        cache,
        changed,
    )
    problems += _duplicate_problems(articles, "slug", lambda a: a.slug)
    published = [a for a in articles if not a.draft]
    published.sort(key=lambda a: (a.date, a.slug), reverse=True)
    by_slug = {a.slug: a for a in articles}

    edition_files = _listing(content_dir / "editions", cache, changed)
    editions = _collect(_load_edition, edition_files, root, tz, problems, cache, changed)
    problems += _duplicate_problems(editions, "slug", lambda e: e.slug)
    for edition in editions:
        problems += _edition_item_problems(edition, by_slug, root)
    if problems:
        raise ContentError(problems, summary=f"content has {len(problems)} problem(s)")
    if not edition_files:
        editions = derive_editions(published, tz)
    editions.sort(key=lambda e: (e.date, e.slug), reverse=True)
    return Content(articles=tuple(published), editions=tuple(editions))


def _markdown_files(folder: Path) -> Iterator[str]:
    """Markdown files under FOLDER, sorted. (os.walk and plain strings, not rglob and Paths: a
    large site has thousands, and this runs on every rebuild.)"""
    found = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        # Editors leave swap, backup and lock files beside the real ones.
        found += [
            os.path.join(parent, name)
            for name in files
            if name.endswith(".md") and not name.startswith((".", "#"))
        ]
    yield from sorted(found)


def _listing(folder: Path, cache: dict | None, changed: Collection[str] | None) -> list[str]:
    """The Markdown files under FOLDER: the last listing with CHANGED applied, or walked anew."""
    key = ("listing", str(folder))
    last = cache.get(key) if cache is not None else None
    if last is None or changed is None:
        found = list(_markdown_files(folder))
    else:
        base = str(folder) + os.sep
        now = set(last)
        for path in changed:
            if path.startswith(base) and _is_content_name(path[len(base) :]):
                if os.path.isfile(path):
                    now.add(path)
                else:
                    now.discard(path)
        found = sorted(now)
    if cache is not None:
        cache[key] = found
    return found


def _is_content_name(relative: str) -> bool:
    parts = relative.split(os.sep)
    name = parts[-1]
    return (
        name.endswith(".md")
        and not name.startswith((".", "#"))
        and not any(p.startswith(".") for p in parts[:-1])
    )


def _collect(
    loader: Any,
    paths: Iterable[str],
    root: Path,
    tz: ZoneInfo,
    problems: list[Problem],
    cache: dict | None = None,
    changed: Collection[str] | None = None,
) -> list:
    loaded = []
    for path in paths:
        if changed is not None and path not in changed:
            # Not among the files the watcher saw change: as loaded last time.
            seen = cache.get(("seen", loader, path))  # type: ignore[union-attr]
            if seen is not None and seen[0] == tz:
                problems += seen[2]
                if seen[1] is not None and not seen[2]:
                    loaded.append(seen[1])
                continue
        display = _display(path, root)
        try:
            source = _read_cached(path, display, cache)
        except BriefingsError as exc:
            problems += exc.problems
            continue
        except OSError as exc:
            problems.append(Problem(f"cannot read: {exc.strerror}", path=display))
            continue
        item, found = _load_cached(loader, source, tz, cache)
        if cache is not None:
            cache[("seen", loader, path)] = (tz, item, found)
        problems += found
        if item is not None and not found:
            loaded.append(item)
    return loaded


def _load_cached(loader: Any, source: SourceFile, tz: ZoneInfo, cache: dict | None) -> tuple:
    """LOADER's item and problems for SOURCE; the same objects as last time for an unchanged
    file, so later stages can tell unchanged articles by identity."""
    memo = cache.get((loader, source.display)) if cache is not None else None
    if memo is not None and memo[0] is source and memo[1] == tz:
        return memo[2], memo[3]
    found: list[Problem] = []
    item = loader(source, tz, found)
    if cache is not None:
        cache[(loader, source.display)] = (source, tz, item, found)
    return item, found


def _read_cached(path: str, display: str, cache: dict | None) -> SourceFile:
    if cache is None:
        return read_source(Path(path), display)
    stat = os.stat(path)
    key = (stat.st_mtime_ns, stat.st_size)
    hit = cache.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    source = read_source(Path(path), display)
    cache[path] = (key, source)
    return source


def _display(path: str, root: Path) -> str:
    text, base = path, str(root)
    if text.startswith(base + os.sep):
        return text[len(base) + 1 :]
    return text


class _Fields:
    """Reads typed fields from one file's front matter, collecting a problem per bad field."""

    def __init__(self, source: SourceFile, problems: list[Problem]) -> None:
        self.source = source
        self.meta = source.meta
        self.problems = problems

    def fail(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(self.source.error(key, message, hint).problem)

    def text(self, key: str, required: bool = False) -> str:
        value = self.meta.get(key)
        if value is None or value == "":
            if required:
                self.fail(key, "required field is missing", f"add '{key}: ...' to the front matter")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, f"must be text, not {_kind(value)}")
            return ""
        return str(value).strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.fail(key, f"must be a list of text, not {_kind(value)}", f"write {key}: [a, b]")
            return ()
        seen: dict[str, None] = {}
        for item in value:
            text = str(item).strip()
            if text:
                seen.setdefault(text, None)
        return tuple(seen)

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {value!r}")
            return False
        return value

    def when(self, key: str, tz: ZoneInfo) -> tuple[datetime, bool] | None:
        value = self.meta.get(key)
        if value is None or value == "":
            self.fail(key, "required field is missing", DATE_HINT)
            return None
        try:
            return parse_when(str(value), tz)
        except ValueError as exc:
            self.fail(key, f"{str(value)!r} is not a valid date: {exc}", DATE_HINT)
            return None

    def link(self, key: str) -> str:
        value = self.text(key)
        if value and not is_web_url(value):
            self.fail(key, f"{value!r} is not an http(s) URL", "use the full https://... address")
            return ""
        return value

    def slug(self, default: str) -> str:
        value = self.text("slug")
        if not value:
            return default
        if not SLUG_RE.match(value):
            self.fail(
                "slug", f"{value!r} is not a valid slug", "use lowercase letters, digits and '-'"
            )
        return value


def parse_when(value: str, tz: ZoneInfo) -> tuple[datetime, bool]:
    """Parse an ISO 8601 date or datetime; naive values are in TZ. Returns (moment, has_time)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.combine(date.fromisoformat(value), time(0), tz), False
    if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
        raise ValueError("not in ISO 8601 form")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment, True


def is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _load_article(source: SourceFile, tz: ZoneInfo, problems: list[Problem]) -> Article | None:
    f = _Fields(source, problems)
    title = f.text("title", required=True)
    when = f.when("date", tz)
    source_name = f.text("source", required=True)
    slug = f.slug(make_slug(title) if title else "")
    if title and not slug:
        f.fail("title", "gives no usable slug", "add 'slug: some-words' to the front matter")
    article = Article(
        slug=slug,
        title=title,
        date=when[0] if when else datetime.min,
        has_time=when[1] if when else False,
        source=source_name,
        body=source.body,
        path=source.display,
        url=f.link("url"),
        authors=f.text_list("authors"),
        tags=f.text_list("tags"),
        summary=f.text("summary"),
        dateline=f.text("dateline"),
        image=_image(f),
        note=f.text("note"),
        draft=f.flag("draft"),
        extra={k: v for k, v in source.meta.items() if k not in ARTICLE_FIELDS},
    )
    return article if title and when and source_name else None


def _image(f: _Fields) -> Image | None:
    value = f.meta.get("image")
    if value is None:
        return None
    if isinstance(value, str):
        value = {"src": value}
    if not isinstance(value, dict):
        f.fail("image", f"must be a mapping (src, alt, caption, credit), not {_kind(value)}")
        return None
    unknown = set(value) - {"src", "alt", "caption", "credit"}
    if unknown:
        f.fail(
            "image",
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))}",
            "use src, alt, caption, credit",
        )
        return None
    fields = {k: str(v).strip() for k, v in value.items() if v is not None}
    src = fields.get("src", "")
    if src and urlsplit(src).scheme not in ("", "http", "https"):
        f.fail("image.src", f"{src!r} is not an http(s) or relative URL")
        return None
    return Image(**fields)


def _load_edition(source: SourceFile, tz: ZoneInfo, problems: list[Problem]) -> Edition | None:
    f = _Fields(source, problems)
    title = f.text("title", required=True)
    when = f.when("date", tz)
    for key in sorted(set(source.meta) - EDITION_FIELDS):
        f.fail(key, "unknown field", f"editions take {', '.join(sorted(EDITION_FIELDS))}")
    sections = _sections(f)
    if not (title and when) or sections is None:
        return None
    slug = f.slug(when[0].date().isoformat())
    return Edition(slug, title, when[0], source.body, tuple(sections), source.display)


def _sections(f: _Fields) -> list[Section] | None:
    value = f.meta.get("sections", [])
    hint = "write sections: [{title: ..., items: [article-slug, ...]}]"
    if not isinstance(value, list):
        f.fail("sections", f"must be a list, not {_kind(value)}", hint)
        return None
    sections = []
    for number, raw in enumerate(value, 1):
        where = f"sections[{number}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("items", []), list):
            f.fail(where, "must have a title and a list of items", hint)
            return None
        unknown = set(raw) - {"title", "note", "items"}
        if unknown:
            f.fail(
                where,
                f"unknown key(s) {', '.join(sorted(map(str, unknown)))}",
                "use title, note, items",
            )
            return None
        items = tuple(str(i).strip() for i in raw.get("items", []) if str(i).strip())
        sections.append(Section(str(raw.get("title") or ""), items, str(raw.get("note") or "")))
    return sections


def _duplicate_problems(items: list, what: str, key: Any) -> list[Problem]:
    if len({key(item) for item in items}) == len(items):
        return []  # the usual case, found without grouping
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    problems = []
    for value, same in groups.items():
        if len(same) > 1:
            for item in same:
                others = ", ".join(o.path for o in same if o is not item)
                problems.append(
                    Problem(
                        f"duplicate {what} {value!r}, also used by {others}",
                        path=item.path,
                        field=what,
                        hint=f"give one of them its own '{what}:'",
                    )
                )
    return problems


def _edition_item_problems(
    edition: Edition, by_slug: dict[str, Article], root: Path
) -> list[Problem]:
    problems = []
    lines = (root / edition.path).read_text(encoding="utf-8-sig").splitlines()
    for slug in edition.slugs:
        article = by_slug.get(slug)
        if article is not None and not article.draft:
            continue
        reason = "is a draft" if article else "is not the slug of any article"
        line = next(
            (
                n
                for n, text in enumerate(lines, 1)
                if re.search(rf"(^|[\s\[,'\"-]){re.escape(slug)}($|[\s\],'\"])", text)
            ),
            None,
        )
        problems.append(
            Problem(
                f"item {slug!r} {reason}",
                path=edition.path,
                line=line,
                field="sections",
                hint="publish it or remove it from the edition"
                if article
                else "use an article's slug: its 'slug:' field, or its title in lower-case-with-dashes",
            )
        )
    return problems


def derive_editions(articles: list[Article], tz: ZoneInfo) -> list[Edition]:
    """One edition per local day, for projects that have no edition files."""
    return list(_derive_editions(tuple((a.slug, a.date) for a in articles), tz))


@lru_cache(maxsize=2)  # a rebuild after a text edit asks again with the same slugs and dates
def _derive_editions(dated: tuple[tuple[str, datetime], ...], tz: ZoneInfo) -> tuple[Edition, ...]:
    by_day: dict[date, list[tuple[str, datetime]]] = defaultdict(list)
    for slug, moment in dated:
        by_day[moment.astimezone(tz).date()].append((slug, moment))
    editions = []
    for day, items in by_day.items():
        items.sort(key=lambda item: (item[1], item[0]), reverse=True)
        title = f"Briefing for {day.strftime('%A')}, {day.day} {day.strftime('%B %Y')}"
        section = Section("", tuple(slug for slug, _ in items))
        start = datetime.combine(day, time(0), tz)
        editions.append(Edition(day.isoformat(), title, start, "", (section,), "", derived=True))
    return tuple(editions)
