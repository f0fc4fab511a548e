"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records what it accepts and can misbehave."""

from __future__ import annotations

import socket
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


@dataclass
class Recorder:
    """Accepts mail, unless REPLY (called with the recipient and the attempt number) answers first."""

    reply: Callable[[str, int], str | None] = lambda _to, _n: None
    accepted: list[EmailMessage] = field(default_factory=list)
    attempts: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls this
        self.attempts += 1
        answer = self.reply(envelope.rcpt_tos[0], self.attempts)
        if answer:
            return answer
        self.accepted.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def to(self) -> list[str]:
        return [str(m["To"]) for m in self.accepted]


@contextmanager
def smtp_server(recorder: Recorder, port: int | None = None) -> Iterator[int]:
    port = port or free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
