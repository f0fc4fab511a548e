"""Saved HTML pages: trafilatura extracts the article and its metadata, then our own cleaning."""

from __future__ import annotations

import re

import trafilatura

from briefings.ingest.clean import drop_repeats, is_boilerplate
from briefings.ingest.model import Extracted

FAVOR_RECALL = False
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


def extract_html(html: str, url: str = "") -> Extracted:
    """The article in a saved HTML page, as Markdown paragraphs with safe links kept."""
    result = Extracted(extractor=f"trafilatura {trafilatura.__version__}")
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        output_format="python",
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_formatting=True,
        favor_recall=FAVOR_RECALL,
        with_metadata=True,
    )
    if document is None:
        return result
    data = document if isinstance(document, dict) else document.as_dict()
    text = trafilatura.extract(
        html, url=url or None, output_format="markdown", include_comments=False, include_tables=True,
        include_links=True, include_formatting=True, favor_recall=FAVOR_RECALL,
    ) or ""  # fmt: skip
    paragraphs = [_safe_links(p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    result.paragraphs = drop_repeats([p for p in paragraphs if not is_boilerplate(p)])
    result.title = (data.get("title") or "").strip()
    result.source = (data.get("sitename") or "").strip()
    result.date = (data.get("date") or "").strip()
    result.url = (data.get("url") or url or "").strip()
    author = (data.get("author") or "").strip()
    result.authors = (
        [a.strip() for a in re.split(r";|\band\b|,", author) if a.strip()] if author else []
    )
    tags = data.get("tags") or data.get("categories") or []
    result.tags = [
        t.strip() for t in (tags.split(",") if isinstance(tags, str) else tags) if t.strip()
    ]
    return result


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
