"""Search with Pagefind (its Python package ships the binary): the index of a built site, made in
a new site being written, or beside serving."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from briefings.build import output
from briefings.errors import BriefingsError
from briefings.urls import ARTICLES  # article pages: all that is indexed


def index_site(site: Path) -> None:
    """Write SITE/pagefind/: the index of every page marked data-pagefind-body (the articles).
    Made beside SITE, then swapped in whole: a reader never meets half an index, and the index
    files of pages gone since the last run go with the old one."""
    # Only article pages hold what is indexed (indexed_among): reading no other saves a sixth
    # of the run on a large site. A site with none still gets its (empty) index: the search
    # page loads it.
    pages = f"{ARTICLES}/**/*.html" if any((site / ARTICLES).rglob("*.html")) else "**/*.html"
    scratch = Path(tempfile.mkdtemp(prefix=output.index_prefix(site), dir=site.parent))
    command = [
        sys.executable, "-m", "pagefind", "--site", str(site), "--glob", pages, "--silent",
        "--output-path", str(scratch / "pagefind"),
    ]  # fmt: skip
    try:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BriefingsError(
                f"search indexing failed: {exc}", hint="set search = false in briefings.toml"
            ) from exc
        if result.returncode == 0:
            _swap_in(scratch / "pagefind", site / "pagefind", scratch / "old")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BriefingsError(
            f"search indexing failed: {detail[0]}",
            hint="reinstall with pip install 'pagefind[bin]', or set search = false in briefings.toml",
        )


def _swap_in(new: Path, target: Path, retired: Path) -> None:
    if target.exists():
        os.rename(target, retired)
    os.rename(new, target)


def indexed_among(paths: Iterable[str]) -> bool:
    """Whether any of PATHS (site-relative) is a page the index reads: an article's."""
    return any(p.startswith(f"{ARTICLES}/") for p in paths)


def stage_index(site: Path, staging: Path, reuse: bool) -> None:
    """The search index in STAGING, a new site/ being written: SITE's own, hard-linked, when
    REUSE says it still holds and there is one; else made anew."""
    if reuse and (site / "pagefind").is_dir():
        for old in (site / "pagefind").rglob("*"):
            if old.is_file():
                output.link_or_copy(old, staging / old.relative_to(site))
    else:
        index_site(staging)


class BackgroundIndexer:
    """Indexes search beside serving: on a large site one run takes long (Pagefind reads every
    page), so runs never overlap, and saves made during one are indexed together after it."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self._running = threading.Lock()  # held by the run under way
        self._state = threading.Lock()  # guards _waiting
        self._waiting = False  # a run is started but has not begun reading the site

    def request(self, site: Path) -> None:
        with self._state:
            if self._waiting:
                return  # a run that has not started yet will read this site
            self._waiting = True
        threading.Thread(target=self._run, args=(site,), name="search-index", daemon=True).start()

    def _run(self, site: Path) -> None:
        with self._running:
            with self._state:
                self._waiting = False
            try:
                index_site(site)
            except BriefingsError as exc:
                self.log(f"Search index not updated: {exc}")
