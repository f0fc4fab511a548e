"""Pure work over many items, spread over the machine's cores when there is enough of it."""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

R = TypeVar("R")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def may_fork() -> bool:
    """fork copies one thread: only safe where there is one (a watcher's could hold locks)."""
    return threading.active_count() == 1


_TASK: Callable[[range], list] | None = None  # what forked workers run: set only around a pool


def forked_map(work: Callable[[range], list[R]], count: int, chunk: int, minimum: int) -> list[R]:
    """WORK(indexes) over range(COUNT) in chunks of CHUNK, results in order. WORK may be any
    callable: forked workers inherit it with all it refers to, and only index ranges and
    results cross between processes. In workers only when COUNT >= MINIMUM, there is
    more than one core and forking is safe; else here, with the same results."""
    return list(forked_results(work, count, chunk, minimum))


def forked_results(
    work: Callable[[range], list[R]], count: int, chunk: int, minimum: int
) -> Generator[R, None, None]:
    """What forked_map gives, one result at a time as chunks are done, in order: the caller
    may say how far the work is."""
    global _TASK
    workers = min(os.cpu_count() or 1, count // chunk)
    ranges = [range(i, min(i + chunk, count)) for i in range(0, count, chunk)]
    if count < minimum or workers < 2 or not may_fork():
        for indexes in ranges:
            yield from work(indexes)
        return
    _TASK = work
    # Workers inherit every object; a collection in one would walk them all and copy each page
    # it touches (reference counts): frozen, they are left alone (as Python's docs advise).
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=get_context("fork"), initializer=_die_with_parent
        ) as pool:
            for part in pool.map(_run, ranges):
                yield from part
    finally:
        _TASK = None
        gc.unfreeze()


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the process that forked it dies: a build killed with
    SIGKILL would leave its workers waiting for work forever (~50 MB each). Elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took: go now
        os._exit(1)


def _run(indexes: range) -> list:
    assert _TASK is not None, "forked_map's task is set before its workers fork"
    return _TASK(indexes)
