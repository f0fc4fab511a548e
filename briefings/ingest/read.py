"""Raw pages in: files, folders, stdin, gzip; bytes checked and decoded before anyone parses them."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

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
    return decode(path.read_bytes(), path.name)


def decode(data: bytes, name: str) -> RawPage:
    """Check and decode one raw page; BriefingsError says what is wrong with it."""
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise BriefingsError("not a valid gzip file", path=name) from exc
        name_kind = name[:-3]
    else:
        name_kind = name
    if len(data) > MAX_BYTES:
        raise BriefingsError(
            f"larger than {MAX_BYTES // (1024 * 1024)} MB: not an article page", path=name
        )
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
