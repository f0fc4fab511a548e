"""A page's CMS tags as `keywords:`, cleaned. Tags from a page are not topics: sites fill them
with stock tickers, ids, section names and product labels. These are normalised (case, plural,
spelling variants merged), filtered and capped; the editor's `tags:` and the `[topics]` table
decide the site's topic pages (see content.load)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefings.ingest.clean import word_count

MOST = 8
LABEL_WORDS = frozenset(
    "team feature featured commerce shoppable sponsored partner partners promoted advertorial "
    "uncategorized uncategorised general misc miscellaneous homepage home top trending latest "
    "breaking video videos podcast podcasts premium exclusive original article articles post "
    "posts blog blogs news story stories page main default archive newsletter edit editorial "
    "editors staff opinion section syndicated amp".split()
)


NOT_PLURAL = frozenset("news series species".split())  # an "s" that makes no plural


def key(text: str) -> str:
    """One spelling for variants: case, punctuation, hyphens and a plural 's' merged."""
    words = re.sub(r"[^\w\s]", " ", text.casefold().replace("-", " ")).split()
    return " ".join(
        w[:-1]
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w not in NOT_PLURAL
        else w
        for w in words
    )


# The labels as key() spells a tag's words ("editors" -> "editor", "stories" -> "storie"):
# compared as written, "Editors" and "My Stories" passed as topics.
LABEL_KEYS = frozenset(key(word) for word in LABEL_WORDS)


def clean_keywords(raw: Iterable[str], people: Iterable[str] = ()) -> list[str]:
    """RAW tags as found, best first -> at most MOST keywords, each once."""
    drop = {key(p) for p in people if p}
    kept: dict[str, str] = {}
    for value in raw:
        for tag in re.split(r"[,;|]", str(value)):
            # (Punctuation at either end is a split gone wrong: "Fairfield,-NJ" gave "-NJ".)
            tag = " ".join(tag.strip(" #\"'-–—_.:!?*").split())
            k = key(tag)
            if not k or k in kept or k in drop or not _is_topic(tag, k):
                continue
            kept[k] = tag
            if len(kept) >= MOST:
                return list(kept.values())
    return list(kept.values())


def _is_topic(tag: str, k: str) -> bool:
    words = k.split()
    if not 2 < len(tag) <= 40 or len(words) > 4 or word_count(tag) > 4:  # (a sentence in CJK)
        return False
    if any(ch.isdigit() for ch in tag) or re.search(r"[_/=@:]|https?", tag):
        return False  # ids, tickers with exchanges, dates, paths
    return not all(w in LABEL_KEYS for w in words) and not (
        len(words) > 1 and sum(w in LABEL_KEYS for w in words) * 2 >= len(words)
    )
