"""Search with Pagefind (its Python package ships the binary): the index of a built site's
article pages, made in a new site being written, or beside serving.

Pagefind holds all it reads in memory until it writes the index, about half a megabyte a page
(1.5; 0.2 with 1.4): a site's articles are indexed in shards of at most SHARD_PAGES, one run
each, and the search page merges the shards (Pagefind's mergeIndex). An article's shard is a
hash of its page's path, so an edit indexes its shard again and the others are kept."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from briefings.build import output
from briefings.errors import BriefingsError
from briefings.hashes import number
from briefings.urls import ARTICLES  # article pages: all that is indexed

SHARD_PAGES = 600  # article pages per Pagefind run at most: ~330 MB with Pagefind 1.5
SHARDS_FILE = "shards.json"  # in site/pagefind/: the shards' folders, for the search page


def shards_of(pages: Iterable[str]) -> dict[str, list[str]]:
    """Article PAGES (site-relative paths) by the shard that indexes them. A shard's name says
    how many there are: when the count changes, no shard of the old layout is taken for one of
    the new."""
    pages = sorted(pages)
    count = max(1, -(-len(pages) // SHARD_PAGES))
    found: dict[str, list[str]] = {}
    for page in pages:
        found.setdefault(_shard(page, count), []).append(page)
    return found


def _shard(page: str, count: int) -> str:
    return f"{count}-{number(page.encode(), 4) % count}"


def index_site(
    site: Path,
    previous: Path | None = None,
    changed: Collection[str] | None = None,
    overlay: Path | None = None,
) -> None:
    """Write SITE/pagefind/: the index of every article page, in shards. A shard none of whose
    pages is among CHANGED (site-relative paths written or removed since PREVIOUS, the index
    the site had) is linked from PREVIOUS; None: every shard is made anew. OVERLAY: a folder
    holding the pages written since (those about to be moved into SITE: the index is made for
    the site they make, CHANGED pages not in either are gone). Made beside SITE, then swapped
    in whole: a reader never meets half an index, and the files of pages gone since the last
    run go with the old one."""
    found = {p.relative_to(site).as_posix() for p in (site / ARTICLES).glob("*/index.html")}
    if overlay is not None:
        found |= {
            p.relative_to(overlay).as_posix() for p in (overlay / ARTICLES).glob("*/index.html")
        }
        found -= {p for p in changed or () if not (overlay / p).exists()}  # removed

    def source(page: str) -> Path:
        return overlay / page if overlay is not None and (overlay / page).exists() else site / page

    shards = shards_of(found)
    if changed is None or previous is None:
        redo = set(shards)
    else:
        # A page removed belongs to the shard it would be in now (same count, same rule).
        count = max(1, -(-len(found) // SHARD_PAGES))
        redo = {_shard(page, count) for page in changed if indexed_among([page])}
    scratch = Path(tempfile.mkdtemp(prefix=output.index_prefix(site), dir=site.parent))
    try:
        new = scratch / "pagefind"
        new.mkdir()
        for name, pages in sorted(shards.items()):
            old = previous / name if previous is not None else None
            if name not in redo and old is not None and old.is_dir():
                _link_tree(old, new / name)
            else:
                _index_shard([source(page) for page in pages], pages, new / name, scratch / "pages")
        output.write_file(new / SHARDS_FILE, json.dumps(sorted(shards)).encode())
        _swap_in(new, site / "pagefind", scratch / "old")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _index_shard(files: list[Path], pages: list[str], into: Path, work: Path) -> None:
    """Index FILES, the site's PAGES, into INTO: Pagefind reads a folder of links to them."""
    shutil.rmtree(work, ignore_errors=True)
    for file, page in zip(files, pages, strict=True):
        try:
            output.link_or_copy(file, work / page)
        except FileNotFoundError:
            # Removed by a rebuild since this run listed it (serve indexes beside rebuilding):
            # that rebuild asks for a run of its own, which indexes the site as it is then.
            continue
    command = [
        sys.executable, "-m", "pagefind", "--site", str(work), "--glob", f"{ARTICLES}/**/*.html",
        "--silent", "--output-path", str(into),
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BriefingsError(
            f"search indexing failed: {exc}", hint="set search = false in briefings.toml"
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BriefingsError(
            f"search indexing failed: {detail[0]}",
            hint="reinstall with pip install 'pagefind[bin]', or set search = false in briefings.toml",
        )


def _link_tree(source: Path, target: Path) -> None:
    """TARGET as a copy of SOURCE, by hard links: its files only, never what a link in it
    points to (site/ lies in the project folder: a link there could lead to a private file)."""
    for top, _, files in os.walk(source):  # (links to folders are not walked into)
        for name in files:
            path = Path(top, name)
            if not path.is_symlink():
                output.link_or_copy(path, target / path.relative_to(source))


def _swap_in(new: Path, target: Path, retired: Path) -> None:
    if target.exists():
        os.rename(target, retired)
    os.rename(new, target)


def indexed_among(paths: Iterable[str]) -> bool:
    """Whether any of PATHS (site-relative) is a page the index reads: an article's
    (articles/SLUG/index.html; not articles/index.html, the archive's list shown there)."""
    return any(p.startswith(f"{ARTICLES}/") and p.count("/") == 2 for p in paths)


def stage_index(site: Path, staging: Path, changed: Collection[str]) -> None:
    """The search index in STAGING, a new site/ being written: SITE's shards, hard-linked, where
    none of their pages is among CHANGED (written or removed); the others made anew."""
    index_site(staging, last_index(site), changed)


def last_index(site: Path) -> Path | None:
    """SITE's search index, when it is one in shards (an older layout is made anew)."""
    index = site / "pagefind"
    return index if (index / SHARDS_FILE).is_file() else None


class BackgroundIndexer:
    """Indexes search beside serving: on a large site one run takes long, so runs never
    overlap, and saves made during one are indexed together after it (only the shards of the
    pages they changed)."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self._running = threading.Lock()  # held by the run under way
        self._state = threading.Lock()  # guards _waiting and _changed
        self._waiting = False  # a run is started but has not begun reading the site
        self._changed: set[str] | None = set()  # pages changed since the last run (None: any)

    def request(self, site: Path, changed: Iterable[str]) -> None:
        """Index SITE again: CHANGED (site-relative paths) were written or removed."""
        with self._state:
            if self._changed is not None:
                self._changed.update(changed)
            if self._waiting:
                return  # a run that has not started yet will read this site
            self._waiting = True
        threading.Thread(target=self._run, args=(site,), name="search-index", daemon=True).start()

    def _run(self, site: Path) -> None:
        with self._running:
            with self._state:
                self._waiting = False
                changed, self._changed = self._changed, set()
            try:
                index_site(site, last_index(site), changed)
            except BriefingsError as exc:
                with self._state:
                    self._changed = None  # what this run was to index is not: all, next time
                self.log(f"Search index not updated: {exc}")
