"""Lines that say how long work goes (a build, a send): nothing for a step that is quick, then
a line every few seconds (plain lines: they read the same on a terminal, in a CI log or a file)."""

from __future__ import annotations

import time
from collections.abc import Callable


class Progress:
    """Counts the steps of LABEL, out of TOTAL (0: not known); says where it is once FIRST
    seconds have passed, then every EVERY seconds."""

    def __init__(
        self,
        log: Callable[[str], None],
        label: str,
        total: int,
        first: float = 2.0,
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log, self.label, self.total = log, label, total
        self.every, self.clock = every, clock
        self.started = clock()
        self.due = self.started + first

    def step(self, done: int) -> None:
        now = self.clock()
        if now >= self.due:
            if self.total:
                self.log(f"{self.label}: {done:,} of {self.total:,} ({done / self.total:.0%})")
            else:
                self.log(f"{self.label}: {done:,}")
            self.due = now + self.every

    def took(self) -> float:
        return self.clock() - self.started


def phase_line(log: Callable[[str], None], seconds: float, text: str, quick: float = 1.0) -> None:
    """Say TEXT with its time when a phase took longer than QUICK seconds."""
    if seconds > quick:
        log(f"{text} ({seconds:.1f} s)")


class Laps:
    """The time of each phase of some work (a build's load, relate, render, write), in order:
    each lap is what passed since the last one (or since the clock was made)."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append((name, now - self.last))
        self.last = now
