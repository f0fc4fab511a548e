"""Workers spread over the cores: results in order, and no worker outlives a killed build."""

import contextlib
import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from briefings.runtime import parallel
from briefings.runtime.parallel import forked_map, forked_results

REPO = Path(__file__).resolve().parent.parent


def test_results_come_in_order_whether_forked_or_not() -> None:
    def square(indexes: range) -> list[int]:
        return [i * i for i in indexes]

    assert forked_map(square, 50, 5, 10) == [i * i for i in range(50)]
    assert forked_map(square, 5, 5, 10) == [i * i for i in range(5)]


def test_workers_leave_the_objects_they_inherit_to_the_parent(monkeypatch) -> None:
    """A collection in a worker would walk every inherited object and copy its page: they are
    frozen while workers run, and collected as usual again afterwards."""
    monkeypatch.setattr(parallel, "may_fork", lambda: True)  # (other tests leave a thread)

    def frozen(indexes: range) -> list[int]:
        return [gc.get_freeze_count() for _ in indexes]

    assert gc.get_freeze_count() == 0
    assert all(count > 1000 for count in forked_map(frozen, 4, 1, 2))
    assert gc.get_freeze_count() == 0


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdecimal():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_build_killed_mid_work(tmp_path: Path) -> None:
    script = (
        "import os, sys, time; from briefings.runtime.parallel import forked_map\n"
        "def slow(indexes):\n"
        "    time.sleep(120)\n"
        "    return list(indexes)\n"
        "forked_map(slow, 8, 1, 2)\n"
    )
    build = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = children_of(build.pid)
        assert len(workers) >= 2, "the workers started"
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(w) for w in workers), "workers outlived their build"
    finally:
        for pid in workers | {build.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_work_not_started_is_dropped_when_the_caller_stops_reading(tmp_path: Path) -> None:
    # An ingest cut short (an error, Ctrl-C) must not first work through every page left.
    def mark(indexes: range) -> list[int]:
        for i in indexes:
            (tmp_path / str(i)).touch()
        time.sleep(0.2)
        return list(indexes)

    results = forked_results(mark, 60, 1, 2)
    assert next(results) == 0
    results.close()
    assert len(list(tmp_path.iterdir())) < 30, "the pool worked through chunks nobody reads"
