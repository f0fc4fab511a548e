"""SMTP delivery: one message per recipient, retries for temporary failures, and a sent log
that makes a re-run after a crash send only to those not yet sent.

Exactly once, as far as SMTP allows: one sender per edition at a time (a lock); the log gets a
record that a message is being sent, fsynced before its DATA, and one that it was sent (or
failed), fsynced after. SMTP cannot tell whether a message whose connection dropped after
DATA was stored: such a recipient is "unknown", said in the summary, and sent to again only
with --retry-unknown. A record cut short by a crash is ignored."""

from __future__ import annotations

import csv
import fcntl
import io
import ipaddress
import json
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.message import EmailMessage
from pathlib import Path

from briefings.config import Smtp
from briefings.digest.message import check_address
from briefings.errors import BriefingsError, Problem, ProblemsError
from briefings.runtime.progress import Progress

PASSWORD_VARIABLE = "BRIEFINGS_SMTP_PASSWORD"


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""


def read_list(path: Path) -> list[Recipient]:
    """Recipients from a CSV file (email, name; a header row is optional). Bad rows are errors
    with their line; repeated addresses are kept once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BriefingsError(f"cannot read the list: {exc}", path=path) from exc
    recipients, problems, seen = [], [], set()
    for line, row in enumerate(csv.reader(text.splitlines()), 1):
        if (
            not row
            or not row[0].strip()
            or row[0].strip().lower() in ("email", "e-mail", "address")
        ):
            continue
        try:
            address = check_address(row[0])
        except BriefingsError as exc:
            problems.append(Problem(exc.problem.message, path=str(path), line=line))
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(Recipient(address, row[1].strip() if len(row) > 1 else ""))
    if problems:
        raise ProblemsError(problems, summary="the recipient list has problems")
    return recipients


class SentLog:
    """Append-only JSON lines in the project's state folder, each fsynced as it is written:
    per recipient "sending" (before DATA), then "sent", "failed" or "unknown"."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def states(self) -> dict[str, str]:
        """Each recipient's last state (lower-cased address). "sending" with nothing after it
        (the run died mid-send) reads as "unknown"."""
        if not self.path.exists():
            return {}
        last: dict[str, str] = {}
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                last[str(entry["to"]).lower()] = str(entry["status"])
            except (json.JSONDecodeError, KeyError, TypeError, RecursionError):
                continue  # a line cut short by a crash (or not ours) says nothing
        return {to: "unknown" if state == "sending" else state for to, state in last.items()}

    def sent(self) -> set[str]:
        return {to for to, state in self.states().items() if state == "sent"}

    def record(self, to: str, status: str, detail: str = "") -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "to": to,
            "status": status,
            "detail": detail,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self.path.open("ab") as log:
            # A crash may have cut the last line short: start on a line of our own.
            if log.tell() and not self._ends_with_newline():
                log.write(b"\n")
            log.write((json.dumps(entry) + "\n").encode())
            log.flush()
            os.fsync(log.fileno())

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as log:
            log.seek(-1, os.SEEK_END)
            return log.read(1) == b"\n"

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Held while sending this edition: a second sender stops at once with the reason."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise BriefingsError(
                    f"this edition is being sent already (by {holder})",
                    path=self.path,
                    hint="wait for that run to finish; two runs at once would mail readers twice",
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sent by an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # perhaps delivered: not sent again
    paused: bool = False

    def summary(self) -> str:
        text = f"Sent {len(self.sent)}, skipped {len(self.skipped)} (already sent), failed {len(self.failed)}"
        if self.unknown:
            text += (
                f", unknown {len(self.unknown)} (the connection dropped after the message was"
                " handed over: it may have been delivered; --retry-unknown sends to them again)"
            )
        return text + (" — paused after repeated errors; re-run to continue" if self.paused else "")


class _Temporary(Exception):
    """A failure worth another try: 4xx replies, dropped connections, time-outs."""


class _Unknown(Exception):
    """The connection failed once the message was handed over: it may have been stored."""


class Connection:
    """An SMTP session opened on first use and again after a failure."""

    def __init__(self, smtp: Smtp, password: str) -> None:
        self.smtp = smtp
        self.password = password
        self.client: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.client is not None:
            return self.client
        s = self.smtp
        context = ssl.create_default_context()  # verifies certificates and host names
        try:
            if s.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=context
                )
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    client.starttls(context=context)
        except ssl.SSLCertVerificationError as exc:  # not worth a retry: it will not change
            raise BriefingsError(
                f"the SMTP server {s.host}:{s.port} shows a certificate this machine does not "
                f"trust: {exc.verify_message}",
                hint="set smtp.host to the name on the server's certificate; for one signed by "
                "a private authority, point SSL_CERT_FILE at that authority's certificate",
            ) from exc
        if s.username:
            if s.security == "none" and not _is_loopback(s.host):
                client.close()
                raise BriefingsError(
                    "refusing to send the SMTP password without TLS",
                    hint="set smtp.security to starttls or tls",
                )
            client.login(s.username, self.password)
        self.client = client
        return client

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()
            self.client = None

    def send(self, message: EmailMessage, sender: str, to: str) -> None:
        """MAIL, RCPT and DATA by hand, so that a failure before the message is handed over
        (safe to retry) is told from one after it (_Unknown)."""
        try:
            client = self.open()
            client.ehlo_or_helo_if_needed()
            for code, reply in (client.mail(sender), client.rcpt(to)):
                if code not in (250, 251):
                    client.rset()
                    self._fail(code, reply)
            code, reply = client.docmd("DATA")
            if code != 354:
                self._fail(code, reply)
        except smtplib.SMTPResponseException as exc:
            self.close()
            self._fail(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError) as exc:
            self.close()
            raise _Temporary(f"connection: {exc}") from exc
        try:  # from here on the server may store the message whatever happens to us
            client.send(_data(message))
            code, reply = client.getreply()
        except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError) as exc:
            self.close()
            raise _Unknown(f"connection lost after the message was handed over: {exc}") from exc
        if code != 250:
            self._fail(code, reply)

    @staticmethod
    def _fail(code: int, reply: bytes | str) -> None:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        if 400 <= code < 500:
            raise _Temporary(f"{code} {text}")
        raise smtplib.SMTPException(f"{code} {text}")


def _data(message: EmailMessage) -> bytes:
    """MESSAGE as DATA sends it: CRLF line ends, leading dots doubled, ended by a lone dot."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=message.policy.clone(linesep="\r\n")).flatten(message)
    data = re.sub(rb"(?m)^\.", b"..", buffer.getvalue())
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def deliver(
    messages: Iterable[tuple[Recipient, Callable[[], EmailMessage]]],
    smtp: Smtp,
    sender: str,
    log_file: SentLog,
    *,
    echo: Callable[[str], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
    retry_unknown: bool = False,
) -> Report:
    """Send each message once; skip recipients the log says were sent (or may have been:
    unknown, unless RETRY_UNKNOWN); pause after smtp.max_consecutive_errors failures in a
    row. One run at a time per log (SentLog.lock)."""
    if not smtp.host:
        raise BriefingsError(
            "no SMTP server to send through: briefings.toml has no smtp.host",
            hint='add [smtp] with host = "smtp.example.org" (and port, security, username)',
        )
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if smtp.username and not password:
        raise BriefingsError(
            f"smtp.username is set but {PASSWORD_VARIABLE} is not", hint="export it before sending"
        )
    with log_file.lock():
        return _deliver(messages, smtp, sender, log_file, password, echo, sleep, retry_unknown)


def _deliver(
    messages: Iterable[tuple[Recipient, Callable[[], EmailMessage]]],
    smtp: Smtp,
    sender: str,
    log_file: SentLog,
    password: str,
    echo: Callable[[str], None],
    sleep: Callable[[float], None],
    retry_unknown: bool,
) -> Report:
    report, states = Report(), log_file.states()
    connection = Connection(smtp, password)
    interval = 60.0 / smtp.rate_per_minute if smtp.rate_per_minute > 0 else 0.0
    consecutive, last_send = 0, 0.0
    steps = Progress(echo, "Readers done", 0)
    try:
        for done, (recipient, build) in enumerate(messages):
            steps.step(done)
            state = states.get(recipient.address.lower())
            if state == "sent":
                report.skipped.append(recipient.address)
                continue
            if state == "unknown" and not retry_unknown:
                report.unknown.append(recipient.address)
                continue
            if interval:
                sleep(max(0.0, last_send + interval - time.monotonic()))
            last_send = time.monotonic()
            log_file.record(recipient.address, "sending")
            try:
                error = _send_with_retries(
                    connection, build(), sender, recipient.address, smtp, sleep, echo
                )
            except _Unknown as exc:
                log_file.record(recipient.address, "unknown", str(exc))
                report.unknown.append(recipient.address)
                echo(f"  unknown  {recipient.address}: {exc}")
                continue
            if error is None:
                log_file.record(recipient.address, "sent")
                report.sent.append(recipient.address)
                consecutive = 0
                continue
            log_file.record(recipient.address, "failed", error)
            report.failed.append((recipient.address, error))
            echo(f"  failed   {recipient.address}: {error}")
            consecutive += 1
            if consecutive >= smtp.max_consecutive_errors:
                report.paused = True
                break
    finally:
        connection.close()
    return report


def _send_with_retries(
    connection: Connection,
    message: EmailMessage,
    sender: str,
    to: str,
    smtp: Smtp,
    sleep: Callable[[float], None],
    echo: Callable[[str], None],
) -> str | None:
    """None once delivered, else why not."""
    for attempt in range(smtp.retries + 1):
        try:
            connection.send(message, sender, to)
            return None
        except _Temporary as exc:
            if attempt == smtp.retries:
                return f"gave up after {attempt + 1} tries: {exc}"
            delay = smtp.retry_base_seconds * 2**attempt
            echo(f"  retry    {to} in {delay:g} s ({exc})")
            sleep(delay)
        except smtplib.SMTPException as exc:
            return str(exc)  # permanent: retrying will not help
    return "not sent"
