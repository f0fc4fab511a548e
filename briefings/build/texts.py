"""Each article's Markdown rendered to HTML once, kept between rebuilds by what it is made of."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefings.build.bodies import BodyStore, Stored
from briefings.markup.markdown import RenderedText, render_texts
from briefings.model import Article, Content, replaced

Key = tuple[bytes, str, str, str]


def text_key(article: Article) -> Key:
    """What an article's RenderedText is made from: its Markdown (by digest), note, summary and
    title (an excerpt skips a first paragraph that repeats it)."""
    return (article.markdown.digest, article.note, article.summary, article.title)


class Texts:
    """Rendered texts by what they are made of (an edit and its undo render once), and the last
    build's by slug (an edit looks only at the articles it replaced). Bodies are kept in a
    BodyStore (see briefings.build.bodies) in FOLDER (None: an unnamed file)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.by_key: dict[Key, RenderedText] = {}
        self.folder = folder
        self.store: BodyStore | None = None  # made when the first body is kept
        self._last: tuple[Sequence[Article], dict[str, RenderedText]] = ((), {})

    @property
    def articles(self) -> Sequence[Article]:
        """The articles of the last render."""
        return self._last[0]

    def render(self, content: Content) -> dict[str, RenderedText]:
        """Each article's Markdown as HTML: rendered once, on every core for a first build.
        After an edit, only the replaced articles are looked at (see model.replaced). Each
        Markdown is let go once rendered (its HTML is what later stages read), and those of
        drafts and scheduled articles too: the build cache holds no Markdown."""
        last_articles, last_texts = self._last
        pairs = replaced(last_articles, content.articles)
        if pairs is None:
            texts, todo = {}, list(content.articles)
        else:
            texts, todo = dict(last_texts), [new for _, new in pairs]
        keys = [text_key(a) for a in todo]
        missing = {k: a for a, k in zip(todo, keys, strict=True) if k not in self.by_key}
        fields = [(a.markdown.data, a.note, a.summary, a.title) for a in missing.values()]
        rendered = dict(zip(missing, self._kept(render_texts(fields)), strict=True))
        del fields
        for a, key in zip(todo, keys, strict=True):
            text = texts[a.slug] = self.by_key.get(key) or rendered[key]
            self.by_key[key] = text
            a.markdown.release()
        for held_back in (*content.drafts, *content.scheduled):  # not rendered: not kept either
            held_back.markdown.release()
        if len(self.by_key) > len(texts) + 200:  # edits leave old versions: a watcher's runs on
            self.by_key = {text_key(a): texts[a.slug] for a in content.articles}
        self._last = (content.articles, texts)
        return texts

    def _kept(self, texts: Iterable[RenderedText]) -> Iterable[RenderedText]:
        """TEXTS with their bodies in the store, one by one as they come (a first build's all
        at once would be its bodies in memory after all)."""
        for text in texts:
            if isinstance(text.held, bytes):
                if self.store is None:
                    self.store = BodyStore.create(self.folder)
                with contextlib.suppress(OSError):  # a full disk: this body stays in memory
                    text = dataclasses.replace(text, held=self.store.keep(text.held))
            yield text

    def live_bytes(self) -> int:
        """How much of the store the texts kept here use."""
        return sum(t.held.length for t in self.by_key.values() if isinstance(t.held, Stored))

    def move_to(self, store: BodyStore) -> None:
        """Copy every body kept here to STORE (leaving the dead ones behind), and use it."""
        for text in self.by_key.values():
            if isinstance(text.held, Stored) and text.held.store is not store:
                text.held.move_to(store)
        old, self.store = self.store, store
        if old is not None:
            old.close()

    def __getstate__(self) -> dict:  # the build cache: the last build's articles are not kept
        return {"by_key": self.by_key, "folder": self.folder, "store": self.store}

    def __setstate__(self, state: dict) -> None:
        self.by_key, self._last = state["by_key"], ((), {})
        self.folder, self.store = state["folder"], state["store"]
