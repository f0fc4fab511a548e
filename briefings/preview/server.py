"""A local preview server for site/: 127.0.0.1 by default, never serves outside the site folder."""

from __future__ import annotations

import contextlib
import ipaddress
import mimetypes
import threading
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefings.preview.livereload import EVENTS_PATH, LiveState, inject

KEEPALIVE_SECONDS = 15.0
IDLE_SECONDS = 30.0  # a connection that sends no request for this long is closed
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")

EXTRA_TYPES = {
    ".xml": "application/xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


def resolve_request(site: Path, raw_path: str) -> Path | None:
    """The file under SITE a request path names, or None when it is missing or outside SITE."""
    path = unquote(urlsplit(raw_path).path, errors="strict")
    if "\x00" in path or "\\" in path or not path.startswith("/"):
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    root = site.resolve()
    candidate = root.joinpath(*parts)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    # Symlinks inside the site may not point out of it.
    if real != root and root not in real.parents:
        return None
    if real.is_dir():
        index = real / "index.html"
        return index if index.is_file() else None
    return real if real.is_file() else None


def content_type(path: Path) -> str:
    kind = (
        EXTRA_TYPES.get(path.suffix)
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )
    if kind.startswith("text/") or kind in (
        "application/xml",
        "application/json",
        "application/javascript",
    ):
        kind += "; charset=utf-8"
    return kind


class SiteHandler(BaseHTTPRequestHandler):
    """GET and HEAD for files of the site; the site's own 404 page for anything else."""

    server: PreviewServer
    server_version = "briefings-preview"
    timeout = IDLE_SECONDS  # each read of the connection: a silent client is let go

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _refuse(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    def _respond(self, send_body: bool) -> None:
        if not self.server.allows_host(self.headers.get("Host")):
            # Another site's page that reaches this server through DNS rebinding names its
            # own host: it may not read the preview.
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Host not allowed for the preview")
            return
        live = self.server.live
        if live is not None and urlsplit(self.path).path == EVENTS_PATH:
            self._events(live)
            return
        site = self.server.site
        try:
            target = resolve_request(site, self.path)
        except UnicodeDecodeError:
            target = None
        url_path = urlsplit(self.path).path
        # A folder asked for without its slash: redirect, so the page's relative links resolve.
        if (
            target is not None
            and target.name == "index.html"
            and not url_path.endswith(("/", ".html"))
        ):
            self._redirect(url_path + "/")
            return
        status = HTTPStatus.OK
        if target is None:
            status = HTTPStatus.NOT_FOUND
            target = site / "404.html"
        data = self.server.read(target) if target.is_file() else b"Not found\n"
        if live is not None and target.suffix == ".html":
            data = inject(data)
        self.send_response(status)
        self.send_header("Content-Type", content_type(target) if target.is_file() else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _events(self, live: LiveState) -> None:
        """A server-sent event stream: the current state at once, then every change."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = live.version
        self.wfile.write(live.event())
        self.wfile.flush()
        while not self.server.closing.is_set():
            version = live.wait(seen, KEEPALIVE_SECONDS)
            self.wfile.write(live.event() if version != seen else b": keep-alive\n\n")
            self.wfile.flush()
            seen = version

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle(self) -> None:
        # A reader who closes the tab mid-response is not an error worth a traceback.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def log_message(self, format: str, *args: object) -> None:
        self.server.log(f"{self.address_string()} {format % args}")


class PreviewServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS at once (a page and its event stream
    are two): past that a connection is told 503 at once. Connections wait to be accepted
    in a queue of REQUEST_QUEUE_SIZE (the standard library's is 5)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    MAX_CONNECTIONS = 64

    def __init__(
        self,
        site: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: Callable[[str], None] = lambda _: None,
        live: LiveState | None = None,
        snapshot: Callable[[], Mapping[str, object]] | None = None,
    ) -> None:
        self.site = site
        self.log = log
        self.live = live  # None: a plain server, no reload script
        self.snapshot = snapshot  # pages in memory: never a half-written file
        self.closing = threading.Event()
        self.slots = threading.BoundedSemaphore(self.MAX_CONNECTIONS)
        super().__init__((host, port), SiteHandler)

    def allows_host(self, host: str | None) -> bool:
        """Whether a request naming HOST (its Host header) is for this server: a local name, or
        the address it listens on. (No Host header: an HTTP/1.0 client, not a browser.)"""
        if host is None:
            return True
        name = host.strip().lower()
        if name.startswith("["):  # [::1]:8000
            name = name[: name.find("]") + 1]
        elif name.count(":") == 1:
            name = name.split(":")[0]
        bound = str(self.server_address[0]).lower()
        if name in LOCAL_NAMES or name in (bound, f"[{bound}]"):
            return True
        try:  # an address, not a name: no DNS to rebind (a phone on the LAN asks by address)
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return True

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                    b"Retry-After: 1\r\nConnection: close\r\n\r\n"
                )
            self.shutdown_request(request)
            return
        thread = threading.Thread(
            target=self._serve_then_free, args=(request, client_address), daemon=True
        )
        thread.start()

    def _serve_then_free(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def read(self, path: Path) -> bytes:
        if self.snapshot is not None:
            relative = path.resolve().relative_to(self.site.resolve()).as_posix()
            data = self.snapshot().get(relative)
            if isinstance(data, bytes):  # else only its digest is held: the file is on disk
                return data
        return path.read_bytes()

    def shutdown(self) -> None:
        self.closing.set()
        if self.live is not None:
            self.live.publish(self.live.generation, self.live.error)  # wake event streams
        super().shutdown()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="preview-server", daemon=True)
        thread.start()
        return thread
