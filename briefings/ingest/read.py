"""Raw pages in: files, folders, stdin, gzip; bytes checked and decoded before anyone parses them."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from charset_normalizer import from_bytes

from briefings.errors import BriefingsError

MAX_BYTES = 20 * 1024 * 1024  # a saved page larger than this is not an article
SUFFIXES = (".txt", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")


@dataclass(frozen=True)
class RawPage:
    name: str  # the file's name, recorded as ingested_from
    text: str
    kind: str  # "text" or "html"
    encoding: str


def read_raw(path: Path) -> RawPage:
    with path.open("rb") as handle:
        return decode(read_bounded(handle), path.name)


def read_bounded(handle: IO[bytes]) -> bytes:
    """HANDLE's bytes, read no further than MAX_BYTES and one: anything larger is refused
    without being held whole."""
    return handle.read(MAX_BYTES + 1)


def decode(data: bytes, name: str) -> RawPage:
    """Check and decode one raw page (its first MAX_BYTES and one at most: see read_bounded);
    BriefingsError says what is wrong with it."""
    too_large = BriefingsError(
        f"larger than {MAX_BYTES // (1024 * 1024)} MB: not an article page", path=name
    )
    if len(data) > MAX_BYTES:
        raise too_large
    if name.endswith(".gz"):
        data = _gunzip(data, name, too_large)
        name_kind = name[:-3]
    else:
        name_kind = name
    if not data.strip():
        raise BriefingsError("empty file", path=name)
    if b"\x00" in data[:4096]:
        raise BriefingsError("binary file, not a text or HTML page", path=name)
    text, encoding = _text(data, name)
    head = text[:2048].lower()
    is_html = (
        name_kind.endswith((".html", ".htm"))
        or "<html" in head
        or "<!doctype html" in head
        or "<body" in head
    )
    return RawPage(name, text, "html" if is_html else "text", encoding)


def _gunzip(data: bytes, name: str, too_large: BriefingsError) -> bytes:
    """DATA decompressed, a piece at a time, stopping past MAX_BYTES: a small file that
    unpacks to gigabytes (a gzip bomb) costs no more than a large page."""
    out = b""
    try:
        while data and len(out) <= MAX_BYTES:  # each member of the file in turn
            unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip's header, trailer
            out += unpacker.decompress(data, MAX_BYTES + 1 - len(out))
            while unpacker.unconsumed_tail and len(out) <= MAX_BYTES:
                out += unpacker.decompress(unpacker.unconsumed_tail, MAX_BYTES + 1 - len(out))
            if len(out) <= MAX_BYTES and not unpacker.eof:
                raise BriefingsError("not a valid gzip file (cut short)", path=name)
            data = unpacker.unused_data
    except zlib.error as exc:
        raise BriefingsError("not a valid gzip file", path=name) from exc
    if len(out) > MAX_BYTES:
        raise BriefingsError(
            f"unpacks to more than {MAX_BYTES // (1024 * 1024)} MB: not an article page",
            path=name,
        )
    return out


def _text(data: bytes, name: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data).best()
    if guess is None or guess.encoding is None:
        raise BriefingsError(
            "cannot tell the text encoding", path=name, hint="save the page as UTF-8"
        )
    return str(guess), guess.encoding
