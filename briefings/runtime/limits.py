"""A wall-clock limit on one piece of pure work (one article's Markdown), so that one hostile
text cannot stall a build. It uses SIGALRM, which only the main thread of a process can take:
a build's, serve's and watch's own thread and forked workers. On any other thread there is no
limit, and the work runs as it would without one."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OverTime(Exception):
    """The work ran past its limit and was stopped."""


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Raise OverTime inside the block once it has run SECONDS. Gives whether a limit is set
    (only in a main thread, and only when no other alarm is set: it is left alone)."""
    if (
        threading.current_thread() is not threading.main_thread()
        or seconds <= 0
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield False
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise OverTime(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
