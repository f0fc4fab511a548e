"""Relatedness: which articles tell the same story, and what to read next. Pure: model in, relations out.

What relating gives (Relations, Story, Scored) and what applies the editor's pins import no
numpy: a build that relates nothing (an edit below an article's lead, a build with nothing to
do) reads them from the build cache without loading it (~70 ms). The index and the vectors are
imported from their modules where relating is done: briefings.relate.engine.RelateIndex,
briefings.relate.vectorize.forget_words.
"""

from briefings.relate.model import RelateDoc, RelatedSettings, Scored
from briefings.relate.overrides import Pins, apply_pins
from briefings.relate.relations import Relations, Story, snapshot

__all__ = [
    "Pins",
    "RelateDoc",
    "RelatedSettings",
    "Relations",
    "Scored",
    "Story",
    "apply_pins",
    "snapshot",
]
