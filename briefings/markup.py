"""Markdown to sanitized HTML: scraped text is hostile until nh3 has cleaned it."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import markdown
import nh3
from markupsafe import Markup

from briefings.mdshortcuts import MarkdownShortcuts

EXTENSIONS = ["extra", "smarty", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False}, "smarty": {"smart_angled_quotes": False}}

ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"center", "strike", "tt", "acronym", "map", "area"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "lang", "title", "dir"},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "sup": {"id"},
    "li": {"id"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
}
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


@dataclass(frozen=True)
class RenderedText:
    """An article's Markdown fields as safe HTML, rendered once per build."""

    body_html: Markup
    note_html: Markup
    excerpt: str


def sanitize(fragment: str) -> Markup:
    """Strip everything but harmless markup: no script, style, iframe, handlers or javascript: URLs."""
    return Markup(_CLEANER.clean(fragment))


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template"},
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def markdown_to_html(text: str) -> Markup:
    """Render Markdown with the site's extensions, then sanitize."""
    if not text.strip():
        return Markup("")
    return sanitize(_converter().reset().convert(text))


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread, reset between texts: setting up the extensions costs more
    than converting a short article."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=[*EXTENSIONS, MarkdownShortcuts()],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
    return converter


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace folded."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def excerpt(body_html: str, summary: str = "", limit: int = 240) -> str:
    """The summary if there is one, else the first paragraph shortened at a word boundary."""
    if summary:
        return summary
    first = _PARAGRAPH.search(body_html)
    text = plain_text(first.group(1) if first else body_html)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-—")
    return cut + "…"


def render_texts(fields: Sequence[tuple[str, str, str]]) -> list[RenderedText]:
    """render_text of each (body, note, summary)."""
    return [render_text(*f) for f in fields]


def render_text(body: str, note: str, summary: str) -> RenderedText:
    body_html = markdown_to_html(body)
    return RenderedText(body_html, markdown_to_html(note), excerpt(body_html, summary))
