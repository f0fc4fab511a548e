"""Loads articles and editions from content/ into the model; every problem carries path and line."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, time
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from briefings.content.fields import Fields, kind_of
from briefings.content.files import collect, listing
from briefings.content.items import item_problems, unabbreviated
from briefings.content.source import SourceFile
from briefings.content.visible import only_items
from briefings.errors import ContentError, Problem
from briefings.model import Article, Content, Edition, Image, Section
from briefings.urls import make_slug

ARTICLE_FIELDS = frozenset(
    [
        "title",
        "date",
        "source",
        "url",
        "canonical",
        "authors",
        "tags",
        "summary",
        "dateline",
        "image",
        "note",
        "slug",
        "draft",
        "keywords",
        "needs",
        "guessed",
        "story",
    ]
)
EDITION_FIELDS = frozenset(["title", "date", "sections", "slug", "fold"])


def load_content(
    content_dir: Path,
    tz: ZoneInfo,
    root: Path | None = None,
    cache: dict | None = None,
    changed: Collection[str] | None = None,
    leave_out: bool = False,
) -> Content:
    """Load and validate everything under CONTENT_DIR; raise ContentError listing every problem.
    CACHE (kept by the caller between builds) skips files whose size and mtime are unchanged.
    CHANGED (with CACHE): the only files that may differ since the last load, as a file watcher
    reported them; the others are neither listed nor looked at again. LEAVE_OUT: an article
    whose file has problems is left out instead, its problems in `left_out` (a build: one bad
    article never fails the whole site); editions then list the others."""
    root = root or content_dir.parent
    problems: list[Problem] = []
    if cache is None:
        changed = None
    unloaded: list[Problem] = []
    articles = collect(
        _load_article,
        listing(content_dir / "articles", cache, changed),
        root,
        tz,
        unloaded,
        cache,
        changed,
    )
    if not leave_out:
        problems += unloaded
    notes: list[str] = []
    articles = _distinct_slugs(articles, cache, notes)
    if leave_out:
        articles = _first_of_each_slug(articles, unloaded)
    published, moved = _published(articles, problems, cache)

    edition_files = listing(content_dir / "editions", cache, changed)
    editions = collect(_load_edition, edition_files, root, tz, problems, cache, changed)
    problems += _duplicate_problems(editions, "slug", lambda e: e.slug)
    if editions:
        by_slug = {a.slug: a for a in articles}
        slugs = sorted(a.slug for a in published)
        editions = [unabbreviated(edition, slugs) for edition in editions]
        declared = _declared_slugs(unloaded, root)
        for edition in editions:
            problems += item_problems(edition, by_slug, root, slugs, declared)
    if problems:
        raise ContentError(problems, summary=f"content has {len(problems)} problem(s)")
    if unloaded and editions:
        # An item naming an article left out (its file's problems say why: item_problems
        # passes it over) is not shown until the file is mended.
        published_slugs = {a.slug for a in published}
        editions = [only_items(e, published_slugs) for e in editions]
    if not edition_files:
        # Derived from the articles' slugs and dates alone: the last ones stand if none moved.
        last = cache.get("derived") if cache is not None and not moved else None
        if last is not None and last[0] == tz:
            editions = list(last[1])
        else:
            editions = derive_editions(published, tz)
            if cache is not None:
                cache["derived"] = (tz, tuple(editions))
    editions.sort(key=lambda e: (e.date, e.slug), reverse=True)
    drafts = tuple(a for a in articles if a.draft)
    return Content(
        articles=tuple(published),
        editions=tuple(editions),
        drafts=drafts,
        notes=tuple(notes),
        left_out=tuple((str(p.path or ""), str(p)) for p in unloaded),
    )


# A `slug:` line as written in front matter; read as text from a file whose front matter did not
# load, within its first SLUG_SCAN characters.
DECLARED_SLUG = re.compile(r"^slug:[ \t]*(['\"]?)([\w.-]+)\1[ \t]*(?:#.*)?$", re.MULTILINE)
SLUG_SCAN = 65_536


def _declared_slugs(left_out: list[Problem], root: Path) -> set[str]:
    """The slugs the files LEFT_OUT give in a `slug:` line: an edition item naming one of them
    is passed over until the file is mended (its own problems say why), as an item naming the
    file is, not a second problem that would stop the whole build."""
    found: set[str] = set()
    for display in {p.path for p in left_out if p.path}:
        try:
            with open(root / display, encoding="utf-8", errors="replace") as handle:
                head = handle.read(SLUG_SCAN)
        except OSError:
            continue
        found.update(match[2] for match in DECLARED_SLUG.finditer(head))
    return found


def left_out_warning(left_out: tuple[tuple[str, str], ...], then: str) -> list[str]:
    """What every command says of the articles left out (Content.left_out): how many, each
    problem, and to mend them and THEN; one line each (none when none is left out)."""
    if not left_out:
        return []
    files = len({path for path, _ in left_out})
    head = (
        f"Warning: {files} article(s) left out, their files have problems (mend them and {then}):"
    )
    return [head, *(f"  {problem}" for _, problem in left_out)]


def _distinct_slugs(articles: list[Article], cache: dict | None, notes: list[str]) -> list[Article]:
    """Articles whose titles give the same slug, none of them with `slug:` of its own: the
    earliest (by date, then file) keeps it, the others get SLUG-2, -3, ... and a note says so,
    rather than the whole build failing. (Two explicit slugs that clash stay a problem.)"""
    counts = Counter(a.slug for a in articles)
    if len(counts) == len(articles):
        return articles  # the usual case
    taken = set(counts)
    last = cache.get("renamed", {}) if cache is not None else {}
    renamed: dict[int, tuple[Article, Article]] = {}
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if counts[article.slug] > 1:
            groups[article.slug].append(article)
    for slug, same in groups.items():
        derived = sorted((a for a in same if not a.slug_given), key=lambda a: (a.date, a.path))
        keeps = any(a.slug_given for a in same)  # an explicit slug wins the name
        for article in derived[0 if keeps else 1 :]:
            kept = last.get(id(article))
            if kept is not None and kept[0] is article:
                new = kept[1]  # the same object as last time: an unchanged article stays so
            else:
                n = 2
                while f"{slug}-{n}" in taken:
                    n += 1
                new = replace(article, slug=f"{slug}-{n}")
            taken.add(new.slug)
            renamed[id(article)] = (article, new)
            notes.append(
                f"{article.path}: its title gives the slug {slug!r}, already taken: "
                f"published as {new.slug!r} (add 'slug:' to choose one)"
            )
    if cache is not None:
        cache["renamed"] = renamed
    return [renamed[id(a)][1] if id(a) in renamed else a for a in articles]


def _first_of_each_slug(articles: list[Article], left_out: list[Problem]) -> list[Article]:
    """ARTICLES, of those that give the same slug in `slug:` one alone: the earliest published
    (by date, then file; a draft only when all are), whose address stays; each other one is
    left out with a problem in LEFT_OUT."""
    counts = Counter(a.slug for a in articles)
    if len(counts) == len(articles):
        return articles  # the usual case
    first: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: (a.draft, a.date, a.path)):
        first.setdefault(article.slug, article)
    for article in articles:
        if first[article.slug] is not article:
            left_out.append(
                Problem(
                    f"duplicate slug {article.slug!r}: {first[article.slug].path} has it",
                    path=article.path,
                    field="slug",
                    hint="give this one its own 'slug:'",
                )
            )
    return [a for a in articles if first[a.slug] is a]


def _published(
    articles: list[Article], problems: list[Problem], cache: dict | None
) -> tuple[list[Article], bool]:
    """The articles that are not drafts, newest first, and whether any article moved, came or
    went since the last call with CACHE. An edit that changes no article's slug, date or draft
    (the usual one) keeps the last order, with the edited articles swapped in."""
    last = cache.get("published") if cache is not None else None
    if last is not None and len(last[0]) == len(articles):
        swap: dict[int, Article] | None = {}
        for old, new in zip(last[0], articles, strict=True):
            if old is not new:
                if old.slug != new.slug or old.date != new.date or old.draft != new.draft:
                    swap = None
                    break
                swap[id(old)] = new  # type: ignore[index]
        if swap is not None:
            published = [swap.get(id(a), a) for a in last[1]] if swap else last[1]
            cache["published"] = (articles, published)  # type: ignore[index]
            return published, False
    if cache is not None:
        cache.pop("derived", None)  # derived from the order this replaces
    found = _duplicate_problems(articles, "slug", lambda a: a.slug)
    problems += found
    published = [a for a in articles if not a.draft]
    # Newest first, then by slug: two stable sorts on one field each, not one on built tuples.
    published.sort(key=attrgetter("slug"), reverse=True)
    published.sort(key=attrgetter("date"), reverse=True)
    if cache is not None and not found:
        cache["published"] = (articles, published)
    return published, True


def _load_article(source: SourceFile, tz: ZoneInfo, problems: list[Problem]) -> Article | None:
    f = Fields(source, problems)
    draft = f.flag("draft")
    title = f.text("title", required=True)
    # A draft may lack what it needs to publish (ingest writes such pages as drafts with
    # `needs: [date, source]`); it is listed, never published.
    if draft and source.meta.get("date") in (None, ""):
        when: tuple[datetime, bool] | None = (datetime.fromtimestamp(0, tz), False)
    else:
        when = f.when("date", tz)
    source_name = f.text("source", required=not draft) or ("(needs a source)" if draft else "")
    # (A title is slugged only for an article without `slug:`: slugify is slow, and ingested
    # articles all have one.)
    slug = f.slug(lambda: make_slug(title) if title else "")
    if title and not slug:
        f.fail("title", "gives no usable slug", "add 'slug: some-words' to the front matter")
    article = Article(
        slug=slug,
        title=title,
        date=when[0] if when else datetime.min,
        has_time=when[1] if when else False,
        source=source_name,
        markdown=source.markdown,
        path=source.display,
        url=f.link("url"),
        canonical=f.link("canonical"),
        authors=f.text_list("authors"),
        tags=f.text_list("tags"),
        keywords=f.text_list("keywords"),
        needs=f.text_list("needs"),
        guessed=f.text_list("guessed"),
        summary=f.text("summary"),
        dateline=f.text("dateline"),
        image=_image(f),
        note=f.text("note"),
        draft=draft,
        slug_given=bool(f.text("slug")),
        story=f.story(),
        extra={k: v for k, v in source.meta.items() if k not in ARTICLE_FIELDS},
    )
    return article if title and when and source_name else None


def _image(f: Fields) -> Image | None:
    value = f.meta.get("image")
    if value is None:
        return None
    if isinstance(value, str):
        value = {"src": value}
    if not isinstance(value, dict):
        f.fail("image", f"must be a mapping (src, alt, caption, credit), not {kind_of(value)}")
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
    f = Fields(source, problems)
    title = f.text("title", required=True)
    when = f.when("date", tz)
    for key in sorted(set(source.meta) - EDITION_FIELDS):
        f.fail(key, "unknown field", f"editions take {', '.join(sorted(EDITION_FIELDS))}")
    sections = _sections(f)
    fold = f.flag("fold") if "fold" in source.meta else True
    if not (title and when) or sections is None:
        return None
    slug = f.slug(when[0].date().isoformat)
    return Edition(slug, title, when[0], source.body, tuple(sections), source.display, fold)


def _sections(f: Fields) -> list[Section] | None:
    value = f.meta.get("sections", [])
    hint = "write sections: [{title: ..., items: [article-slug, ...]}]"
    if not isinstance(value, list):
        f.fail("sections", f"must be a list, not {kind_of(value)}", hint)
        return None
    sections = []
    for number, raw in enumerate(value, 1):
        where = f"sections[{number}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("items", []), list):
            f.fail(where, "must have a title and a list of items", hint)
            return None
        unknown = set(raw) - {"title", "note", "items", "fold"}
        if unknown:
            f.fail(
                where,
                f"unknown key(s) {', '.join(sorted(map(str, unknown)))}",
                "use title, note, items, fold",
            )
            return None
        fold = raw.get("fold")
        if fold is not None and not isinstance(fold, bool):
            f.fail(f"{where}.fold", f"must be true or false, not {fold!r}")
            return None
        items = tuple(str(i).strip() for i in raw.get("items", []) if str(i).strip())
        title, note = str(raw.get("title") or ""), str(raw.get("note") or "")
        sections.append(Section(title, items, note, fold))
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
        editions.append(Edition(day.isoformat(), title, start, "", (section,), ""))
    return tuple(editions)
