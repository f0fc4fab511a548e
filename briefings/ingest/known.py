"""The articles already in the output folder, indexed so that ingesting one more page costs the
same at 10 or 10,000 articles: its fingerprint finds a second ingest of the same page, a sample
of its word 5-grams finds a syndicated copy, its slug finds a free file name.

The index is kept between runs in the project's .briefings/ingest/index.sqlite (SQLite: a run
reads only the rows its pages ask about, and writes only what changed), refreshed by each
file's size and mtime. Found in a project folder it is untrusted: it is used only when its
schema is the one written here (no triggers, no views: none of its SQL runs) and its rows are
of the types written; anything else in it is thrown away and the index made again from the
files.

    sqlite3 .briefings/ingest/index.sqlite "select name, slug, source, url from articles"
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import yaml

from briefings.errors import BriefingsError
from briefings.ingest.clean import normalise
from briefings.runtime.sqlite import busy, create, open_exact
from briefings.urls import make_slug

NEAR_DUPLICATE = 0.9  # share of sampled word 5-grams two bodies must share to be copies
SAMPLE = 4  # keep one 5-gram in SAMPLE (by hash): enough to estimate overlap
MOST_SAMPLED = 600
# Each article's smallest sampled values, indexed: a body sharing nine in ten of an article's
# sampled 5-grams holds some of them (all sixteen missed: about one chance in 10**16), and
# the index stays small (all 600 of 10,000 articles would be six million rows).
ANCHORS = 16
MAX_INDEX_BYTES = 256 * 1024 * 1024
VERSION = "1"
SCHEMA = {
    "meta": "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "articles": (
        "CREATE TABLE articles (name TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER"
        " NOT NULL, slug TEXT NOT NULL, source TEXT NOT NULL, fingerprint TEXT NOT NULL,"
        " current TEXT NOT NULL, url TEXT NOT NULL, address TEXT NOT NULL, sample BLOB NOT NULL)"
    ),
    "anchors": "CREATE TABLE anchors (value INTEGER NOT NULL, name TEXT NOT NULL)",
    "articles_fingerprint": "CREATE INDEX articles_fingerprint ON articles (fingerprint)",
    "articles_current": "CREATE INDEX articles_current ON articles (current)",
    "articles_address": "CREATE INDEX articles_address ON articles (address)",
    "articles_slug": "CREATE INDEX articles_slug ON articles (slug)",
    "anchors_value": "CREATE INDEX anchors_value ON anchors (value)",
    "anchors_name": "CREATE INDEX anchors_name ON anchors (name)",
}
ENTRY_COLUMNS = "size, mtime_ns, slug, source, fingerprint, current, sample, url"
NOTE_FROM = 200  # files to read before the index is usable: said first
IN_CHUNK = 500  # values in one IN (...): SQLite's limit on parameters was 999 before 3.32


def fingerprint(body: str) -> str:
    return hashlib.sha256(normalise(body).encode()).hexdigest()[:20]


def sampled_shingles(body: str, n: int = 5) -> list[int]:
    """A stable sample of the body's word 5-grams (stable: hash() is salted per process)."""
    words = normalise(body).split()
    found: set[int] = set()
    for i in range(max(0, len(words) - n + 1)):
        digest = hashlib.blake2b(" ".join(words[i : i + n]).encode(), digest_size=8).digest()
        value = int.from_bytes(digest, "big")
        if value % SAMPLE == 0:
            found.add(value)
    return sorted(found)[:MOST_SAMPLED]


@dataclass
class Entry:
    stamp: list[int]  # [size, mtime_ns] of the file when read
    slug: str
    source: str
    fingerprint: str  # as recorded at ingestion
    current: str  # of the body as it is now
    sample: list[int]
    url: str  # where the page was published, as its front matter says ("" when unknown)

    @property
    def edited(self) -> bool:
        return bool(self.fingerprint) and self.current != self.fingerprint


class Known:
    """The articles in FOLDER, as STORE (an SQLite file; None: kept in memory) knows them once
    brought up to date with the files. save() keeps what a run added."""

    def __init__(
        self, folder: Path, store: Path | None = None, note: Callable[[str], None] | None = None
    ) -> None:
        self.folder = folder
        self.store = store
        self._note = note  # told when many files must be read (the first run in a folder)
        self._added: set[str] = set()  # written in this run
        try:
            self._db = self._opened()
            try:
                self._refresh()
            except (sqlite3.Error, ValueError, TypeError) as exc:  # not as written: made again
                self._db.close()
                if busy(exc):
                    raise
                self._db = self._opened(anew=True)
                self._refresh()
        except sqlite3.OperationalError as exc:
            if not busy(exc):
                raise
            raise BriefingsError(
                f"{self.store}: in use by another briefings command",
                hint="wait for it to finish, then ingest again",
            ) from exc

    # --- questions asked per page ---------------------------------------------------------

    def same_page(self, body_print: str, source: str, url: str = "") -> Path | None:
        """The article with this body (as ingested or as it is now), or else from this URL,
        unless from another outlet. (A page ingested again by a newer briefings may come out
        with other words, a headline without a stray mark say: its address says it is the
        same page.)"""
        rows: list[tuple] = []
        if body_print:
            rows += self._db.execute(
                "SELECT name, source FROM articles WHERE fingerprint = ? OR current = ?"
                " ORDER BY name",
                (body_print, body_print),
            ).fetchall()
        if address := _address(url):
            rows += self._db.execute(
                "SELECT name, source FROM articles WHERE address = ? ORDER BY name", (address,)
            ).fetchall()
        for name, stated in rows:
            if not source or str(stated).casefold() == source.casefold():
                return self.folder / name
        return None

    def added_now(self, path: Path) -> bool:
        """Whether PATH was written in this run (not by an earlier one)."""
        return self._name(path) in self._added

    def copy_of(self, sample: list[int], source: str) -> str:
        """The slug of an article from another outlet whose body this one nearly repeats."""
        if not sample:
            return ""
        values = [_signed(v) for v in sample]
        names: set[str] = set()
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start : start + IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT DISTINCT name FROM anchors WHERE value IN ({marks})"
            names.update(name for (name,) in self._db.execute(query, chunk))
        mine = set(sample)
        shared = []
        for name in names:
            entry = self._entry(name)
            if entry is not None:
                shared.append((len(mine.intersection(entry.sample)), name, entry))
        for count, _, entry in sorted(shared, key=lambda found: (-found[0], found[1])):
            if count / max(1, min(len(sample), len(entry.sample))) < NEAR_DUPLICATE:
                break
            if entry.source.casefold() != source.casefold():
                return entry.slug
        return ""

    def entry_at(self, path: Path) -> Entry | None:
        return self._entry(self._name(path))

    def free_slug(self, slug: str) -> str:
        """SLUG, or SLUG-2, -3, ... when another article or file has it."""
        free, n = slug, 1
        while self._slug_taken(free) or (self.folder / f"{free}.md").exists():
            n += 1
            free = f"{slug}-{n}"
        return free

    # --- keeping it current ---------------------------------------------------------------

    def add(self, path: Path, meta: dict, sample: list[int]) -> None:
        """The article just written to PATH with META (its fingerprint: its body's as written)
        and its body's SAMPLE of 5-grams."""
        try:
            info = path.stat()
        except OSError:
            return
        body_print = str(meta.get("fingerprint") or "")
        slug, source = str(meta.get("slug") or ""), str(meta.get("source") or "")
        url = str(meta.get("url") or "")
        entry = Entry(
            [info.st_size, info.st_mtime_ns], slug, source, body_print, body_print, sample, url
        )
        try:
            self._put(self._name(path), entry)
            self._db.commit()  # at once: another command may be waiting to write
        except sqlite3.OperationalError:  # busy too long, or no room: the next run reads the
            self._db.rollback()  # file again (by its stamp), so nothing is lost
        self._added.add(self._name(path))

    def save(self) -> None:
        """Keep what this run added (a store that cannot be written is made again next time)."""
        with contextlib.suppress(sqlite3.Error):
            self._db.commit()
        self._db.close()

    def _opened(self, anew: bool = False) -> sqlite3.Connection:
        """The store, or a new one when it is missing, too large, not ours, or ANEW."""
        if self.store is None:
            return create(":memory:", SCHEMA)
        with contextlib.suppress(OSError):
            if anew or self.store.stat().st_size > MAX_INDEX_BYTES:
                self.store.unlink()
        try:
            if self.store.exists():
                db = open_exact(self.store, SCHEMA, "ingest index")
                meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
                if meta == {"folder": str(self.folder), "version": VERSION}:
                    return db
                db.close()
            self.store.unlink(missing_ok=True)
        except (sqlite3.Error, OSError) as exc:
            if busy(exc):
                raise
            with contextlib.suppress(OSError):
                self.store.unlink()
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            # The plain JSON index of briefings 0.1 and before, made again here.
            (self.store.parent / "index.json").unlink(missing_ok=True)
            db = create(self.store, SCHEMA)
        except (sqlite3.Error, OSError):  # an index that cannot be kept: this run's only
            db = create(":memory:", SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("folder", str(self.folder)), ("version", VERSION)]
        )
        return db

    def _name(self, path: Path) -> str:
        try:
            return path.relative_to(self.folder).as_posix()
        except ValueError:
            return path.as_posix()

    def _refresh(self) -> None:
        """The store brought up to date with the files: those changed since (by size and
        mtime) read again, those gone dropped."""
        stored: dict[str, tuple[int, int]] = {}
        for name, size, mtime in self._db.execute("SELECT name, size, mtime_ns FROM articles"):
            if not (isinstance(name, str) and isinstance(size, int) and isinstance(mtime, int)):
                raise TypeError("ingest index: a row is not as written")
            stored[name] = (size, mtime)
        changed: list[tuple[str, Path, list[int]]] = []
        seen: set[str] = set()
        for path in self._files():
            try:
                info = path.stat()
            except OSError:
                continue
            name = self._name(path)
            seen.add(name)
            if stored.get(name) != (info.st_size, info.st_mtime_ns):
                changed.append((name, path, [info.st_size, info.st_mtime_ns]))
        if self._note is not None and len(changed) >= NOTE_FROM:
            self._note(f"Indexing {len(changed):,} articles in {self.folder} (once; kept after)")
        for name, path, stamp in changed:
            entry = _read(path, stamp)
            if entry is None:
                self._drop(name)
            else:
                self._put(name, entry)
        for name in stored.keys() - seen:
            self._drop(name)
        self._db.commit()

    def _files(self) -> Iterator[Path]:
        """The articles' files in FOLDER (not in hidden folders), in order."""
        if not self.folder.is_dir():
            return
        for top, dirs, files in os.walk(self.folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            yield from (Path(top, file) for file in sorted(files) if file.endswith(".md"))

    def _entry(self, name: str) -> Entry | None:
        row = self._db.execute(
            f"SELECT {ENTRY_COLUMNS} FROM articles WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            return None
        size, mtime, slug, source, body_print, current, sample, url = row
        texts = (slug, source, body_print, current, url)
        if not (
            isinstance(size, int)
            and isinstance(mtime, int)
            and all(isinstance(t, str) for t in texts)
            and isinstance(sample, bytes)
            and len(sample) % 8 == 0
            and len(sample) <= 8 * MOST_SAMPLED
        ):
            return None  # not as written: as if unknown
        values = array("Q")
        values.frombytes(sample)
        return Entry([size, mtime], slug, source, body_print, current, values.tolist(), url)

    def _slug_taken(self, slug: str) -> bool:
        found = self._db.execute("SELECT 1 FROM articles WHERE slug = ? LIMIT 1", (slug,))
        return found.fetchone() is not None

    def _put(self, name: str, entry: Entry) -> None:
        sample = entry.sample[:MOST_SAMPLED]
        self._db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                *entry.stamp,
                entry.slug,
                entry.source,
                entry.fingerprint,
                entry.current,
                entry.url,
                _address(entry.url),
                array("Q", sample).tobytes(),
            ),
        )
        self._db.execute("DELETE FROM anchors WHERE name = ?", (name,))
        self._db.executemany(
            "INSERT INTO anchors VALUES (?, ?)",
            [(_signed(v), name) for v in sorted(sample)[:ANCHORS]],
        )

    def _drop(self, name: str) -> None:
        self._db.execute("DELETE FROM articles WHERE name = ?", (name,))
        self._db.execute("DELETE FROM anchors WHERE name = ?", (name,))


def _signed(value: int) -> int:
    """A sampled value (64 bits, unsigned) as SQLite's INTEGER holds it (signed)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _address(url: str) -> str:
    """URL as one page's address: without its fragment or a trailing slash; "" for none, and
    for a site's home page (what a template states for every page it makes, not one page's)."""
    address = url.split("#", 1)[0].strip().rstrip("/")
    parts = urlsplit(address)
    return address if parts.path.strip("/") or parts.query else ""


def _read(path: Path, stamp: list[int]) -> Entry | None:
    try:
        post = frontmatter.load(path)
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OSError):
        return None
    slug = _scalar(post.get("slug")) or make_slug(_scalar(post.get("title"))) or path.stem
    return Entry(
        stamp,
        slug,
        _scalar(post.get("source")),
        _scalar(post.get("fingerprint")),
        fingerprint(post.content),
        sampled_shingles(post.content),
        _scalar(post.get("url")),
    )


def _scalar(value: object) -> str:
    """A field's value as text; "" for none, and for a list or mapping: no field read here
    holds one, and a file in content/ may hold aliases that unfold into millions of values
    (written out, they would take all the memory there is)."""
    return "" if value is None or isinstance(value, list | dict) else str(value)
