"""Compiled loops (numba) over the characters of a batch of texts: the kind of each character,
the words, and the capitalised phrases that may be names. Python's re would take a step per
match in Python; these take one pass over the code points (tokens.Characters).

Compiled like kernels.py (see compiled.py); the kinds of character are in charclass.py.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from briefings.relate.charclass import ASCII_KIND, CONNECTORS, DIGIT, LETTER, SPACE

_HASH_BASE = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True, nogil=True)
def kinds(codes, ascii_kind, other_codes, other_kinds):
    """The kind of each character (code point) of CODES: ASCII_KIND's for ASCII, OTHER_KINDS of
    the sorted OTHER_CODES for the rest."""
    found = np.empty(len(codes), np.uint8)
    for i in range(len(codes)):
        c = codes[i]
        found[i] = ascii_kind[c] if c < 128 else other_kinds[np.searchsorted(other_codes, c)]
    return found


@njit(cache=True, nogil=True)
def words(codes, kinds, begins, ends, limits):
    """The words of texts whose characters (code points) are CODES[BEGINS[t]:ENDS[t]], of
    KINDS, each read up to the end of its LIMITS[t]-th run of non-space characters (str.split's
    chunks). A word is a letter followed by letters and digits, or a run of digits. Returns
    each word's text, start, end and a 64-bit hash of its characters."""
    cap = len(codes) + 1  # a word is one character at least ("0a" is two)
    text_of, word_start = np.empty(cap, np.int64), np.empty(cap, np.int64)
    word_end, hashes = np.empty(cap, np.int64), np.empty(cap, np.uint64)
    count = 0
    for t in range(len(begins)):
        chunks, in_space, state, begin, h = 0, True, 0, 0, np.uint64(0)
        # state: 0 outside a word, 1 in a word that started with a letter, 2 in digits
        for i in range(begins[t], ends[t] + 1):
            kind = 0
            if i < ends[t]:
                kind = kinds[i]
                if kind == SPACE:
                    in_space = True
                elif in_space:
                    in_space = False
                    chunks += 1
                    if chunks > limits[t]:
                        kind = 0  # the rest is not read: end what was read
            if state != 0 and (kind == 0 or kind == SPACE or (state == DIGIT and kind == LETTER)):
                text_of[count], word_start[count], word_end[count] = t, begin, i
                hashes[count] = h * _HASH_BASE + np.uint64(i - begin)
                count += 1
                state = 0
            if i == ends[t] or chunks > limits[t]:
                break
            if state == 0 and kind in (LETTER, DIGIT):
                state, begin, h = kind, i, np.uint64(0)
            if state != 0:
                h = h * _HASH_BASE + np.uint64(codes[i])
    return text_of[:count], word_start[:count], word_end[:count], hashes[:count]


_CONNECTORS = tuple(np.array([ord(c) for c in w], np.uint32) for w in CONNECTORS)
_SENTENCE_END = np.array(sorted(ord(c) for c in '.!?:;"“”'), np.uint32)


@njit(cache=True, nogil=True, inline="always")
def _word_char(code, kind) -> bool:
    """What re calls \\w: a letter, a digit or "_"."""
    return kind in (LETTER, DIGIT) or code == 95


@njit(cache=True, nogil=True, inline="always")
def _name_end(codes, kinds, i, end) -> int:
    """Past the letters, digits, "_", apostrophes and hyphens from I on."""
    while i < end:
        c = codes[i]
        if not (_word_char(c, kinds[i]) or c == 39 or c == 0x2019 or c == 45):
            break
        i += 1
    return i


@njit(cache=True, nogil=True, inline="always")
def _capital(codes, i, end) -> bool:
    return i < end and 65 <= codes[i] <= 90


@njit(cache=True, nogil=True)
def _after_connector(codes, at, end) -> int:
    """Where the capital stands after a connector ("of", "van", ...) and spaces at AT, or -1."""
    for word in _CONNECTORS:
        i = at
        for c in word:
            if i >= end or codes[i] != c:
                i = -1
                break
            i += 1
        if i < 0:
            continue
        spaced = i
        while i < end and (codes[i] == 32 or codes[i] == 9):
            i += 1
        if i > spaced and _capital(codes, i, end):
            return i
    return -1


@njit(cache=True, nogil=True)
def _starts_sentence(codes, kinds, i, begin) -> bool:
    """After a new line, one or two spaces after a full stop, colon or quote, or at the start."""
    if i == begin or codes[i - 1] == 10:
        return True
    for spaces in (1, 2):
        p = i - spaces - 1
        if p < begin:
            return False
        if kinds[i - spaces] != SPACE:
            return False
        c = codes[p]
        at = np.searchsorted(_SENTENCE_END, c)
        if at < len(_SENTENCE_END) and _SENTENCE_END[at] == c:
            return True
    return False


@njit(cache=True, nogil=True)
def capitalised(codes, kinds, begins, ends):
    """What features.ENTITY finds in texts CODES[BEGINS[t]:ENDS[t]]: capitalised words, joined
    by spaces or tabs, perhaps through a connector ("Bank of England"). Returns each phrase's
    text, start, end, whether it starts a sentence, and a 64-bit hash of its characters."""
    cap = len(codes) + 1  # a phrase is one character at least
    text_of, start_of = np.empty(cap, np.int64), np.empty(cap, np.int64)
    end_of, at_start = np.empty(cap, np.int64), np.empty(cap, np.bool_)
    hashes = np.empty(cap, np.uint64)
    count = 0
    for t in range(len(begins)):
        begin, end = begins[t], ends[t]
        i = begin
        while i < end:
            c = codes[i]
            if c < 65 or c > 90 or (i > begin and _word_char(codes[i - 1], kinds[i - 1])):
                i += 1
                continue
            stop = _name_end(codes, kinds, i + 1, end)
            while True:
                k = stop
                while k < end and (codes[k] == 32 or codes[k] == 9):
                    k += 1
                if k == stop:
                    break
                if not _capital(codes, k, end):
                    k = _after_connector(codes, k, end)
                    if k < 0:
                        break
                stop = _name_end(codes, kinds, k + 1, end)
            text_of[count], start_of[count], end_of[count] = t, i, stop
            at_start[count] = _starts_sentence(codes, kinds, i, begin)
            h = np.uint64(stop - i)
            for j in range(i, stop):
                h = h * _HASH_BASE + np.uint64(codes[j])
            hashes[count] = h
            count += 1
            i = stop
    return text_of[:count], start_of[:count], end_of[:count], at_start[:count], hashes[:count]


def _warm() -> None:
    """Load every loop now, once per process (see kernels._warm), with the types it is called
    with: code points read from a buffer, as tokens.characters reads them, are read-only."""
    empty_i = np.zeros(0, np.int64)
    codes, found = np.frombuffer(b"", np.uint32), np.zeros(0, np.uint8)
    kinds(codes, ASCII_KIND, np.zeros(0, np.uint32), found)
    words(codes, found, empty_i, empty_i, empty_i)
    capitalised(codes, found, empty_i, empty_i)


_warm()
