"""Why two articles are linked, in words a reader knows: the names and terms they share most
("Iran, Alabuga, drone plant").

An article's terms are the heaviest features of its vector (vectorize.py: words, word pairs and
tags, weighted as similarity weighs them) with the spelling its text uses, and the names found in
it; a link's reasons are the terms both articles hold, the heaviest in both first. So what a
link says is what made the two articles alike.
"""

from __future__ import annotations

import re
import sys
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from briefings.hashes import number

KEPT = 24  # features kept as terms per article (of a vector's 150)...
NAMES_KEPT = 4  # ...after at most this many names
REASONS = 3  # reasons shown per link
CANDIDATES = 8  # shared terms read to choose them from


class Terms:
    """An article's telling terms, heaviest first: a key each (the same for 'drone' and
    'drones') and the spelling its text uses. Held packed, as two objects rather than sixty:
    a large site has one per article, in memory and in the build cache."""

    __slots__ = ("_keys", "_said")

    def __init__(self, keys: Sequence[int] = (), shown: Sequence[str] = ()) -> None:
        # A spelling is never empty, nor holds the separator (a tag might): said as a space.
        words = [" ".join(w.replace(_SEPARATOR, " ").split()) for w in shown]
        kept = [(k, w) for k, w in zip(keys, words, strict=True) if w]
        self._keys = array("q", [k for k, _ in kept]).tobytes()
        self._said = _SEPARATOR.join(w for _, w in kept)

    @property
    def keys(self) -> tuple[int, ...]:
        return tuple(array("q", self._keys))

    @property
    def shown(self) -> tuple[str, ...]:
        return unpacked(self._said)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Terms) and self._keys == other._keys and self._said == other._said

    def __hash__(self) -> int:
        return hash((self._keys, self._said))

    def __repr__(self) -> str:
        return f"Terms({self.keys!r}, {self.shown!r})"

    def __reduce__(self) -> tuple:
        return (_packed_terms, (self._keys, self._said))


_SEPARATOR = "\x1f"  # the ASCII unit separator: never in a word


def unpacked(text: str) -> tuple[str, ...]:
    """The words joined by the separator in TEXT."""
    return tuple(text.split(_SEPARATOR)) if text else ()


def _packed_terms(keys: bytes, said: str) -> Terms:
    """Terms as Terms.__reduce__ gave them."""
    terms = Terms.__new__(Terms)
    terms._keys, terms._said = keys, said
    return terms


def name_key(name: str) -> int:
    """The key of a name found in an article ("@iran"): apart from its words' feature keys."""
    return number(("@" + name.casefold()).encode(), 7)  # the same in every process


def spelled(word: str, name: bool) -> str:
    """WORD as a reason says it: as written when it is a NAME (Kyiv, White House) or an
    acronym (NATO); else in lower case (a title's Title Case, a sentence's first word)."""
    if len(word) > 1 and word.isupper():
        return word if len(word) <= 4 else word.lower()  # an acronym, or a shout
    return word if name else word.lower()


class Unpacked(NamedTuple):
    """Terms unpacked, to be read against many others (an article's list: its every link)."""

    keys: frozenset[int]  # (a set: met by each link's keys, not made again for each)
    shown: tuple[str, ...]
    place: dict[int, int]  # each key's place among KEYS


def unpack(terms: Terms) -> Unpacked:
    keys = terms.keys
    return Unpacked(frozenset(keys), terms.shown, {k: i for i, k in enumerate(keys)})


def shared(a: Terms | Unpacked, b: Terms, limit: int = REASONS) -> tuple[str, ...]:
    """The terms A and B share, heaviest in both first, as A writes them (or as B does, when B
    writes it as a name)."""
    a_keys, a_shown, a_place = a if isinstance(a, Unpacked) else unpack(a)
    # (B's terms are read straight from how Terms holds them: a snapshot reads a term list
    # for each of a large site's hundreds of thousands of links.)
    b_keys = array("q", b._keys)
    held = a_keys.intersection(b_keys)  # (most pairs share a handful: ask C first)
    if not held:
        return ()
    b_shown = unpacked(b._said)
    if len(held) == 1 and limit:  # a third of all links: nothing to rank
        (key,) = held
        return (sys.intern(_better(a_shown[a_place[key]], b_shown[b_keys.index(key)])),)
    # Ranked by the sum of their places in both, then by A's: heaviest in both first.
    both = sorted([(a_place[k] + j, a_place[k], j) for j, k in enumerate(b_keys) if k in held])
    said = _distinct([_better(a_shown[i], b_shown[j]) for _, i, j in both[:CANDIDATES]], limit)
    # One string per reason, however many links say it: the terms are unpacked afresh for
    # each link, and a large site has a hundred thousand links.
    return tuple(map(sys.intern, said))


def weak(reasons: tuple[str, ...]) -> bool:
    """REASONS are one word of the language, no name nor phrase ("programs", "prices",
    "reportedly"): too little to call two articles related. On news-cluster-dev none of the
    related links that said only that joined two reports of one event, and on ECB+ 53% joined
    two of different subjects (22% of the others); dropping them left p@5 as it was on every
    dev set, and took a smart-thermostat guide out of a weight-loss-drugs story's list."""
    return len(reasons) == 1 and " " not in reasons[0] and reasons[0].islower()


def names_shared(a: Terms, b: Terms) -> int:
    """How many terms A and B both hold that either writes as a name (Kyiv, White House, Boko
    Haram): what two reports of one event share, and two pages on one subject need not (two
    guides to cloud computing share 'cloud computing', 'providers', 'infrastructure'). An
    acronym alone (SEO, MBA, GLP-1) names a subject as often as a body: it is not one.
    (wcxb-dev's web articles: 32-40% put in stories of several with no name rule, 19-21%
    with acronyms counted, 17-18% without; news-cluster-dev and ECB+ unchanged.)"""
    a_keys, b_keys = a.keys, b.keys
    held = set(a_keys).intersection(b_keys)
    if not held:
        return 0
    return len(
        {
            k
            for keys, shown in ((a_keys, a.shown), (b_keys, b.shown))
            for k, w in zip(keys, shown, strict=True)
            if k in held and _names(w)
        }
    )


def _names(term: str) -> bool:
    """Whether TERM is written as a name: one of its words mixes capitals and small letters
    (Kyiv, White House, iPhone). Not an acronym beside a common word ("DIY woodworking", "SEO
    strategies"), which names a subject, like the acronym alone."""
    return any(
        any(c.isupper() for c in word) and any(c.islower() for c in word) for word in term.split()
    )


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
    return tuple(map(sys.intern, _distinct([shown[k] for k in held], limit)))


def _better(one: str, other: str) -> str:
    return other if one.islower() and not other.islower() else one


_WORDS = re.compile(r"\w+")


def _distinct(spellings: list[str], limit: int) -> tuple[str, ...]:
    """The first LIMIT of SPELLINGS, none said twice: not 'drone' after 'drone plant', and
    'Las Vegas' in the place of 'Las' said before it (among the first few: a pair that ranks
    just below its words still takes their place)."""
    spellings = spellings[: limit * 3]
    folded = [s.casefold() for s in spellings]
    if len(set(folded)) == len(folded) and all(f.isalnum() for f in folded):
        return tuple(spellings[:limit])  # single words, none said twice: the usual case
    chosen: list[tuple[str, list[str]]] = []
    said: set[str] = set()
    for spelling in spellings:
        # (Words as the regex finds them: "GLP" is said within "GLP-1", "Sauvignon" within
        # "Sauvignon Blanc".)
        words = _WORDS.findall(spelling.casefold())
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
