"""Why two articles are linked, in words a reader knows: the names and terms they share most
("Iran, Alabuga, drone plant").

An article's terms are the heaviest features of its vector (vectorize.py: words, word pairs and
tags, weighted as similarity weighs them) with the spelling its text uses, and the names found in
it; a link's reasons are the terms both articles hold, the heaviest in both first. So what a
link says is what made the two articles alike.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from briefings.hashes import number

KEPT = 24  # features kept as terms per article (of a vector's 150)...
NAMES_KEPT = 4  # ...after at most this many names
REASONS = 3  # reasons shown per link
CANDIDATES = 8  # shared terms read to choose them from


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


def name_key(name: str) -> int:
    """The key of a name found in an article ("@iran"): apart from its words' feature keys."""
    return number(("@" + name.casefold()).encode(), 7)  # the same in every process


def spelled(word: str, name: bool) -> str:
    """WORD as a reason says it: as written when it is a NAME (Kyiv, White House) or an
    acronym (NATO); else in lower case (a title's Title Case, a sentence's first word)."""
    if len(word) > 1 and word.isupper():
        return word if len(word) <= 4 else word.lower()  # an acronym, or a shout
    return word if name else word.lower()


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
