"""What extraction gives: a clean article before it becomes a file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Extracted:
    title: str = ""
    source: str = ""
    date: str = ""  # ISO 8601 as found (date or datetime)
    url: str = ""
    canonical: str = ""  # the original's address, when the page says it copies one elsewhere
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # topics the text dump names ("Tags: ...")
    keywords: list[str] = field(default_factory=list)  # the page's CMS tags, cleaned
    summary: str = ""
    image_src: str = ""
    dateline: str = ""
    image_caption: str = ""
    image_credit: str = ""
    paragraphs: list[str] = field(default_factory=list)  # Markdown paragraphs
    guessed: list[str] = field(default_factory=list)  # fields we inferred rather than read
    date_doubt: str = ""  # why a guessed date is in doubt, when not found only in the text
    source_doubt: str = ""  # why a source found on the page is still a guess to confirm
    extractor: str = ""
    not_article: str = ""  # why the page is not an article, or ""
    doubt: str = ""  # why it may not be one: then written as a draft for the editor to check

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)
