"""Articles to weighted feature vectors, in batches and on every core: the hot path of relating.

A vector is a pure function of its article: features are keyed by a hash of their text (not by an
id that depends on arrival order) and weighted by general English word frequencies (not by the
corpus). So vectors can be computed in any order, in any process, and cached.

Words are split by a regex; Python reads only spellings it has not seen before (their stems and
weights: vocabulary.py); counting, word pairs, weighting, pruning to the heaviest features and normalising
are done for a whole batch with numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from briefings.relate.features import (
    MAX_WEIGHT,
    entities,
    forget,
    known_zipf,
    remember_zipf,
    zipf_learned_since,
)
from briefings.relate.model import RelateDoc, RelatedSettings
from briefings.relate.vocabulary import (
    ENDS_CLAUSE,
    ENDS_SENTENCE,
    KEY_BITS,
    MASK,
    Vocabulary,
    text_hash,
)
from briefings.relate.why import KEPT, NAMES_KEPT, Terms, name_key, spelled
from briefings.runtime.parallel import forked_map

PAIR_MIX = 1_000_003
PARALLEL_FROM = 1_500  # below this, starting workers costs more than it saves
CHUNK = 500
NO_WORD = -1  # a feature's second word, when it has one word


@dataclass(frozen=True)
class Features:
    """What relating reads of one article: feature keys (ascending) with weights (L2 norm 1),
    and the names found in it."""

    keys: np.ndarray  # int64
    weights: np.ndarray  # float64
    names: tuple[str, ...]
    terms: Terms  # what a link to or from it may be said to share (see why.py)


_VOCABULARY = Vocabulary()  # a cache of what a pure function said, kept per process


def forget_words() -> None:
    """Drop what is cached of words (features.forget): once relating is done for good."""
    global _VOCABULARY
    _VOCABULARY = Vocabulary()
    forget()


def featurize(
    docs: Sequence[RelateDoc], settings: RelatedSettings, max_features: int = 150
) -> list[Features]:
    """Features of DOCS, in order; spread over the machine's cores when there are many. (Each
    worker loads the word frequencies itself, at once: this process never holds them, 33 MB,
    unless it featurizes here.)"""

    def work(indexes: range) -> list[tuple[Features, dict[str, float]]]:
        # Workers inherit DOCS: only index ranges and vectors cross between processes, with
        # what a worker learned of words' frequencies (kept here, and in the build cache).
        known = len(known_zipf())
        found = _batches(docs[indexes.start : indexes.stop], settings, max_features)
        learned: list[dict[str, float]] = [{} for _ in found]
        if learned:
            learned[-1] = zipf_learned_since(known)
        return list(zip(found, learned, strict=True))

    found = forked_map(work, len(docs), CHUNK, PARALLEL_FROM)
    for _, learned in found:
        if learned:
            remember_zipf(learned)
    return [features for features, _ in found]


def _batches(docs: Sequence[RelateDoc], s: RelatedSettings, max_features: int) -> list[Features]:
    # Batches of CHUNK bound memory, and the doc numbers sorted above the key bits in _finish.
    return [
        found
        for start in range(0, len(docs), CHUNK)
        for found in _batch(docs[start : start + CHUNK], s, max_features)
    ]


def _batch(docs: Sequence[RelateDoc], s: RelatedSettings, max_features: int) -> list[Features]:
    chunks: list[str] = []
    per_text: list[int] = []
    headed: list[bool] = []  # each chunk's: on a line that reads as a heading
    limit = s.lead_words * 2
    for doc in docs:  # each article's title, then its lead: up to LIMIT chunks
        title = doc.title.split()
        lead, heading = _lead_chunks(doc.body, limit)
        chunks += title
        chunks += lead
        headed += [False] * len(title)
        headed += heading
        per_text += (len(title), len(lead))
    spelling, words_per_chunk, codes = _VOCABULARY.look_up(chunks)
    in_heading = np.repeat(np.array(headed, bool), words_per_chunk)
    del chunks
    ends = np.concatenate([[0], np.cumsum(words_per_chunk)])[np.cumsum([0, *per_text])]
    text = np.repeat(np.arange(len(per_text)), np.diff(ends))
    opening, joined = _word_places(words_per_chunk, codes, per_text)
    kept = _VOCABULARY.counted[spelling]
    at = np.flatnonzero(kept)  # each kept word's place among all words
    text, spelling = text[kept], spelling[kept]
    rank = np.arange(len(text)) - np.searchsorted(text, text)  # place among its text's words
    in_lead = (text % 2 == 0) | (rank < s.lead_words)
    text, spelling, at = text[in_lead], spelling[in_lead], at[in_lead]
    stems, info = _VOCABULARY.stems[spelling], _VOCABULARY.weights[spelling]
    doc_of_a = text // 2
    titled_a = text % 2 == 0
    times_a = np.where(titled_a, s.title_weight, 1.0)
    # Capitalised mid-sentence: a name ("Iran"), not a sentence's first word ("Officials").
    # A heading's words say nothing of names: Title Case capitalises every one.
    named_a = _VOCABULARY.capital[spelling] & ~opening[at] & ~in_heading[at]
    lower_a = ~_VOCABULARY.capital[spelling] & ~in_heading[at]
    tag_doc: list[int] = []
    tag_keys: list[int] = []
    tag_words: list[str] = []
    for d, doc in enumerate(docs):
        written: dict[str, str] = {}  # each tag once, whatever its case, as first written
        for tag in doc.tags:
            written.setdefault(" ".join(tag.lower().split()), " ".join(tag.split()))
        for tag, shown in written.items():
            tag_doc.append(d)
            tag_keys.append(text_hash("#" + tag))
            tag_words.append(shown)
    names = [entities(doc.body) for doc in docs] if s.entity_topics else [()] * len(docs)
    # Word pairs: each word with the next one of the same text.
    follows = text[1:] == text[:-1]
    pair_keys = ((stems[:-1] * PAIR_MIX + stems[1:]) & MASK)[follows]
    # Very common single words (said, government, ...) say little and would make every article
    # a candidate for every other; as half of a pair ("white house") they stay.
    telling = info >= MAX_WEIGHT - s.common_zipf
    tags = np.arange(len(tag_keys), dtype=np.int64)
    entries = _Entries(
        docs=np.concatenate(
            [doc_of_a[telling], doc_of_a[1:][follows], np.array(tag_doc, np.int64)]
        ),
        keys=np.concatenate([stems[telling], pair_keys, np.array(tag_keys, np.int64)]),
        counts=np.concatenate(
            [
                times_a[telling],
                times_a[1:][follows] * s.pair_weight,
                np.full(len(tag_keys), s.tag_weight),
            ]
        ),
        infos=np.concatenate(
            [
                info[telling],
                (info[:-1] + info[1:])[follows] / 2,
                np.full(len(tag_keys), MAX_WEIGHT / 2),
            ]
        ),
        # How each entry may be said: see _Entries.
        first=np.concatenate([spelling[telling], spelling[:-1][follows], -2 - tags]),
        second=np.concatenate(
            [
                np.full(int(telling.sum()), NO_WORD),
                spelling[1:][follows],
                np.full(len(tags), NO_WORD),
            ]
        ),
        titled=np.concatenate([titled_a[telling], titled_a[1:][follows], np.ones(len(tags), bool)]),
        named=np.concatenate([named_a[telling], named_a[:-1][follows], np.zeros(len(tags), bool)]),
        lower=np.concatenate([lower_a[telling], lower_a[:-1][follows], np.zeros(len(tags), bool)]),
        # A pair is said only as the text has it: its words side by side, nothing between.
        sayable=np.concatenate(
            [
                np.ones(int(telling.sum()), bool),
                ((at[1:] - at[:-1] == 1) & joined[at[:-1]])[follows],
                np.ones(len(tags), bool),
            ]
        ),
    )
    rows, said = _finish(len(docs), entries, max_features)
    return [
        Features(k, w, n, _terms(n, said[d], tag_words))
        for d, ((k, w), n) in enumerate(zip(rows, names, strict=True))
    ]


@dataclass
class _Entries:
    """A batch's features before they are summed per article: one entry per occurrence, with
    how it may be said: its word (a spelling number), or its two words, or a tag (-2 - its
    number); whether it is in the title; whether its (first) word is capitalised mid-sentence;
    whether it is written in lower case; whether it may be said at all (a pair only when its
    words stand side by side)."""

    docs: np.ndarray
    keys: np.ndarray
    counts: np.ndarray
    infos: np.ndarray
    first: np.ndarray
    second: np.ndarray
    titled: np.ndarray
    named: np.ndarray
    lower: np.ndarray
    sayable: np.ndarray


# An article's heaviest features that may be said, heaviest first: (key, first word or tag,
# second word, said as a name)
Said = list[tuple[int, int, int, bool]]


def _finish(
    n: int, found: _Entries, max_features: int
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[Said]]:
    """Each of N docs' feature vector from its entries: counts summed per key (rounded: entries
    of one key may come in any order), the weight the largest; scored by (1 + log count) *
    weight; the MAX_FEATURES heaviest kept (ties: the first keys); scaled to length 1. As
    (keys ascending, weights) per doc; and its heaviest, as they are said (see _terms)."""
    # Sorted by one number per entry (the doc above the key bits): far cheaper than a lexsort.
    if not len(found.keys):
        return [(np.zeros(0, np.int64), np.zeros(0)) for _ in range(n)], [[] for _ in range(n)]
    entry = (found.docs.astype(np.int64) << KEY_BITS) | found.keys
    order = np.argsort(entry)
    entry = entry[order]
    starts = np.flatnonzero(np.concatenate([[True], entry[1:] != entry[:-1]]))
    total = np.rint(np.add.reduceat(found.counts[order], starts) * 1e9) / 1e9
    weight = np.maximum.reduceat(found.infos[order], starts)
    # Each feature is said as its first sayable occurrence in the lead (else in the title)
    # writes it, and as a name when the lead capitalises it mid-sentence more often than not
    # (a headline repeated atop the text capitalises every word once).
    titled, many = found.titled[order], len(order)
    rank = (~found.sayable[order]) * (2 * many) + titled * many + order
    first_place = np.minimum.reduceat(rank, starts) % many
    named = (found.named[order] & ~titled).astype(np.int32)
    lower = (found.lower[order] & ~titled).astype(np.int32)
    as_name = np.add.reduceat(named, starts) > np.add.reduceat(lower, starts)
    entry = entry[starts]
    present = total >= 0.5
    entry, total, weight = entry[present], total[present], weight[present]
    first_place, as_name = first_place[present], as_name[present]
    doc, key = entry >> KEY_BITS, entry & MASK
    score = (1.0 + np.log(total)) * weight
    kept = _heaviest(n, doc, score, max_features)
    doc, key, score = doc[kept], key[kept], score[kept]
    first_place, as_name = first_place[kept], as_name[kept]
    bounds = np.searchsorted(doc, np.arange(n + 1))
    weights = score / np.sqrt(np.bincount(doc, score * score, minlength=n))[doc]
    rows = [(key[bounds[d] : bounds[d + 1]], weights[bounds[d] : bounds[d + 1]]) for d in range(n)]
    # The heaviest that may be said, of each doc, heaviest first (ties by key).
    sayable = found.sayable[first_place]
    ranked = np.lexsort((key, -score, doc))
    ranked = ranked[sayable[ranked]]
    place = np.arange(len(ranked)) - np.searchsorted(doc[ranked], doc[ranked])
    top = ranked[place < KEPT + 8]  # a few are numbers, or pieces of names: not said
    cut = np.searchsorted(doc[top], np.arange(n + 1)).tolist()
    columns = [
        key[top].tolist(),
        found.first[first_place[top]].tolist(),
        found.second[first_place[top]].tolist(),
        as_name[top].tolist(),
    ]
    said: list[Said] = [
        list(zip(*(c[cut[d] : cut[d + 1]] for c in columns), strict=True)) for d in range(n)
    ]
    return rows, said


def _terms(names: tuple[str, ...], said: Said, tags: list[str]) -> Terms:
    """An article's terms: the NAMES found in it first, then its heaviest features in words
    (not a number alone), KEPT in all beyond the names."""
    words = _VOCABULARY.words
    kept: list[tuple[int, str]] = []
    for key, first, second, as_name in said:
        if first < NO_WORD:
            kept.append((key, tags[-2 - first]))
        elif second == NO_WORD:
            if not words[first].isdecimal():
                kept.append((key, spelled(words[first], as_name)))
        elif not (words[first].isdecimal() and words[second].isdecimal()):
            pair = _pair(words[first], words[second], as_name)
            if pair:
                kept.append((key, pair))
        if len(kept) == KEPT:
            break
    chosen = [(name_key(n), n) for n in names[:NAMES_KEPT]] + kept
    return Terms(tuple(k for k, _ in chosen), tuple(w for _, w in chosen))


def _pair(one: str, other: str, named: bool) -> str:
    """Two words as a reason says them: a name as the lead writes it ("White House", "Red Sox")
    or, in lower case, two words ("drone plant", "moving companies" opening a sentence); "" for
    a word before a name ("shooting Las" of "mass shooting Las Vegas"), which says less than
    the name, and for a name only the title capitalises (Title Case says nothing of names)."""
    if other[:1].isupper():
        return f"{spelled(one, True)} {spelled(other, True)}" if one[:1].isupper() and named else ""
    return f"{spelled(one, False)} {other}"  # a sentence's first word, or a name and a word


HEADING_WORDS = 12  # a line of at most this many words, with no stop at its end, is a heading
_SENTENCE_ENDS = (".", "!", "?", ":", ";", '"', "”", "’", "'", "…")


def _is_heading(words: list[str]) -> bool:
    return 0 < len(words) <= HEADING_WORDS and not words[-1].endswith(_SENTENCE_ENDS)


def _lead_chunks(body: str, limit: int) -> tuple[list[str], list[bool]]:
    """BODY's first LIMIT chunks (as body.split(None, LIMIT)[:LIMIT]), and for each whether its
    line (BODY's blocks are its lines) reads as a heading: a few words not ending a sentence
    ("Best Running Shoes for Beginners")."""
    chunks: list[str] = []
    heading: list[bool] = []
    for line in body.split("\n"):
        room = limit - len(chunks)
        if room <= 0:
            break
        words = line.split()
        if not words:
            continue
        titled = _is_heading(words)
        chunks += words[:room]
        heading += [titled] * min(room, len(words))
    return chunks, heading


def _word_places(
    words_per_chunk: np.ndarray, codes: np.ndarray, per_text: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """For each word of the chunks: whether it opens a sentence (the first word of a text, or
    of a chunk after one that ends a sentence), and whether the next word follows it with
    nothing between (no stop or comma)."""
    firsts = np.cumsum(words_per_chunk) - words_per_chunk  # each chunk's first word
    has = words_per_chunk > 0
    text_start = np.zeros(len(codes), bool)
    text_start[np.cumsum([0, *per_text])[:-1][np.array(per_text) > 0]] = True
    after_end = np.concatenate([[True], (codes[:-1] & ENDS_SENTENCE) != 0]) | text_start
    count = int(words_per_chunk.sum())
    opening = np.zeros(count, bool)
    opening[firsts[has]] = after_end[has]
    joined = np.ones(count, bool)
    joined[(firsts + words_per_chunk - 1)[has]] = (codes[has] & ENDS_CLAUSE) == 0
    return opening, joined


def _heaviest(n: int, doc: np.ndarray, score: np.ndarray, limit: int) -> np.ndarray:
    """Where the LIMIT highest SCORES of each of N docs are (DOC ascending, each doc's entries
    in key order), equal scores kept in key order: what a sort by (doc, -score, key) would
    keep, found without one: each doc's LIMIT-th score from a grid, partitioned."""
    starts = np.searchsorted(doc, np.arange(n + 1))
    sizes = np.diff(starts)
    place = np.arange(len(doc)) - starts[doc]
    kth = np.full(n, -np.inf)
    full = sizes > limit
    if full.any():
        grid = np.full((n, int(sizes.max())), np.inf)
        grid[doc, place] = -score
        kth[full] = -np.partition(grid[full], limit - 1, axis=1)[:, limit - 1]
    above = score > kth[doc]
    tied = score == kth[doc]
    room = limit - np.bincount(doc[above], minlength=n)
    counted = np.concatenate([[0], np.cumsum(tied)])  # ties before each entry in the batch
    ties_before = counted[:-1] - counted[starts[:-1]][doc]  # ...and in its own doc
    return np.flatnonzero(above | (tied & (ties_before < room[doc])))
