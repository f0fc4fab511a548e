"""Raw page -> Extracted article, by the right extractor for its kind."""

from __future__ import annotations

from briefings.errors import BriefingsError
from briefings.ingest.model import Extracted
from briefings.ingest.read import RawPage
from briefings.ingest.text import extract_text

MIN_WORDS = 30  # fewer than this in the body: the page holds no article


def extract(raw: RawPage) -> Extracted:
    if raw.kind == "html":
        from briefings.ingest.html import extract_html

        article = extract_html(raw.text)
    else:
        article = extract_text(raw.text)
    return article


def require_article(article: Extracted, name: str) -> Extracted:
    if len(article.body.split()) < MIN_WORDS:
        raise BriefingsError(
            "no article found in the page", path=name, hint="is it an index or a login page?"
        )
    return article


__all__ = ["BriefingsError", "extract", "require_article"]
