"""What relating knows of words: which are words (WORD) and which say nothing (STOP_WORDS), their
stems, how telling each is, and which capitalised phrases are names.

Weights come from general English word frequencies (wordfreq), not from the corpus, so an
article's vector never changes when other articles change: incremental updates stay exact.
(vectorize.py turns articles into weighted features with these.)
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from functools import lru_cache
from itertools import islice

import Stemmer

WORD = re.compile(r"[^\W\d_][^\W_]*|\d+", re.UNICODE)  # apostrophes split: "Iran's" -> iran, s
STOP_WORDS = frozenset(
    """a about above after again against all also am among an and another any are around as at back
    be because been before being below between both but by can could did do does doing down during
    each even few first for from further get got had has have having he her here hers herself him
    himself his how however i if in including into is it it's its itself just last like made make many
    may me might more most much must my myself new no nor not now of off on once one only or other our
    ours ourselves out over own people said same say says she should since so some still such than
    that that's the their theirs them themselves then there these they this those though through time
    to told too two under until up us very was way we well were what when where which while who whom
    why will with would year years yet you your yours yourself yourselves""".split()
)
_POSSESSIVE = re.compile(r"['’]s$")
# "I'm", "I've", "I'd", "I'll": capitalised, but a pronoun (they made topics "im" and "ive").
_I_CONTRACTION = re.compile(r"^I['’](?:m|ve|d|ll)$", re.IGNORECASE)
# Common words that begin place names: "New York" is not "York", "First Republic" not "Republic".
NAME_STARTS = frozenset(["new", "first"])
# A company's legal form on its own ("LLC", "Inc"): in every company's name, no one's topic.
LEGAL_FORMS = frozenset("llc llp inc ltd plc corp gmbh pty pvt sarl".split())
MAX_WEIGHT = 8.0  # a word wordfreq has never seen (a name, a place): as informative as it gets


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")  # Snowball's English stemmer, in C


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    # Positional, as wordfreq calls it itself: its lru_cache keys keyword calls apart, and
    # would build the dict (90 ms, tens of MB) a second time for _estimated_zipf.
    import wordfreq  # here, not at the top: 0.4 s a command that never relates would pay

    return wordfreq.get_frequency_dict("en", "large")


# What zipf() said of each word it was asked about, kept with the related index (the build
# cache): an edit in a new process then needs wordfreq (0.25-0.35 s to import and load) only
# for a word the site never had. A cache of a pure function, as the lru_caches here are.
_ZIPF: dict[str, float] = {}


def known_zipf() -> dict[str, float]:
    """What zipf() has said so far, by word (the dict itself: it grows as words are asked)."""
    return _ZIPF


def remember_zipf(known: dict[str, float]) -> None:
    """Take KNOWN (what zipf() said, in this or another process: a forked worker, the build
    cache) as said: wordfreq is not asked of those words again."""
    global _ZIPF
    if not _ZIPF:
        _ZIPF = known  # the build cache's, read back: one dict, not a copy
    else:
        _ZIPF.update(known)


def zipf_learned_since(count: int) -> dict[str, float]:
    """What zipf() said after its first COUNT answers (a forked worker's, sent back)."""
    return dict(islice(_ZIPF.items(), count, None))


def forget() -> None:
    """Drop the word frequencies and what was learned of words (tens of MB, loaded again when
    asked for): for a process that will relate nothing more."""
    global _ZIPF
    _ZIPF = {}  # a new dict: the related index may still hold the old one, to be saved
    for cached in (_frequencies, _candidate, _could_be_name):
        cached.cache_clear()
    # wordfreq keeps the same dictionary, and the list it was made from, in caches of its own
    # (when it was loaded at all: not to be loaded just to be emptied).
    wordfreq = sys.modules.get("wordfreq")
    if wordfreq is not None:
        wordfreq.get_frequency_dict.cache_clear()
        wordfreq.get_frequency_list.cache_clear()


def stem_all(words: list[str]) -> list[str]:
    return _stemmer().stemWords(words)


def zipf(word: str) -> float:
    """WORD's Zipf frequency in English: log10 of uses per billion words (the = 7.7, Kirby = 3.7)."""
    known = _ZIPF.get(word)
    if known is None:
        known = _ZIPF[word] = _zipf(word)
    return known


def _zipf(word: str) -> float:
    frequency = _frequencies().get(word, 0.0)
    if frequency > 0:
        return round(math.log10(frequency) + 9.0, 2)
    if word.isdecimal() and word.isascii():
        return _number_zipf(word)
    return _estimated_zipf(word) if any(c.isdigit() for c in word) else 0.0


def _estimated_zipf(word: str) -> float:
    # wordfreq estimates numbers from their shape ("2017" is common, "400000" is not).
    import wordfreq

    return wordfreq.zipf_frequency(word, "en", wordlist="large")


def _number_zipf(digits: str) -> float:
    """What _estimated_zipf gives for a plain number, without wordfreq's tokenizer (ten times the
    cost of the rest): the frequency of its shape ("0000") times that of its digits, rounded as
    wordfreq rounds, never under 1 per billion words (Zipf 0)."""
    from wordfreq import numbers

    shape = numbers.smash_numbers(digits)
    frequency = _frequencies().get(shape, 0.0)
    if shape != digits:
        frequency *= numbers.digit_freq(digits)
    frequency = max(frequency, 1e-9)
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return round(math.log10(frequency) + 9.0, 2)


def information(word: str) -> float:
    """How telling WORD is: 8 minus its Zipf frequency (the = 0.3, Kirby = 4.4, unknown = 8)."""
    return max(0.3, MAX_WEIGHT - zipf(word))


CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december today yesterday tomorrow".split()
)


# A capitalised phrase that may be a name: capitalised words joined by spaces or tabs, perhaps
# through a connector ("Bank of England", "Carl von Ossietzky").
ENTITY = re.compile(
    r"[A-Z](?<!\w[A-Z])[\w'’-]*(?:[ \t]+(?:(?:of|de|al|bin|van|von|der|la|du)[ \t]+)?[A-Z][\w'’-]*)*"
)
# The same at the start of a sentence: at the start, after a new line, or after a full stop,
# colon or quote and one or two spaces (none of which is ever inside a phrase), read with the
# phrase (a lookbehind at every character would take four times as long).
_STARTING = re.compile(r"(?:\n|[.!?:;\"“”]\s{1,2})(" + ENTITY.pattern + ")")


def starting_phrases(text: str) -> list[str]:
    """The phrases ENTITY finds at the start of a sentence of TEXT. (The regex begins with one
    of a few characters, which Python's re looks for quickly; the text's own start apart.)"""
    first = ENTITY.match(text)
    return ([first.group(0)] if first else []) + _STARTING.findall(text)


def entities(
    body: str, limit: int = 8, min_count: int = 2, max_chars: int = 1500
) -> tuple[str, ...]:
    """Names of people, places and organisations: capitalised phrases seen at least MIN_COUNT times,
    at least once mid-sentence, that are not common words or dates. The LIMIT most frequent.
    (Headlines are left out: in Title Case every word looks like a name; only the first
    MAX_CHARS are read, where a news story names who and where.)"""
    text = body[:max_chars]
    seen: Counter[str] = Counter()
    for phrase, count in Counter(ENTITY.findall(text)).items():
        seen[_name(phrase)] += count
    candidates = [(name, count) for name, count in seen.items() if count >= min_count and name]
    if not candidates:
        return ()
    starting = Counter(map(_name, starting_phrases(text)))
    mid_sentence = [(name, count) for name, count in candidates if count > starting[name]]
    return _ranked(mid_sentence, text, limit) if mid_sentence else ()


def _name(phrase: str) -> str:
    return _candidate(phrase)[0]


def _ranked(candidates: list[tuple[str, int]], text: str, limit: int) -> tuple[str, ...]:
    """The LIMIT most frequent CANDIDATES (name, count) found in TEXT that are names."""
    written_lower: dict[str, bool] = {}
    ranked = sorted(
        (nc for nc in candidates if " " in nc[0] or _is_name(nc[0], text, written_lower)),
        key=lambda nc: (-nc[1], nc[0]),
    )
    return tuple(name for name, _ in ranked[:limit])


@lru_cache(maxsize=100_000)
def _candidate(phrase: str) -> tuple[str, bool]:
    """A capitalised PHRASE without possessive, leading stop words and dates; and whether it is
    one word (which must pass more checks to count as a name)."""
    words = _POSSESSIVE.sub("", " ".join(phrase.strip("’'-").split())).split()
    while words and (
        (
            words[0].lower() in STOP_WORDS
            and not (words[0].lower() in NAME_STARTS and len(words) > 1)
        )
        or words[0].lower() in CALENDAR
        or _I_CONTRACTION.match(words[0])
    ):
        words = words[1:]
    return " ".join(words), len(words) == 1


def _is_name(word: str, text: str, written_lower: dict[str, bool]) -> bool:
    if not _could_be_name(word):
        return False
    lower = word.lower()
    if lower not in written_lower:  # in lower case as a word of its own: a common word
        written_lower[lower] = _written_as_word(lower, text)
    return not written_lower[lower]


def _written_as_word(word: str, text: str) -> bool:
    """Whether WORD stands in TEXT as a word: not after a letter, not before a letter or digit.
    (str.find, not a regex built per word: those would be compiled again and again.)"""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() and not before.isdecimal()) and not after.isalnum():
            return True
        at = text.find(word, at + 1)
    return False


@lru_cache(maxsize=100_000)
def _could_be_name(word: str) -> bool:
    """Not a common word, a date or too short. (Written in lower case somewhere in the same
    text also means a common word: the caller checks that.)"""
    lower = word.lower()
    return (
        len(word) >= 3 and lower not in CALENDAR and lower not in LEGAL_FORMS and zipf(lower) < 5.5
    )
