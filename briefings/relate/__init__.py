"""Relatedness: which articles tell the same story, and what to read next. Pure: model in, relations out."""

from briefings.relate.engine import RelateIndex
from briefings.relate.model import RelateDoc, RelatedSettings, Scored
from briefings.relate.overrides import Pins, apply_pins
from briefings.relate.relations import Relations, Story, snapshot
from briefings.relate.vectorize import forget_words

__all__ = [
    "Pins",
    "RelateDoc",
    "RelateIndex",
    "RelatedSettings",
    "Relations",
    "Scored",
    "Story",
    "apply_pins",
    "forget_words",
    "snapshot",
]
