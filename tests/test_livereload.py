"""`briefings serve` end to end: real HTTP, real file edits, headless Chromium reloading by itself."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write
from tests.test_serve import free_port

ARTICLE = (
    "content/articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and.md"
)
URL_PATH = "articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and/"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def eventually(check, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def served(example: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefings", "serve", "-C", str(example), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        eventually(lambda: "drone factory" in get(url))
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("serve did not stop on SIGINT")
        assert proc.returncode == 0


def test_served_pages_carry_the_reload_script_but_files_do_not(served: str, example: Path) -> None:
    page = get(served + URL_PATH)
    assert "EventSource" in page and "/__briefings/events" in page
    assert "EventSource" not in (example / "site" / URL_PATH / "index.html").read_text()
    with urllib.request.urlopen(served + "__briefings/events", timeout=5) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.readline() == b"event: state\n"
        assert b'"error": null' in stream.readline()


def test_an_edit_is_served_without_restarting(served: str, example: Path) -> None:
    article = example / ARTICLE
    article.write_text(
        article.read_text().replace("hundreds of drones", "hundreds of freshly edited drones")
    )
    eventually(lambda: "freshly edited" in get(served + URL_PATH))


def test_open_page_reloads_and_shows_errors_in_an_overlay(
    chromium, served: str, example: Path
) -> None:
    page = chromium.new_page()
    page.goto(served + URL_PATH)
    page.wait_for_function("document.readyState === 'complete'")
    time.sleep(0.3)  # the event stream connects
    article = example / ARTICLE
    article.write_text(article.read_text().replace("hundreds of drones", "hundreds of LIVE drones"))
    page.wait_for_function(
        "document.body.innerText.includes('hundreds of LIVE drones')", timeout=15_000
    )

    write(
        example / "templates/article.html",
        "{% extends 'base.html' %}{% block main %}{{ oops( }}{% endblock %}\n",
    )
    overlay = page.locator("#briefings-overlay")
    overlay.wait_for(timeout=15_000)
    assert "templates/article.html:1" in overlay.inner_text()
    assert "hundreds of LIVE drones" in get(served + URL_PATH)  # the last good page is still served

    (example / "templates/article.html").unlink()
    page.wait_for_function("!document.getElementById('briefings-overlay')", timeout=15_000)
    assert "hundreds of LIVE drones" in page.inner_text("main")
    page.close()


@pytest.fixture
def broken(example: Path) -> Path:
    """An article broken before serving starts (made before `served` when asked first)."""
    return write(
        example / "content/articles/other.md", "---\ntitle: Other\ndate: 2025-02-31\n---\n"
    )


def test_articles_left_out_are_listed_at_the_foot_of_open_pages(
    chromium, broken: Path, served: str, example: Path
) -> None:
    page = chromium.new_page()
    page.goto(served + URL_PATH)
    bar = page.locator("#briefings-warning")
    bar.wait_for(timeout=15_000)
    assert "1 article(s) left out" in bar.inner_text()
    assert "content/articles/other.md:3: date: '2025-02-31' is not a valid date" in bar.inner_text()
    assert page.locator("#briefings-overlay").count() == 0  # the page itself is not in doubt
    # Another article's edit builds, and the bar stays (the broken one is still left out).
    article = example / ARTICLE
    article.write_text(article.read_text().replace("hundreds of drones", "hundreds of LIVE drones"))
    page.wait_for_function(
        "document.body.innerText.includes('hundreds of LIVE drones')", timeout=15_000
    )
    bar.wait_for(timeout=15_000)
    # Saved still broken, it is the file being edited: the build fails and says so on top.
    broken.write_text("---\ntitle: Other\ndate: 2025-02-30\n---\n")
    page.locator("#briefings-overlay").wait_for(timeout=15_000)
    assert "2025-02-30" in page.locator("#briefings-overlay").inner_text()
    broken.write_text("---\ntitle: Other\ndate: 2025-02-28\nsource: Wire\n---\nMended.\n")
    page.wait_for_function(
        "!document.getElementById('briefings-warning') && !document.getElementById('briefings-overlay')",
        timeout=15_000,
    )
    page.close()
