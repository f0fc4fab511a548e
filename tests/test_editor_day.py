"""An editor's whole day, as commands and a browser see it: init, ingest, list, new edition, a
note written, serve, check, publish to a bare repository, digest to an SMTP server."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import frontmatter
import yaml

from tests.conftest import FIXTURES
from tests.digest.smtp import Recorder, free_port, smtp_server
from tests.test_publish import GIT_ENV, git

SEEDS = FIXTURES / "seeds"
NOTE = "Two outlets, one briefing: read the intelligence and the denial side by side."


def briefings(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **GIT_ENV},
    )


def settings(root: Path, smtp_port: int) -> None:
    """What an editor sets after init: the site's address, who mails it, through which server."""
    config = root / "briefings.toml"
    text = config.read_text().replace(
        'base_url = "https://briefing.example.org/"', 'base_url = "https://brief.test/"'
    )
    config.write_text(
        text
        + '\n[digest]\nfrom_address = "desk@brief.test"\nunsubscribe_mailto = "off@brief.test"\n'
        + f'\n[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
    )


def test_an_editors_day(chromium, tmp_path: Path) -> None:
    root = tmp_path / "desk"
    made = briefings(tmp_path, "init", "desk")
    assert made.returncode == 0, made.stderr
    (root / "content/articles/welcome.md").unlink()  # the editor's first real day
    recorder = Recorder()
    with smtp_server(recorder) as smtp_port:
        settings(root, smtp_port)

        # Ingest: two outlets' pages on one story.
        inbox = root / "inbox"
        inbox.mkdir()
        for seed in SEEDS.iterdir():
            (inbox / seed.name).write_bytes(seed.read_bytes())
        ingested = briefings(root, "ingest", "inbox", "--date", "2025-04-14")
        assert ingested.returncode == 0, ingested.stderr
        assert "2 written" in ingested.stdout

        # List: both wait for an edition, in one story of two outlets.
        listed = briefings(root, "list", "--unassigned")
        assert "2 articles, 2 in no edition" in listed.stdout
        assert "(2)" in listed.stdout  # the story, with its number of outlets

        # New edition: one section for the story; the editor writes its note.
        drafted = briefings(root, "new", "edition", "2025-04-15")
        assert drafted.returncode == 0, drafted.stderr
        assert "1 section(s) holding 2 article(s)" in drafted.stdout
        path = root / "content/editions/2025-04-15.md"
        edition = frontmatter.load(path)
        edition["title"] = "The drone plant"
        edition["sections"][0]["note"] = NOTE
        edition.content = "Washington and Erbil on one announcement."
        path.write_text(frontmatter.dumps(edition, Dumper=yaml.SafeDumper) + "\n")
        assert "0 in no edition" in briefings(root, "list", "--unassigned").stdout

        # Serve: the edition reads in a browser, note and all, on a phone too.
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "briefings", "serve", "--port", str(port)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}/editions/2025-04-15/"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(url, timeout=2).close()
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert server.poll() is None, server.stderr.read() if server.stderr else ""
                    assert time.monotonic() < deadline, "serve did not come up"
                    time.sleep(0.2)
            page = chromium.new_page(viewport={"width": 375, "height": 800})
            page.goto(url)
            assert page.locator("h1").inner_text() == "The drone plant"
            assert NOTE in page.inner_text("main")
            assert page.locator(".entry-title").count() == 1  # the fuller report...
            assert "Also covered by" in page.inner_text("main")  # ...the other folded under it
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.communicate(timeout=20)

        # Check: nothing wrong, nothing left to do.
        checked = briefings(root, "check")
        assert checked.returncode == 0, checked.stdout + checked.stderr

        # Publish: to a bare repository, as GitHub Pages would get it.
        bare = tmp_path / "remote.git"
        git(tmp_path, "init", "--quiet", "--bare", str(bare))
        git(root, "init", "--quiet", "-b", "main")
        git(root, "add", ".")
        git(root, "commit", "--quiet", "-m", "The drone plant")
        git(root, "remote", "add", "origin", str(bare))
        published = briefings(root, "publish")
        assert published.returncode == 0, published.stderr
        shown = git(bare, "show", "gh-pages:editions/2025-04-15/index.html")
        assert NOTE in shown

        # Digest: to each reader, once, with what the editor wrote.
        (root / "readers.csv").write_text("email,name\nann@example.org,Ann\nbob@example.org,Bob\n")
        sent = briefings(root, "digest", "2025-04-15", "--send", "--list", "readers.csv")
        assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sorted(recorder.to()) == ["Ann <ann@example.org>", "Bob <bob@example.org>"]
    message = recorder.accepted[0]
    text = " ".join(message.get_body(("plain",)).get_content().split())  # wrapped at 72
    html = " ".join(message.get_body(("html",)).get_content().split())
    assert NOTE in text and NOTE in html
    assert "Washington and Erbil on one announcement." in text
