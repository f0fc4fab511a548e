import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefings.commands.build import build_site
from briefings.config import load_config
from briefings.preview.server import PreviewServer, resolve_request
from tests.conftest import write


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root / "index.html", "<h1>home</h1>")
    write(root / "404.html", "<h1>our 404</h1>")
    write(root / "articles/a/index.html", "<h1>article</h1>")
    write(root / "feed.xml", "<feed/>")
    write(root / "static/style.css", "p{}")
    write(tmp_path / "secret.txt", "do not serve")
    (root / "escape").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[PreviewServer]:
    srv = PreviewServer(site, "127.0.0.1", 0)
    srv.start_background()
    yield srv
    srv.shutdown()
    srv.server_close()


def raw_request(server: PreviewServer, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=5)
    conn.putrequest(method, path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_serves_pages_with_content_types(server: PreviewServer) -> None:
    status, headers, body = raw_request(server, "GET", "/articles/a/")
    assert (status, body) == (200, b"<h1>article</h1>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert (
        raw_request(server, "GET", "/feed.xml")[1]["Content-Type"]
        == "application/xml; charset=utf-8"
    )
    assert raw_request(server, "GET", "/static/style.css")[1]["Content-Type"].startswith("text/css")


def test_folder_without_slash_redirects(server: PreviewServer) -> None:
    status, headers, _ = raw_request(server, "GET", "/articles/a")
    assert status == 301 and headers["Location"] == "/articles/a/"


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/articles/..%2f..%2f..%2fsecret.txt",
        "/%2e%2e%5csecret.txt",
        "/escape",
        "//etc/passwd",
        "/nothing-here/",
        "/index.html%00.css",
    ],
)
def test_nothing_outside_the_site_is_served(server: PreviewServer, path: str) -> None:
    status, _, body = raw_request(server, "GET", path)
    assert status == 404
    assert body == b"<h1>our 404</h1>"


def test_head_and_method_policy(server: PreviewServer) -> None:
    status, headers, body = raw_request(server, "HEAD", "/")
    assert status == 200 and body == b"" and headers["Content-Length"] == str(len("<h1>home</h1>"))
    status, headers, _ = raw_request(server, "POST", "/")
    assert status == 405 and headers["Allow"] == "GET, HEAD"


def test_client_disconnecting_mid_response_does_not_hurt(server: PreviewServer, site: Path) -> None:
    write(site / "big.html", "x" * 5_000_000)
    for _ in range(5):
        sock = socket.create_connection(server.server_address[:2])
        sock.sendall(b"GET /big.html HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.recv(100)
        sock.close()
    assert raw_request(server, "GET", "/")[0] == 200


def test_resolve_request_refuses_absolute_and_windows_paths(site: Path) -> None:
    assert resolve_request(site, "C:\\Windows") is None
    assert resolve_request(site, "/articles/a/") == (site / "articles/a/index.html").resolve()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_starts_from_the_last_builds_cache(example: Path) -> None:
    """After `briefings build`, `serve` renders nothing again that did not change."""
    build_site(load_config(example))
    out = serve_until_stopped(example)
    assert "(0 rendered)" in out, out
    article = next((example / "content/articles").glob("*.md"))
    article.write_text(article.read_text() + "\nOne more line.\n")
    out = serve_until_stopped(example)
    pages, rendered = re.search(r"Built (\d+) pages \((\d+) rendered\)", out).groups()
    assert 0 < int(rendered) < int(pages), out  # the pages showing the article, not the site


def serve_until_stopped(example: Path, while_up: Callable[[int], None] = lambda port: None) -> str:
    """Start `briefings serve`, wait until its first build is done (it says "Serving site/ on")
    and its first page (the example's home) is served, run WHILE_UP(its port), stop it with
    Ctrl-C; its output. It must stop cleanly."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefings", "serve", "-C", str(example), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one stream, read by one thread: no pipe fills unread
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    built = threading.Event()  # serve printed that its first build (or cache load) is done

    def read_output() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if re.match(r"Serving \S+/ on ", line):
                built.set()

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert b"A drone factory on the Volga" in response.read()
                    break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, "".join(lines)
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.1)
        # A loaded machine may take long to load the build cache after serving began; Ctrl-C
        # before then would stop serve before it printed what its first build did.
        while not built.wait(0.2):
            assert proc.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "the first build never ended:\n" + "".join(lines)
        while_up(port)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        reader.join(5)
        assert proc.returncode == 0, "".join(lines)
        return "".join(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def wait_for_page(port: int, path: str, holds: bytes, seconds: float) -> None:
    """Wait until the server on PORT serves PATH, holding HOLDS (a save rebuilt and written)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
                assert holds in response.read()
                return
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline, f"{path} was never served"
            time.sleep(0.2)


def test_serve_command_builds_serves_and_stops_on_sigint(example: Path) -> None:
    assert "Stopped." in serve_until_stopped(example)


def test_serve_serves_an_up_to_date_site_before_it_loads_the_build_cache(example: Path) -> None:
    from briefings.commands.build import build_site
    from briefings.config import load_config

    build_site(load_config(example))

    def save_and_see_it_served(port: int) -> None:
        # A save is rebuilt once the cache is loaded: seeing it served, the cache was loaded
        # (Ctrl-C before then, on a loaded machine, would stop serve before it printed so).
        write(
            example / "content/articles/late.md",
            "---\ntitle: Late news\ndate: 2025-04-14\nsource: Wire\n---\nJust in.\n",
        )
        wait_for_page(port, "articles/late-news/", b"Just in.", seconds=60)

    out = serve_until_stopped(example, while_up=save_and_see_it_served)
    assert "(up to date)" in out
    assert out.index("(up to date)") < out.index("Built ")  # served first, cache loaded after
    assert "Stopped." in out


def test_serve_builds_first_when_the_site_is_not_up_to_date(example: Path) -> None:
    out = serve_until_stopped(example)
    assert "(up to date)" not in out
    assert out.index("Built ") < out.index("Serving ")


def test_a_save_that_would_hang_markdown_is_stopped_by_the_time_limit_while_serving(
    example: Path,
) -> None:
    # 36,000 unclosed "<a " take Python-Markdown minutes (quadratic); serve's rebuilds run on
    # the main thread, where each article's Markdown meets its 5 s limit.
    def save_hostile_article(port: int) -> None:
        write(
            example / "content/articles/hostile.md",
            "---\ntitle: Scraped page\ndate: 2025-04-14\nsource: Outlet\n---\nIntro.\n\n"
            + "<a " * 36000
            + "\n",
        )
        wait_for_page(port, "articles/scraped-page/", b"&lt;a &lt;a", seconds=45)

    out = serve_until_stopped(example, while_up=save_hostile_article)
    assert "Warning: content/articles/hostile.md" in out and "plain text" in out, out


def test_closing_a_server_never_waits_for_one_that_never_started(tmp_path: Path) -> None:
    from briefings.commands.serve import _close
    from briefings.preview.server import PreviewServer

    server = PreviewServer(tmp_path, "127.0.0.1", 0)
    done = threading.Thread(target=_close, args=(server, False), daemon=True)
    done.start()
    done.join(10)
    assert not done.is_alive()  # shutdown() alone would wait for serve_forever() for ever


def test_a_watcher_that_will_not_stop_does_not_keep_ctrl_c_from_ending_the_command() -> None:
    from briefings.preview.watch import _stop

    class Stuck:  # as a watchdog observer whose inotify read never returns
        ident = 1  # started

        def stop(self) -> None:
            threading.Event().wait()

        def join(self, timeout: float | None = None) -> None:
            threading.Event().wait(timeout)

    started = time.monotonic()
    _stop(Stuck(), seconds=0.5)  # type: ignore[arg-type]
    assert time.monotonic() - started < 5
