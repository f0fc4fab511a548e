"""Relatedness: which articles tell the same story, and what to read next. Pure: model in, relations out."""

from briefings.relate.engine import RelateIndex
from briefings.relate.model import RelateDoc, RelatedSettings, Scored
from briefings.relate.relations import Relations, Story, snapshot
from briefings.relate.vectorize import forget_words

__all__ = [
    "RelateDoc",
    "RelateIndex",
    "RelatedSettings",
    "Relations",
    "Scored",
    "Story",
    "forget_words",
    "snapshot",
]
