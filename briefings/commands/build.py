"""`briefings build`: one full build with the same pipeline the watcher keeps in memory."""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefings.build import manifest, state
from briefings.build.builder import SiteBuilder
from briefings.build.output import remove_leftovers
from briefings.build.relate_stage import forget_words
from briefings.build.state import CACHE_DIR, load_builder
from briefings.config import Config
from briefings.errors import CacheDamaged
from briefings.runtime.memory import release_free_memory


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    rendered: int = 0  # pages rendered; the others came unchanged from the cache
    left_out: tuple[str, ...] = ()  # the problems of the articles it left out

    def summary(self, root: Path) -> str:
        try:
            where = self.output.relative_to(root)
        except ValueError:
            where = self.output
        cached = f", {self.pages - self.rendered} unchanged" if self.rendered < self.pages else ""
        return f"Built {self.pages} pages ({self.rendered} rendered{cached}) in {self.seconds:.2f} s into {where}/"

    def stats(self) -> str:
        return "\n".join(
            f"  {name:8} {seconds * 1000:8.0f} ms" for name, seconds in self.phases.items()
        )


def _keep(
    builder: SiteBuilder,
    config: Config,
    inputs: str,
    saved: bool,
    log: Callable[[str], None],
) -> None:
    """When SAVED (the build changed something), bring the site's ledger up to date and save
    the build cache when due (build.state.keep); then the manifest. The site is built by now:
    a cache that cannot be written costs the next build time, and is said, never an error."""
    try:
        if saved:
            state.keep(builder, config)
        manifest.record(
            config, inputs, builder.page_stamps(), [problem for _, problem in builder.left_out]
        )
    except (OSError, sqlite3.Error) as exc:
        manifest.forget(config)  # a manifest must never vouch for a site it did not see
        where = config.root / ".briefings"
        what = getattr(exc, "strerror", None) or exc
        log(
            f"Warning: build cache not saved ({what}: {getattr(exc, 'filename', None) or where}); the next build starts from scratch"
        )


def build_site(
    config: Config,
    log: Callable[[str], None] = lambda _: None,
    use_cache: bool = True,
    fresh: bool = False,
    checked: manifest.Check | None = None,
) -> BuildResult:
    """Build the site into config.output_dir, starting from the build cache when there is one
    (FRESH: from scratch, then cache that); on any error the old site stays as it was.
    CHECKED: the manifest check the caller already made (see briefings.build.manifest)."""
    started = time.perf_counter()
    moved = remove_leftovers(config.output_dir)  # a killed build's moves finished: whole
    if use_cache and not fresh:
        checked = checked or manifest.check(config)
        if checked.unchanged:
            seconds = time.perf_counter() - started
            return BuildResult(
                config.output_dir, checked.pages, seconds, {"check": seconds}, 0, checked.left_out
            )
    inputs = checked.inputs if checked else manifest.inputs_key(config)
    # (What a check found in site/ before a killed build's moves were finished is not there.)
    on_disk = checked.on_disk if checked and not moved else {}
    try:
        return _build(config, log, use_cache, fresh, inputs, on_disk)
    except CacheDamaged as exc:
        if not use_cache or fresh:
            raise
        log(f"Build cache ignored ({exc}); building from scratch")
        return _build(config, log, use_cache, True, inputs)


def _build(
    config: Config,
    log: Callable[[str], None],
    use_cache: bool,
    fresh: bool,
    inputs: str,
    on_disk: Mapping[str, manifest.Stamp] | None = None,
) -> BuildResult:
    """A build with a builder loaded from the cache (or made anew); ON_DISK: site/'s pages as
    the manifest check just found them (see manifest.Check)."""
    builder = (
        load_builder(config, log)
        if use_cache and not fresh
        else SiteBuilder(
            config.root,
            log=log,
            config=config,
            bodies=config.root / CACHE_DIR if use_cache else None,
        )
    )
    # This build keeps what the cache held to its end: Python's cycle collector need not walk
    # it again (at 10k articles each full collection took ~0.3 s). Read back, that state holds
    # no cycles: what the build lets go of is still freed, by reference counts.
    gc.freeze()
    builder.found_on_disk = on_disk or {}
    cached = builder.generation > 0 or bool(builder.outputs)
    result = builder.rebuild()
    if result.error is not None:
        raise result.error
    # Nothing more is related in this process: what it knows of words (tens of MB) goes before
    # the cache is saved, which is the peak of a large build's memory.
    forget_words()
    release_free_memory()
    if use_cache:
        _keep(
            builder,
            config,
            inputs,
            saved=bool(result.written or result.removed or result.rendered or not cached),
            log=log,
        )
    return BuildResult(
        config.output_dir,
        len(builder.outputs),
        result.seconds,
        dict(result.phases),
        result.rendered,
        tuple(problem for _, problem in builder.left_out),
    )
