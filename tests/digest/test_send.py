"""Digests delivered to a real SMTP server on 127.0.0.1 and parsed back."""

import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner

from briefings.cli import cli
from briefings.digest import unsubscribe_token
from briefings.digest.deliver import SentLog
from tests.conftest import write
from tests.digest.conftest import digest_project
from tests.digest.smtp import Recorder, free_port, login, smtp_server

RECIPIENTS = ["ann@example.org", "bo@example.net", "cy@example.com"]


def send(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", "digest", "-C", str(project), *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})},
    )  # fmt: skip


def to_args(addresses: list[str]) -> list[str]:
    return [x for a in addresses for x in ("--to", a)]


def parts(message: EmailMessage) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    return plain.get_content(), html.get_content()


def test_one_message_per_recipient_with_every_header(example: Path, secret: str) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        result = send(project, "--send", *to_args(RECIPIENTS))
    assert result.returncode == 0, result.stderr
    assert "Sent 3, skipped 0 (already sent), failed 0" in result.stdout
    assert sorted(recorder.to()) == sorted(RECIPIENTS)
    ids = set()
    for message in recorder.accepted:
        to = str(message["To"])
        assert str(message["From"]) == "The Desk <desk@example.org>"
        assert str(message["Reply-To"]) == "editor@example.org"
        assert str(message["Subject"]) == "A drone factory on the Volga"
        assert (
            message["Date"] and message["List-Id"] == "The Drone Desk <the-drone-desk.brief.test>"
        )
        ids.add(str(message["Message-ID"]))
        unsubscribe = str(message["List-Unsubscribe"])
        token = unsubscribe_token(secret, "the-drone-desk.brief.test", to)
        assert (
            f"https://example.org/unsubscribe?list=the-drone-desk.brief.test&t={token}"
            in unsubscribe
        )
        assert (
            "mailto:unsubscribe@example.org" in unsubscribe and to not in unsubscribe
        )  # no bare address
        assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        text, html = parts(message)
        assert "<script" not in html.lower() and "<form" not in html.lower()
        for link in re.findall(r'href="([^"]+)"', html):
            assert link.startswith(("https://", "http://", "mailto:")), link
        assert "https://brief.test/editions/2025-04-14/" in html  # view in browser
        assert "Read more: https://brief.test/articles/" in text
        assert len(message.as_bytes()) < 102 * 1024
    assert len(ids) == 3


def test_a_451_is_retried_and_delivered_once(example: Path) -> None:
    recorder = Recorder(reply=lambda to, n: "451 4.3.0 try again later" if n == 1 else None)
    with smtp_server(recorder) as port:
        result = send(digest_project(example, port), "--send", "--to", "ann@example.org")
    assert result.returncode == 0, result.stderr
    assert "retry" in result.stdout
    assert recorder.to() == ["ann@example.org"] and recorder.attempts == 2


def test_server_down_then_up(example: Path) -> None:
    port = free_port()
    project = digest_project(example, port, retries="6", retry_base_seconds="0.2")
    recorder = Recorder()
    holder = {}

    def start_later() -> None:
        time.sleep(0.6)
        holder["server"] = smtp_server(recorder, port)
        holder["server"].__enter__()

    starter = threading.Thread(target=start_later)
    starter.start()
    try:
        result = send(project, "--send", "--to", "ann@example.org")
    finally:
        starter.join()
        holder["server"].__exit__(None, None, None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert recorder.to() == ["ann@example.org"]


def test_killed_halfway_and_resumed_sends_each_exactly_once(example: Path) -> None:
    addresses = [f"reader{n}@example.org" for n in range(8)]
    write(
        example / "list.csv",
        "email,name\n" + "".join(f"{a},Reader {n}\n" for n, a in enumerate(addresses)),
    )
    victim: dict[str, subprocess.Popen] = {}

    def crash_on_fourth(to: str, attempt: int) -> str | None:
        if attempt == 4 and "proc" in victim:
            os.kill(victim["proc"].pid, signal.SIGKILL)  # the sender dies mid-transaction
            return "451 connection lost"
        return None

    recorder = Recorder(reply=crash_on_fourth)
    with smtp_server(recorder) as port:
        project = digest_project(example, port)
        command = [
            sys.executable,
            "-m",
            "briefings",
            "digest",
            "-C",
            str(project),
            "--send",
            "--list",
            str(example / "list.csv"),
        ]
        victim["proc"] = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        victim["proc"].communicate(timeout=60)
        assert victim["proc"].returncode == -signal.SIGKILL
        assert len(recorder.accepted) == 3
        del victim["proc"]
        resumed = send(project, "--send", "--list", str(example / "list.csv"))
        # The fourth was being sent when the sender died: whether the server kept it, nothing
        # here can know. It is not sent again unless asked.
        assert "Sent 4, skipped 3 (already sent), failed 0, unknown 1" in resumed.stdout
        assert resumed.returncode == 1
        again = send(project, "--send", "--list", str(example / "list.csv"), "--retry-unknown")
    assert "Sent 1, skipped 7 (already sent), failed 0" in again.stdout, again.stderr
    assert again.returncode == 0
    assert sorted(str(m["To"]).split("<")[1].rstrip(">") for m in recorder.accepted) == sorted(
        addresses
    )


def test_permanent_failure_is_reported_and_the_rest_delivered(example: Path) -> None:
    recorder = Recorder(
        reply=lambda to, n: "550 5.1.1 no such mailbox" if to.startswith("bo@") else None
    )
    with smtp_server(recorder) as port:
        result = send(digest_project(example, port), "--send", *to_args(RECIPIENTS))
    assert result.returncode == 1
    assert "failed   bo@example.net: 550 5.1.1 no such mailbox" in result.stdout
    assert "Sent 2, skipped 0 (already sent), failed 1" in result.stdout
    assert recorder.attempts == 3  # a 5xx is not retried


def test_repeated_errors_pause_the_run(example: Path) -> None:
    recorder = Recorder(reply=lambda to, n: "554 5.7.1 rejected")
    with smtp_server(recorder) as port:
        project = digest_project(example, port, max_consecutive_errors="2")
        result = send(project, "--send", *to_args(RECIPIENTS))
    assert result.returncode == 1 and "paused after repeated errors" in result.stdout
    assert recorder.attempts == 2


def test_hostile_title_and_body_never_reach_headers_or_html(example: Path) -> None:
    write(
        example / "content/editions/2025-04-15.md",
        '---\ntitle: "Breaking\\r\\nBcc: victim@evil.example =?UTF-8?Q?=0ABcc:_x@evil.example?="\ndate: 2025-04-15\n'
        "sections:\n  - items: [evil]\n---\nIntro <script>alert(1)</script>\n",
    )
    write(
        example / "content/articles/evil.md",
        '---\ntitle: Evil\ndate: 2025-04-15\nsource: X\n---\n<script>alert(2)</script><a href="javascript:alert(3)">x</a> <img src=x onerror=alert(4)>\n',
    )
    recorder = Recorder()
    with smtp_server(recorder) as port:
        result = send(
            digest_project(example, port), "2025-04-15", "--send", "--to", "ann@example.org"
        )
    assert result.returncode == 0, result.stderr
    (message,) = recorder.accepted
    assert message["Bcc"] is None
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    assert str(message["Subject"]).startswith("Breaking Bcc: victim@evil.example")
    _, html = parts(message)
    lowered = html.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and "onerror" not in lowered


def test_dry_run_sends_nothing(example: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        result = send(digest_project(example, port), "--dry-run", *to_args(RECIPIENTS))
    assert result.returncode == 0 and "Would send to 3 of 3 recipients" in result.stdout
    assert recorder.attempts == 0


def test_password_comes_only_from_the_environment(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = digest_project(example, free_port(), username='"desk"')
    monkeypatch.delenv("BRIEFINGS_SMTP_PASSWORD", raising=False)
    result = CliRunner().invoke(
        cli, ["digest", "-C", str(project), "--send", "--to", "ann@example.org"]
    )
    assert result.exit_code == 1 and "BRIEFINGS_SMTP_PASSWORD is not" in result.output
    write(
        project / "briefings.toml", (project / "briefings.toml").read_text() + 'password = "oops"\n'
    )
    result = CliRunner().invoke(
        cli, ["digest", "-C", str(project), "--send", "--to", "ann@example.org"]
    )
    assert result.exit_code == 1 and "unknown key 'smtp.password'" in result.output


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    """A certificate authority of the tests' own, which the sender is told to trust."""
    return trustme.CA()


def server_tls(authority: trustme.CA, host: str = "127.0.0.1") -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(host).configure_cert(context)
    return context


def trusting(authority: trustme.CA, folder: Path) -> dict[str, str]:
    """The environment in which the sender's default TLS context trusts AUTHORITY (only)."""
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    return {"SSL_CERT_FILE": str(folder / "ca.pem"), "SSL_CERT_DIR": str(folder)}


def test_starttls_delivers_and_logs_in_only_once_encrypted(
    example: Path, authority: trustme.CA, tmp_path: Path
) -> None:
    recorder = Recorder()
    tls = server_tls(authority)
    with smtp_server(recorder, starttls=tls, authenticator=login("desk", "pa55")) as port:
        project = digest_project(example, port, security='"starttls"', username='"desk"')
        env = trusting(authority, tmp_path) | {"BRIEFINGS_SMTP_PASSWORD": "pa55"}
        result = send(project, "--send", *to_args(RECIPIENTS[:2]), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert recorder.to() == RECIPIENTS[:2]
    assert recorder.sessions == [(True, b"desk")] * 2  # over TLS, logged in


def test_a_certificate_for_another_host_is_refused(
    example: Path, authority: trustme.CA, tmp_path: Path
) -> None:
    recorder = Recorder()
    with smtp_server(recorder, starttls=server_tls(authority, "mail.example.org")) as port:
        project = digest_project(example, port, security='"starttls"', retries="1")
        result = send(
            project, "--send", "--to", "ann@example.org", env=trusting(authority, tmp_path)
        )
    assert result.returncode == 1 and recorder.accepted == []
    output = result.stdout + result.stderr
    assert "certificate this machine does not trust" in output and "127.0.0.1" in output
    assert "retry" not in output  # a certificate does not change between tries


def test_sending_keeps_to_the_rate_limit(example: Path) -> None:
    recorder = Recorder()
    with smtp_server(recorder) as port:
        project = digest_project(example, port, rate_per_minute="300")  # one each 0.2 s
        result = send(project, "--send", *to_args(RECIPIENTS))
    assert result.returncode == 0, result.stdout + result.stderr
    # Paced from the start of each send (each message is made, then its transaction begins):
    # three starts span 0.4 s, less what making the first took beyond the last. (Not the gap
    # between two messages accepted: on a loaded machine one that took long to send is
    # followed at once by the next, as it should be.)
    assert len(recorder.starts) == 3
    assert recorder.starts[-1] - recorder.starts[0] >= 0.25  # unpaced: a few ms


def test_a_send_log_line_nested_past_the_stack_says_nothing(tmp_path: Path) -> None:
    log = write(
        tmp_path / "sent.jsonl", '{"to": "a@example.org", "status": "sent"}\n' + "[" * 100_000
    )
    assert SentLog(log).sent() == {"a@example.org"}
