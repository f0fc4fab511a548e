"""What relating knows of each spelling it has read, in arrays by spelling number: its stem's
key, its weight, whether it counts and whether it is capitalised; and the words of each run of
non-space characters. Python reads a spelling only the first time it is seen; vectorize.py
looks up whole batches of text at once with numpy.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from briefings.hashes import number
from briefings.relate.features import STOP_WORDS, WORD, information, stem_all
from briefings.relate.tokens import offsets

KEY_BITS = 48  # feature keys: room for a batch's doc numbers above them in an int64
MASK = (1 << KEY_BITS) - 1
ENDS_SENTENCE, ENDS_CLAUSE = 4, 8  # marks of a chunk's code (Vocabulary.code)
_CLOSING = "\"'”’)]»*_"  # what may close a sentence after its stop


def text_hash(text: str) -> int:
    """A key for TEXT that is the same in every run and every process."""
    return number(text.encode(), 8) & MASK


def _words(words: list[str]) -> tuple[list[int], list[float], list[bool]]:
    """Each word's stem key, its weight, and whether it counts at all (stop words and single
    letters do not). (Stemmed all at once: a tenth of the cost of word by word.)"""
    stems = stem_all(words)
    return (
        [text_hash(s) for s in stems],
        [information(w) for w in words],
        [len(w) > 1 and w not in STOP_WORDS for w in words],
    )


class Vocabulary:
    """What _words says of every spelling seen so far, in arrays by spelling number; and the
    words of every run of non-space characters ("chunk": "Iran's," is the words "Iran" and
    "s") seen so far. Text is split into chunks by str.split, and each chunk looked up by one
    dict lookup: Python reads a chunk or a spelling only the first time it is seen. (A news
    site's chunks repeat: most are among a few hundred thousand.)"""

    CHUNKS = 1_000_000  # chunks remembered at most (tens of MB): then forgotten, learned again

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.words: list[str] = []  # by spelling number, as written
        self.stems = np.zeros(0, np.int64)
        self.weights = np.zeros(0, np.float64)
        self.counted = np.zeros(0, bool)
        self.capital = np.zeros(0, bool)  # it begins with a capital letter
        # A chunk's code: its one word's spelling number << 4 | 1; or, of a chunk of several
        # words, the place of their numbers in self.several << 4 | 2; or 0 for no word. Bit 3:
        # it ends a sentence ("said."); bit 4: it ends with a stop or a comma ("Kyiv,").
        self.code = _Codes()
        self.several: list[tuple[int, ...]] = []

    def look_up(self, chunks: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The spelling numbers of the words of CHUNKS in order, how many each chunk has, and
        each chunk's code (see ENDS_SENTENCE, ENDS_CLAUSE)."""
        # (A list first: numpy reads one in a third of the time it takes to pull an iterator.)
        codes = np.array(list(map(self.code.__getitem__, chunks)), np.int64)
        unknown = np.flatnonzero(codes < 0)
        if len(unknown):
            if len(self.code) > self.CHUNKS:
                self.code, self.several = _Codes(), []
                unknown = np.arange(len(chunks))
            new = [chunks[i] for i in unknown.tolist()]
            self._learn(set(new))
            codes[unknown] = [self.code[chunk] for chunk in new]
        kind = codes & 3
        counts = (kind == 1).astype(np.int64)
        many = np.flatnonzero(kind == 2)
        words = [self.several[c] for c in (codes[many] >> 4).tolist()]
        counts[many] = [len(w) for w in words]
        numbers = np.repeat(codes >> 4, counts)
        if len(many):  # the words of chunks of several, in their place
            starts = (np.cumsum(counts) - counts)[many]
            at = np.repeat(starts, counts[many]) + offsets(counts[many])
            numbers[at] = list(chain.from_iterable(words))
        return numbers, counts, codes

    def _learn(self, chunks: set[str]) -> None:
        split = {chunk: WORD.findall(chunk) for chunk in chunks}
        new = list(set(chain.from_iterable(split.values())).difference(self.number))
        if new:
            stems, weights, counted = _words([w.lower() for w in new])
            first = len(self.number)
            self.number.update((w, first + i) for i, w in enumerate(new))
            self.words += new
            self.stems = np.concatenate([self.stems, np.array(stems, np.int64)])
            self.weights = np.concatenate([self.weights, np.array(weights, np.float64)])
            self.counted = np.concatenate([self.counted, np.array(counted, bool)])
            capital = np.array([w[:1].isupper() for w in new], bool)
            self.capital = np.concatenate([self.capital, capital])
        for chunk, words in split.items():
            end = chunk.rstrip(_CLOSING)[-1:]
            marks = (ENDS_SENTENCE if end in ".!?:;" else 0) | (
                ENDS_CLAUSE if not chunk[-1:].isalnum() else 0
            )
            if len(words) == 1:
                self.code[chunk] = self.number[words[0]] << 4 | marks | 1
            elif words:
                self.code[chunk] = len(self.several) << 4 | marks | 2
                self.several.append(tuple(self.number[w] for w in words))
            else:
                self.code[chunk] = marks


class _Codes(dict[str, int]):
    """Chunk codes (Vocabulary.code); -1 for a chunk not seen yet."""

    def __missing__(self, chunk: str) -> int:
        return -1
