"""Giving freed memory back to the system after a phase that allocates much and keeps little."""

from __future__ import annotations

import ctypes
import sys
from functools import lru_cache
from typing import Any

LARGE = 5_000  # articles related at once: enough freed memory to be worth giving back


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; elsewhere nothing).

    Relating a large site allocates hundreds of MB of short-lived arrays and objects. Once
    freed, glibc keeps most of that memory in its heap, counted in the process's size, and
    every page worker forked afterwards starts as large. Trimming takes a few ms."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    # The symbols this process has loaded, libc's among them. (ctypes.util.find_library would
    # run ldconfig in a forked child: a copy, for a moment, of a process hundreds of MB large.)
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
