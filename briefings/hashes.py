"""Short digests of bytes: the same in every run and process (unlike hash()), and small enough to
keep one for every file, page and article body of a large site."""

from __future__ import annotations

import hashlib


def digest(data: bytes) -> bytes:
    """16 bytes of BLAKE2b: enough to tell apart every version of everything a site holds."""
    return hashlib.blake2b(data, digest_size=16).digest()


def number(data: bytes, size: int) -> int:
    """A whole number of SIZE bytes of BLAKE2b: a key that orders or names things the same way
    in every run and process."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=size).digest(), "big")
