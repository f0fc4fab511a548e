"""Who links whom among a site's articles: per article, an array of C ints (a large site has
two such lists per article, and a list of Python ints takes eight times the memory)."""

from __future__ import annotations

from array import array

import numpy as np


def pairs(rows: np.ndarray, lists: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(row, item) for every item of each row's list, as two arrays."""
    lengths = np.fromiter((len(x) for x in lists), np.int64, len(lists))
    items = np.concatenate(lists).astype(np.int64) if lists else np.zeros(0, np.int64)
    return np.repeat(rows, lengths), items


def group_into(lists: list[array[int]], keys: np.ndarray, values: np.ndarray) -> None:
    """Set LISTS[k] to the VALUES paired with each key K."""
    if not len(keys):
        return
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))).tolist()
    for start, end in zip(starts, [*starts[1:], len(keys)], strict=True):
        lists[int(keys[start])] = array("i", values[start:end].astype(np.int32).tobytes())


def add(items: array[int], item: int) -> None:
    if item not in items:
        items.append(item)


def discard(items: array[int], item: int) -> None:
    if item in items:
        items.remove(item)
