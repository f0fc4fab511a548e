"""The site's ledger: one row per page in site/, in SQLite, that a newcomer can query.

    sqlite3 .briefings/cache/ledger.sqlite \\
        "select path, template, fingerprint, reads from pages where reads like '%my-slug%'"

For each page the build left in site/ it holds what the next build needs to know without
rendering it again: the digest of its bytes, the size and mtime of its file as written (a file
edited or removed since is written again), its fingerprint (settings, templates and everything
its context holds: build/fingerprint.py) and what it read of which articles (as JSON: a list
of [fields, slugs] pairs, a slug "" standing for any article; render/renderer.py records
them). After an edit, a build renders only the pages that read something of it that changed.

Every build brings the ledger up to date, in one transaction, by the rows of the pages it
rendered, wrote or removed; a build that knew nothing of site/ writes a new ledger whole. The
build cache (state.py: parsed articles, their rendered text, the related index, the last plan)
is saved only now and then, because it is large: its header names the ledger it goes with (a
random token made with each new ledger) and how far the ledger had come (`generation`, one
per build recorded). The rows recorded after that are newer than the cache's plan: the next
build looks at those pages again whatever the plan says (an edit undone since must undo them).

A ledger is data, never code, but found in a project folder it is untrusted: it is used only
beside a signed build cache that names its token, only when its tables are the ones written
here (no triggers, no views), and paths that step out of site/ make the whole ledger ignored.
Ignored, the build finds every page changed and writes site/ anew: slower, never wrong.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from briefings.build import output
from briefings.build.builder import SiteBuilder
from briefings.config import Config
from briefings.render.renderer import Reads, reads_to_json
from briefings.runtime.sqlite import open_exact

LEDGER_FILE = Path(".briefings") / "cache" / "ledger.sqlite"
SCHEMA = {
    "meta": "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "pages": (
        "CREATE TABLE pages (path TEXT PRIMARY KEY, template TEXT NOT NULL, fingerprint TEXT"
        " NOT NULL, digest TEXT NOT NULL, size INTEGER, mtime_ns INTEGER, reads TEXT NOT NULL,"
        " generation INTEGER NOT NULL)"
    ),
}


@dataclass
class Known:
    """What a ledger says of site/, as a builder keeps it (see SiteBuilder.restore)."""

    outputs: dict[str, output.Page] = field(default_factory=dict)
    stamps: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    reads: dict[str, Reads | str] = field(default_factory=dict)  # as JSON: see SiteBuilder
    newer: set[str] = field(default_factory=set)  # recorded after the cache was saved
    at: tuple[str, int] | None = None  # the ledger's Position

    def tables(self) -> tuple[dict, dict, dict, dict]:
        return self.outputs, self.stamps, self.fingerprints, self.reads


class Position(NamedTuple):
    """Which ledger, and how far it had come (builds recorded): the cache's header keeps one,
    and a builder the one it last recorded to (SiteBuilder.ledger)."""

    token: str
    generation: int


def path_of(config: Config) -> Path:
    return config.root / LEDGER_FILE


def read(config: Config, code: str, cached: Position) -> Known | None:
    """What the ledger says of site/, when it is the one the cache (at CACHED) goes with, of
    this code and output folder, and well formed; else None (the build then starts with no
    page known)."""
    path = path_of(config)
    if not path.is_file():
        return None
    try:
        with contextlib.closing(_open(path)) as db:
            meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
            if (
                meta.get("token") != cached.token
                or meta.get("code") != code
                or meta.get("output") != str(config.output_dir)
                or int(meta.get("generation", -1)) < cached.generation
            ):
                return None
            known = _known(db.execute("SELECT * FROM pages"), cached.generation)
            known.at = Position(cached.token, int(meta["generation"]))
            return known
    except (sqlite3.Error, ValueError, TypeError):  # damaged, or not ours
        return None


def _known(rows: sqlite3.Cursor, cached: int) -> Known:
    known = Known()
    for path, _template, fingerprint, digest, size, mtime, reads, generation in rows:
        if not output.inside_site(path) or not isinstance(fingerprint, str):
            raise ValueError(f"ledger: a page's path or fingerprint is not as written ({path!r})")
        known.outputs[path] = output.Stored(bytes.fromhex(digest))
        known.stamps[path] = (
            (size, mtime) if isinstance(size, int) and isinstance(mtime, int) else None
        )
        known.fingerprints[path] = fingerprint
        if not isinstance(reads, str) or not isinstance(generation, int):
            raise ValueError(f"ledger: the row of {path!r} is not as written")
        known.reads[path] = reads  # read when needed (SiteBuilder._reads_of)
        if generation > cached:
            known.newer.add(path)
    return known


def record(builder: SiteBuilder, config: Config, code: str) -> Position:
    """Bring the ledger up to what BUILDER knows of site/: the rows of the pages it changed
    since it last recorded (or was read from) the ledger, in one transaction; a ledger written
    whole when the builder knows none, or the ledger moved on meanwhile (another process).
    Where the ledger now is (kept as builder.ledger)."""
    path = path_of(config)
    position = Position(*builder.ledger) if builder.ledger else None
    try:
        db = _open(path) if position is not None else None
    except sqlite3.Error:
        db = None
    if db is None or position is None:
        return _write_whole(builder, config, code, path)
    with contextlib.closing(db), db:
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
        # (compared as written: a value that is not a number is another ledger's, not an error)
        if (meta.get("token"), meta.get("generation")) != (
            position.token,
            str(position.generation),
        ):
            db.rollback()
            return _write_whole(builder, config, code, path)
        generation = position.generation + 1
        templates = _templates(builder)
        gone, rows = [], []
        for page in sorted(builder.unrecorded):
            row = _row(builder, page, templates, generation)
            if row is None:
                gone.append((page,))
            else:
                rows.append(row)
        db.executemany("DELETE FROM pages WHERE path = ?", gone)
        db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("UPDATE meta SET value = ? WHERE name = 'generation'", (str(generation),))
    builder.unrecorded.clear()
    builder.ledger = Position(position.token, generation)
    return builder.ledger


def newer_pages(config: Config, since: Position) -> int:
    """How many pages the ledger recorded after SINCE (when the cache was saved)."""
    with contextlib.closing(_open(path_of(config))) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM pages WHERE generation > ?", (since.generation,)
        ).fetchone()
    return int(count)


def _write_whole(builder: SiteBuilder, config: Config, code: str, path: Path) -> Position:
    """A new ledger of every page BUILDER knows, made beside the old one and moved over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".ledger-{os.getpid()}-{secrets.token_hex(4)}.sqlite")
    position = Position(secrets.token_hex(16), 1)
    templates = _templates(builder)
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # as the cache
        with contextlib.closing(sqlite3.connect(temporary)) as db, db:
            for statement in SCHEMA.values():
                db.execute(statement)
            meta = {
                "token": position.token,
                "generation": str(position.generation),
                "code": code,
                "output": str(config.output_dir),
            }
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            rows = (_row(builder, page, templates, position.generation) for page in builder.outputs)
            db.executemany("INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)", filter(None, rows))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    builder.unrecorded.clear()
    builder.ledger = position
    return position


def _row(
    builder: SiteBuilder, page: str, templates: dict[str, str], generation: int
) -> tuple | None:
    known = builder.page_state(page)
    if known is None:
        return None
    digest, stamp, fingerprint, reads = known
    return (
        page,
        templates.get(page, ""),
        fingerprint,
        digest.hex(),
        stamp[0] if stamp else None,
        stamp[1] if stamp else None,
        reads_to_json(reads),
        generation,
    )


def _templates(builder: SiteBuilder) -> dict[str, str]:
    """Each page's template, by its path in site/ (for a reader of the ledger)."""
    return {page.output: page.template for page in builder.planned_pages()}


def _open(path: Path) -> sqlite3.Connection:
    """A connection to the ledger at PATH, once it is known to hold only our two tables: a
    file with triggers or views in it is not ours, and none of its SQL is run."""
    return open_exact(path, SCHEMA, "ledger")
