"""Test helpers that look at a built site the way a reader's browser or a crawler would."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from briefings.site.links import links_in


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under FOLDER with its bytes and mtime, to prove nothing was touched."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@contextmanager
def serve_under(site: Path, prefix: str) -> Iterator[str]:
    """Serve SITE at http://127.0.0.1:PORT{prefix} (like GitHub Pages serves /repo/); yields that URL."""

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            if not path.startswith(prefix):
                return str(site / "__outside_the_prefix__")
            return super().translate_path("/" + path[len(prefix) :])

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def crawl(start: str, limit: int = 2000) -> tuple[set[str], list[tuple[str, str, int]]]:
    """Follow every same-host link from START over HTTP; returns (pages seen, broken (page, link, status))."""
    host = urlsplit(start).netloc
    seen: set[str] = set()
    queue = [(start, start)]
    broken: list[tuple[str, str, int]] = []
    while queue and len(seen) < limit:
        referrer, url = queue.pop()
        url = url.split("#")[0]
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read()
        except urllib.error.HTTPError as exc:
            broken.append((referrer, url, exc.code))
            continue
        if "html" in kind:
            for link in links_in(body.decode("utf-8")):
                target = urljoin(url, link)
                if urlsplit(target).netloc == host:
                    queue.append((url, target))
    return seen, broken
