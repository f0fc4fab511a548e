"""A large build holds only what later stages read, and what it frees goes back to the system."""

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.build.builder import SiteBuilder
from briefings.errors import BriefingsError
from briefings.runtime.memory import _malloc_trim, release_free_memory


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


def test_giving_memory_back_starts_no_process() -> None:
    # A child forked from a large build is, for a moment, as large: looking libc up with
    # ctypes.util.find_library ran ldconfig so, after relating a large site.
    probe = (
        "import resource; from briefings.runtime.memory import release_free_memory; "
        "release_free_memory(); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "0"


def test_a_builder_lets_go_of_each_body_once_rendered_and_reads_it_again_when_asked(
    project: Path, add_article
) -> None:
    path = add_article("one.md", title="One", body="The **first** body, with “quotes”.")
    add_article("two.md", title="Two", body="The second body.")
    add_article("draft.md", title="Draft", body="A draft's *body*.", draft="true")
    add_article("later.md", title="Later", date="2999-01-01", body="A later *body*.")
    builder = SiteBuilder(project, bodies=project / ".briefings" / "cache")
    assert builder.rebuild().error is None
    article = next(a for a in builder._texts.articles if a.title == "One")
    assert article.markdown._data is None  # let go: its HTML is what pages read
    cache = pickle.dumps(builder.state())
    assert b"**first**" not in cache  # nor kept in the build cache...
    assert b"<strong>first</strong>" not in cache  # (its HTML is in the body store)
    assert b"draft's *body*" not in cache and b"later *body*" not in cache  # ...nor unrendered
    assert article.body == "The **first** body, with “quotes”."  # read again from its file
    path.write_text(path.read_text().replace("first", "edited"))
    with pytest.raises(BriefingsError) as failure:
        _ = article.body
    assert failure.value.problems[0].path == "content/articles/one.md"
    assert "changed while the site was being built" in str(failure.value)
