"""Saved HTML pages: trafilatura extracts the article and its metadata, then our own cleaning."""

from __future__ import annotations

import re

import trafilatura
from trafilatura.xml import xmltotxt

from briefings.ingest.clean import polish
from briefings.ingest.model import Extracted

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
MAX_TAGS = 12  # news sites pour stock tickers and SEO keywords into their tag fields


def extract_html(html: str, url: str = "") -> Extracted:
    """The article in a saved HTML page, as Markdown paragraphs with safe links kept."""
    result = Extracted(extractor=f"trafilatura {trafilatura.__version__}")
    # favor_precision: trafilatura's own switch for "less text, all of it the article"; our
    # post-cleaning removes what still leaks, and recall costs little (see bench/extraction.py).
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_formatting=True,
        favor_precision=True,
        with_metadata=True,
        as_dict=False,
    )
    if document is None or isinstance(document, dict):
        return result
    text = xmltotxt(document.body, include_formatting=True)
    paragraphs = [_safe_links(p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    result.title = (document.title or "").strip()
    result.paragraphs = polish(paragraphs, title=result.title)
    result.source = (document.sitename or "").strip()
    result.date = (document.date or "").strip()
    result.url = (document.url or url or "").strip()
    author = (document.author or "").strip()
    result.authors = [a.strip() for a in re.split(r";|\band\b|,", author) if a.strip()]
    result.tags = _tags(document.categories, document.tags)
    return result


def _tags(*fields: object) -> list[str]:
    """Categories first, then tags; each field a list or a comma-separated string."""
    found: dict[str, str] = {}
    for field in fields:
        values = (
            [field]
            if isinstance(field, str)
            else list(field or [])
            if isinstance(field, list | tuple)
            else []
        )
        for value in values:
            for tag in str(value).split(","):
                tag = tag.strip()
                if tag and tag.lower() not in found:
                    found[tag.lower()] = tag
    return list(found.values())[:MAX_TAGS]


def _safe_links(paragraph: str) -> str:
    """Keep http(s) and mailto links; a javascript: or data: link becomes its text."""

    def keep(match: re.Match[str]) -> str:
        target = match.group(2)
        return (
            match.group(0)
            if target.startswith(("http://", "https://", "mailto:"))
            else match.group(1)
        )

    return MARKDOWN_LINK.sub(keep, paragraph)
