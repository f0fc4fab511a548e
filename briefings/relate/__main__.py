"""`python -m briefings.relate`: build relate's compiled loops ahead of time (aot.py), unless a
build of their sources as they are now is there. `make` runs it after installing.

Exit status 1 if the build fails (most often for want of a C compiler): briefings still works,
and numba compiles the loops at first use instead.
"""

from __future__ import annotations

import sys
import time
import warnings

from briefings.relate import aot


def main() -> int:
    built = aot.current()
    if built is not None:
        print(f"relate's loops are built ahead of time already: {built.name}")
        return 0
    print("Building relate's loops ahead of time (once per install) ...", flush=True)
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # numba.pycc is marked for deprecation, with no successor in numba yet.
            warnings.simplefilter("ignore")
            path = aot.build()
    except Exception as error:  # most often: no C compiler, or no setuptools
        print(
            f"briefings: could not build relate's loops ahead of time: {error}\n"
            "  numba will compile them at first use instead; its runtime then takes about\n"
            "  145 MB more in each build. With a C compiler installed (Debian: apt install gcc),\n"
            "  run `python -m briefings.relate` again.",
            file=sys.stderr,
        )
        return 1
    print(f"Built {path.name} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
