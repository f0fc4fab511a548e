"""Raw page -> Extracted article, by the right extractor for its kind."""

from __future__ import annotations

from collections.abc import Mapping

from briefings.ingest.clean import mend, word_count
from briefings.ingest.fields import outlet
from briefings.ingest.model import Extracted
from briefings.ingest.read import RawPage
from briefings.ingest.summary import choose_summary
from briefings.ingest.text import extract_text

MIN_WORDS = 30  # fewer than this in the body: the page holds no article


def extract(raw: RawPage, url: str = "", sources: Mapping[str, str] | None = None) -> Extracted:
    """The article in RAW. URL (from --url) helps name the outlet; SOURCES is briefings.toml's
    [sources] table (domains and spellings -> the outlet's name)."""
    names = dict(sources or {})
    if raw.kind == "html":
        from briefings.ingest.html import extract_html

        return extract_html(mend(raw.text), url, names)
    article = extract_text(mend(raw.text))
    article.url = article.url or url
    article.source, guessed = outlet([article.source], article.url, names)
    if guessed:
        article.guessed.append("source")
    article.summary = choose_summary(article.paragraphs, title=article.title)
    return article


def refusal(article: Extracted) -> str:
    """Why the page is refused, or "" for an article."""
    if word_count(article.body) < MIN_WORDS:
        return "no article found in the page (is it an index or a login page?)"
    if article.not_article:
        return f"not an article: {article.not_article}"
    return ""


__all__ = ["extract", "refusal"]
