"""Pure work over many items, spread over the machine's cores when there is enough of it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def chunked_map(
    work: Callable[[Sequence[T]], list[R]], items: Sequence[T], chunk: int, minimum: int
) -> list[R]:
    """WORK(chunk) over ITEMS in chunks of CHUNK, results in order: in worker processes when
    there are at least MINIMUM items and more than one core, else here. WORK must be a pure
    module-level function: results are the same either way."""
    workers = min(os.cpu_count() or 1, len(items) // chunk)
    if len(items) < minimum or workers < 2 or not may_fork():
        return work(items)
    chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        return [r for part in pool.map(work, chunks) for r in part]


def may_fork() -> bool:
    """fork copies one thread: only safe where there is one (a watcher's could hold locks)."""
    return threading.active_count() == 1
