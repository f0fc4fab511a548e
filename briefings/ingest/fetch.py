"""Pages fetched by their web address (`briefings ingest https://...`): over http(s) only, with a
time limit, bounded as a saved page is (read.MAX_BYTES), and only when the server says it is a
page (HTML or text)."""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.request
from dataclasses import replace
from email.message import Message
from io import BufferedIOBase
from urllib.parse import urlsplit

from briefings import __version__
from briefings.errors import BriefingsError
from briefings.ingest.read import MAX_BYTES, RawPage, decode

WEB_ADDRESS = re.compile(r"^https?://[^\s/]", re.IGNORECASE)
TIMEOUT = 30  # seconds the server may keep us waiting, to connect or for the next bytes
WHOLE_PAGE_SECONDS = 120  # and for the whole page: a server may send a byte every 29 s
CHUNK = 64 * 1024
PAGE_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt"}
HINT = "check the address, or save the page from a browser and ingest the file"


class WebAddress(str):
    """A web address given to ingest: fetched, not opened as a file."""

    __slots__ = ()


def fetch(address: str) -> tuple[RawPage, str]:
    """The page at ADDRESS, and the address it was found at (after redirects): the article's.
    BriefingsError says why there is none (unreachable, an error status, not a page, too
    large)."""
    request = urllib.request.Request(
        address,
        headers={
            "User-Agent": f"Mozilla/5.0 (compatible; briefings/{__version__})",
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        },
    )
    opener = urllib.request.build_opener(_WebRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            kind = response.headers.get_content_type()
            if kind not in PAGE_TYPES:
                raise BriefingsError(f"not a page: the server sent {kind}", path=address)
            data = _read_in_time(response, address)
            found_at = response.geturl()
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise BriefingsError(
            f"the server answered {exc.code} {exc.reason}", path=address, hint=HINT
        ) from exc
    except urllib.error.URLError as exc:
        raise BriefingsError(f"cannot fetch it: {exc.reason}", path=address, hint=HINT) from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # A timeout, a connection cut off, an answer cut short (IncompleteRead) or malformed.
        raise BriefingsError(f"cannot fetch it: {exc}", path=address, hint=HINT) from exc
    # decode() tells HTML from text by the name's ending; the page is recorded by its address.
    page = decode(_as_utf8(data, charset), "page" + PAGE_TYPES[kind])
    return replace(page, name=str(address)), found_at


def _read_in_time(response: BufferedIOBase, address: str) -> bytes:
    """RESPONSE's bytes, no further than MAX_BYTES and one (as read_bounded: decode() refuses
    more), within WHOLE_PAGE_SECONDS."""
    deadline = time.monotonic() + WHOLE_PAGE_SECONDS
    parts: list[bytes] = []
    size = 0
    while size <= MAX_BYTES and (part := response.read1(min(CHUNK, MAX_BYTES + 1 - size))):
        parts.append(part)
        size += len(part)
        if time.monotonic() > deadline:
            raise BriefingsError(
                f"cannot fetch it: the page took more than {WHOLE_PAGE_SECONDS} s", path=address
            )
    if size <= MAX_BYTES and getattr(response, "length", None):  # bytes promised, not sent
        raise BriefingsError("cannot fetch it: the answer was cut short", path=address, hint=HINT)
    return b"".join(parts)


def _as_utf8(data: bytes, charset: str | None) -> bytes:
    """DATA in UTF-8 when the server named another charset it is written in (else as sent:
    decode() finds its encoding)."""
    if not charset or charset.lower() in ("utf-8", "utf8"):
        return data
    try:
        return data.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return data


class _WebRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed to http(s) addresses only (urllib's own would follow one to ftp)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.HTTPError(
                newurl, code, f"redirected away from the web ({newurl})", headers, None
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]
