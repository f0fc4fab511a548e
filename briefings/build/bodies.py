"""Article bodies' HTML in a file beside the build cache, read again where a page shows one.

A large site's bodies are most of what a build would hold (10,000 articles: ~70 MB of its
memory, and of its cache), yet only an article's own page, the feeds and the relate stage
(its lead) read one. So each body goes to a BodyStore as soon as it is rendered, and its
RenderedText holds a Stored: where it is and its digest. Forked workers read with pread,
which shares no file position between processes.

The file only grows while builds use it: each body is appended at its end (O_APPEND, so two
processes appending at once never write over each other). The build cache (state.py) names
the file and how much of it it needs; a later build goes on appending to it. A body is read
back against its digest, which the signed cache holds: a file changed or cut short since is
CacheDamaged, never shown. When bodies no longer used (edited since) outweigh the others, the
cache's save copies the live ones to a new file and the old one goes.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import tempfile
import threading
from pathlib import Path

from briefings import hashes
from briefings.errors import CacheDamaged

PREFIX, SUFFIX = "bodies-", ".bin"


class BodyStore:
    """One append-only file of bodies: named in a cache folder (kept for later builds), or
    unnamed (a build that keeps no cache: gone when the process is)."""

    def __init__(self, path: Path | None, fd: int | None = None) -> None:
        self.path = path
        self._fd = fd
        self._lock = threading.Lock()

    @classmethod
    def create(cls, folder: Path | None) -> BodyStore:
        """A new, empty store in FOLDER; an unnamed one when FOLDER is None or cannot hold it."""
        if folder is not None:
            with contextlib.suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{PREFIX}{secrets.token_hex(8)}{SUFFIX}"
                flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL
                return cls(path, os.open(path, flags, 0o600))
        fd, name = tempfile.mkstemp(prefix=PREFIX, suffix=SUFFIX)
        os.unlink(name)  # unnamed: the open file lives as long as this process holds it
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
        return cls(None, fd)

    def keep(self, data: bytes) -> Stored:
        """DATA appended to the file; where it is."""
        with self._lock:
            fd = self._open()
            if os.write(fd, data) != len(data):  # (a full disk): what it wrote is never read
                raise OSError(f"the body store {self.path or ''} took part of a body")
            end = os.lseek(fd, 0, os.SEEK_CUR)  # O_APPEND: just after what this write added
        return Stored(self, end - len(data), len(data), hashes.digest(data))

    def read(self, offset: int, length: int) -> bytes:
        try:
            return os.pread(self._open(), length, offset)
        except OSError as exc:
            raise CacheDamaged(
                f"the stored article bodies cannot be read ({exc})", self.path
            ) from exc

    @property
    def size(self) -> int:
        return os.fstat(self._open()).st_size

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self) -> int:
        if self._fd is None:
            if self.path is None:
                raise CacheDamaged("an unnamed body store outlived its process")
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
            except OSError as exc:
                raise CacheDamaged(
                    f"the stored article bodies are gone ({exc})", self.path
                ) from exc
        return self._fd

    def __getstate__(self) -> dict:
        # The build cache names the file; a later process opens it when it first reads.
        if self.path is None:
            raise ValueError("an unnamed body store cannot be kept in the build cache")
        return {"path": str(self.path)}

    def __setstate__(self, state: dict) -> None:
        self.path, self._fd, self._lock = Path(state["path"]), None, threading.Lock()


class Stored:
    """Where one body is kept: STORE, OFFSET, LENGTH, and the digest it is read back against."""

    __slots__ = ("digest", "length", "offset", "store")

    def __init__(self, store: BodyStore, offset: int, length: int, digest: bytes) -> None:
        self.store, self.offset, self.length, self.digest = store, offset, length, digest

    def read(self) -> bytes:
        data = self.store.read(self.offset, self.length)
        if len(data) != self.length or hashes.digest(data) != self.digest:
            raise CacheDamaged(
                "an article body stored by an earlier build is not what it wrote", self.store.path
            )
        return data

    def move_to(self, store: BodyStore) -> None:
        """Copy the body to STORE, and be where it is there."""
        moved = store.keep(self.read())
        self.store, self.offset = moved.store, moved.offset

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Stored)
            and self.digest == other.digest
            and self.length == other.length
        )

    def __hash__(self) -> int:
        return hash(self.digest)


def is_store(path: Path, folder: Path) -> bool:
    """Whether PATH is a body store's name in FOLDER (the only files a cache may name)."""
    return path.parent == folder and path.match(f"{PREFIX}*{SUFFIX}")


def stale_stores(folder: Path, keep: Path | None) -> list[Path]:
    """The body files in FOLDER but KEEP: left by earlier builds (a process still reading one
    keeps it open, and reads on)."""
    return [p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p != keep]
