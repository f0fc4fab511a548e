"""Relate's compiled loops, the one place the rest of relate calls them from: kernels.py's over
vectors and scan.py's over characters.

Built ahead of time where `make` could build them (aot.py): then numba is never imported.
Else numba compiles them at first use (cached on disk), and its runtime costs about 145 MB in
each process that runs one.
"""

from __future__ import annotations

from types import SimpleNamespace

from briefings.relate import aot

_built = aot.load()
AHEAD_OF_TIME = _built is not None


def _by_numba() -> SimpleNamespace:
    from briefings.relate import kernels, scan

    return SimpleNamespace(
        **{loop: getattr(kernels, loop) for loop in aot.EXPORTS["kernels"]},
        **{loop: getattr(scan, loop) for loop in aot.EXPORTS["scan"]},
    )


_loops = _built if _built is not None else _by_numba()

# kernels.py
time_weights = _loops.time_weights
similarities = _loops.similarities
neighbours = _loops.neighbours
all_neighbours = _loops.all_neighbours
merge = _loops.merge
keyed = _loops.keyed
features = _loops.features
# scan.py
kinds = _loops.kinds
words = _loops.words
capitalised = _loops.capitalised
