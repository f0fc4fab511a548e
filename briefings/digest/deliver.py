"""SMTP delivery: one message per recipient, retries for temporary failures, and a sent log
that makes a re-run after a crash send only to those not yet sent."""

from __future__ import annotations

import csv
import ipaddress
import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from briefings.config import Smtp
from briefings.digest.message import check_address
from briefings.errors import BriefingsError, Problem, ProblemsError

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
    """Append-only JSON lines in the project's state folder, flushed to disk after every send."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def sent(self) -> set[str]:
        if not self.path.exists():
            return set()
        done = set()
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash: that send is not confirmed
            if entry.get("status") == "sent":
                done.add(entry["to"].lower())
        return done

    def record(self, to: str, status: str, detail: str = "") -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "to": to,
            "status": status,
            "detail": detail,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")
            log.flush()
            os.fsync(log.fileno())


@dataclass
class Report:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sent by an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)
    paused: bool = False

    def summary(self) -> str:
        text = f"Sent {len(self.sent)}, skipped {len(self.skipped)} (already sent), failed {len(self.failed)}"
        return text + (" — paused after repeated errors; re-run to continue" if self.paused else "")


class _Temporary(Exception):
    """A failure worth another try: 4xx replies, dropped connections, time-outs."""


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
        try:
            self.open().send_message(message, from_addr=sender, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = exc.recipients.get(to, (550, b"refused"))
            self._fail(code, reply)
        except smtplib.SMTPResponseException as exc:
            self.close()
            self._fail(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError) as exc:
            self.close()
            raise _Temporary(f"connection: {exc}") from exc

    @staticmethod
    def _fail(code: int, reply: bytes | str) -> None:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        if 400 <= code < 500:
            raise _Temporary(f"{code} {text}")
        raise smtplib.SMTPException(f"{code} {text}")


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
) -> Report:
    """Send each message once; skip recipients the log says were sent; pause after
    smtp.max_consecutive_errors failures in a row."""
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if smtp.username and not password:
        raise BriefingsError(
            f"smtp.username is set but {PASSWORD_VARIABLE} is not", hint="export it before sending"
        )
    report, done = Report(), log_file.sent()
    connection = Connection(smtp, password)
    interval = 60.0 / smtp.rate_per_minute if smtp.rate_per_minute > 0 else 0.0
    consecutive, last_send = 0, 0.0
    try:
        for recipient, build in messages:
            if recipient.address.lower() in done:
                report.skipped.append(recipient.address)
                continue
            if interval:
                sleep(max(0.0, last_send + interval - time.monotonic()))
            last_send = time.monotonic()
            error = _send_with_retries(
                connection, build(), sender, recipient.address, smtp, sleep, echo
            )
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
