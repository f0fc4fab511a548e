"""Feeds the content model to the relate stage, which knows nothing of files or Markdown."""

from __future__ import annotations

from briefings.config import Config
from briefings.content import make_slug
from briefings.markup import RenderedText, plain_text, render_text
from briefings.model import Article, Content
from briefings.relate import RelateDoc, RelatedSettings, RelateIndex, Relations, snapshot


def relate_doc(article: Article, text: RenderedText, settings: RelatedSettings) -> RelateDoc:
    """What the relate stage reads of an article: its words (as the reader sees them), time, tags.
    Only the lead is read, so only the lead is kept: an edit further down changes nothing here,
    and a large site's index stays small."""
    return RelateDoc(
        article.slug,
        article.title,
        lead(plain_text(text.body_html), settings),
        article.date.timestamp(),
        article.tags,
        article.source,
    )


def lead(text: str, settings: RelatedSettings) -> str:
    """The start of TEXT: what features and entities read, and more."""
    words = max(settings.lead_words * 2, 400)
    return " ".join(text.split(None, words)[:words])


def relate_articles(config: Config, content: Content, texts: dict[str, RenderedText]) -> Relations:
    """Stories and related lists of every published article (empty when [related] is off)."""
    if not config.settings.related.enabled:
        return Relations()
    index = RelateIndex(config.settings.related)
    settings = config.settings.related
    index.update(relate_doc(a, texts[a.slug], settings) for a in content.articles)
    return snapshot(index, {a.slug: a.title for a in content.articles}, make_slug)


def render_and_relate(
    config: Config, content: Content
) -> tuple[dict[str, RenderedText], Relations]:
    """Every article's rendered text, and the relations read from it: what views need."""
    texts = {a.slug: render_text(a.body, a.note, a.summary) for a in content.articles}
    return texts, relate_articles(config, content, texts)
