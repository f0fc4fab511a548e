"""`briefings ingest https://...`: pages fetched by their address from a real HTTP server on
127.0.0.1, and every way a fetch fails said with its address, the others still ingested."""

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import frontmatter
import pytest

from briefings.errors import BriefingsError
from briefings.ingest import fetch
from briefings.ingest.read import MAX_BYTES
from tests.ingest.test_ingest_command import ingest

STORY = (
    "<html><head><title>Floods close schools - Daily Example</title>"
    '<meta property="og:site_name" content="Daily Example">'
    '<meta property="article:published_time" content="2025-05-02T08:00:00Z"></head>'
    "<body><article><h1>Floods close schools</h1><p>By Ana Lima</p>"
    + "".join(
        f"<p>Paragraph {n}: heavy rain flooded the valley overnight and the council closed"
        " every school in the Vale of Téhéran district; repairs cost €5 million.</p>"
        for n in range(6)
    )
    + "</article></body></html>"
)


class Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/floods":
            # In the charset the header names (where Latin-1 has "¤", this one has "€").
            self._send(200, "text/html; charset=iso-8859-15", STORY.encode("iso-8859-15"))
        elif self.path == "/old-address":
            self.send_response(301)
            self.send_header("Location", "/floods")
            self.end_headers()
        elif self.path == "/to-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/floods")
            self.end_headers()
        elif self.path == "/trickle":  # a byte at a time, never done
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(300):
                try:
                    self.wfile.write(b"<p>")
                    self.wfile.flush()
                except OSError:
                    return  # the client gave up
                time.sleep(0.1)
        elif self.path == "/cut-short":  # promises more than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(STORY.encode()[:500])
            self.close_connection = True
        elif self.path == "/logo":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n")
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"word " * 20_000 + b"</p>"
            for _ in range(MAX_BYTES // len(chunk) + 2):
                self.wfile.write(chunk)
        else:
            self._send(404, "text/html", b"<html><body>Not here</body></html>")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_fetched_by_its_address_and_filed_under_it(project: Path, server: str) -> None:
    result = ingest(project, f"{server}/old-address")
    assert result.returncode == 0, result.stderr
    post = frontmatter.load(project / "content/articles/floods-close-schools.md")
    # Found at the address it was moved to: that is the article's.
    assert post["url"] == f"{server}/floods"
    assert post["ingested_from"] == f"{server}/old-address"
    assert post["source"] == "Daily Example" and "Paragraph 5" in post.content
    assert str(post["date"]).startswith("2025-05-02") and "draft" not in post
    assert "Vale of Téhéran" in post.content and "cost €5" in post.content  # as the server said
    again = ingest(project, f"{server}/floods")
    assert "already ingested" in again.stdout + again.stderr


def test_every_failed_fetch_is_said_with_its_address_and_the_others_are_ingested(
    project: Path, server: str
) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{closed.getsockname()[1]}/page"
    failing = {
        f"{server}/gone": "the server answered 404",
        f"{server}/logo": "not a page: the server sent image/png",
        f"{server}/endless": "larger than 20 MB",
        f"{server}/to-ftp": "redirected away from the web",
        f"{server}/cut-short": "the answer was cut short",
        nobody: "cannot fetch it",
    }
    result = ingest(project, *failing, f"{server}/floods")
    assert result.returncode == 1
    for address, reason in failing.items():
        said = next(line for line in result.stderr.splitlines() if f"failed    {address}" in line)
        assert reason in said, said
    assert "6 failed, 1 written" in result.stdout
    assert [p.name for p in (project / "content/articles").glob("*.md")] == [
        "floods-close-schools.md"
    ]


def test_a_page_that_never_ends_arriving_is_given_up(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetch, "WHOLE_PAGE_SECONDS", 1)  # (30 s of trickle, each byte in time)
    with pytest.raises(BriefingsError, match="the page took more than 1 s"):
        fetch.fetch(f"{server}/trickle")
