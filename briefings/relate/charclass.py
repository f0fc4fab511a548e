"""Kinds of character, as the loops over characters (scan.py) read them: kept apart from those
loops so that finding a character's kind never loads a compiler."""

from __future__ import annotations

import numpy as np

OTHER, LETTER, DIGIT, SPACE = 0, 1, 2, 3


def kind_of(c: str) -> int:
    """What Python's re calls \\d (a decimal digit) is a DIGIT, any other \\w but "_" a LETTER,
    white space as str.split and re's \\s see it a SPACE."""
    return DIGIT if c.isdecimal() else LETTER if c.isalnum() else SPACE if c.isspace() else OTHER


ASCII_KIND = np.array([kind_of(chr(c)) for c in range(128)], np.uint8)
CONNECTORS = ("of", "de", "al", "bin", "van", "von", "der", "la", "du")  # inside names
