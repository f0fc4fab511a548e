"""The articles already in the output folder, indexed so that ingesting one more page costs the
same at 10 or 10,000 articles: its fingerprint finds a second ingest of the same page, a sample
of its word 5-grams finds a syndicated copy, its slug finds a free file name.

The index is kept between runs in the project's .briefings/ as plain JSON (no code runs on
load), refreshed by each file's size and mtime; anything malformed in it is ignored and rebuilt
from the files."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import yaml

from briefings.ingest.clean import normalise
from briefings.urls import make_slug

NEAR_DUPLICATE = 0.9  # share of sampled word 5-grams two bodies must share to be copies
SAMPLE = 4  # keep one 5-gram in SAMPLE (by hash): enough to estimate overlap
MOST_SAMPLED = 600
MAX_INDEX_BYTES = 256 * 1024 * 1024


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
    def __init__(self, folder: Path, store: Path | None = None) -> None:
        self.folder = folder
        self.store = store
        self.entries: dict[str, Entry] = {}  # path relative to FOLDER -> entry
        self._by_print: dict[str, list[str]] = {}
        self._by_shingle: dict[int, list[str]] = {}
        self._by_url: dict[str, list[str]] = {}
        self._slugs: set[str] = set()
        self._added: set[str] = set()  # written in this run
        self._refresh(self._stored())

    # --- questions asked per page ---------------------------------------------------------

    def same_page(self, body_print: str, source: str, url: str = "") -> Path | None:
        """The article with this body (as ingested or as it is now), or else from this URL,
        unless from another outlet. (A page ingested again by a newer briefings may come out
        with other words, a headline without a stray mark say: its address says it is the
        same page.)"""
        names = [*self._by_print.get(body_print, []), *self._by_url.get(_address(url), [])]
        for name in names:
            entry = self.entries[name]
            if not source or entry.source.casefold() == source.casefold():
                return self.folder / name
        return None

    def added_now(self, path: Path) -> bool:
        """Whether PATH was written in this run (not by an earlier one)."""
        return self._name(path) in self._added

    def copy_of(self, sample: list[int], source: str) -> str:
        """The slug of an article from another outlet whose body this one nearly repeats."""
        if not sample:
            return ""
        shared: dict[str, int] = {}
        for value in sample:
            for name in self._by_shingle.get(value, ()):
                shared[name] = shared.get(name, 0) + 1
        for name, count in sorted(shared.items(), key=lambda kv: -kv[1]):
            entry = self.entries[name]
            if count / max(1, min(len(sample), len(entry.sample))) < NEAR_DUPLICATE:
                break
            if entry.source.casefold() != source.casefold():
                return entry.slug
        return ""

    def entry_at(self, path: Path) -> Entry | None:
        return self.entries.get(self._name(path))

    def free_slug(self, slug: str) -> str:
        """SLUG, or SLUG-2, -3, ... when another article or file has it."""
        free, n = slug, 1
        while free in self._slugs or (self.folder / f"{free}.md").exists():
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
        self._put(self._name(path), entry)
        self._added.add(self._name(path))

    def save(self) -> None:
        if self.store is None:
            return
        data = {
            "folder": str(self.folder),
            "entries": {k: asdict(v) for k, v in self.entries.items()},
        }
        try:
            self.store.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.store.with_suffix(".tmp")
            temporary.write_text(json.dumps(data), encoding="utf-8")
            os.replace(temporary, self.store)
        except OSError:
            pass  # an index that cannot be kept is rebuilt next time

    def _name(self, path: Path) -> str:
        try:
            return path.relative_to(self.folder).as_posix()
        except ValueError:
            return path.as_posix()

    def _stored(self) -> dict[str, Entry]:
        if self.store is None:
            return {}
        try:
            if self.store.stat().st_size > MAX_INDEX_BYTES:
                return {}
            data = json.loads(self.store.read_text(encoding="utf-8"))
            if data.get("folder") != str(self.folder):
                return {}
            return {str(k): _entry(v) for k, v in data["entries"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return {}

    def _refresh(self, stored: dict[str, Entry]) -> None:
        if not self.folder.is_dir():
            return
        for top, dirs, files in os.walk(self.folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for file in sorted(files):
                if not file.endswith(".md"):
                    continue
                path = Path(top, file)
                try:
                    info = path.stat()
                except OSError:
                    continue
                name = self._name(path)
                old = stored.get(name)
                if old is not None and old.stamp == [info.st_size, info.st_mtime_ns]:
                    self._put(name, old)
                elif (entry := _read(path, [info.st_size, info.st_mtime_ns])) is not None:
                    self._put(name, entry)

    def _put(self, name: str, entry: Entry) -> None:
        old = self.entries.get(name)
        if old is not None:
            self._slugs.discard(old.slug)
            for key in {old.fingerprint, old.current}:
                self._by_print[key] = [n for n in self._by_print.get(key, []) if n != name]
            for value in old.sample:
                self._by_shingle[value] = [n for n in self._by_shingle.get(value, []) if n != name]
            if address := _address(old.url):
                self._by_url[address] = [n for n in self._by_url[address] if n != name]
        self.entries[name] = entry
        self._slugs.add(entry.slug)
        for key in {entry.fingerprint, entry.current} - {""}:
            self._by_print.setdefault(key, []).append(name)
        for value in entry.sample:
            self._by_shingle.setdefault(value, []).append(name)
        if address := _address(entry.url):
            self._by_url.setdefault(address, []).append(name)


def _address(url: str) -> str:
    """URL as one page's address: without its fragment or a trailing slash; "" for none, and
    for a site's home page (what a template states for every page it makes, not one page's)."""
    address = url.split("#", 1)[0].strip().rstrip("/")
    parts = urlsplit(address)
    return address if parts.path.strip("/") or parts.query else ""


def _entry(value: object) -> Entry:
    if not isinstance(value, dict):
        raise TypeError("not an entry")
    entry = Entry(**value)
    if not (
        isinstance(entry.stamp, list)
        and all(isinstance(x, int) for x in entry.stamp)
        and all(
            isinstance(x, str)
            for x in (entry.slug, entry.source, entry.fingerprint, entry.current, entry.url)
        )
        and isinstance(entry.sample, list)
        and all(isinstance(x, int) for x in entry.sample[:MOST_SAMPLED])
    ):
        raise TypeError("malformed entry")
    entry.sample = entry.sample[:MOST_SAMPLED]
    return entry


def _read(path: Path, stamp: list[int]) -> Entry | None:
    try:
        post = frontmatter.load(path)
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, OSError):
        return None
    slug = str(post.get("slug") or make_slug(str(post.get("title") or "")) or path.stem)
    return Entry(
        stamp,
        slug,
        str(post.get("source") or ""),
        str(post.get("fingerprint") or ""),
        fingerprint(post.content),
        sampled_shingles(post.content),
        str(post.get("url") or ""),
    )
