"""Why two articles are linked, in words a reader knows: the names and terms they share most
("Iran, Alabuga, drone plant").

Each article's terms are read once, from its title and the start of its lead (where a news
story says who, where and what), as stable keys with the spelling the article uses; a link's
reasons are the terms both articles hold, the heaviest in both first.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from briefings.hashes import number
from briefings.relate.features import CALENDAR, STOP_WORDS, information, stem_all

LEAD_WORDS = 50  # words of the lead read: its start names who, where and what
KEPT = 16  # terms kept per article
NAMES_KEPT = 4  # of which names at most
TELLING = 3.0  # information a word needs (Zipf 5 or rarer: 'drone', not 'state')
REASONS = 3  # reasons shown per link
CANDIDATES = 8  # shared terms read to choose them from
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’-][^\W\d_]+)*", re.UNICODE)
_AROUND = "\"'“”‘’()[]{}.,;:!?*_«»…"  # what a chunk may have around its word
_SENTENCE_MARKS = ".!?:;"
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Terms:
    """An article's telling terms, heaviest first: a key each (the same for 'drone' and
    'drones') and the spelling its text uses."""

    keys: tuple[int, ...] = ()
    shown: tuple[str, ...] = ()

    def __reduce__(self) -> tuple:
        # Two objects in the build cache, not twenty: a pickler remembers every object it
        # writes until it is done, and ten thousand articles' terms made the build's peak.
        shown = packed(self.shown)
        if shown is None:
            return (Terms, (self.keys, self.shown))
        return (_packed_terms, (array("q", self.keys).tobytes(), shown))


_SEPARATOR = "\x1f"  # the ASCII unit separator: never in a word


def packed(words: tuple[str, ...]) -> str | None:
    """WORDS (reasons, spellings) as one string, for the build cache; None when a word is empty
    or holds the separator (then they are kept as they are)."""
    if not all(w and _SEPARATOR not in w for w in words):
        return None
    return _SEPARATOR.join(words)


def unpacked(text: str) -> tuple[str, ...]:
    """The words packed() made TEXT of."""
    return tuple(text.split(_SEPARATOR)) if text else ()


def _packed_terms(keys: bytes, shown: str) -> Terms:
    """Terms as Terms.__reduce__ packed them."""
    return Terms(tuple(array("q", keys)), unpacked(shown))


def _key(text: str) -> int:
    return number(text.encode(), 7)  # the same in every process, unlike hash()


@lru_cache(maxsize=300_000)
def _chunk(chunk: str) -> tuple[int, float, str, str, bool, bool]:
    """What terms() reads of a run of non-space characters ('Iran's,'): the key of its telling
    word (0: none), how telling it is, its stem, the word as written, whether a sentence may
    start after it, and whether it joins the next word into a pair (nothing between them)."""
    word = chunk.strip(_AROUND)
    ends = chunk[len(chunk.rstrip(_AROUND)) :]
    sentence = any(c in _SENTENCE_MARKS for c in ends)
    word = _POSSESSIVE.sub("", word)
    lower = word.lower()
    if not _WORD.fullmatch(word) or lower in STOP_WORDS or lower in CALENDAR or len(lower) < 3:
        return 0, 0.0, "", word, sentence, False
    value = information(lower)
    if value < TELLING:
        return 0, 0.0, "", word, sentence, False
    stem = stem_all([lower])[0]
    return _key(stem), value, stem, word, sentence, not ends and chunk.endswith(word)


@lru_cache(maxsize=300_000)
def _pair(first: str, second: str) -> int:
    return _key(first + " " + second)


def terms(title: str, lead: str, names: Sequence[str] = ()) -> Terms:
    """TITLE's and the start of LEAD's telling words and word pairs, and NAMES (the names found
    in the article, most frequent first), heaviest first."""
    weight: dict[int, float] = defaultdict(float)
    spelling: dict[int, str] = {}
    parts: dict[int, tuple[int, int, str]] = {}  # a pair's words, and its spelling as a name
    for chunks, in_title in (
        (title.split(), True),
        (lead.split(None, LEAD_WORDS)[:LEAD_WORDS], False),
    ):
        times = 2.0 if in_title else 1.0
        previous: tuple[int, str, float, str] | None = None  # a telling word the next may pair
        starts = True  # a sentence may start here
        for chunk in chunks:
            key, value, stem, word, sentence, joins = _chunk(chunk)
            if key:
                weight[key] += value * times
                if key not in spelling or (not in_title and spelling[key].islower()):
                    spelling[key] = _spelling(word, in_title or starts or chunk[0] != word[0])
                if previous is not None and previous[0] != key:
                    pair = _pair(previous[1], stem)
                    weight[pair] += (previous[2] + value) / 2 * times
                    if pair not in parts or (not in_title and not parts[pair][2]):
                        a_name = not in_title and previous[3][0].isupper() and word[0].isupper()
                        parts[pair] = (previous[0], key, f"{previous[3]} {word}" if a_name else "")
                previous = (key, stem, value, word) if joins else None
            else:
                previous = None
            starts = sentence
    for pair, (first, second, as_name) in parts.items():
        spelling[pair] = as_name or f"{spelling[first]} {spelling[second]}"
    ranked = sorted(weight, key=weight.__getitem__, reverse=True)
    named = [(_key("@" + n.casefold()), n) for n in list(dict.fromkeys(names))[:NAMES_KEPT]]
    kept = named + [(k, spelling[k]) for k in ranked[: KEPT - len(named)]]
    return Terms(tuple(k for k, _ in kept), tuple(s for _, s in kept))


def _spelling(word: str, opening: bool) -> str:
    """WORD as the article writes it mid-sentence: capitalised there, a name ('Iran'); else in
    lower case (a title's Title Case and a sentence's first word say nothing of it). OPENING:
    in a title, at a sentence's start or after a quote."""
    if len(word) > 1 and word.isupper():
        return word if len(word) <= 4 else word.lower()  # an acronym (NATO), or a shout
    return word.lower() if opening or not word[0].isupper() else word


def shared(a: Terms, b: Terms, limit: int = REASONS) -> tuple[str, ...]:
    """The terms A and B share, heaviest in both first, as A writes them (or as B does, when B
    writes it as a name)."""
    held = set(a.keys).intersection(b.keys)  # (most pairs share a handful of 16: ask C first)
    if not held:
        return ()
    place = {k: i for i, k in enumerate(b.keys) if k in held}
    both = sorted([(i + place[k], i) for i, k in enumerate(a.keys) if k in held])[:CANDIDATES]
    return _distinct([_better(a.shown[i], b.shown[place[a.keys[i]]]) for _, i in both], limit)


def common(members: Sequence[Terms], limit: int = REASONS) -> tuple[str, ...]:
    """What a story's articles share: terms held by at least two and by as many as possible,
    heaviest first."""
    count: Counter[int] = Counter()
    rank: Counter[int] = Counter()
    shown: dict[int, str] = {}
    for t in members[:50]:  # a long story's first fifty say what it is about
        for i, (k, s) in enumerate(zip(t.keys, t.shown, strict=True)):
            count[k] += 1
            rank[k] += i
            shown[k] = _better(shown.get(k, s), s)
    held = sorted((k for k, c in count.items() if c >= 2), key=lambda k: (-count[k], rank[k], k))
    return _distinct([shown[k] for k in held], limit)


def _better(one: str, other: str) -> str:
    return other if one.islower() and not other.islower() else one


def _distinct(spellings: list[str], limit: int) -> tuple[str, ...]:
    """The first LIMIT of SPELLINGS, none said twice: not 'drone' after 'drone plant', and
    'Las Vegas' in the place of 'Las' said before it (among the first few: a pair that ranks
    just below its words still takes their place)."""
    spellings = spellings[: limit * 3]
    folded = [s.casefold() for s in spellings]
    if len(set(folded)) == len(folded) and all(f and " " not in f for f in folded):
        return tuple(spellings[:limit])  # single words, none said twice: the usual case
    chosen: list[tuple[str, list[str]]] = []
    said: set[str] = set()
    for spelling in spellings:
        words = spelling.casefold().split()
        if len(words) > 1:
            within = [i for i, (_, w) in enumerate(chosen) if len(w) == 1 and w[0] in words]
            if within:  # the pair in the place of its first word; its other word goes
                chosen[within[0]] = (spelling, words)
                chosen = [c for i, c in enumerate(chosen) if i not in within[1:]]
                said.update(words)
                continue
        if said.issuperset(words):
            continue
        chosen.append((spelling, words))
        said.update(words)
    return tuple(s for s, _ in chosen[:limit])
