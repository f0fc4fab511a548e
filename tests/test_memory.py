"""Memory freed by a large build goes back to the system, not only to the C heap."""

import sys

import pytest

from briefings.memory import _malloc_trim, release_free_memory


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or _malloc_trim() is None, reason="needs glibc"
)
def test_memory_freed_below_the_heap_top_is_returned() -> None:
    # 80 MB in blocks too large for Python's own allocator, one in ten kept: what is freed
    # lies between live blocks, where freeing alone cannot give it back.
    blocks = [bytes(4000) + bytes([i % 256]) for i in range(20_000)]
    kept = blocks[::10]
    del blocks
    before = rss_mb()
    release_free_memory()
    assert rss_mb() < before - 40
    assert len(kept) == 2_000
