"""What the relate stage takes and gives: plain values, no files, no HTML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from briefings.config import Related as RelatedSettings

__all__ = ["SECONDS_PER_DAY", "RelateDoc", "RelatedSettings", "Scored"]

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class RelateDoc:
    slug: str
    title: str
    body: str
    timestamp: float  # seconds since the epoch
    tags: tuple[str, ...] = ()
    source: str = ""


class Scored(NamedTuple):  # a named tuple: a large site makes hundreds of thousands
    slug: str
    score: float
    why: tuple[str, ...] = ()  # the names and terms the two articles share most
