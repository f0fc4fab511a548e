"""Finding content files and reading them, keeping between builds what an unchanged file gave.

The caller keeps CACHE (a dict) from one build to the next. A file whose size and mtime are as
before is not read again, and its loader's result is the same object as last time, so later
stages can tell unchanged articles by identity. With CHANGED (the paths a file watcher saw
change), the other files are not even listed or looked at.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from briefings.errors import BriefingsError, Problem
from briefings.sourcefile import SourceFile, read_source


def _markdown_files(folder: Path) -> Iterator[str]:
    """Markdown files under FOLDER, sorted. (os.walk and plain strings, not rglob and Paths: a
    large site has thousands, and this runs on every rebuild.)"""
    found = []
    for parent, folders, files in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        # Editors leave swap, backup and lock files beside the real ones.
        found += [
            os.path.join(parent, name)
            for name in files
            if name.endswith(".md") and not name.startswith((".", "#"))
        ]
    yield from sorted(found)


def listing(folder: Path, cache: dict | None, changed: Collection[str] | None) -> list[str]:
    """The Markdown files under FOLDER: the last listing with CHANGED applied, or walked anew."""
    key = ("listing", str(folder))
    last = cache.get(key) if cache is not None else None
    if last is None or changed is None:
        found = list(_markdown_files(folder))
    else:
        base = str(folder) + os.sep
        now = set(last)
        for path in changed:
            if path.startswith(base) and _is_content_name(path[len(base) :]):
                if os.path.isfile(path):
                    now.add(path)
                else:
                    now.discard(path)
        found = sorted(now)
    if cache is not None:
        cache[key] = found
    return found


def _is_content_name(relative: str) -> bool:
    parts = relative.split(os.sep)
    name = parts[-1]
    return (
        name.endswith(".md")
        and not name.startswith((".", "#"))
        and not any(p.startswith(".") for p in parts[:-1])
    )


def collect(
    loader: Any,
    paths: Iterable[str],
    root: Path,
    tz: ZoneInfo,
    problems: list[Problem],
    cache: dict | None = None,
    changed: Collection[str] | None = None,
) -> list:
    loaded = []
    for path in paths:
        if changed is not None and path not in changed:
            # Not among the files the watcher saw change: as loaded last time.
            seen = cache.get(("seen", loader, path))  # type: ignore[union-attr]
            if seen is not None and seen[0] == tz:
                problems += seen[2]
                if seen[1] is not None and not seen[2]:
                    loaded.append(seen[1])
                continue
        display = _display(path, root)
        try:
            source = _read_cached(path, display, cache)
        except BriefingsError as exc:
            problems += exc.problems
            continue
        except OSError as exc:
            problems.append(Problem(f"cannot read: {exc.strerror}", path=display))
            continue
        item, found = _load_cached(loader, source, tz, cache)
        if cache is not None:
            cache[("seen", loader, path)] = (tz, item, found)
        problems += found
        if item is not None and not found:
            loaded.append(item)
    return loaded


def _load_cached(loader: Any, source: SourceFile, tz: ZoneInfo, cache: dict | None) -> tuple:
    """LOADER's item and problems for SOURCE; the same objects as last time for an unchanged
    file, so later stages can tell unchanged articles by identity."""
    memo = cache.get((loader, source.display)) if cache is not None else None
    if memo is not None and memo[0] is source and memo[1] == tz:
        return memo[2], memo[3]
    found: list[Problem] = []
    item = loader(source, tz, found)
    if cache is not None:
        cache[(loader, source.display)] = (source, tz, item, found)
    return item, found


def _read_cached(path: str, display: str, cache: dict | None) -> SourceFile:
    if cache is None:
        return read_source(Path(path), display)
    stat = os.stat(path)
    key = (stat.st_mtime_ns, stat.st_size)
    hit = cache.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    source = read_source(Path(path), display)
    cache[path] = (key, source)
    return source


def _display(path: str, root: Path) -> str:
    text, base = path, str(root)
    if text.startswith(base + os.sep):
        return text[len(base) + 1 :]
    return text
