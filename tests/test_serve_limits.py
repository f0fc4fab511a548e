"""The preview server under load and attack: a queue for bursts of connections, a bound on
threads, idle connections let go, and only requests for this server's host answered (a page
on another site must not read the preview through DNS rebinding)."""

import http.client
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefings.preview import server as preview
from briefings.preview.server import PreviewServer
from tests.conftest import write


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    write(tmp_path / "site/index.html", "<h1>home</h1>")
    srv = PreviewServer(tmp_path / "site", "127.0.0.1", 0)
    srv.start_background()
    yield srv
    srv.shutdown()
    srv.server_close()


def get(server: PreviewServer, host: str | None = None) -> int:
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    conn.putrequest("GET", "/", skip_host=host is not None, skip_accept_encoding=True)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


def test_requests_for_another_host_are_refused(server: PreviewServer) -> None:
    port = server.server_address[1]
    assert get(server, "evil.example") == 421
    assert get(server, f"rebind.attacker.example:{port}") == 421
    assert get(server, f"localhost:{port}") == 200
    assert get(server, f"127.0.0.1:{port}") == 200
    assert get(server, f"192.168.1.20:{port}") == 200  # by address, as a phone on the LAN asks
    assert get(server) == 200  # what http.client sends by itself


def test_bursts_of_connections_queue_instead_of_being_dropped(server: PreviewServer) -> None:
    port = server.server_address[1]
    listing = subprocess.run(
        ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(listing[2]) >= 100  # the listen queue (Send-Q): the standard library's was 5
    assert all(get(server) == 200 for _ in range(3))


def test_a_silent_connection_is_let_go(
    server: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preview.SiteHandler, "timeout", 0.5)
    with socket.create_connection(server.server_address[:2], timeout=20) as idle:
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server, not by our own timeout
        assert time.monotonic() - started < 15


def test_connections_past_the_bound_are_told_to_retry(
    server: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.slots = preview.threading.BoundedSemaphore(2)
    held = [socket.create_connection(server.server_address[:2], timeout=10) for _ in range(2)]
    try:
        deadline = time.monotonic() + 10
        while server.slots._value and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.05)  # until both are accepted, each holding a thread
        with socket.create_connection(server.server_address[:2], timeout=10) as third:
            third.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert third.recv(64).startswith(b"HTTP/1.1 503")
    finally:
        for conn in held:
            conn.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and get(server) != 200:  # slots come back
        time.sleep(0.1)
    assert get(server) == 200
