"""Cleaning shared by both extractors: repeated paragraphs and blocks, leftover boilerplate."""

from __future__ import annotations

import re

BOILERPLATE = re.compile(
    r"^(share (this|on)|follow us|sign up|subscribe( now| to)?|newsletter|advertisement|"
    r"read more|related( articles| stories)?|recommended|most (read|popular|viewed)|ranking|"
    r"recommendation|comments?|post a comment|leave a (comment|reply)|you may also like|"
    r"cookies?|accept( all)?( cookies)?|we use cookies|skip to (main )?content|print|email|"
    r"click here|copyright|all rights reserved|©|back to top|view comments|tags?:?|in:)\b",
    re.IGNORECASE,
)
RATING = re.compile(r"^(very ?good|good|bad|excellent|like|dislike)!?\s*\(\d+\)\s*$", re.IGNORECASE)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def drop_repeats(paragraphs: list[str]) -> list[str]:
    """Every paragraph once: pages often carry the body twice (an AMP copy, a print copy)."""
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = normalise(paragraph)
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def is_boilerplate(line: str) -> bool:
    text = line.strip().strip("-–—•*# ").strip()
    if not text:
        return True
    if RATING.match(text):
        return True
    return len(text.split()) <= 6 and BOILERPLATE.match(text) is not None


def trim_title(text: str, limit: int = 120) -> str:
    """A headline-length start of a sentence, cut at a clause boundary (used for guessed titles)."""
    if len(text) <= limit:
        return text.rstrip(".")
    cut = max(
        (m.start() for m in re.finditer(r",\s| with | and | as | after | while ", text[:limit])),
        default=-1,
    )
    return text[:cut] if cut > 40 else text[:limit].rsplit(" ", 1)[0]
