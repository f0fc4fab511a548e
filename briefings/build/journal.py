"""The build cache's journal: what small builds changed since the cache was saved.

Saving the whole cache after every build costs more than a small build itself (10,000
articles: an 89 MB pickle, ~1 s to write, for an edit that rendered one page). So after a
build that changed few pages, `briefings build` leaves the cache as it is and records here,
for each page it rendered, wrote or removed since the cache was saved, what the cache would
have said of it: the digest of its output, the size and mtime of its file in site/, its
fingerprint and what it read of which articles. The next build reads the cache, then this,
and so knows site/ as it is on disk; the articles edited since are read, related and planned
again (the cache still holds them as they were), and the pages named here are looked at anew
whatever the plan says (an edit undone since must undo them). After JOURNAL_BUILDS builds,
or JOURNAL_PAGES pages, the build saves the whole cache instead, and the journal goes.
`serve` keeps it too (it never saves the cache), after each good rebuild.

It is JSON, signed as the cache is (keys.py) and tied to the cache file it extends (its size
and mtime): a journal from elsewhere, damaged, or left beside another cache is ignored, and
then the build finds the pages it names changed on disk and writes them again (slower, never
wrong). Nothing in it is run; its paths are checked to stay inside site/.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from briefings.build import keys, output
from briefings.build.builder import SiteBuilder
from briefings.config import Config

JOURNAL_BUILDS = 32  # builds journaled in a row before the cache is saved whole
JOURNAL_PAGES = 400  # pages a journal may name before the cache is saved whole


def path_of(config: Config, cache_file: Path) -> Path:
    return config.root / cache_file.parent / "journal.json"


def record(
    builder: SiteBuilder, config: Config, cache_file: Path, code: str, again: bool = False
) -> bool:
    """Record what BUILDER knows of the pages it changed since the cache (CACHE_FILE, built by
    CODE) was saved, when they fit a journal: written whole, atomically, signed. AGAIN: this
    process wrote it before (serve, after each rebuild), so it counts one build only. Whether
    it was written; when not, `briefings build` saves the whole cache, and after `serve` the
    next build finds those pages changed on disk (slower, never wrong)."""
    changed = len(builder.since_saved)
    # (a change to settings or templates renders every page: the cache is saved whole)
    if not changed or changed > JOURNAL_PAGES or changed * 4 > len(builder.outputs):
        return False
    cache = output.stamp(config.root / cache_file)
    last = _read(config, cache_file)
    builds = (last["builds"] if last else 0) + (0 if again and last else 1)
    if cache is None or builds >= JOURNAL_BUILDS:
        return False
    pages: dict[str, list | None] = {}
    for path in sorted(builder.since_saved):
        known = builder.page_state(path)
        if known is None:
            pages[path] = None  # removed from site/
            continue
        digest, stamp, fingerprint, reads = known
        pages[path] = [
            digest.hex(),
            list(stamp) if stamp else None,
            fingerprint,
            [[sorted(map(list, what)), sorted(among)] for what, among in reads],
        ]
    entries = {
        "code": code,
        "cache": list(cache),
        "output": str(config.output_dir),
        "builds": builds,
        "pages": pages,
    }
    target = path_of(config, cache_file)
    fd, temporary = tempfile.mkstemp(prefix=".journal-", dir=target.parent)
    try:
        with os.fdopen(fd, "w+b") as handle, keys.Signing(handle, keys.cache_key()) as signed:
            signed.write(json.dumps(entries, separators=(",", ":")).encode())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def forget(config: Config, cache_file: Path) -> None:
    """The journal goes: the cache it extended was saved anew (or is gone)."""
    with contextlib.suppress(FileNotFoundError):
        path_of(config, cache_file).unlink()


def apply(state: dict[str, Any], config: Config, cache_file: Path, code: str) -> set[str]:
    """Bring STATE, as read from the cache, up to what the journal records, and name the pages
    it changed; none when there is no journal, or one that is not this cache's (ignored)."""
    journal = _read(config, cache_file)
    if journal is None or journal["code"] != code:
        return set()
    outputs, stamps = state["outputs"], state["_stamps"]
    fingerprints, reads = state["_fingerprints"], state["_reads"]
    for path, known in journal["pages"].items():
        if known is None:
            for table in (outputs, stamps, fingerprints, reads):
                table.pop(path, None)
            continue
        digest, stamp, fingerprint, read = known
        outputs[path] = output.Stored(bytes.fromhex(digest))
        stamps[path] = tuple(stamp) if stamp else None
        fingerprints[path] = fingerprint
        reads[path] = tuple(
            (frozenset(tuple(pair) for pair in what), frozenset(among)) for what, among in read
        )
    return set(journal["pages"])


def _read(config: Config, cache_file: Path) -> dict[str, Any] | None:
    """The journal, when there is one, signed, of the cache file as it is now and of this
    output folder, and well formed; else None."""
    try:
        with path_of(config, cache_file).open("rb") as handle:
            keys.verify(handle, keys.cache_key())
            journal = json.loads(handle.read())
        cache = output.stamp(config.root / cache_file)
        if (
            cache is None
            or journal.get("cache") != list(cache)
            or journal.get("output") != str(config.output_dir)
            or not isinstance(journal.get("builds"), int)
            or not all(map(_inside, journal["pages"]))
        ):
            return None
        for known in journal["pages"].values():
            if known is not None:
                _check_page(known)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return dict(journal)


def _check_page(known: list) -> None:
    digest, stamp, fingerprint, read = known
    bytes.fromhex(digest)
    if not isinstance(fingerprint, str) or not (stamp is None or len(stamp) == 2):
        raise ValueError("a page's record is not as written")
    for what, among in read:
        if not all(len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in what):
            raise ValueError("a page's reads are not as written")
        if not all(isinstance(slug, str) for slug in among):
            raise ValueError("a page's reads are not as written")


def _inside(path: object) -> bool:
    """PATH is a file's path inside site/: relative, with no step up."""
    if not isinstance(path, str) or not path:
        return False
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts and "\\" not in path
