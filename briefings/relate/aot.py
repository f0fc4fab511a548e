"""Relate's compiled loops (kernels.py, scan.py) built ahead of time into an extension module,
and loaded from it only when it was built from these very sources.

Numba compiles at first use through LLVM, whose runtime then takes about 145 MB in every
process that runs a loop: a third of a 10,000-article build's memory. Built ahead of time
(numba.pycc and a C compiler, once per install: `make` runs `python -m briefings.relate`),
the same loops load in milliseconds and a megabyte, without numba. The module's name carries a
digest of the sources it was built from, so an edited loop never runs from a stale build.

Such a module reads its arguments as the types it was built for without looking (an int64
array would be read as float64, a list would crash it): load() puts a check before each loop.
"""

from __future__ import annotations

import importlib.util
import json
import operator
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np

from briefings.hashes import digest

HERE = Path(__file__).parent
EXPORTS = {
    "kernels": (
        "time_weights", "similarities", "neighbours", "all_neighbours", "merge", "keyed",
        "features",
    ),
    "scan": ("kinds", "words", "capitalised"),
}  # fmt: skip
SOURCES = ("kernels.py", "scan.py", "charclass.py", "model.py")  # all the compiled code reads
PREFIX = "_loops_"

Spec = Any  # an argument's type as JSON: "int", "float", "bool", {"array": ...}, {"tuple": ...}


def module_name(directory: Path = HERE) -> str:
    """The name of the module built from DIRECTORY's sources as they are now (and this numpy)."""
    sources = b"".join((directory / name).read_bytes() for name in SOURCES)
    return PREFIX + digest(np.__version__.encode() + b"\0" + sources)[:8].hex()


def current(directory: Path = HERE) -> Path | None:
    """The module built from DIRECTORY's sources as they are now, if there is one."""
    name = module_name(directory)
    binary = _binary(directory, name)
    # The JSON of its loops' arguments is written last: without it, the build is unfinished.
    return binary if binary.is_file() and (directory / f"{name}.json").is_file() else None


def load(directory: Path = HERE) -> SimpleNamespace | None:
    """The loops built ahead of time from DIRECTORY's sources as they are now, each behind a
    check of its arguments; None if no such build is there."""
    binary = current(directory)
    if binary is None:
        return None
    name = binary.name.split(".")[0]  # the module's, as current() found it
    try:
        spec = importlib.util.spec_from_file_location(name, binary)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        loops = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError) as error:  # damaged: numba's loops still work
        warnings.warn(
            f"relate's loops built ahead of time could not be loaded ({error}): compiling them "
            "with numba instead; `python -m briefings.relate` builds them again",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return SimpleNamespace(
        **{loop: checked(loop, getattr(module, loop), args) for loop, args in loops.items()}
    )


def build() -> Path:
    """Compile the loops into an extension module beside their sources (removing builds of
    older sources); returns its path. Needs numba, setuptools and a C compiler."""
    from numba.pycc import CC, compiler  # only here: importing numba costs 60 MB

    from briefings.relate import kernels, scan  # numba compiles them now, as _warm() calls them

    directory, name = HERE, module_name()
    signatures: dict[str, list[Spec]] = {}
    with tempfile.TemporaryDirectory(prefix="briefings-aot-") as scratch:
        cc = CC(name)
        cc.output_dir, cc.verbose = scratch, False
        for module in (kernels, scan):
            for loop in EXPORTS[module.__name__.rsplit(".", 1)[1]]:
                dispatcher = getattr(module, loop)
                # One signature each: the types _warm() gives it, those it is called with.
                found = dispatcher.nopython_signatures
                if len(found) != 1:
                    raise RuntimeError(f"{loop} is compiled for {len(found)} signatures, not 1")
                signature = found[0]
                cc.export(loop, signature)(dispatcher.py_func)
                signatures[loop] = [_spec(t) for t in signature.args]
        with _releasing_the_gil(compiler):
            cc.compile()
        for old in directory.glob(PREFIX + "*"):
            old.unlink()
        binary = _binary(directory, name)
        shutil.move(str(_binary(Path(scratch), name)), binary)
    # Last, and whole at once: a build without its JSON is never loaded.
    unfinished = directory / f"{name}.json.part"
    unfinished.write_text(json.dumps(signatures), encoding="utf-8")
    unfinished.replace(directory / f"{name}.json")
    return binary


def _binary(directory: Path, name: str) -> Path:
    return directory / f"{name}{EXTENSION_SUFFIXES[0]}"


@contextmanager
def _releasing_the_gil(compiler: ModuleType) -> Iterator[None]:
    """numba.pycc makes each loop's Python entry point hold the GIL while it runs, and has no
    option to let go (numba.jit's nogil=True); relate runs the neighbour search of a build in
    threads. Its compiler makes the flags of every loop from this class: one that lets go."""
    original = compiler.Flags

    class ReleasingTheGil(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True

    compiler.Flags = ReleasingTheGil
    try:
        yield
    finally:
        compiler.Flags = original


def _spec(t: Any) -> Spec:
    """A numba type as JSON."""
    from numba.core import types

    if isinstance(t, types.Array):
        if t.layout != "C":
            raise ValueError(f"{t}: only C-contiguous arrays are checked")
        return {"array": [str(np.dtype(str(t.dtype))), t.ndim, t.mutable]}
    if isinstance(t, types.BaseTuple):
        return {"tuple": [_spec(member) for member in t.types]}
    for kind, name in ((types.Boolean, "bool"), (types.Integer, "int"), (types.Float, "float")):
        if isinstance(t, kind):
            return name
    raise ValueError(f"{t}: no check for arguments of this type")


def checked(name: str, loop: Callable[..., Any], args: list[Spec]) -> Callable[..., Any]:
    checks = [_check(spec) for spec in args]

    def call(*given: Any) -> Any:
        if len(given) != len(checks):
            raise TypeError(f"{name}() takes {len(checks)} arguments, not {len(given)}")
        try:
            return loop(*[check(value) for check, value in zip(checks, given, strict=True)])
        except _Mismatch as mismatch:
            raise TypeError(f"{name}(): {mismatch}") from None

    call.__name__ = call.__qualname__ = name
    return call


class _Mismatch(TypeError):
    pass


def _check(spec: Spec) -> Callable[[Any], Any]:
    """What checks (and converts, for numbers) an argument of type SPEC."""
    if isinstance(spec, dict) and "array" in spec:
        return _array_check(np.dtype(spec["array"][0]), *spec["array"][1:])
    if isinstance(spec, dict) and "tuple" in spec:
        members = [_check(member) for member in spec["tuple"]]

        def check_tuple(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, tuple) or len(value) != len(members):
                raise _Mismatch(f"expected a tuple of {len(members)}, got {_describe(value)}")
            return tuple(check(v) for check, v in zip(members, value, strict=True))

        return check_tuple
    return {"int": _int, "float": _float, "bool": _bool}[spec]


def _array_check(dtype: np.dtype, ndim: int, written: bool) -> Callable[[Any], np.ndarray]:
    def check_array(value: Any) -> np.ndarray:
        if not (
            isinstance(value, np.ndarray)
            and value.dtype == dtype
            and value.ndim == ndim
            and value.flags.c_contiguous
            and (value.flags.writeable or not written)
        ):
            writeable = "writeable " if written else ""
            raise _Mismatch(
                f"expected a C-contiguous {writeable}{dtype} array of {ndim} dimension(s), "
                f"got {_describe(value)}"
            )
        return value

    return check_array


def _int(value: Any) -> int:
    if isinstance(value, bool | np.bool_):
        raise _Mismatch(f"expected an integer, got {_describe(value)}")
    try:
        return operator.index(value)
    except TypeError:
        raise _Mismatch(f"expected an integer, got {_describe(value)}") from None


def _float(value: Any) -> float:
    if not isinstance(value, int | float | np.integer | np.floating) or isinstance(value, bool):
        raise _Mismatch(f"expected a number, got {_describe(value)}")
    return float(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise _Mismatch(f"expected a bool, got {_describe(value)}")
    return bool(value)


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        layout = "C-contiguous" if value.flags.c_contiguous else "strided"
        access = "" if value.flags.writeable else "read-only "
        return f"a {layout} {access}{value.dtype} array of {value.ndim} dimension(s)"
    return f"{type(value).__name__} {value!r:.40}"
