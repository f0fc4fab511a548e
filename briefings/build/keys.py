"""Signing what a build keeps in .briefings/: nothing read from a project folder may run code.

The build cache is a pickle (state.py), and unpickling runs whatever a pickle says. A project
folder is not to be trusted that far: it may come from a repository, an archive or a shared
drive. So the cache is signed with HMAC-SHA256 under a key that lives outside every project, in
the user's cache folder ($XDG_CACHE_HOME/briefings or ~/.cache/briefings; $BRIEFINGS_KEY_DIR
overrides it), made on first use with owner-only permissions. A file is read only when its
signature holds: one from elsewhere, or damaged on disk, is refused before a byte is unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from types import TracebackType
from typing import IO

MAGIC = b"briefings signed 1\n"
TAG_SIZE = hashlib.sha256().digest_size
KEY_FILE = "cache.key"
READ_SIZE = 1 << 20


class SignatureError(ValueError):
    """A signed file whose signature does not hold."""


def key_dir() -> Path:
    override = os.environ.get("BRIEFINGS_KEY_DIR")
    if override:
        return Path(override)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "briefings"


def cache_key() -> bytes:
    """This user's signing key, made the first time it is asked for."""
    folder = key_dir()
    path = folder / KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    temporary = folder / f".{KEY_FILE}.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    try:
        os.link(temporary, path)  # the first process to get here wins; others read its key
    except FileExistsError:
        key = path.read_bytes()
    finally:
        temporary.unlink(missing_ok=True)
    if len(key) != 32:
        raise SignatureError(f"{path} is not a key briefings made (delete it to make a new one)")
    return key


class Signing:
    """Writes MAGIC, room for the tag, then what is written through it, to HANDLE (opened
    for writing and reading, at its start); the tag is filled in on a clean exit."""

    def __init__(self, handle: IO[bytes], key: bytes) -> None:
        self.handle = handle
        self.mac = hmac.new(key, digestmod=hashlib.sha256)
        handle.write(MAGIC + bytes(TAG_SIZE))

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)

    def __enter__(self) -> Signing:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.handle.seek(len(MAGIC))
            self.handle.write(self.mac.digest())
            self.handle.seek(0, os.SEEK_END)


def verify(handle: IO[bytes], key: bytes) -> None:
    """Check HANDLE's signature under KEY, reading it whole; leave it where the signed data
    starts. Raises SignatureError when it does not hold."""
    if handle.read(len(MAGIC)) != MAGIC:
        raise SignatureError("it is not a signed briefings file")
    tag = handle.read(TAG_SIZE)
    start = handle.tell()
    mac = hmac.new(key, digestmod=hashlib.sha256)
    while chunk := handle.read(READ_SIZE):
        mac.update(chunk)
    if not hmac.compare_digest(mac.digest(), tag):
        raise SignatureError(
            "its signature does not hold: it was made elsewhere or damaged (see build/keys.py)"
        )
    handle.seek(start)
