"""The write phase: this build's pages into site/, whole, and what site/ then holds on disk.

After a small edit the changed files are moved into site/ one by one (output.patch, which a
killed build's next run completes); else a whole new site/ is written beside the old one,
unchanged files hard-linked, and swapped in. Either way site/ is never half one build's.
"""

from __future__ import annotations

from collections.abc import Callable, Container

from briefings.build import output, search
from briefings.config import Config

Stamps = dict[str, tuple[int, int] | None]  # site-relative path -> (size, mtime) as written
Written = tuple[tuple[str, ...], tuple[str, ...], Stamps]


def write(
    config: Config,
    last: dict[str, output.Page],
    stamps: Stamps,
    outputs: dict[str, output.Page],
    staging: output.Staging | None,
    streamed: set[str],
    log: Callable[[str], None],
    seen: Container[str] = (),
) -> Written:
    """Make site/ hold OUTPUTS, where it held LAST (as STAMPS say it was written). STAGING: a
    one-shot build's, into which the STREAMED files are written already; without one, files
    are replaced in place (serve, watch). SEEN: files this build found on disk as written.
    The files written, those removed, and the stamps."""
    site = config.output_dir
    if not last or staging is not None:
        return _write_staged(
            config, last, stamps, outputs, staging or output.Staging(site), streamed, log, seen
        )
    written = tuple(
        p
        for p, data in outputs.items()
        if data is not last.get(p) and not output.same(last.get(p), data)
    )
    output.replace_files(site, {path: output.data_of(outputs[path]) for path in written})
    removed = tuple(p for p in last if p not in outputs)
    output.remove_files(site, removed)
    output.copy_static(config, site)
    # As written (the site's ledger records them: build.ledger), the removed ones gone.
    kept = {p: stamp for p, stamp in stamps.items() if p in outputs}
    return written, removed, kept | {p: output.stamp(site / p) for p in written}


def _write_staged(
    config: Config,
    last: dict[str, output.Page],
    stamps: Stamps,
    outputs: dict[str, output.Page],
    staging: output.Staging,
    streamed: set[str],
    log: Callable[[str], None],
    seen: Container[str],
) -> Written:
    """Write a whole new site/ beside the old one and swap it in: never a half-written site.
    Files whose bytes did not change are hard-linked from the old site, keeping their mtime.
    STREAMED: the files already written into STAGING."""
    site = config.output_dir
    written = tuple(p for p, data in outputs.items() if not output.same(last.get(p), data))
    removed = tuple(p for p in last if p not in outputs)
    if _patchable(config, last, stamps, outputs, (*written, *removed), seen):
        for path in written:
            if path not in streamed:
                staging.write(path, output.data_of(outputs[path]))
        if config.settings.search and search.indexed_among((*written, *removed)):
            try:  # the shards of the pages changed, for the site the moves make: before them
                search.index_site(site, search.last_index(site), (*written, *removed), staging.path)
            except BaseException:
                staging.discard()
                raise
        output.patch(site, staging, written, removed)
        kept = {p: stamps.get(p) for p in outputs}
        return written, removed, kept | {p: output.stamp(site / p) for p in written}
    try:
        for path, data in outputs.items():
            old = site / path
            if path in streamed:
                continue
            if path not in written and output.unchanged_on_disk(old, stamps.get(path)):
                output.link_or_copy(old, staging.path / path)
            else:
                output.write_file(staging.path / path, output.data_of(data))
        output.copy_static(config, staging.path, previous=site if site.is_dir() else None)
        if config.settings.search:
            changed = (*written, *removed)
            if not _search_stands(last, outputs, changed) and len(outputs) > 1000:
                log(f"Indexing search ({len(outputs):,} pages)")  # Pagefind takes a while
            search.stage_index(site, staging.path, changed)
    except BaseException:
        staging.discard()
        raise
    staging.commit()
    return written, removed, {p: output.stamp(site / p) for p in outputs}


def _patchable(
    config: Config,
    last: dict[str, output.Page],
    stamps: Stamps,
    outputs: dict[str, output.Page],
    changed: tuple[str, ...],
    seen: Container[str],
) -> bool:
    """Whether moving a few files into site/ makes it this build's (see output.patch): site/
    holds what we last wrote (its search index included) and at most half its files change
    (CHANGED: written or removed)."""
    return bool(last) and len(changed) * 2 <= len(outputs) and _intact(config, stamps, last, seen)


def _search_stands(
    last: dict[str, output.Page], outputs: dict[str, output.Page], changed: tuple[str, ...]
) -> bool:
    """Whether the last search index holds for OUTPUTS: no article page changed, came or went
    (CHANGED: the files written or removed)."""
    return bool(last) and len(outputs) == len(last) and not search.indexed_among(changed)


def _intact(
    config: Config, stamps: Stamps, last: dict[str, output.Page], seen: Container[str]
) -> bool:
    """site/ holds exactly what we LAST wrote there (nobody edited or removed a file). (Not
    checked against this build's pages: a page new in it, a story's or a topic's, is in no
    site yet, and took the whole site to be staged anew: 16k links, 3 s at 10k articles.)"""
    site = config.output_dir
    return (
        all(p in seen or output.unchanged_on_disk(site / p, stamps.get(p)) for p in last)
        and output.static_unchanged(config, site)
        and (not config.settings.search or (site / "pagefind" / search.SHARDS_FILE).is_file())
    )
