"""The content model: articles and editions as frozen values, independent of files and HTML."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol


class Markdown(Protocol):
    """An article's Markdown body as UTF-8 bytes, and their digest. The content loader's may
    let go of its bytes and read them again from the file when asked (content.source)."""

    digest: bytes

    @property
    def data(self) -> bytes: ...

    def release(self) -> None: ...


@dataclass(frozen=True)
class Image:
    src: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: datetime  # always timezone-aware
    source: str
    markdown: Markdown  # the body, as UTF-8, read again from its file once let go: see body
    path: str  # relative to the project root, for messages
    url: str = ""
    canonical: str = ""  # the original's address elsewhere, when this is a syndicated copy
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # the editor's topics
    keywords: tuple[str, ...] = ()  # the page's own tags (ingest); topics only through [topics]
    summary: str = ""
    dateline: str = ""
    image: Image | None = None
    note: str = ""  # the curator's "why it matters", Markdown
    draft: bool = False
    needs: tuple[str, ...] = ()  # what a draft lacks to publish ("date", "source")
    guessed: tuple[str, ...] = ()  # fields ingest inferred ("title": a text dump's first words)
    slug_given: bool = False  # the front matter says `slug:` (else it derives from the title)
    # Which story it belongs to: True, the one relating finds; False, none (its own); a slug,
    # the story of that article or that story slug (the editor's word beats the engine's).
    story: bool | str = True
    scheduled: bool = False  # dated in the future, shown only in a preview (content.visible)
    has_time: bool = False  # False when the front matter gave only a day
    # Keys we do not know (ingest's provenance, the editor's own) kept as written.
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def body(self) -> str:
        """The body, Markdown (see sourcefile.Markdown for how it is held)."""
        return self.markdown.data.decode()


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[str, ...]  # article slugs, in the editor's order
    note: str = ""
    fold: bool | None = None  # other coverage under each item; None: as the edition says


@dataclass(frozen=True)
class Edition:
    slug: str
    title: str
    date: datetime
    intro: str  # Markdown
    sections: tuple[Section, ...]
    path: str  # "" for an edition derived from article dates
    fold: bool = True  # other coverage of a listed story shown under its item

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(slug for section in self.sections for slug in section.items)


@dataclass(frozen=True)
class Content:
    """Everything under content/, validated: published articles newest first, editions newest first."""

    articles: tuple[Article, ...]
    editions: tuple[Edition, ...]
    drafts: tuple[Article, ...] = ()  # not published: listed with what each needs
    notes: tuple[str, ...] = ()  # what loading decided for the editor (a slug made distinct)
    scheduled: tuple[Article, ...] = ()  # dated in the future: held back (content.visible)
    # Articles whose files have problems, not built (load_content's leave_out): (path, problem)
    left_out: tuple[tuple[str, str], ...] = ()

    @cached_property
    def by_slug(self) -> Mapping[str, Article]:
        return {a.slug: a for a in self.articles}


def replaced(
    old: Sequence[Article], new: Sequence[Article]
) -> list[tuple[Article, Article]] | None:
    """The articles of NEW that are other objects than those of OLD at their places, with their
    predecessors, when NEW is OLD with some articles replaced by ones of the same slugs (the
    usual edit: unchanged articles are the same objects, see load_content); else None."""
    if len(old) != len(new):
        return None
    pairs = [(a, b) for a, b in zip(old, new, strict=True) if a is not b]
    return None if any(a.slug != b.slug for a, b in pairs) else pairs
