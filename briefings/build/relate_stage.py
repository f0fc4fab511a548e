"""Feeds the content model to the relate stage, which knows nothing of files or Markdown."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from briefings.config import Config
from briefings.hashes import digest
from briefings.markup.markdown import RenderedText, first_words, leading_lines, render_text
from briefings.model import Article, Content, replaced
from briefings.relate import Pins, RelateDoc, RelatedSettings, Relations, apply_pins, snapshot
from briefings.runtime.memory import LARGE, release_free_memory

if TYPE_CHECKING:
    from briefings.relate.engine import RelateIndex


def relate_doc(article: Article, text: RenderedText, settings: RelatedSettings) -> RelateDoc:
    """What the relate stage reads of an article: its words (as the reader sees them), time, tags.
    Only the lead is read, so only the lead is kept: an edit further down changes nothing here,
    and a large site's index stays small."""
    return RelateDoc(
        article.slug,
        article.title,
        leading_lines(text.body, lead_words(settings)),
        article.date.timestamp(),
        article.tags,
        article.source,
    )


def version(doc: RelateDoc) -> tuple:
    """What tells DOC from another version of it, with a digest for its text: what is kept
    between rebuilds (a large site's leads would take tens of MB, and more in the cache)."""
    return (doc.title, digest(doc.body.encode()), doc.timestamp, doc.tags, doc.source)


def lead(text: str, settings: RelatedSettings) -> str:
    """The start of TEXT, a plain text whose lines are its blocks, as relate_doc gives it from
    an article's HTML: what features and entities read, and more."""
    return first_words((line.split() for line in text.split("\n")), lead_words(settings))


def lead_words(settings: RelatedSettings) -> int:
    return max(settings.lead_words * 2, 400)


def relate_articles(config: Config, content: Content, texts: dict[str, RenderedText]) -> Relations:
    """Stories and related lists of every published article (empty when [related] is off)."""
    if not config.settings.related.enabled:
        return Relations()
    index = new_index(config.settings.related)
    settings = config.settings.related
    index.update(relate_doc(a, texts[a.slug], settings) for a in content.articles)
    titles = {a.slug: a.title for a in content.articles}
    unnamed = {a.slug for a in content.articles if "title" in a.guessed}
    relations = snapshot(index, titles, unnamed=unnamed)
    return apply_pins(index, relations, pins(content), titles, unnamed)[0]


def new_index(settings: RelatedSettings) -> RelateIndex:
    """An empty index. (Its module is imported here, where relating is done, not with this
    one: it brings numpy, ~70 ms, which a build that relates nothing never needs.)"""
    from briefings.relate.engine import RelateIndex

    return RelateIndex(settings)


def forget_words() -> None:
    """What relating learned of words (tens of MB) let go, when it learned any here."""
    vectorize = sys.modules.get("briefings.relate.vectorize")
    if vectorize is not None:  # (not imported: no word was learned in this process)
        vectorize.forget_words()


def pins(content: Content) -> Pins:
    """The editor's `story:` of each article that says one."""
    return {a.slug: a.story for a in content.articles if a.story is not True}


def render_and_relate(
    config: Config, content: Content
) -> tuple[dict[str, RenderedText], Relations]:
    """Every article's rendered text, and the relations read from it: what views need."""
    texts = {
        a.slug: render_text(a.body, a.note, a.summary, title=a.title) for a in content.articles
    }
    return texts, relate_articles(config, content, texts)


class Relating:
    """The relate stage between rebuilds: one index, updated with the articles that changed.

    Started from the build cache, it reads the index (build/state.py keeps it in a file of its
    own) only when an article's doc changed: an edit below the lead, the benchmark's edit,
    changes nothing in it, and reading it is a tenth of such a build at 10,000 articles. An
    index that cannot be read is made again from every article (it is a function of them)."""

    def __init__(self, settings: RelatedSettings) -> None:
        self.settings = settings
        self._index: RelateIndex | None = new_index(settings)
        # Where the index is read from when first needed (set by build/state.py), or None.
        self.stored: Callable[[], RelateIndex] | None = None
        self.relations: Relations | None = None  # the last snapshot, updated in place of anew
        self._pinless = False  # the last relations given had no pins applied to them
        # By slug: the article and text each doc was made from, and the doc's version.
        self._docs: dict[str, tuple[Article, RenderedText, tuple]] = {}
        self._indexed: dict[str, tuple] = {}  # slug -> the version of its doc in the index
        self._last: tuple[Sequence[Article], dict[str, str]] = ((), {})  # related last; titles
        self._unnamed: set[str] = set()  # the articles whose titles were guessed (story_title)

    def __getstate__(self) -> dict:
        # The index is kept apart (build/state.py); the last articles, in memory only.
        return self.__dict__ | {"_last": ((), {}), "_index": None, "stored": None}

    @property
    def index(self) -> RelateIndex:
        if self._index is None:
            assert self.stored is not None, "an index neither in memory nor stored"
            self._index, self.stored = self.stored(), None
        return self._index

    def index_read(self) -> bool:
        """Whether the index is in memory (made here, or read since it was stored)."""
        return self._index is not None

    def update(
        self, content: Content, texts: dict[str, RenderedText]
    ) -> tuple[Relations, set[str]]:
        """Relations of CONTENT, and the slugs whose relations changed since the last ones."""
        prior, indexed = self._docs, self._indexed
        pairs = replaced(self._last[0], content.articles) if prior else None
        if pairs is None:  # look at every article
            todo, made, docs, titles = list(content.articles), {}, {}, {}
            unnamed: set[str] = set()
        else:  # only at those replaced since: the others are the same objects
            todo = [new for _, new in pairs]
            made, docs, titles = dict(prior), dict(indexed), dict(self._last[1])
            unnamed = set(self._unnamed)
        changed, added = [], 0
        for a in todo:  # one pass: on a new structure, this runs for every article
            text, known = texts[a.slug], prior.get(a.slug)
            if known is None or known[0] is not a or known[1] is not text:
                doc = relate_doc(a, text, self.settings)
                known = (a, text, version(doc))
                if (was := indexed.get(a.slug)) != known[2]:
                    changed.append(doc)
                    added += was is None
            made[a.slug], docs[a.slug], titles[a.slug] = known, known[2], a.title
            (unnamed.add if "title" in a.guessed else unnamed.discard)(a.slug)
        gone = len(indexed) > len(docs) - added  # some indexed slug is no longer published
        removed = [slug for slug in indexed if slug not in docs] if gone else []
        pinned_by = pins(content)
        unnamed = {s for s in unnamed if s in docs}  # (published: not those removed)
        # An editor who drops `title` from `guessed:` names the story by that title: its
        # story is looked at again, though nothing the index reads changed.
        renamed = {s for s in unnamed ^ self._unnamed if s in docs}
        self._unnamed = unnamed
        if (
            not changed
            and not removed
            and not renamed
            and not pinned_by
            and self._pinless
            and self.relations is not None
        ):
            # Nothing the index reads changed, and no pin is set: the last relations stand.
            self._docs, self._indexed, self._last = made, docs, (content.articles, titles)
            return self.relations, set()
        if not self._readable():
            return self.update(content, texts)  # every article, into a new index
        moved = self.index.update(changed, removed)
        if len(changed) > LARGE:  # relating many articles left much memory free...
            del changed  # ...with their leads (a large site's are tens of MB)
            release_free_memory()
        self._docs, self._indexed, self._last = made, docs, (content.articles, titles)
        self.relations = snapshot(self.index, titles, self.relations, moved | renamed, unnamed)
        # The editor's pins over the engine's stories: the next snapshot starts from the engine's.
        pinned, repinned = apply_pins(self.index, self.relations, pinned_by, titles, unnamed)
        self._pinless = pinned is self.relations
        retitled = {m for s in renamed if s in pinned.story_of for m in pinned.story_of[s].articles}
        return pinned, moved | retitled | repinned

    def _readable(self) -> bool:
        """Whether the index is in memory or could be read; if not, this stage starts anew."""
        if self._index is not None:
            return True
        try:
            self.index  # noqa: B018  (a property that reads it)
            return True
        except Exception:  # whatever the stored index's reader met: see build/state.py
            self._index, self.stored = new_index(self.settings), None
            self._docs, self._indexed, self.relations = {}, {}, None
            return False
