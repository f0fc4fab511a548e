"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it accepts and can misbehave."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    # aiosmtpd does not accept port 0: find a free port first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


STORE_THEN_DROP = "store, then drop the connection"


@dataclass
class Recorder:
    """Accepts mail, unless REPLY (called with the recipient and the attempt number) answers first."""

    reply: Callable[[str, int], str | None] = lambda _to, _n: None
    accepted: list[EmailMessage] = field(default_factory=list)
    attempts: int = 0
    times: list[float] = field(default_factory=list)  # when each was accepted (monotonic)
    starts: list[float] = field(default_factory=list)  # when each transaction began (MAIL FROM)
    sessions: list[tuple[bool, object]] = field(default_factory=list)  # (over TLS?, login)

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        self.starts.append(time.monotonic())
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls this
        self.attempts += 1
        answer = self.reply(envelope.rcpt_tos[0], self.attempts)
        if answer == STORE_THEN_DROP:  # kept, then the connection lost before the reply
            self.accepted.append(
                message_from_bytes(envelope.original_content, policy=policy.default)
            )
            server.transport.abort()
            return "250 OK"
        if answer:
            return answer
        self.accepted.append(message_from_bytes(envelope.original_content, policy=policy.default))
        self.times.append(time.monotonic())
        self.sessions.append((session.ssl is not None, session.auth_data))
        return "250 OK"

    def to(self) -> list[str]:
        return [str(m["To"]) for m in self.accepted]


def login(username: str, password: str) -> Callable:
    """An aiosmtpd authenticator accepting USERNAME with PASSWORD only."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server, session, envelope, mechanism, data) -> AuthResult:  # type: ignore[no-untyped-def]
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            username.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, auth_data=data.login if ok else None)

    return check


@contextmanager
def smtp_server(
    recorder: Recorder,
    port: int | None = None,
    starttls: ssl.SSLContext | None = None,
    authenticator: Callable | None = None,
) -> Iterator[int]:
    """A server on 127.0.0.1; with STARTTLS, one that refuses mail (and logins) before it."""
    port = port or free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        tls_context=starttls,
        require_starttls=starttls is not None,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
