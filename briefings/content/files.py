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

from briefings.content.source import read_source
from briefings.errors import BriefingsError, Problem
from briefings.runtime.parallel import forked_map


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


def content_files(content_dir: Path, changed: Iterable[Path]) -> set[str] | None:
    """CHANGED as content files the watcher saw change, or None when the whole of content/ must
    be looked at: nothing was named, or something else was (a folder, a template, the config)."""
    base = str(content_dir) + os.sep
    paths = {str(path) for path in changed}
    if not paths or not all(p.startswith(base) and p.endswith(".md") for p in paths):
        return None
    if any(os.path.isdir(p) for p in paths):
        return None
    return paths


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
    """LOADER's item of each file of PATHS that loaded without problems; PROBLEMS gets the rest.
    With CHANGED, the same files as last time, and CACHE: only the CHANGED files are looked at,
    the others' results are the last ones (a large site has thousands, and an edit one)."""
    paths = list(paths)
    key = ("collected", loader)
    last = cache.get(key) if cache is not None and changed is not None else None
    if last is not None and last[0] == paths and last[1] == tz:
        results, index = list(last[2]), last[3]
        for path in changed or ():
            if (i := index.get(path)) is not None:
                results[i] = _collect_one(loader, path, root, tz, cache)
    else:  # other files, or everything to look at
        kept = dict(zip(last[0], last[2], strict=True)) if last and last[1] == tz else {}
        todo = [p for p in paths if not (p in kept and p not in changed)]  # type: ignore[operator]
        kept.update(zip(todo, _collect_many(loader, todo, root, tz, cache), strict=True))
        results = [kept[path] for path in paths]
        index = {path: i for i, path in enumerate(paths)}
    if cache is not None:
        previous = cache.get(key)
        if previous is not None and previous[0] != paths:  # files gone: forget them
            for gone in set(previous[0]).difference(paths):
                cache.pop((loader, gone), None)
        cache[key] = (paths, tz, results, index)
    problems += [problem for _, found in results for problem in found]
    return [item for item, found in results if item is not None and not found]


def _collect_many(
    loader: Any, paths: list[str], root: Path, tz: ZoneInfo, cache: dict | None
) -> list[tuple[Any, list[Problem]]]:
    """_collect_one of each of PATHS; the files that must be read, on every core when there
    are many (a first build reads thousands: parsing YAML is most of its loading time)."""
    found: list[tuple[Any, list[Problem]] | None] = [None] * len(paths)
    stamps: list[tuple | None] = [None] * len(paths)
    unread: list[int] = []
    for i, path in enumerate(paths):
        stamps[i] = stamp = _stamp(path, tz)
        hit = cache.get((loader, path)) if cache is not None else None
        if stamp is not None and hit is not None and hit[0] == stamp:
            found[i] = (hit[1], hit[2])
        else:
            unread.append(i)

    def work(indexes: range) -> list[tuple[Any, list[Problem]]]:
        return [_load_one(loader, paths[unread[j]], root, tz) for j in indexes]

    for i, result in zip(unread, forked_map(work, len(unread), CHUNK, PARALLEL_FROM), strict=True):
        found[i] = result
        if cache is not None and stamps[i] is not None:
            cache[(loader, paths[i])] = (stamps[i], *result)
    return found  # type: ignore[return-value]  # every place is filled above


PARALLEL_FROM = 1_000  # files to read, below which starting workers costs more than it saves
CHUNK = 250


def _collect_one(
    loader: Any, path: str, root: Path, tz: ZoneInfo, cache: dict | None
) -> tuple[Any, list[Problem]]:
    """LOADER's item and problems for the file at PATH; the same objects as last time for a file
    whose size and mtime are unchanged, so later stages can tell unchanged articles by identity.
    (Only what the loader made is kept, not the parsed file: a large site's front matter and
    metadata would take memory, and room in the build cache, for nothing.)"""
    return _collect_many(loader, [path], root, tz, cache)[0]


def _stamp(path: str, tz: ZoneInfo) -> tuple | None:
    """What tells whether the file at PATH changed since it was read (None: it cannot be read)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, tz)


def _load_one(loader: Any, path: str, root: Path, tz: ZoneInfo) -> tuple[Any, list[Problem]]:
    """LOADER's item and problems for the file at PATH, read now."""
    display = _display(path, root)
    try:
        source = read_source(Path(path), display)
    except BriefingsError as exc:
        return None, exc.problems
    except OSError as exc:
        return None, [Problem(f"cannot read: {exc.strerror}", path=display)]
    found: list[Problem] = []
    return loader(source, tz, found), found


def _display(path: str, root: Path) -> str:
    text, base = path, str(root)
    if text.startswith(base + os.sep):
        return text[len(base) + 1 :]
    return text
