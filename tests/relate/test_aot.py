"""Relate's loops built ahead of time: used when built from the sources as they are, never
otherwise; each argument checked, since the built module would misread a wrong one; and the
same results, bit for bit, as numba's compiled at first use."""

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from briefings import parallel
from briefings.relate import aot, compiled, index
from tests.relate.test_relate import load_fixture, relate

REQUIRED = os.environ.get("BRIEFINGS_REQUIRE_COMPILED") == "1"


@pytest.fixture(scope="module")
def built():  # type: ignore[no-untyped-def]
    loops = aot.load()
    if loops is None:
        message = "relate's loops are not built ahead of time here (make builds them)"
        if REQUIRED:
            pytest.fail(message + "; BRIEFINGS_REQUIRE_COMPILED=1 requires them")
        pytest.skip(message)
    return loops


def test_a_process_uses_the_built_loops_and_never_loads_numba(built) -> None:  # type: ignore[no-untyped-def]
    probe = (
        "import sys; from briefings.relate import compiled; "
        "print(compiled.AHEAD_OF_TIME, 'numba' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["True", "False"]


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A folder holding a copy of the loops' sources, and no build of them."""
    for name in aot.SOURCES:
        shutil.copy(aot.HERE / name, tmp_path / name)
    return tmp_path


def test_a_build_is_used_only_for_the_sources_it_was_built_from(sources: Path) -> None:
    name = aot.module_name(sources)
    binary = sources / f"{name}{aot.EXTENSION_SUFFIXES[0]}"
    binary.write_bytes(b"")
    assert aot.current(sources) is None  # unfinished: its loops' arguments are not written
    (sources / f"{name}.json").write_text("{}")
    assert aot.current(sources) == binary
    with (sources / "kernels.py").open("a") as source:
        source.write("\n# an edit\n")
    assert aot.module_name(sources) != name
    assert aot.current(sources) is None and aot.load(sources) is None


def test_a_damaged_build_is_passed_over_with_a_warning(sources: Path) -> None:
    name = aot.module_name(sources)
    (sources / f"{name}{aot.EXTENSION_SUFFIXES[0]}").write_bytes(b"not a shared object")
    (sources / f"{name}.json").write_text("{}")
    with pytest.warns(RuntimeWarning, match="could not be loaded"):
        assert aot.load(sources) is None


def test_arguments_of_another_type_are_refused_before_the_loop_reads_them() -> None:
    seen = []
    loop = aot.checked(
        "loop",
        lambda *args: seen.append(args) or "ran",
        [
            {"array": ["float64", 1, False]},
            {"array": ["int32", 2, True]},
            "int",
            "float",
            {"tuple": ["float", "float"]},
        ],
    )
    gaps, lists = np.zeros(3), np.zeros((2, 2), np.int32)
    assert loop(gaps, lists, np.int64(2), 1, (1, 2.5)) == "ran"
    assert seen == [(gaps, lists, 2, 1.0, (1.0, 2.5))]
    assert isinstance(seen[0][3], float)
    wrong = [
        ((np.zeros(3, np.int64), lists, 2, 1.0, (1, 2)), "float64 array of 1 dimension"),
        ((np.zeros(6)[::2], lists, 2, 1.0, (1, 2)), "got a strided float64"),
        (([0.0], lists, 2, 1.0, (1, 2)), "got list"),
        ((gaps, lists.T, 2, 1.0, (1, 2)), "C-contiguous writeable int32"),
        ((gaps, np.frombuffer(bytes(16), np.int32).reshape(2, 2), 2, 1.0, (1, 2)), "read-only"),
        ((gaps, lists, 2.0, 1.0, (1, 2)), "expected an integer"),
        ((gaps, lists, True, 1.0, (1, 2)), "expected an integer"),
        ((gaps, lists, 2, "1", (1, 2)), "expected a number"),
        ((gaps, lists, 2, 1.0, (1, 2, 3)), "expected a tuple of 2"),
        ((gaps, lists, 2, 1.0), "takes 5 arguments, not 4"),
    ]
    for args, complaint in wrong:
        with pytest.raises(TypeError, match=complaint):
            loop(*args)
    assert len(seen) == 1  # the loop never ran on a wrong argument


def test_a_read_only_array_may_go_where_the_loop_only_reads() -> None:
    loop = aot.checked("loop", lambda codes: len(codes), [{"array": ["uint32", 1, False]}])
    assert loop(np.frombuffer(bytes(8), np.uint32)) == 2


def frozen_copy(value):  # type: ignore[no-untyped-def]
    """A copy of an argument as it was at the call (merge writes into its arguments), read-only
    where it was read-only."""
    if isinstance(value, tuple):
        return tuple(frozen_copy(v) for v in value)
    if isinstance(value, np.ndarray):
        kept = value.copy()
        kept.flags.writeable = value.flags.writeable
        return kept
    return copy.copy(value)


def same(a, b) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    return a == b


def test_loops_built_ahead_of_time_give_exactly_what_numba_gives(
    built, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from briefings.relate import kernels, scan  # numba compiles them (or reads its cache)

    calls: list[tuple[str, tuple]] = []

    def recording(name: str, loop):  # type: ignore[no-untyped-def]
        def call(*args):  # type: ignore[no-untyped-def]
            calls.append((name, frozen_copy(args)))
            return loop(*args)

        return call

    everything = aot.EXPORTS["kernels"] + aot.EXPORTS["scan"]
    for name in everything:
        monkeypatch.setattr(compiled, name, recording(name, getattr(compiled, name)))
    # Relate as a build does (in two threads, merged), then edit: every loop gets called.
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(index, "THREAD_FROM", 10)
    docs, _ = load_fixture()
    related, _ = relate(docs[:-3])
    related.update([docs[0].__class__(**{**docs[0].__dict__, "body": docs[1].body})])
    related.update(docs[-3:])
    assert {name for name, _ in calls} == set(everything)

    for name, args in calls:
        by_numba = getattr(kernels if name in aot.EXPORTS["kernels"] else scan, name)
        numba_args, ahead_args = frozen_copy(args), frozen_copy(args)
        assert same(by_numba(*numba_args), getattr(built, name)(*ahead_args)), name
        assert same(numba_args, ahead_args), name  # what merge wrote into its arguments
